import { expect } from '@open-wc/testing';
import { ContextProvider } from '@lit/context';
import { installContext, otherDevicesContext, settingsContext } from '../../../src/app/contexts.js';
import { InstallChangedEvent, installAdvice, type InstallHelper, type InstallOutcome } from '../../../src/app/install-prompt.js';
import { ApiError } from '../../../src/data/http.js';
import type { DeviceInfo } from '../../../src/data/wire.js';
import type { EventsClient } from '../../../src/data/events.js';
import type { Phone } from '../../../src/phone/types.js';
import type { CallStore } from '../../../src/state/call-store.js';
import { OtherDevices } from '../../../src/state/other-devices.js';
import { SettingsStore } from '../../../src/state/settings.js';
import '../../../src/views/settings/sb-settings-view.js';
import type { SbSettingsView } from '../../../src/views/settings/sb-settings-view.js';
import { button, field, hasButton, text, typeInto } from '../components/helpers.js';

const RAW_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';

/** The platform's device list and its PATCH, as far as Settings uses them. */
class FakeDevicesApi {
  known: DeviceInfo[] = [
    { id: 'here', label: 'Chrome on Linux', sip_username: 'a', created_at: '', last_seen_at: null, online: true, registrations: [{ contact: 'sip:a@b', user_agent: RAW_UA, online: true, registered_at: '', expires_at: '' }] },
    { id: 'laptop', label: 'Firefox on Windows', sip_username: 'b', created_at: '', last_seen_at: null, online: false, registrations: [] },
  ];
  async list() { return structuredClone(this.known); }
  async rename(id: string, label: string) {
    if (label.length > 80) throw new ApiError('http', 'A device name is at most 80 characters', 400, 'invalid_request', 'label');
    const d = this.known.find((x) => x.id === id)!;
    d.label = label;
    return structuredClone(d);
  }
}

/** Settings never offers a call to another device. */
const NO_CALLS = { offerSwitch: async () => ({}) as never, declineSwitch: async () => undefined };

class MemoryStorage {
  readonly data = new Map<string, string>();
  getItem(k: string) { return this.data.get(k) ?? null; }
  setItem(k: string, v: string) { this.data.set(k, v); }
}

/** A fake install helper: the browser's prompt is available or not, as the test says. */
class FakeInstall extends EventTarget implements InstallHelper {
  installs = 0;
  constructor(public canInstall: boolean, public installed = false) {
    super();
  }
  async install(): Promise<InstallOutcome> {
    this.installs++;
    this.canInstall = false;
    this.dispatchEvent(new InstallChangedEvent());
    return 'accepted';
  }
}

async function mount(storage = new MemoryStorage(), install?: InstallHelper, devices?: OtherDevices) {
  const settings = new SettingsStore(storage);
  // A plain host rather than fixture(): fixture waits for an animation frame, which a test page
  // running in a background tab may not get.
  const host = document.body.appendChild(document.createElement('div'));
  new ContextProvider(host, { context: settingsContext, initialValue: settings });
  if (install) new ContextProvider(host, { context: installContext, initialValue: install });
  if (devices) new ContextProvider(host, { context: otherDevicesContext, initialValue: devices });
  const view = document.createElement('sb-settings-view') as SbSettingsView;
  host.append(view);
  await view.updateComplete;
  await new Promise((r) => setTimeout(r, 50)); // enumerateDevices
  await view.updateComplete;
  return { settings, view, storage };
}

