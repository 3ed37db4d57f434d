import { expect } from '@open-wc/testing';
import { deleteDB } from 'idb';
import { BADGE_CHANGED } from '../../../src/areas/area.js';
import { openSwitchboardDB } from '../../../src/data/db.js';
import { PlatformEventMessage, type PlatformEvent } from '../../../src/data/events.js';
import { ApiError } from '../../../src/data/http.js';
import type { Page, VoicemailEntry, VoicemailFolderName } from '../../../src/data/wire.js';
import { IdbVoicemailCache } from '../../../src/data/voicemail-cache.js';
import { VOICEMAIL_CHANGED, VoicemailBox, type ListedFolder, type VoicemailCache } from '../../../src/state/voicemail-box.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

/** Resolves once `check()` holds, polling; throws after `ms`. */
async function until(check: () => boolean, ms = 2000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await tick(5);
  }
}

function vm(id: string, over: Partial<VoicemailEntry> = {}): VoicemailEntry {
  return {
    id,
    mailbox: '1001',
    folder: 'new',
    caller_number: '1002',
    caller_name: 'Bob Baker',
    received_at: '2025-03-14T14:05:00Z',
    duration_s: 12,
    transcription: null,
    transcription_status: 'none',
    audio_url: `/audio/${id}`,
    moved_by: null,
    moved_at: null,
    ...over,
  };
}

const at = (day: number) => `2025-03-${String(day).padStart(2, '0')}T10:00:00Z`;
const ids = (l: VoicemailEntry[]) => l.map((m) => m.id);

interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
}
function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

/** The voicemails resource: folders in memory; `hold` keeps list answers until released. */
class FakeApi {
  folders: Record<VoicemailFolderName, VoicemailEntry[]> = { new: [], save: [], trash: [] };
  lists: Array<[VoicemailFolderName, string]> = [];
  moves: Array<[string, VoicemailFolderName, VoicemailFolderName, string]> = [];
  deletes: Array<[string, VoicemailFolderName, string]> = [];
  audios: string[] = [];
  hold = false;
  held: Array<{ answer: Page<VoicemailEntry>; gate: Deferred<void> }> = [];
  listError: Error | null = null;
  moveError: Error | null = null;
  deleteError: Error | null = null;

  async list(folder: VoicemailFolderName, mailbox = '~'): Promise<Page<VoicemailEntry>> {
    this.lists.push([folder, mailbox]);
    // What the platform holds when asked (for the caller's token), even if it answers later.
    const answer = { items: this.folders[folder].map((m) => ({ ...m })), next_cursor: null };
    const error = this.listError;
    if (this.hold) {
      const gate = deferred<void>();
      this.held.push({ answer, gate });
      await gate.promise;
    }
    if (error) throw error;
    return answer;
  }
  /** Lets every held list answer go. */
  release(): void {
    for (const h of this.held.splice(0)) h.gate.resolve();
  }
  async move(entry: Pick<VoicemailEntry, 'id' | 'folder'>, to: VoicemailFolderName, mailbox = '~'): Promise<VoicemailEntry> {
    this.moves.push([entry.id, entry.folder, to, mailbox]);
    if (this.moveError) throw this.moveError;
    const m = this.folders[entry.folder].find((x) => x.id === entry.id)!;
    this.folders[entry.folder] = this.folders[entry.folder].filter((x) => x.id !== entry.id);
    const moved = { ...m, folder: to };
    this.folders[to] = [moved, ...this.folders[to]];
    return moved;
  }
  async delete(entry: Pick<VoicemailEntry, 'id' | 'folder'>, mailbox = '~'): Promise<void> {
    this.deletes.push([entry.id, entry.folder, mailbox]);
    if (this.deleteError) throw this.deleteError;
    this.folders[entry.folder] = this.folders[entry.folder].filter((x) => x.id !== entry.id);
  }
  async audio(entry: Pick<VoicemailEntry, 'id' | 'folder'>): Promise<Blob> {
    this.audios.push(entry.id);
    return new Blob([`audio of ${entry.id}`], { type: 'audio/ogg' });
  }
}

