import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia, setViewport } from '@web/test-runner-commands';
import '../../../src/components/sb-call-grid.js';
import type { SbCallGrid } from '../../../src/components/sb-call-grid.js';
import type { SbCallCard } from '../../../src/components/sb-call-card.js';
import { button, hasButton, makeCall, text } from './helpers.js';

function cards(el: SbCallGrid): SbCallCard[] {
  return [...el.shadowRoot!.querySelectorAll('sb-call-card')];
}

function columns(el: SbCallGrid): number {
  const grid = el.shadowRoot!.querySelector('.grid')!;
  return getComputedStyle(grid).gridTemplateColumns.split(' ').length;
}

const THREE = [
  makeCall({ id: 'a', status: 'incoming', direction: 'incoming', remote: { name: 'Carol', number: '1003' } }),
  makeCall({ id: 'b', status: 'connected' }),
  makeCall({ id: 'c', status: 'held', remote: { name: 'Dan', number: '1004' } }),
];

describe('sb-call-grid', () => {
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
    await emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
  });

  it('shows "No calls" and "New Call" when empty', async () => {
    const el = await fixture<SbCallGrid>(html`<sb-call-grid></sb-call-grid>`);
    expect(text(el)).to.contain('No calls');
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.equal('No calls');
    setTimeout(() => button(el, 'New Call').click());
    const e = await oneEvent(el, 'sb-new-call');
    expect(e.type).to.equal('sb-new-call');
    await expect(el).to.be.accessible();
  });

  it('renders one card per call, in order, with active and dialpad state', async () => {
    const el = await fixture<SbCallGrid>(
      html`<sb-call-grid .calls=${THREE} active-id="b" .dialpadIds=${['b']}></sb-call-grid>`,
    );
    expect(hasButton(el, 'New Call')).to.be.false;
    const cs = cards(el);
    expect(cs.map((c) => c.call!.id)).to.deep.equal(['a', 'b', 'c']);
    expect(cs.map((c) => c.active)).to.deep.equal([false, true, false]);
    expect(cs.map((c) => c.showDialpad)).to.deep.equal([false, true, false]);
    await expect(el).to.be.accessible();
  });

  it('keeps each card element across updates (keyed by call id)', async () => {
    const el = await fixture<SbCallGrid>(html`<sb-call-grid .calls=${THREE}></sb-call-grid>`);
    const before = cards(el);
    el.calls = [THREE[2]!, { ...THREE[1]!, muted: true }];
    await el.updateComplete;
    const after = cards(el);
    expect(after[0]).to.equal(before[2]);
    expect(after[1]).to.equal(before[1]);
    expect(after[1]!.call!.muted).to.be.true;
  });

  it('card actions bubble out of the grid', async () => {
    const el = await fixture<SbCallGrid>(html`<sb-call-grid .calls=${THREE}></sb-call-grid>`);
    setTimeout(() => button(cards(el)[0]!, 'Answer').click());
    const e = await oneEvent(el, 'sb-call-action');
    expect(e.detail).to.deep.equal({ callId: 'a', action: 'answer' });
  });

  it('slotted cards count as content: no empty state', async () => {
    const el = await fixture<SbCallGrid>(html`<sb-call-grid><div>conversation</div></sb-call-grid>`);
    await el.updateComplete;
    expect(hasButton(el, 'New Call')).to.be.false;
  });

  it('one column at 360 px, three on a wide screen', async () => {
    await setViewport({ width: 360, height: 740 });
    const el = await fixture<SbCallGrid>(html`<sb-call-grid .calls=${THREE}></sb-call-grid>`);
    expect(columns(el)).to.equal(1);
    await setViewport({ width: 1280, height: 800 });
    expect(columns(el)).to.equal(3);
    await setViewport({ width: 800, height: 600 });
    expect(columns(el)).to.equal(2);
    await setViewport({ width: 2400, height: 1000 });
    expect(columns(el)).to.equal(3);
  });

  it('is accessible in dark mode', async () => {
    await emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    const empty = await fixture<SbCallGrid>(html`<sb-call-grid></sb-call-grid>`);
    await expect(empty).to.be.accessible();
    const full = await fixture<SbCallGrid>(html`<sb-call-grid .calls=${THREE} active-id="b"></sb-call-grid>`);
    await expect(full).to.be.accessible();
  });
});
