import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../../src/components/sb-hidden-calls.js';
import type { SbHiddenCalls } from '../../../src/components/sb-hidden-calls.js';
import type { CallSnapshot } from '../../../src/phone/types.js';
import { accessibleName, button, buttonNames, makeCall, roleOf, XSS } from './helpers.js';

const CALLS = [
  makeCall({ id: 'h1', status: 'held' }),
  makeCall({ id: 'h2', remote: { name: 'Carol Chen', number: '1003' } }),
  makeCall({ id: 'h3', remote: { name: '', number: '+15550100' }, remoteHeld: true }),
];

async function bar(calls: CallSnapshot[] = CALLS, attention: string[] = []): Promise<SbHiddenCalls> {
  return fixture<SbHiddenCalls>(html`<sb-hidden-calls .calls=${calls} .attention=${attention}></sb-hidden-calls>`);
}

function chip(el: SbHiddenCalls, name: string): HTMLButtonElement {
  return button(el, name);
}

describe('sb-hidden-calls', () => {
  afterEach(() => emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' }));

  it('renders nothing without hidden calls', async () => {
    const el = await bar([]);
    expect(el.shadowRoot!.children.length).to.equal(0);
    expect(el.getBoundingClientRect().height).to.equal(0);
  });

  it('a region "Hidden calls" with a chip per call, named "Show call with <name>"', async () => {
    const el = await bar();
    const region = el.shadowRoot!.querySelector('section')!;
    expect(roleOf(region)).to.equal('region');
    expect(accessibleName(region)).to.equal('Hidden calls');
    expect(buttonNames(el)).to.deep.equal(['Show call with Bob Baker', 'Show call with Carol Chen', 'Show call with +15550100']);
    await expect(el).to.be.accessible();
  });

  it('each chip shows the name and the state (the state is its description)', async () => {
    const el = await bar();
    const states = [...el.shadowRoot!.querySelectorAll('.chip')].map((c) => [
      c.querySelector('.name')!.textContent,
      c.querySelector('.state')!.textContent,
    ]);
    expect(states).to.deep.equal([
      ['Bob Baker', 'On Hold'],
      ['Carol Chen', 'Connected'],
      ['+15550100', 'They put you on hold'],
    ]);
    const first = chip(el, 'Show call with Bob Baker');
    const described = el.shadowRoot!.getElementById(first.getAttribute('aria-describedby')!)!;
    expect(described.textContent).to.equal('On Hold');
  });

  it('a chip fires sb-unhide {callId}', async () => {
    const el = await bar();
    setTimeout(() => chip(el, 'Show call with Carol Chen').click());
    const e = await oneEvent(el, 'sb-unhide');
    expect(e.detail).to.deep.equal({ callId: 'h2' });
  });

  it('a call needing attention is highlighted and pulses, except with reduced motion', async () => {
    const el = await bar(CALLS, ['h3']);
    const needy = chip(el, 'Show call with +15550100');
    const calm = chip(el, 'Show call with Bob Baker');
    expect(needy.hasAttribute('data-attention')).to.be.true;
    expect(calm.hasAttribute('data-attention')).to.be.false;
    expect(getComputedStyle(needy).animationName).to.equal('attention');
    expect(getComputedStyle(calm).animationName).to.equal('none');
    expect(getComputedStyle(needy).backgroundColor).not.to.equal(getComputedStyle(calm).backgroundColor);
    const described = el.shadowRoot!.getElementById(needy.getAttribute('aria-describedby')!)!;
    expect(described.textContent).to.equal('They put you on hold, needs attention');
    await emulateMedia({ reducedMotion: 'reduce' });
    expect(getComputedStyle(needy).animationName).to.equal('none');
    expect(getComputedStyle(needy).backgroundColor).not.to.equal(getComputedStyle(calm).backgroundColor);
    await expect(el).to.be.accessible();
  });

  it('renders user text as text', async () => {
    const el = await bar([makeCall({ remote: { name: XSS, number: XSS } })]);
    expect(chip(el, `Show call with ${XSS}`)).to.exist;
    expect(el.shadowRoot!.querySelector('img')).to.be.null;
    expect((window as unknown as { __xss?: number }).__xss).to.be.undefined;
  });

  it('is accessible in dark mode', async () => {
    await emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    await expect(await bar(CALLS, ['h1'])).to.be.accessible();
  });
});
