import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../../src/components/sb-device-select.js';
import type { SbDeviceSelect } from '../../../src/components/sb-device-select.js';
import { field, XSS } from './helpers.js';

const MICS = [
  { deviceId: 'default', label: 'Default - Built-in' },
  { deviceId: 'm1', label: 'Built-in Microphone' },
  { deviceId: 'm2', label: 'USB Headset' },
];

function options(select: HTMLSelectElement): Array<[string, string]> {
  return [...select.options].map((o) => [o.value, o.text.trim()]);
}

describe('sb-device-select', () => {
  afterEach(() => emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' }));

  it('is a select labelled by `label`, "System default" first', async () => {
    const el = await fixture<SbDeviceSelect>(
      html`<sb-device-select label="Microphone" .devices=${MICS}></sb-device-select>`,
    );
    const select = field<HTMLSelectElement>(el, 'Microphone');
    expect(options(select)).to.deep.equal([
      ['', 'System default'],
      ['m1', 'Built-in Microphone'],
      ['m2', 'USB Headset'],
    ]);
    expect(select.value).to.equal('');
    await expect(el).to.be.accessible();
  });

  it('selects `value` and follows changes to it', async () => {
    const el = await fixture<SbDeviceSelect>(
      html`<sb-device-select label="Speaker" .devices=${MICS} value="m2"></sb-device-select>`,
    );
    const select = field<HTMLSelectElement>(el, 'Speaker');
    expect(select.value).to.equal('m2');
    el.value = 'm1';
    await el.updateComplete;
    expect(select.value).to.equal('m1');
  });

  it('fires sb-device-change when the user picks a device', async () => {
    const el = await fixture<SbDeviceSelect>(html`<sb-device-select label="Ringer" .devices=${MICS}></sb-device-select>`);
    const select = field<HTMLSelectElement>(el, 'Ringer');
    setTimeout(() => {
      select.value = 'm2';
      select.dispatchEvent(new Event('change', { bubbles: true }));
    });
    const e = await oneEvent(el, 'sb-device-change');
    expect(e.detail).to.deep.equal({ value: 'm2' });
    expect(el.value).to.equal('m2');
  });

  it('re-applies the value when the app keeps it', async () => {
    const el = await fixture<SbDeviceSelect>(html`<sb-device-select label="Ringer" .devices=${MICS} value="m1"></sb-device-select>`);
    const select = field<HTMLSelectElement>(el, 'Ringer');
    select.value = 'm2';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    el.value = 'm1';
    await el.updateComplete;
    expect(select.value).to.equal('m1');
  });

  it('numbers unlabelled devices (before permission) and keeps an unplugged choice visible', async () => {
    const el = await fixture<SbDeviceSelect>(html`<sb-device-select
      label="Microphone"
      .devices=${[
        { deviceId: 'a', label: '' },
        { deviceId: 'b', label: '' },
      ]}
      value="gone"
    ></sb-device-select>`);
    const select = field<HTMLSelectElement>(el, 'Microphone');
    expect(options(select)).to.deep.equal([
      ['', 'System default'],
      ['a', 'Microphone 1'],
      ['b', 'Microphone 2'],
      ['gone', 'Unavailable device'],
    ]);
    expect(select.value).to.equal('gone');
  });

  it('renders device labels as text', async () => {
    const el = await fixture<SbDeviceSelect>(html`<sb-device-select
      label="Microphone"
      .devices=${[{ deviceId: 'x', label: XSS }]}
    ></sb-device-select>`);
    const select = field<HTMLSelectElement>(el, 'Microphone');
    expect(select.options[1]!.text.trim()).to.equal(XSS);
    expect(el.shadowRoot!.querySelector('img')).to.be.null;
  });

  it('is accessible in dark mode', async () => {
    await emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    const el = await fixture<SbDeviceSelect>(html`<sb-device-select label="Speaker" .devices=${MICS} value="m1"></sb-device-select>`);
    await expect(el).to.be.accessible();
  });
});
