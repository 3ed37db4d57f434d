import { expect } from '@open-wc/testing';
import { ContextProvider } from '@lit/context';
import { settingsContext } from '../../../src/app/contexts.js';
import { SettingsStore } from '../../../src/state/settings.js';
import '../../../src/views/settings/sb-settings-view.js';
import type { SbSettingsView } from '../../../src/views/settings/sb-settings-view.js';
import { field, text } from '../components/helpers.js';

class MemoryStorage {
  readonly data = new Map<string, string>();
  getItem(k: string) { return this.data.get(k) ?? null; }
  setItem(k: string, v: string) { this.data.set(k, v); }
}

async function mount(storage = new MemoryStorage()) {
  const settings = new SettingsStore(storage);
  // A plain host rather than fixture(): fixture waits for an animation frame, which a test page
  // running in a background tab may not get.
  const host = document.body.appendChild(document.createElement('div'));
  new ContextProvider(host, { context: settingsContext, initialValue: settings });
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
});