class FakeSession extends EventTarget {
  state = 'signed-out';
  user: { extension: string; domain: string } | null = null;
  signIn(extension: string, domain = 'demo'): void {
    this.state = 'signed-in';
    this.user = { extension, domain };
    this.dispatchEvent(new Event('session-changed'));
  }
  signOut(): void {
    this.state = 'signed-out';
    this.user = null;
    this.dispatchEvent(new Event('session-changed'));
  }
}

class MemoryCache implements VoicemailCache {
  stored = new Map<string, Record<ListedFolder, VoicemailEntry[]>>();
  kept = new Map<string, Blob>();
  saves: Array<[string, string[], string[]]> = [];
  loadGate: Deferred<void> | null = null;
  async load(owner: string) {
    if (this.loadGate) await this.loadGate.promise;
    return this.stored.get(owner);
  }
  async save(owner: string, lists: Record<ListedFolder, VoicemailEntry[]>) {
    this.saves.push([owner, ids(lists.new), ids(lists.save)]);
    this.stored.set(owner, lists);
  }
  async audio(id: string) {
    return this.kept.get(id);
  }
  async putAudio(id: string, blob: Blob) {
    this.kept.set(id, blob);
  }
}

function counter(box: EventTarget) {
  const c = { badge: 0, changed: 0 };
  box.addEventListener(BADGE_CHANGED, () => c.badge++);
  box.addEventListener(VOICEMAIL_CHANGED, () => c.changed++);
  return c;
}

const voicemailEvent = (mailbox: string, change: 'new' | 'moved' | 'transcribed' | 'deleted' = 'new') =>
  new PlatformEventMessage({ type: 'voicemail', id: 'x', mailbox, change } as PlatformEvent);

