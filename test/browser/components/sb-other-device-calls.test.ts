import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../../src/components/sb-other-device-calls.js';
import type { OtherDeviceCall, SbOtherDeviceCalls } from '../../../src/components/sb-other-device-calls.js';
import { accessibleName, button, buttonNames, roleOf, text, XSS } from './helpers.js';

const now = Date.now();
const CALLS: OtherDeviceCall[] = [
  { callId: 'o1', remote: { number: '1004', name: 'Dan Diaz' }, deviceLabel: 'Desk phone', since: now - 125_500 },
  { callId: 'o2', remote: { number: '+15550100', name: '' }, deviceLabel: 'Work laptop', since: now - 5_000 },
];

async function list(calls: OtherDeviceCall[] = CALLS): Promise<SbOtherDeviceCalls> {
  return fixture<SbOtherDeviceCalls>(html`<sb-other-device-calls .calls=${calls}></sb-other-device-calls>`);
}

describe('sb-other-device-calls', () => {
  afterEach(() => emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' }));

  it('renders nothing when there are none', async () => {
    const el = await list([]);
    expect(el.shadowRoot!.children.length).to.equal(0);
  });

  it('a region "Calls on your other devices" with who, where and how long', async () => {
    const el = await list();
    const region = el.shadowRoot!.querySelector('section')!;
    expect(roleOf(region)).to.equal('region');
    expect(accessibleName(region)).to.equal('Calls on your other devices');
    const rows = [...el.shadowRoot!.querySelectorAll('li')];
    expect(rows).to.have.length(2);
    expect(rows[0]!.querySelector('.name')!.textContent).to.equal('Dan Diaz');
    expect(text(el)).to.contain('Desk phone');
    expect(rows[1]!.querySelector('.name')!.textContent).to.equal('+15550100');
    const timer = rows[0]!.querySelector('sb-call-timer')!;
    await timer.updateComplete;
    expect(timer.shadowRoot!.textContent).to.contain('02:05');
    await expect(el).to.be.accessible();
  });

  it('"Pull call with <name> here" fires sb-pull-call {callId}', async () => {
    const el = await list();
    expect(buttonNames(el)).to.deep.equal(['Pull call with Dan Diaz here', 'Pull call with +15550100 here']);
    setTimeout(() => button(el, 'Pull call with +15550100 here').click());
    const e = await oneEvent(el, 'sb-pull-call');
    expect(e.detail).to.deep.equal({ callId: 'o2' });
  });

  it('renders user text as text', async () => {
    const el = await list([{ callId: 'x', remote: { name: XSS, number: XSS }, deviceLabel: XSS, since: now }]);
    expect(button(el, `Pull call with ${XSS} here`)).to.exist;
    expect(text(el)).to.contain(XSS);
    expect(el.shadowRoot!.querySelector('img')).to.be.null;
    expect((window as unknown as { __xss?: number }).__xss).to.be.undefined;
  });

  it('is accessible in dark mode', async () => {
    await emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    await expect(await list()).to.be.accessible();
  });
});
