import { expect } from '@open-wc/testing';
import { ContextProvider } from '@lit/context';
import { areaServicesContext, callStoreContext, directoryContext } from '../../../src/app/contexts.js';
import { NavigateRequestEvent } from '../../../src/areas/navigate-request.js';
import { ApiError } from '../../../src/data/http.js';
import type { Page, VoicemailEntry, VoicemailFolderName } from '../../../src/data/wire.js';
import type { SbVoicemailList } from '../../../src/components/sb-voicemail-list.js';
import type { CallStore } from '../../../src/state/call-store.js';
import { DirectoryChangedEvent, type Directory } from '../../../src/state/directory.js';
import { VoicemailBox } from '../../../src/state/voicemail-box.js';
import '../../../src/views/voicemail/sb-voicemail-view.js';
import type { SbVoicemailView } from '../../../src/views/voicemail/sb-voicemail-view.js';
import { accessibleName, button, hasButton, roleOf, text, until } from '../components/helpers.js';

const fmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function vm(id: string, over: Partial<VoicemailEntry> = {}): VoicemailEntry {
  return {
    id,
    mailbox: '1001',
    folder: 'new',
    caller_number: '1002',
    caller_name: 'Bob Baker',
    received_at: '2025-03-14T14:05:00Z',
    duration_s: 30,
    transcription: 'Call me back please.',
    transcription_status: 'done',
    audio_url: `/audio/${id}`,
    moved_by: null,
    moved_at: null,
    ...over,
  };
}

const BOB = vm('n1');
const CAROL = vm('n2', { caller_number: '1003', caller_name: 'Carol Chen', received_at: '2025-03-13T09:41:00Z' });
const DAN = vm('s1', { folder: 'save', caller_number: '+15550199', caller_name: 'Dan Diaz', received_at: '2025-03-12T08:00:00Z' });
const about = (m: VoicemailEntry, name = m.caller_name) => `message from ${name}, ${fmt.format(new Date(m.received_at))}`;

/** The voicemails resource, in memory. */
class FakeApi {
  folders: Record<VoicemailFolderName, VoicemailEntry[]> = { new: [BOB, CAROL], save: [DAN], trash: [] };
  moves: Array<[string, VoicemailFolderName, VoicemailFolderName]> = [];
  deletes: Array<[string, VoicemailFolderName]> = [];
  audios: string[] = [];
  moveError: Error | null = null;
  deleteError: Error | null = null;
  async list(folder: VoicemailFolderName): Promise<Page<VoicemailEntry>> {
    return { items: this.folders[folder].map((m) => ({ ...m })), next_cursor: null };
  }
  async move(entry: Pick<VoicemailEntry, 'id' | 'folder'>, to: VoicemailFolderName): Promise<VoicemailEntry> {
    this.moves.push([entry.id, entry.folder, to]);
    if (this.moveError) throw this.moveError;
    const m = this.folders[entry.folder].find((x) => x.id === entry.id);
    if (!m) throw new ApiError('http', 'Not found', 404);
    this.folders[entry.folder] = this.folders[entry.folder].filter((x) => x.id !== entry.id);
    this.folders[to] = [{ ...m, folder: to }, ...this.folders[to]];
    return { ...m, folder: to };
  }
  async delete(entry: Pick<VoicemailEntry, 'id' | 'folder'>): Promise<void> {
    this.deletes.push([entry.id, entry.folder]);
    if (this.deleteError) throw this.deleteError;
    const m = this.folders[entry.folder].find((x) => x.id === entry.id)!;
    this.folders[entry.folder] = this.folders[entry.folder].filter((x) => x.id !== entry.id);
    this.folders.trash = [{ ...m, folder: 'trash' }, ...this.folders.trash];
  }
  async audio(entry: Pick<VoicemailEntry, 'id'>): Promise<Blob> {
    this.audios.push(entry.id);
    return new Blob([`audio of ${entry.id}`], { type: 'audio/ogg' });
  }
}

class FakeCalls {
  dialled: string[] = [];
  async dial(target: string) {
    this.dialled.push(target);
    return {};
  }
}

async function mount(o: { directory?: Directory } = {}) {
  const api = new FakeApi();
  const session = Object.assign(new EventTarget(), { state: 'signed-in', user: { extension: '1001', domain: 'demo' } });
  const box = new VoicemailBox(api, session, new EventTarget());
  const calls = new FakeCalls();
  const host = document.body.appendChild(document.createElement('div'));
  new ContextProvider(host, { context: areaServicesContext, initialValue: { voicemail: box } });
  new ContextProvider(host, { context: callStoreContext, initialValue: calls as unknown as CallStore });
  if (o.directory) new ContextProvider(host, { context: directoryContext, initialValue: o.directory });
  const view = document.createElement('sb-voicemail-view') as SbVoicemailView;
  host.append(view);
  await until(() => !box.loading && box.count === 2);
  await view.updateComplete;
  const lists = () => [...view.shadowRoot!.querySelectorAll<SbVoicemailList>('sb-voicemail-list')];
  /** The New section's list; `saved()` the Saved section's. */
  const list = () => lists()[0]!;
  const saved = () => lists()[1]!;
  await list().updateComplete;
  await saved().updateComplete;
  return { api, box, calls, host, view, list, saved };
}