describe('VoicemailBox', () => {
  let api: FakeApi;
  let session: FakeSession;
  let events: EventTarget;

  beforeEach(() => {
    api = new FakeApi();
    session = new FakeSession();
    events = new EventTarget();
    api.folders.new = [vm('n2', { received_at: at(12) }), vm('n1', { received_at: at(10) })];
    api.folders.save = [vm('s1', { folder: 'save', received_at: at(11) })];
  });

  it('signed out: asks nothing and holds nothing', async () => {
    const box = new VoicemailBox(api, session, events);
    await box.refresh();
    events.dispatchEvent(new Event('platform-ready'));
    await tick(10);
    expect(api.lists).to.deep.equal([]);
    expect(box.lists).to.deep.equal({ new: [], save: [] });
    expect(box.count).to.equal(0);
  });

  it('at sign-in loads New and Saved; the count of new messages is the badge', async () => {
    const box = new VoicemailBox(api, session, events);
    const c = counter(box);
    const loading: boolean[] = [];
    box.addEventListener(VOICEMAIL_CHANGED, () => loading.push(box.loading));
    session.signIn('1001');
    await until(() => !box.loading && box.count > 0);
    expect(api.lists).to.have.deep.members([['new', '~'], ['save', '~']]);
    expect(ids(box.lists.new)).to.deep.equal(['n2', 'n1']);
    expect(ids(box.lists.save)).to.deep.equal(['s1']);
    expect(box.count).to.equal(2);
    expect(box.error).to.equal('');
    expect(c.badge).to.equal(1);
    expect(loading).to.include(true);
    expect(loading[loading.length - 1]).to.equal(false);
  });

  it('already signed in when made: loads at once', async () => {
    session.signIn('1001');
    const box = new VoicemailBox(api, session, events);
    await until(() => box.count === 2);
    expect(ids(box.lists.save)).to.deep.equal(['s1']);
  });

  it('badge-changed fires only when the count changes; voicemail-changed on every reload', async () => {
    session.signIn('1001');
    const box = new VoicemailBox(api, session, events);
    await until(() => box.count === 2 && !box.loading);
    const c = counter(box);
    await box.refresh();
    expect(c.changed).to.be.greaterThan(0);
    expect(c.badge, 'same count').to.equal(0);
    api.folders.save = [vm('s2', { folder: 'save' }), ...api.folders.save];
    await box.refresh();
    expect(c.badge, 'a new saved message is not a new message').to.equal(0);
    expect(ids(box.lists.save)).to.deep.equal(['s2', 's1']);
    api.folders.new = [vm('n3', { received_at: at(13) }), ...api.folders.new];
    await box.refresh();
    expect(box.count).to.equal(3);
    expect(c.badge).to.equal(1);
  });

  it('reloads when a voicemail event for its box arrives, and when the channel is ready again', async () => {
    session.signIn('1001');
    const box = new VoicemailBox(api, session, events);
    await until(() => box.count === 2 && !box.loading);
    api.folders.new = [vm('n3', { received_at: at(13) }), ...api.folders.new];
    events.dispatchEvent(voicemailEvent('1001'));
    await until(() => box.count === 3);
    expect(ids(box.lists.new)).to.deep.equal(['n3', 'n2', 'n1']);

    api.folders.new = [];
    events.dispatchEvent(new Event('platform-ready'));
    await until(() => box.count === 0);
  });

  it('a shared box reloads only for its own mailbox, and asks for that mailbox', async () => {
    session.signIn('1001');
    const box = new VoicemailBox(api, session, events, undefined, '1005');
    await until(() => box.count === 2 && !box.loading);
    expect(api.lists).to.have.deep.members([['new', '1005'], ['save', '1005']]);
    const asked = api.lists.length;
    events.dispatchEvent(voicemailEvent('1001'));
    await tick(20);
    expect(api.lists, 'another mailbox changed').to.have.length(asked);
    events.dispatchEvent(voicemailEvent('1005', 'transcribed'));
    await until(() => api.lists.length === asked + 2);
  });

  it('a failed load keeps what is shown and says why', async () => {
    session.signIn('1001');
    const box = new VoicemailBox(api, session, events);
    await until(() => box.count === 2 && !box.loading);
    api.listError = new ApiError('http', 'The phone system is having trouble', 503);
    await box.refresh();
    expect(box.error).to.equal('The phone system is having trouble');
    expect(box.count).to.equal(2);
    expect(box.loading).to.equal(false);
    api.listError = null;
    await box.refresh();
    expect(box.error, 'cleared by the next good load').to.equal('');
  });

  describe('with a cache', () => {
    it('shows the stored lists first, then the platform\'s, which are stored', async () => {
      const cache = new MemoryCache();
      cache.stored.set('1001@demo/~', { new: [vm('old', { received_at: at(1) })], save: [] });
      api.hold = true;
      session.signIn('1001');
      const box = new VoicemailBox(api, session, events, cache);
      await until(() => box.count === 1);
      expect(ids(box.lists.new)).to.deep.equal(['old']);
      expect(box.loading).to.equal(true);
      await until(() => api.held.length === 2);
      api.release();
      await until(() => !box.loading);
      expect(ids(box.lists.new)).to.deep.equal(['n2', 'n1']);
      await until(() => cache.saves.length === 1);
      expect(cache.saves[0]).to.deep.equal(['1001@demo/~', ['n2', 'n1'], ['s1']]);
    });

    it('stored lists arriving after the platform\'s are not shown', async () => {
      const cache = new MemoryCache();
      cache.stored.set('1001@demo/~', { new: [vm('old', { received_at: at(1) })], save: [] });
      cache.loadGate = deferred<void>();
      session.signIn('1001');
      const box = new VoicemailBox(api, session, events, cache);
      // The channel connects while the cache is still being read: the platform answers first.
      events.dispatchEvent(new Event('platform-ready'));
      await until(() => box.count === 2 && !box.loading);
      const gate = cache.loadGate;
      cache.loadGate = null;
      gate.resolve();
      await tick(20);
      expect(ids(box.lists.new)).to.deep.equal(['n2', 'n1']);
      await until(() => !box.loading);
      expect(ids(box.lists.new)).to.deep.equal(['n2', 'n1']);
    });

    it('offline, the stored lists stay', async () => {
      const cache = new MemoryCache();
      cache.stored.set('1001@demo/~', { new: [vm('old', { received_at: at(1) })], save: [vm('kept', { folder: 'save' })] });
      api.listError = new ApiError('network', 'Cannot reach the phone system.');
      session.signIn('1001');
      const box = new VoicemailBox(api, session, events, cache);
      await until(() => box.count === 1);
      await until(() => !box.loading && api.lists.length === 2);
      expect(ids(box.lists.new)).to.deep.equal(['old']);
      expect(ids(box.lists.save)).to.deep.equal(['kept']);
      expect(cache.saves, 'nothing fresh to store').to.deep.equal([]);
    });

    it('fetches the audio of the newest ten messages ahead, skipping what is kept', async () => {
      const cache = new MemoryCache();
      api.folders.new = Array.from({ length: 8 }, (_, i) => vm(`n${i + 1}`, { received_at: at(20 - i) }));
      api.folders.save = Array.from({ length: 6 }, (_, i) => vm(`s${i + 1}`, { folder: 'save', received_at: at(15 - i * 2) }));
      cache.kept.set('n1', new Blob(['kept']));
      session.signIn('1001');
      new VoicemailBox(api, session, events, cache);
      // Newest ten by date: n1..n8 (20..13 March), s1 (15th), s2 (13th); n1 is kept already.
      await until(() => cache.kept.size === 10);
      await tick(20);
      expect(api.audios).to.have.members(['n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8', 's1', 's2']);
      expect([...cache.kept.keys()]).to.have.members(['n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8', 's1', 's2']);
    });

    it('audio(): the kept copy first, else the platform\'s, kept for next time', async () => {
      const cache = new MemoryCache();
      const kept = new Blob(['kept copy']);
      cache.kept.set('n1', kept);
      const box = new VoicemailBox(api, session, events, cache);
      expect(await box.audio(vm('n1'))).to.equal(kept);
      expect(api.audios).to.deep.equal([]);
      const fetched = await box.audio(vm('n9'));
      expect(await fetched.text()).to.equal('audio of n9');
      expect(api.audios).to.deep.equal(['n9']);
      await until(() => cache.kept.has('n9'));
      expect(cache.kept.get('n9')).to.equal(fetched);
    });

    it('audio() without a cache asks the platform', async () => {
      const box = new VoicemailBox(api, session, events);
      expect(await (await box.audio(vm('n1'))).text()).to.equal('audio of n1');
      expect(api.audios).to.deep.equal(['n1']);
    });
  });

  describe('moving and deleting', () => {
    let box: VoicemailBox;
    beforeEach(async () => {
      session.signIn('1001');
      box = new VoicemailBox(api, session, events);
      await until(() => box.count === 2 && !box.loading);
    });

    it('Save moves a message to Saved at once (in date order), then asks the platform', async () => {
      const c = counter(box);
      const n2 = box.lists.new[0]!;
      const done = box.move(n2, 'save');
      // Before the platform answers.
      expect(ids(box.lists.new)).to.deep.equal(['n1']);
      expect(ids(box.lists.save)).to.deep.equal(['n2', 's1']);
      expect(box.lists.save[0]!.folder).to.equal('save');
      expect(box.count).to.equal(1);
      expect(c.badge).to.equal(1);
      await done;
      expect(api.moves).to.deep.equal([['n2', 'new', 'save', '~']]);
      expect(box.error).to.equal('');

      // Mark new: back, in date order among the new ones.
      const n1 = box.lists.new[0]!;
      await box.move(n1, 'save');
      expect(ids(box.lists.save)).to.deep.equal(['n2', 's1', 'n1']);
      await box.move(box.lists.save[1]!, 'new');
      expect(ids(box.lists.new)).to.deep.equal(['s1']);
      expect(box.lists.new[0]!.folder).to.equal('new');
      expect(api.moves[2]).to.deep.equal(['s1', 'save', 'new', '~']);
    });

    it('moving to the folder it is in does nothing', async () => {
      const c = counter(box);
      await box.move(box.lists.new[0]!, 'new');
      expect(api.moves).to.deep.equal([]);
      expect(c.changed).to.equal(0);
      expect(ids(box.lists.new)).to.deep.equal(['n2', 'n1']);
    });

    it('to the trash leaves both lists', async () => {
      await box.move(box.lists.save[0]!, 'trash');
      expect(box.lists.save).to.deep.equal([]);
      expect(ids(box.lists.new)).to.deep.equal(['n2', 'n1']);
      expect(api.moves).to.deep.equal([['s1', 'save', 'trash', '~']]);
    });

    it('a load that was running when a message was saved does not bring it back to New', async () => {
      session.signIn('1001');
      const box = new VoicemailBox(api, session, events);
      await until(() => !box.loading && box.count === 2);
      const moved = box.lists.new[0]!;
      api.hold = true;
      const reload = box.refresh();
      await until(() => api.held.length === 2);
      api.hold = false;
      await box.move(moved, 'save');
      api.release();
      await reload;
      await until(() => !box.loading);
      expect(ids(box.lists.new)).not.to.include(moved.id);
      expect(ids(box.lists.save)).to.include(moved.id);
    });

    it('a refused move reloads the platform\'s lists and keeps the error', async () => {
      api.moveError = new ApiError('http', 'You may not access this resource', 403, 'forbidden');
      const before = api.lists.length;
      await box.move(box.lists.new[0]!, 'save');
      expect(api.lists.length).to.equal(before + 2);
      expect(ids(box.lists.new)).to.deep.equal(['n2', 'n1']);
      expect(ids(box.lists.save)).to.deep.equal(['s1']);
      expect(box.count).to.equal(2);
      expect(box.error).to.equal('You may not access this resource');
    });

    it('Delete takes it out at once and asks the platform', async () => {
      const c = counter(box);
      const done = box.delete(box.lists.new[1]!);
      expect(ids(box.lists.new)).to.deep.equal(['n2']);
      expect(c.badge).to.equal(1);
      await done;
      expect(api.deletes).to.deep.equal([['n1', 'new', '~']]);
      expect(box.error).to.equal('');
    });

    it('a refused delete reloads (the message is back) and keeps the error', async () => {
      api.deleteError = new ApiError('http', 'Server error', 500);
      await box.delete(box.lists.new[1]!);
      expect(ids(box.lists.new)).to.deep.equal(['n2', 'n1']);
      expect(box.error).to.equal('Server error');
    });

    it('deleting a message already gone (404) is what was asked for: no error, no reload', async () => {
      api.deleteError = new ApiError('http', 'Not found', 404, 'not_found');
      const before = api.lists.length;
      await box.delete(box.lists.save[0]!);
      expect(box.lists.save).to.deep.equal([]);
      expect(box.error).to.equal('');
      expect(api.lists).to.have.length(before);
    });
  });

  describe('the session', () => {
    it('signing out empties the lists and the badge', async () => {
      const cache = new MemoryCache();
      session.signIn('1001');
      const box = new VoicemailBox(api, session, events, cache);
      await until(() => box.count === 2 && !box.loading);
      const c = counter(box);
      session.signOut();
      expect(box.lists).to.deep.equal({ new: [], save: [] });
      expect(box.count).to.equal(0);
      expect(c.badge).to.equal(1);
      const asked = api.lists.length;
      events.dispatchEvent(voicemailEvent('1001'));
      await tick(20);
      expect(api.lists, 'signed out: no reloads').to.have.length(asked);
    });

    it('a late answer for the user who signed out is ignored', async () => {
      session.signIn('1001');
      const box = new VoicemailBox(api, session, events);
      await until(() => box.count === 2 && !box.loading);
      api.hold = true;
      const reload = box.refresh();
      await until(() => api.held.length === 2);
      session.signOut();
      api.release();
      await reload;
      expect(box.lists).to.deep.equal({ new: [], save: [] });
      expect(box.count).to.equal(0);
    });

    it('signing out while a load runs leaves it not loading', async () => {
      session.signIn('1001');
      const box = new VoicemailBox(api, session, events);
      await until(() => !box.loading);
      api.hold = true;
      const reload = box.refresh();
      await until(() => api.held.length === 2);
      session.signOut();
      api.release();
      await reload;
      expect(box.loading).to.equal(false);
    });

    it('a late answer for the previous user never shows over the next user\'s lists', async () => {
      const cache = new MemoryCache();
      api.hold = true;
      session.signIn('1001');
      const box = new VoicemailBox(api, session, events, cache);
      await until(() => api.held.length === 2);
      const alices = api.held.splice(0);
      session.signOut();
      // Bob's box.
      api.folders.new = [vm('b1', { mailbox: '1002' })];
      api.folders.save = [];
      session.signIn('1002');
      await until(() => api.held.length === 2);
      api.release();
      await until(() => box.count === 1 && !box.loading);
      expect(ids(box.lists.new)).to.deep.equal(['b1']);
      // Now Alice's answers arrive.
      for (const h of alices) h.gate.resolve();
      await tick(20);
      expect(ids(box.lists.new)).to.deep.equal(['b1']);
      expect(box.count).to.equal(1);
      expect(box.loading).to.equal(false);
      expect(cache.saves.map((s) => s[0])).to.deep.equal(['1002@demo/~']);
    });

    it('stored lists of the previous user are not shown to the next', async () => {
      const cache = new MemoryCache();
      cache.stored.set('1001@demo/~', { new: [vm('alice-old')], save: [] });
      cache.loadGate = deferred<void>();
      session.signIn('1001');
      const box = new VoicemailBox(api, session, events, cache);
      session.signOut();
      api.folders.new = [vm('b1', { mailbox: '1002' })];
      api.folders.save = [];
      const gate = cache.loadGate;
      cache.loadGate = null;
      session.signIn('1002');
      await until(() => box.count === 1 && !box.loading);
      gate.resolve();
      await tick(20);
      expect(ids(box.lists.new)).to.deep.equal(['b1']);
    });
  });
});

