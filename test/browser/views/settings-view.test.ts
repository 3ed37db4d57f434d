import { expect } from '@open-wc/testing';
import { ContextProvider } from '@lit/context';
import { installContext, settingsContext } from '../../../src/app/contexts.js';
import { InstallChangedEvent, type InstallHelper, type InstallOutcome } from '../../../src/app/install-prompt.js';
import { SettingsStore } from '../../../src/state/settings.js';
import '../../../src/views/settings/sb-settings-view.js';
import type { SbSettingsView } from '../../../src/views/settings/sb-settings-view.js';
import { button, field, hasButton, text } from '../components/helpers.js';

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

async function mount(storage = new MemoryStorage(), install?: InstallHelper) {
  const settings = new SettingsStore(storage);
  // A plain host rather than fixture(): fixture waits for an animation frame, which a test page
  // running in a background tab may not get.
  const host = document.body.appendChild(document.createElement('div'));
  new ContextProvider(host, { context: settingsContext, initialValue: settings });
  if (install) new ContextProvider(host, { context: installContext, initialValue: install });
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

  it('keeps a chosen device across a reload', async () => {
    const storage = new MemoryStorage();
    new SettingsStore(storage).update({ speaker: 'headset-1' });
    expect(new SettingsStore(storage).value.speaker).to.equal('headset-1');
  });

  describe('Install', () => {
    it('offers "Install PWA" when the browser can install, and prompts on click', async () => {
      const install = new FakeInstall(true);
      const { view } = await mount(new MemoryStorage(), install);
      expect(text(view)).to.contain('Install');
      await expect(view).to.be.accessible();
      button(view, 'Install PWA').click();
      expect(install.installs).to.equal(1);
      await view.updateComplete;
      expect(hasButton(view, 'Install PWA')).to.equal(false);
    });

    it('explains instead of showing a dead button when the prompt is not available', async () => {
      const { view } = await mount(new MemoryStorage(), new FakeInstall(false));
      expect(hasButton(view, 'Install PWA')).to.equal(false);
      // The test browser is Chromium: the install entry of its menu is the way.
      expect(text(view)).to.contain("Use your browser's menu: Install Switchboard…");
      await expect(view).to.be.accessible();
    });

    it('says so when Switchboard already runs installed', async () => {
      const { view } = await mount(new MemoryStorage(), new FakeInstall(false, true));
      expect(hasButton(view, 'Install PWA')).to.equal(false);
      expect(text(view)).to.contain('Switchboard is installed');
    });

    it('has no install section without an install helper', async () => {
      const { view } = await mount();
      expect(view.shadowRoot!.querySelector('#install-title')).to.equal(null);
    });
  });
});