/** Each section's heading and count, e.g. ['New', '2']. */
const sections = (view: SbVoicemailView) =>
  [...view.shadowRoot!.querySelectorAll('section h3')].map((h) => [
    [...h.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.textContent).join('').trim(),
    h.querySelector('.count')!.textContent,
  ]);
const names = (list: SbVoicemailList) => [...list.shadowRoot!.querySelectorAll('.name')].map((n) => n.textContent);

async function settled(view: SbVoicemailView, list: () => SbVoicemailList) {
  await view.updateComplete;
  for (const l of view.shadowRoot!.querySelectorAll<SbVoicemailList>('sb-voicemail-list')) await l.updateComplete;
  await list().updateComplete;
}

describe('sb-voicemail-view', () => {
  afterEach(() => document.querySelectorAll('body > div').forEach((d) => d.remove()));

  it('shows New and Saved together, each section with its count', async () => {
    const { view, list, saved } = await mount();
    expect(sections(view)).to.deep.equal([['New', '2'], ['Saved', '1']]);
    expect(accessibleName(view.shadowRoot!.querySelector('section')!)).to.match(/^New\s?2$/);
    expect(names(list())).to.deep.equal(['Bob Baker', 'Carol Chen']);
    expect(names(saved())).to.deep.equal(['Dan Diaz']);
    expect(hasButton(saved(), `Mark new ${about(DAN)}`)).to.equal(true);
    expect(hasButton(list(), `Mark new ${about(BOB)}`)).to.equal(false);
    await expect(view).to.be.accessible();
  });

  it('Save moves a message from New to Saved', async () => {
    const { api, view, list, saved } = await mount();
    button(list(), `Save ${about(BOB)}`).click();
    await until(() => api.moves.length === 1);
    await settled(view, list);
    expect(api.moves).to.deep.equal([['n1', 'new', 'save']]);
    expect(names(list())).to.deep.equal(['Carol Chen']);
    expect(sections(view)).to.deep.equal([['New', '1'], ['Saved', '2']]);
    // Still in view, under Saved, where it can be deleted at once.
    expect(names(saved())).to.deep.equal(['Bob Baker', 'Dan Diaz']);

    // And Mark new takes it back.
    button(saved(), `Mark new ${about(BOB)}`).click();
    await until(() => api.moves.length === 2);
    await settled(view, list);
    expect(api.moves[1]).to.deep.equal(['n1', 'save', 'new']);
    expect(names(saved())).to.deep.equal(['Dan Diaz']);
    expect(names(list())).to.deep.equal(['Bob Baker', 'Carol Chen']);
  });

  it('Delete says "Message deleted" with Undo, which moves it back from the trash', async () => {
    const { api, view, list } = await mount();
    expect(text(view)).not.to.contain('Message deleted');
    button(list(), `Delete ${about(CAROL)}`).click();
    await until(() => api.deletes.length === 1);
    await settled(view, list);
    expect(api.deletes).to.deep.equal([['n2', 'new']]);
    expect(names(list())).to.deep.equal(['Bob Baker']);
    const status = view.shadowRoot!.querySelector('[role=status]')!;
    expect(status.textContent).to.contain('Message deleted');
    expect(hasButton(view, 'Undo')).to.equal(true);
    await expect(view).to.be.accessible();

    button(view, 'Undo').click();
    await until(() => api.moves.length === 1);
    await settled(view, list);
    expect(api.moves).to.deep.equal([['n2', 'trash', 'new']]);
    expect(names(list())).to.deep.equal(['Bob Baker', 'Carol Chen']);
    expect(text(view)).not.to.contain('Message deleted');
    expect(hasButton(view, 'Undo')).to.equal(false);
    expect(api.folders.new.map((m) => m.id)).to.have.members(['n1', 'n2']);
  });

  it('a refused delete does not say "Message deleted": the message is back, with the error', async () => {
    const { api, view, list } = await mount();
    api.deleteError = new ApiError('http', 'Server error', 500);
    button(list(), `Delete ${about(CAROL)}`).click();
    await until(() => text(view).includes('Server error'));
    await settled(view, list);
    expect(names(list())).to.deep.equal(['Bob Baker', 'Carol Chen']);
    expect(text(view)).not.to.contain('Message deleted');
    expect(hasButton(view, 'Undo')).to.equal(false);
  });

  it('Undo of a saved message puts it back in Saved', async () => {
    const { api, view, list, saved } = await mount();
    button(saved(), `Delete ${about(DAN)}`).click();
    await until(() => api.deletes.length === 1);
    await settled(view, list);
    expect(text(saved())).to.equal('No saved messages');
    button(view, 'Undo').click();
    await until(() => api.moves.length === 1);
    await settled(view, list);
    expect(api.moves).to.deep.equal([['s1', 'trash', 'save']]);
    expect(names(saved())).to.deep.equal(['Dan Diaz']);
  });

  it('Call back dials the caller\'s number and asks for the call cards', async () => {
    const { calls, host, list } = await mount();
    const asked: NavigateRequestEvent[] = [];
    host.addEventListener(NavigateRequestEvent.eventName, (e) => asked.push(e));
    button(list(), 'Call back Carol Chen').click();
    await until(() => asked.length === 1);
    expect(calls.dialled).to.deep.equal(['1003']);
    expect(asked[0]!.detail).to.deep.equal({ area: 'calls' });
  });

  it('a failed call back says why and does not leave for the call cards', async () => {
    const { calls, host, view, list } = await mount();
    calls.dial = async () => {
      throw new Error('No phone line');
    };
    const asked: Event[] = [];
    host.addEventListener(NavigateRequestEvent.eventName, (e) => asked.push(e));
    button(list(), 'Call back Bob Baker').click();
    await until(() => text(view).includes('No phone line'));
    expect(roleOf(view.shadowRoot!.querySelector('.error')!.parentElement!)).to.equal('alert');
    expect(asked).to.deep.equal([]);
  });

  describe('Play and Download', () => {
    const play = HTMLMediaElement.prototype.play;
    const click = HTMLAnchorElement.prototype.click;
    let started: string[] = [];
    let downloads: Array<{ href: string; download: string }> = [];
    beforeEach(() => {
      started = [];
      downloads = [];
      HTMLMediaElement.prototype.play = function (this: HTMLMediaElement) {
        started.push(this.dataset.id ?? '');
        return Promise.resolve();
      };
      HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
        downloads.push({ href: this.href, download: this.download });
      };
    });
    afterEach(() => {
      HTMLMediaElement.prototype.play = play;
      HTMLAnchorElement.prototype.click = click;
    });

    it('Play fetches the audio once and starts its player', async () => {
      const { api, view, list } = await mount();
      button(list(), `Play ${about(BOB)}`).click();
      await until(() => list().shadowRoot!.querySelector('audio') !== null);
      await settled(view, list);
      const player = list().shadowRoot!.querySelector('audio')!;
      expect(player.dataset.id).to.equal('n1');
      expect(player.src).to.match(/^blob:/);
      expect(api.audios).to.deep.equal(['n1']);
      expect(started).to.deep.equal(['n1']);
      expect(hasButton(list(), `Play ${about(BOB)}`)).to.equal(false);

      // Download of the same message uses the audio already fetched.
      button(list(), `Download ${about(BOB)}`).click();
      await until(() => downloads.length === 1);
      expect(downloads[0]!.href).to.equal(player.src);
      expect(downloads[0]!.download).to.match(/^voicemail-2025-03-1\d-\d{4}-bob-baker\.ogg$/);
      expect(api.audios).to.deep.equal(['n1']);
    });

    it('Download names the file after the directory\'s name of the caller', async () => {
      const directory = Object.assign(new EventTarget(), { entries: [{ extension: '1003', name: 'Carol Chen-Ng', online: true }] }) as unknown as Directory;
      const { api, view, list } = await mount({ directory });
      await settled(view, list);
      expect(names(list())).to.deep.equal(['Bob Baker', 'Carol Chen-Ng']);
      button(list(), `Download ${about(CAROL, 'Carol Chen-Ng')}`).click();
      await until(() => downloads.length === 1);
      expect(downloads[0]!.download).to.match(/^voicemail-2025-03-1\d-\d{4}-carol-chen-ng\.ogg$/);
      expect(downloads[0]!.href).to.match(/^blob:/);
      expect(api.audios).to.deep.equal(['n2']);
      expect(started, 'a download does not play').to.deep.equal([]);

      // The directory changes: the names follow.
      (directory as unknown as { entries: unknown[] }).entries = [{ extension: '1003', name: 'Carol Ng', online: true }];
      directory.dispatchEvent(new DirectoryChangedEvent());
      await settled(view, list);
      expect(names(list())).to.deep.equal(['Bob Baker', 'Carol Ng']);
    });
  });

  it('a refused Save puts the message back and shows the error', async () => {
    const { api, view, list } = await mount();
    api.moveError = new ApiError('http', 'You may not access this resource', 403, 'forbidden');
    button(list(), `Save ${about(BOB)}`).click();
    await until(() => text(view).includes('You may not access this resource'));
    await settled(view, list);
    expect(names(list())).to.deep.equal(['Bob Baker', 'Carol Chen']);
    const alert = view.shadowRoot!.querySelector('[role=alert]')!;
    expect(alert.textContent!.trim()).to.equal('You may not access this resource');
    await expect(view).to.be.accessible();
  });
});