describe('IdbVoicemailCache (real IndexedDB)', () => {
  let name = '';
  let opened: Array<ReturnType<typeof openSwitchboardDB>> = [];
  /** A connection of its own, as each start of the app opens one. */
  const open = () => {
    const db = openSwitchboardDB(name);
    opened.push(db);
    return db;
  };
  beforeEach(() => (name = `switchboard-voicemail-${crypto.randomUUID()}`));
  afterEach(async () => {
    for (const db of opened.splice(0)) (await db).close();
    await deleteDB(name);
  });

  const blob = (bytes: number, fill = 'x') => new Blob([fill.repeat(bytes)], { type: 'audio/ogg' });

  it('keeps each box\'s lists: what is saved is what is loaded', async () => {
    const cache = new IdbVoicemailCache(open());
    const mine = { new: [vm('n1', { transcription: 'Hello', transcription_status: 'done' as const })], save: [vm('s1', { folder: 'save' })] };
    const shared = { new: [vm('x1', { mailbox: '1005' })], save: [] };
    expect(await cache.load('1001@demo/~')).to.equal(undefined);
    await cache.save('1001@demo/~', mine);
    await cache.save('1001@demo/1005', shared);
    expect(await cache.load('1001@demo/~')).to.deep.equal(mine);
    expect(await cache.load('1001@demo/1005')).to.deep.equal(shared);
    // A second connection (the next start) reads the same.
    const again = new IdbVoicemailCache(open());
    expect(await again.load('1001@demo/~')).to.deep.equal(mine);
    await cache.save('1001@demo/~', { new: [], save: [] });
    expect(await cache.load('1001@demo/~')).to.deep.equal({ new: [], save: [] });
  });

  it('keeps audio, and drops the oldest kept audio beyond the budget', async () => {
    const cache = new IdbVoicemailCache(open(), 10);
    await cache.putAudio('a', blob(4, 'a'));
    await tick(5);
    await cache.putAudio('b', blob(4, 'b'));
    expect(await (await cache.audio('a'))!.text()).to.equal('aaaa');
    expect(await (await cache.audio('b'))!.text()).to.equal('bbbb');
    await tick(5);
    await cache.putAudio('c', blob(4, 'c'));
    expect(await cache.audio('a'), 'the oldest goes').to.equal(undefined);
    expect(await (await cache.audio('b'))!.text()).to.equal('bbbb');
    expect(await (await cache.audio('c'))!.text()).to.equal('cccc');
    await tick(5);
    await cache.putAudio('d', blob(10, 'd'));
    expect(await (await cache.audio('d'))!.text()).to.equal('d'.repeat(10));
    expect(await cache.audio('b')).to.equal(undefined);
    expect(await cache.audio('c')).to.equal(undefined);
  });

  it('the audio just kept stays even when the older one was kept in the same millisecond', async () => {
    const cache = new IdbVoicemailCache(open(), 10);
    const now = Date.now;
    Date.now = () => 1000;
    try {
      await cache.putAudio('b', blob(6, 'b'));
      await cache.putAudio('a', blob(6, 'a'));
    } finally {
      Date.now = now;
    }
    expect(await (await cache.audio('a'))!.text()).to.equal('aaaaaa');
    expect(await cache.audio('b')).to.equal(undefined);
  });

  it('audio larger than the whole budget is not kept, and evicts nothing', async () => {
    const cache = new IdbVoicemailCache(open(), 10);
    await cache.putAudio('a', blob(4));
    await cache.putAudio('huge', blob(11));
    expect(await cache.audio('huge')).to.equal(undefined);
    expect(await cache.audio('a')).to.not.equal(undefined);
  });

  it('saving lists drops the audio of messages no longer listed in any box', async () => {
    const cache = new IdbVoicemailCache(open());
    await cache.save('1001@demo/~', { new: [vm('m1'), vm('m2')], save: [vm('m3', { folder: 'save' })] });
    await cache.save('1001@demo/1005', { new: [vm('shared')], save: [] });
    for (const id of ['m1', 'm2', 'm3', 'shared']) await cache.putAudio(id, blob(3));
    await cache.save('1001@demo/~', { new: [vm('m1')], save: [vm('m3', { folder: 'save' })] });
    expect(await cache.audio('m1')).to.not.equal(undefined);
    expect(await cache.audio('m3')).to.not.equal(undefined);
    expect(await cache.audio('m2'), 'deleted elsewhere').to.equal(undefined);
    expect(await cache.audio('shared'), 'still listed in the shared box').to.not.equal(undefined);
  });

  it('a box with this cache starts offline with the lists it had', async () => {
    const session = new FakeSession();
    const api = new FakeApi();
    api.folders.new = [vm('n1')];
    api.folders.save = [vm('s1', { folder: 'save' })];
    session.signIn('1001');
    const cache = new IdbVoicemailCache(open());
    const first = new VoicemailBox(api, session, new EventTarget(), cache);
    await until(() => first.count === 1 && !first.loading);
    // Stored by the first box (then its audio fetched ahead).
    await until(() => api.audios.length === 2);
    await tick(20);

    const offline = new FakeApi();
    offline.listError = new ApiError('network', 'Cannot reach the phone system.');
    const second = new VoicemailBox(offline, session, new EventTarget(), new IdbVoicemailCache(open()));
    await until(() => second.count === 1);
    expect(ids(second.lists.new)).to.deep.equal(['n1']);
    expect(ids(second.lists.save)).to.deep.equal(['s1']);
    expect(await (await second.audio(vm('n1')))!.text()).to.equal('audio of n1');
    expect(offline.audios, 'played from the kept copy').to.deep.equal([]);
    await until(() => !second.loading);
  });
});
