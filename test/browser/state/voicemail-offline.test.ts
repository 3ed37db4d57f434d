/**
 * Voicemail moves and deletes made offline: they wait in the outbox (real IndexedDB), the lists
 * show them done, and they are sent, in order, when the platform can be reached again; a message
 * gone meanwhile (404) is not an error. A refusal other than "unreachable" is not queued.
 */
import { expect } from '@open-wc/testing';
import { deleteDB } from 'idb';
import { openSwitchboardDB } from '../../../src/data/db.js';
import { ApiError } from '../../../src/data/http.js';
import type { Page, VoicemailEntry, VoicemailFolderName } from '../../../src/data/wire.js';
import { VoicemailOutbox } from '../../../src/data/voicemail-outbox.js';
import { VoicemailBox } from '../../../src/state/voicemail-box.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean | Promise<boolean>, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await tick(10);
  }
}

const vm = (id: string, folder: VoicemailFolderName = 'new', day = 1): VoicemailEntry => ({
  id, mailbox: '1001', folder, caller_number: '1002', caller_name: 'Bob Baker', received_at: `2025-03-0${day}T10:00:00Z`, duration_s: 5,
  transcription: null, transcription_status: 'none', audio_url: '', moved_by: null, moved_at: null,
});

/** The platform's folders; `offline` makes every call fail as the network would. */
class Platform {
  folders: Record<VoicemailFolderName, VoicemailEntry[]> = { new: [vm('a', 'new', 2), vm('b', 'new', 1)], save: [], trash: [] };
  offline = false;
  sent: string[] = [];
  refuseWith: ApiError | null = null;
  private check(): void {
    if (this.offline) throw new ApiError('network', 'The platform cannot be reached');
  }
  async list(folder: VoicemailFolderName): Promise<Page<VoicemailEntry>> {
    this.check();
    return { items: this.folders[folder].map((m) => ({ ...m })), next_cursor: null };
  }
  async move(entry: { id: string; folder: VoicemailFolderName }, to: VoicemailFolderName): Promise<VoicemailEntry> {
    this.check();
    if (this.refuseWith) throw this.refuseWith;
    const m = this.folders[entry.folder].find((x) => x.id === entry.id);
    if (!m) throw new ApiError('http', 'No such message', 404);
    this.sent.push(`move ${entry.id} ${entry.folder}->${to}`);
    this.folders[entry.folder] = this.folders[entry.folder].filter((x) => x.id !== entry.id);
    this.folders[to] = [{ ...m, folder: to }, ...this.folders[to]];
    return this.folders[to][0]!;
  }
  async delete(entry: { id: string; folder: VoicemailFolderName }): Promise<void> {
    this.check();
    const m = this.folders[entry.folder].find((x) => x.id === entry.id);
    if (!m) throw new ApiError('http', 'No such message', 404);
    this.sent.push(`delete ${entry.id} ${entry.folder}`);
    return void this.move(entry, 'trash').then(() => this.sent.pop());
  }
  async audio(): Promise<Blob> {
    this.check();
    return new Blob(['x']);
  }
}

const session = () => Object.assign(new EventTarget(), { state: 'signed-in', user: { extension: '1001', domain: 'demo' } });
const ids = (l: VoicemailEntry[]) => l.map((m) => m.id);

describe('voicemail offline', () => {
  let name = '';
  let db: ReturnType<typeof openSwitchboardDB>;
  beforeEach(() => {
    name = `switchboard-vm-offline-${crypto.randomUUID()}`;
    db = openSwitchboardDB(name);
  });
  afterEach(async () => {
    (await db).close();
    await deleteDB(name);
  });

  it('a save and a delete made offline show at once, wait, and are sent in order when the platform is back', async () => {
    const platform = new Platform();
    const changes = new VoicemailOutbox(db, platform, { retryMs: null });
    const events = new EventTarget();
    const box = new VoicemailBox(platform, session(), events, undefined, '~', changes);
    await until(() => !box.loading && box.count === 2);

    platform.offline = true;
    expect(await box.move(box.lists.new[0]!, 'save')).to.equal(true);
    expect(await box.delete(box.lists.new[0]!)).to.equal(true);
    expect(ids(box.lists.new)).to.deep.equal([]);
    expect(ids(box.lists.save)).to.deep.equal(['a']);
    expect(box.error).to.equal('');
    expect((await changes.pending('~')).map((c) => `${c.kind} ${c.id}`)).to.deep.equal(['move a', 'delete b']);
    expect(platform.sent).to.deep.equal([]);

    // A reload while still offline keeps what was done here.
    await box.refresh();
    expect(ids(box.lists.save)).to.deep.equal(['a']);

    platform.offline = false;
    events.dispatchEvent(new Event('platform-ready'));
    await until(async () => (await changes.pending('~')).length === 0 && !box.loading);
    expect(platform.sent).to.deep.equal(['move a new->save', 'delete b new']);
    expect(ids(box.lists.new)).to.deep.equal([]);
    expect(ids(box.lists.save)).to.deep.equal(['a']);
    expect(ids(platform.folders.trash)).to.deep.equal(['b']);
  });

  it('a change to a message gone meanwhile is dropped; the platform\'s lists win', async () => {
    const platform = new Platform();
    const changes = new VoicemailOutbox(db, platform, { retryMs: null });
    const box = new VoicemailBox(platform, session(), new EventTarget(), undefined, '~', changes);
    await until(() => !box.loading && box.count === 2);
    platform.offline = true;
    await box.move(box.lists.new[1]!, 'save');
    // Meanwhile another device deleted b.
    platform.folders.new = platform.folders.new.filter((m) => m.id !== 'b');
    platform.offline = false;
    await box.refresh();
    expect(await changes.pending('~')).to.deep.equal([]);
    expect(ids(box.lists.new)).to.deep.equal(['a']);
    expect(ids(box.lists.save)).to.deep.equal([]);
    expect(box.error).to.equal('');
  });

  it('a refusal that is not about the network is not queued: the lists come back and say why', async () => {
    const platform = new Platform();
    const changes = new VoicemailOutbox(db, platform, { retryMs: null });
    const box = new VoicemailBox(platform, session(), new EventTarget(), undefined, '~', changes);
    await until(() => !box.loading && box.count === 2);
    platform.refuseWith = new ApiError('http', 'You may not access this resource', 403);
    expect(await box.move(box.lists.new[0]!, 'save')).to.equal(false);
    expect(box.error).to.equal('You may not access this resource');
    expect(ids(box.lists.new)).to.deep.equal(['a', 'b']);
    expect(await changes.pending('~')).to.deep.equal([]);
  });
});