describe('sb-settings-view', () => {
  it('offers microphone, speaker and ringer choices, and is accessible', async () => {
    const { view } = await mount();
    for (const name of ['Microphone', 'Speaker', 'Ringer']) {
      const select = field<HTMLSelectElement>(view, name);
      expect(select.options[0]!.textContent).to.contain('System default');
    }
    expect(text(view)).to.contain('Hold reminder');
    await expect(view).to.be.accessible();
  });

  it('saves the hold reminder and survives a new store (reload)', async () => {
    const { settings, view, storage } = await mount();
    const input = field(view, 'Hold reminder (seconds, 0 = off)');
    input.value = '90';
    input.dispatchEvent(new Event('change'));
    expect(settings.value.holdReminderS).to.equal(90);
    expect(new SettingsStore(storage).value.holdReminderS).to.equal(90);
  });

  it('accepts a hold reminder from 0 (off) to 600 s and refuses anything else with a message in words', async () => {
    const { settings, view } = await mount();
    const input = field(view, 'Hold reminder (seconds, 0 = off)');
    const set = async (v: string) => {
      input.value = v;
      input.dispatchEvent(new Event('change'));
      await view.updateComplete;
    };
    await set('600');
    expect(settings.value.holdReminderS).to.equal(600);
    await set('0');
    expect(settings.value.holdReminderS).to.equal(0);
    expect(input.getAttribute('aria-invalid')).to.equal('false');

    for (const [bad, words] of [['601', 'The longest hold reminder is 600 seconds (10 minutes).'], ['3600', 'The longest hold reminder is 600 seconds (10 minutes).'],
      ['-5', 'Enter a whole number of seconds, from 0 (off) to 600 (10 minutes).'], ['2.5', 'Enter a whole number of seconds, from 0 (off) to 600 (10 minutes).'],
      ['', 'Enter a number of seconds: 0 turns the reminder off.']]) {
      await set(bad!);
      expect(settings.value.holdReminderS, bad).to.equal(0);
      expect(text(view), bad).to.contain(words!);
      expect(input.getAttribute('aria-invalid')).to.equal('true');
      expect(input.value, 'what was typed stays to be corrected').to.equal(bad);
    }
    await expect(view).to.be.accessible();
    await set('90');
    expect(settings.value.holdReminderS).to.equal(90);
    expect(text(view)).not.to.contain('The longest');
    expect(input.getAttribute('aria-invalid')).to.equal('false');
  });

  it('never stores a hold reminder out of range, nor keeps one an older version saved', () => {
    const storage = new MemoryStorage();
    const store = new SettingsStore(storage);
    store.update({ holdReminderS: 120 });
    store.update({ holdReminderS: 3600 });
    store.update({ holdReminderS: -1 });
    store.update({ holdReminderS: Number.NaN });
    expect(store.value.holdReminderS).to.equal(120);
    storage.setItem('switchboard.settings', JSON.stringify({ holdReminderS: 3600 }));
    expect(new SettingsStore(storage).value.holdReminderS).to.equal(600);
  });

  it('keeps a chosen device across a reload', async () => {
    const storage = new MemoryStorage();
    new SettingsStore(storage).update({ speaker: 'headset-1' });
    expect(new SettingsStore(storage).value.speaker).to.equal('headset-1');
  });

  describe('Install', () => {
    it('offers "Install" whenever the browser can install, and prompts on click', async () => {
      const install = new FakeInstall(false);
      const { view } = await mount(new MemoryStorage(), install);
      expect(hasButton(view, 'Install')).to.equal(false);
      // The browser's prompt arrives after Settings is open: the button appears.
      install.canInstall = true;
      install.dispatchEvent(new InstallChangedEvent());
      await view.updateComplete;
      await expect(view).to.be.accessible();
      button(view, 'Install').click();
      expect(install.installs).to.equal(1);
      await view.updateComplete;
      expect(hasButton(view, 'Install')).to.equal(false);
    });

    it('explains instead of showing a dead button when the prompt is not available', async () => {
      const { view } = await mount(new MemoryStorage(), new FakeInstall(false));
      expect(hasButton(view, 'Install')).to.equal(false);
      // The test browser is Chromium: the address bar's install icon or its menu is the way.
      expect(text(view)).to.contain('To install Switchboard, use the install icon in the address bar');
      await expect(view).to.be.accessible();
    });

    it('says so when Switchboard already runs installed', async () => {
      const { view } = await mount(new MemoryStorage(), new FakeInstall(false, true));
      expect(hasButton(view, 'Install')).to.equal(false);
      expect(text(view)).to.contain('Switchboard is installed on this device. Open it from your apps');
    });

    it('tells each browser what to do when it cannot show the prompt', () => {
      const ua = {
        edge: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
        firefox: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0',
        safariMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
        iphone: 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
        android: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
      };
      expect(installAdvice(false, { userAgent: ua.edge })).to.contain('Apps, then Install Switchboard');
      expect(installAdvice(false, { userAgent: ua.firefox })).to.contain('Firefox cannot install Switchboard as an app. Open it in Chrome or Edge');
      expect(installAdvice(false, { userAgent: ua.safariMac })).to.contain('File, then Add to Dock');
      expect(installAdvice(false, { userAgent: ua.iphone })).to.contain('tap Share, then Add to Home Screen');
      expect(installAdvice(false, { userAgent: ua.android })).to.contain('Install app or Add to Home screen');
      expect(installAdvice(true, { userAgent: ua.firefox })).to.contain('Switchboard is installed on this device');
      expect(installAdvice(false, { userAgent: 'curl/8' })).to.contain('works in a browser tab');
    });

    it('has no install section without an install helper', async () => {
      const { view } = await mount();
      expect(view.shadowRoot!.querySelector('#install-title')).to.equal(null);
    });
  });

  describe('Devices', () => {
    async function mountDevices() {
      const api = new FakeDevicesApi();
      const devices = new OtherDevices({ devices: api, calls: NO_CALLS }, new EventTarget() as unknown as Phone, {} as CallStore, new EventTarget() as EventsClient, () => 'here');
      const mounted = await mount(new MemoryStorage(), undefined, devices);
      await new Promise((r) => setTimeout(r, 0));
      await mounted.view.updateComplete;
      return { ...mounted, api, devices };
    }

    it('lists my devices, this one marked "(this device)", and never the raw browser identifier', async () => {
      const { view } = await mountDevices();
      const items = [...view.shadowRoot!.querySelectorAll('.devices li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
      expect(items).to.deep.equal(['Chrome on Linux (this device) Online Rename', 'Firefox on Windows Offline Rename']);
      expect(text(view)).not.to.contain('Mozilla');
      expect(hasButton(view, 'Rename Chrome on Linux')).to.equal(true);
      await expect(view).to.be.accessible();
    });

    it('lists my devices when the phone\'s services arrive after Settings opened (they load after sign-in)', async () => {
      const settings = new SettingsStore(new MemoryStorage());
      const host = document.body.appendChild(document.createElement('div'));
      new ContextProvider(host, { context: settingsContext, initialValue: settings });
      const provider = new ContextProvider(host, { context: otherDevicesContext, initialValue: undefined });
      const view = document.createElement('sb-settings-view') as SbSettingsView;
      host.append(view);
      await view.updateComplete;
      expect(view.shadowRoot!.querySelector('#devices-title')).to.equal(null);
      const api = new FakeDevicesApi();
      provider.setValue(new OtherDevices({ devices: api, calls: NO_CALLS }, new EventTarget() as unknown as Phone, {} as CallStore, new EventTarget() as EventsClient, () => 'here'));
      await new Promise((r) => setTimeout(r, 0));
      await view.updateComplete;
      await new Promise((r) => setTimeout(r, 0));
      await view.updateComplete;
      expect(text(view)).to.contain('Chrome on Linux (this device)');
    });

    it('renames a device: Rename, type, Save', async () => {
      const { view, api } = await mountDevices();
      button(view, 'Rename Firefox on Windows').click();
      await view.updateComplete;
      const input = field(view, 'New name for Firefox on Windows');
      expect(input.value).to.equal('Firefox on Windows');
      await expect(view).to.be.accessible();
      typeInto(input, 'Home laptop');
      await view.updateComplete;
      button(view, 'Save').click();
      await new Promise((r) => setTimeout(r, 0));
      await view.updateComplete;
      expect(api.known[1]!.label).to.equal('Home laptop');
      expect(text(view)).to.contain('Home laptop Offline');
      expect(hasButton(view, 'Save')).to.equal(false);
    });

    it('says why a name is refused, in words, and keeps the form open', async () => {
      const { view, api } = await mountDevices();
      button(view, 'Rename Chrome on Linux').click();
      await view.updateComplete;
      const input = field(view, 'New name for Chrome on Linux');
      typeInto(input, '   ');
      await view.updateComplete;
      button(view, 'Save').click();
      await view.updateComplete;
      expect(text(view)).to.contain('Give the device a name.');
      expect(input.getAttribute('aria-invalid')).to.equal('true');
      typeInto(input, 'x'.repeat(81));
      await view.updateComplete;
      expect(text(view), 'the message clears when the name changes').not.to.contain('Give the device a name.');
      button(view, 'Save').click();
      await new Promise((r) => setTimeout(r, 0));
      await view.updateComplete;
      expect(text(view)).to.contain('A device name is at most 80 characters');
      expect(api.known[0]!.label).to.equal('Chrome on Linux');
      button(view, 'Cancel').click();
      await view.updateComplete;
      expect(hasButton(view, 'Save')).to.equal(false);
    });
  });
});
