import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import '../../../src/components/sb-device-picker.js';
import type { SbDevicePicker, SwitchDevice } from '../../../src/components/sb-device-picker.js';
import { accessibleName, button, buttonNames, roleOf, text, XSS } from './helpers.js';

const DEVICES: SwitchDevice[] = [
  { id: 'd1', label: 'Work laptop' },
  { id: 'd2', label: 'Desk phone' },
];

async function picker(devices = DEVICES, open = true, callName = 'Bob Baker'): Promise<SbDevicePicker> {
  const el = await fixture<SbDevicePicker>(
    html`<sb-device-picker ?open=${open} .devices=${devices} call-name=${callName}></sb-device-picker>`,
  );
  await el.updateComplete;
  return el;
}

function dialog(el: SbDevicePicker): HTMLDialogElement {
  return el.shadowRoot!.querySelector('dialog')!;
}

describe('sb-device-picker', () => {
  afterEach(() => emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' }));

  it('open: a modal dialog "Move the call with <name> to…" with a button per device', async () => {
    const el = await picker();
    const d = dialog(el);
    expect(d.open).to.be.true;
    expect(d.matches(':modal')).to.be.true;
    expect(roleOf(d)).to.equal('dialog');
    expect(accessibleName(d)).to.equal('Move the call with Bob Baker to…');
    expect(buttonNames(el)).to.deep.equal(['Work laptop', 'Desk phone', 'Cancel']);
    await expect(el).to.be.accessible();
  });

  it('lists the device the call is on as "(this device)", not as a choice', async () => {
    const el = await picker([{ id: 'me', label: 'Chrome on Linux', current: true }, { id: 'd1', label: 'Firefox on Windows' }]);
    const items = [...el.shadowRoot!.querySelectorAll('li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
    expect(items).to.deep.equal(['Chrome on Linux (this device)', 'Firefox on Windows']);
    expect(buttonNames(el)).to.deep.equal(['Firefox on Windows', 'Cancel']);
    expect(text(el)).not.to.contain('No other device');
    await expect(el).to.be.accessible();
  });

  it('only this device online: lists it and says no other device is online', async () => {
    const el = await picker([{ id: 'me', label: 'Chrome on Linux', current: true }]);
    expect(text(el)).to.contain('Chrome on Linux (this device)');
    expect(text(el)).to.contain('No other device of yours is online.');
    expect(buttonNames(el)).to.deep.equal(['Cancel']);
  });

  it('closed: not shown', async () => {
    const el = await picker(DEVICES, false);
    expect(dialog(el).open).to.be.false;
    el.open = true;
    await el.updateComplete;
    expect(dialog(el).open).to.be.true;
  });

  it('choosing a device fires sb-device-chosen {deviceId} and closes', async () => {
    const el = await picker();
    setTimeout(() => button(el, 'Desk phone').click());
    const e = await oneEvent(el, 'sb-device-chosen');
    expect(e.detail).to.deep.equal({ deviceId: 'd2' });
    await el.updateComplete;
    expect(el.open).to.be.false;
    expect(dialog(el).open).to.be.false;
  });

  it('"Cancel" and Escape fire sb-device-cancel', async () => {
    const el = await picker();
    setTimeout(() => button(el, 'Cancel').click());
    await oneEvent(el, 'sb-device-cancel');
    await el.updateComplete;
    expect(dialog(el).open).to.be.false;

    el.open = true;
    await el.updateComplete;
    setTimeout(() => sendKeys({ press: 'Escape' }));
    await oneEvent(el, 'sb-device-cancel');
    expect(el.open).to.be.false;
    expect(dialog(el).open).to.be.false;
  });

  it('no other device: says so, and only "Cancel"', async () => {
    const el = await picker([]);
    expect(text(el)).to.contain('No other device of yours is online.');
    expect(buttonNames(el)).to.deep.equal(['Cancel']);
    await expect(el).to.be.accessible();
  });

  it('renders user text as text', async () => {
    const el = await picker([{ id: 'x', label: XSS }, { id: 'y', label: XSS, current: true }], true, XSS);
    expect(accessibleName(dialog(el))).to.equal(`Move the call with ${XSS} to…`);
    expect(text(el)).to.contain(XSS);
    expect(el.shadowRoot!.querySelector('img')).to.be.null;
    expect((window as unknown as { __xss?: number }).__xss).to.be.undefined;
  });

  it('is accessible in dark mode', async () => {
    await emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    await expect(await picker()).to.be.accessible();
  });
});
