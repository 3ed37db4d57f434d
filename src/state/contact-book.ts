/**
 * My personal contacts, offline first. IndexedDB holds the last known contacts, so the list
 * shows at once and without a network; the platform is the source of truth and is caught up
 * with `updated_since` (changes and tombstones since the last sync).
 *
 * Every change (create, edit, delete) is applied here at once and queued in the outbox store in
 * the order made; the outbox is sent in order whenever the platform is reachable (now, when the
 * browser comes back online, when the events channel reconnects, at the next start). Nothing is
 * lost to a crash or a closed tab: the queue and the local copy are written in one transaction.
 *
 *   - A create carries a client_id: resending it after a lost answer creates nothing new.
 *   - An edit carries the version it started from. A 409 (changed elsewhere meanwhile) is
 *     merged by data/contact-merge.ts (their value wins a field both changed) and resent.
 *   - An edit of a contact deleted elsewhere re-creates it: an edit is newer intent than the
 *     delete, and nothing typed is lost.
 *   - A delete of a contact changed elsewhere meanwhile keeps their newer copy and says so.
 *   - A change the platform refuses (a field it finds invalid) is undone here and reported.
 */
import type { IDBPDatabase, IDBPObjectStore } from 'idb';
import { ApiError, type ApiClient, type Contact, type ContactFields, type ContactTombstone } from '../data/api.js';
import type { ContactChange, LocalContact, MetaKey, SwitchboardDB } from '../data/db.js';
import { fieldsOf, mergeContact, sameFields } from '../data/contact-merge.js';

export type ContactsApi = Pick<ApiClient, 'contacts' | 'createContact' | 'updateContact' | 'deleteContact'>;

/** Contacts per page when syncing. */
const PAGE = 500;
const SINCE: MetaKey = 'contacts.since';

export class ContactBookChangedEvent extends Event {
  static readonly eventName = 'contact-book-changed' as const;
  constructor() {
    super(ContactBookChangedEvent.eventName);
  }
}

/** What became of a save: sent and accepted, or queued until the platform is reachable. */
export interface SaveOutcome {
  contact: LocalContact;
  queued: boolean;
}

/** A refused or partly overridden change, for the user to read. */
export class ContactNotice extends Error {
  constructor(message: string, readonly field?: string) {
    super(message);
  }
}

const LOCAL = 'local:';

type Outbox = IDBPObjectStore<SwitchboardDB, ['contacts', 'outbox'], 'outbox', 'readwrite'>;

export class ContactBook extends EventTarget {
  /** Live personal contacts, in no particular order (views sort). */
  entries: LocalContact[] = [];
  /** How many changes wait to be sent. */
  pendingCount = 0;
  /** The last thing the user should know about a change (refused, or overridden in a merge). */
  notice: ContactNotice | null = null;

  private flushing: Promise<void> | null = null;
  private syncing: Promise<void> | null = null;
  /** The outbox entry being sent: later edits queue behind it instead of changing it. */
  private inFlight: number | null = null;
  /** Local ids of creates the platform has accepted, to their platform ids. */
  private readonly accepted = new Map<string, string>();
  /** Outbox entries a save() is waiting on, and their outcomes once sent. */
  private readonly awaited = new Set<number>();
  private readonly results = new Map<number, LocalContact | ContactNotice>();

  constructor(
    private readonly db: Promise<IDBPDatabase<SwitchboardDB>>,
    private readonly api: ContactsApi,
  ) {
    super();
  }

  /** Shows what IndexedDB has, then catches up with the platform. */
  async load(): Promise<void> {
    await this.showStored();
    await this.sync();
  }

  /** Shows what IndexedDB has, without the network. */
  showStored(): Promise<void> {
    return this.reload();
  }

  /** Sends the outbox, then fetches the changes made elsewhere. Offline: keeps what it has. */
  sync(): Promise<void> {
    this.syncing ??= (async () => {
      try {
        await this.flush();
        if (this.pendingCount === 0) await this.pull();
      } catch (err) {
        if (!(err instanceof ApiError && err.kind === 'network')) console.warn('Switchboard: contact sync failed', err);
      } finally {
        await this.reload();
      }
    })().finally(() => (this.syncing = null));
    return this.syncing;
  }

  /** Creates (`id` null) or edits a contact; resolves once sent, or once queued when offline. */
  async save(id: string | null, fields: ContactFields): Promise<SaveOutcome> {
    const db = await this.db;
    const tx = db.transaction(['contacts', 'outbox'], 'readwrite');
    const now = new Date().toISOString();
    let seq: number;
    let local: LocalContact;
    if (id === null) {
      const clientId = crypto.randomUUID();
      local = { id: LOCAL + clientId, client_id: clientId, created_at: now, updated_at: now, version: 0, pending: true, ...fieldsOf(fields) };
      seq = await tx.objectStore('outbox').add({ kind: 'create', id: local.id, clientId, fields: fieldsOf(fields) });
    } else {
      const current = await tx.objectStore('contacts').get(this.accepted.get(id) ?? id);
      if (!current) throw new ContactNotice('This contact no longer exists.');
      local = { ...current, ...fieldsOf(fields), updated_at: now, pending: true };
      seq = await this.queueEdit(tx.objectStore('outbox'), current, fields);
    }
    await tx.objectStore('contacts').put(local);
    await tx.done;
    this.awaited.add(seq);
    await this.reload();
    await this.flush().catch(() => undefined);
    // A flush that was just finishing when this was queued has not seen it: one more pass.
    if (!this.results.has(seq)) await this.flush().catch(() => undefined);
    const result = this.results.get(seq);
    this.awaited.delete(seq);
    this.results.delete(seq);
    if (result instanceof ContactNotice) {
      // The form that saved it shows it; the list need not repeat it.
      if (this.notice === result) this.notice = null;
      throw result;
    }
    return result ? { contact: result, queued: false } : { contact: local, queued: true };
  }

  /** Deletes a contact here at once; the platform hears of it as soon as it can be reached. */
  async remove(id: string): Promise<void> {
    const db = await this.db;
    const tx = db.transaction(['contacts', 'outbox'], 'readwrite');
    const contacts = tx.objectStore('contacts');
    const outbox = tx.objectStore('outbox');
    id = this.accepted.get(id) ?? id;
    const current = await contacts.get(id);
    if (!current) return;
    const queued = (await outbox.getAll()).filter((c) => c.id === id && c.seq !== this.inFlight);
    for (const c of queued) await outbox.delete(c.seq!);
    // A create not yet sent is simply dropped. Otherwise the platform knows the contact (or is
    // being told): queue the delete, made on the version the first unsent edit started from so
    // a change made elsewhere meanwhile is still noticed.
    if (!queued.some((c) => c.kind === 'create')) {
      const edit = queued.find((c) => c.kind === 'update');
      await outbox.add(edit?.kind === 'update'
        ? { kind: 'delete', id, baseVersion: edit.baseVersion, base: edit.base }
        : { kind: 'delete', id, baseVersion: current.version, base: fieldsOf(current) });
    }
    await contacts.delete(id);
    await tx.done;
    await this.reload();
    await this.flush().catch(() => undefined);
  }

  /** Forgets the notice once the user has seen it. */
  dismissNotice(): void {
    this.notice = null;
    this.changed();
  }

  clear(): void {
    this.entries = [];
    this.pendingCount = 0;
    this.notice = null;
    this.changed();
  }

  /**
   * Queues an edit. Edits of the same contact waiting in the outbox are folded into one (the
   * first one's base, the last one's fields), unless that one is already on its way.
   */
  private async queueEdit(outbox: Outbox, current: LocalContact, fields: ContactFields): Promise<number> {
    const waiting = (await outbox.getAll()).filter((c) => c.id === current.id && c.seq !== this.inFlight);
    const last = waiting.at(-1);
    if (last && (last.kind === 'create' || last.kind === 'update')) {
      await outbox.put({ ...last, fields: fieldsOf(fields) });
      return last.seq!;
    }
    return outbox.add({ kind: 'update', id: current.id, baseVersion: current.version, base: fieldsOf(current), fields: fieldsOf(fields), recreateId: crypto.randomUUID() });
  }

  /** Sends the outbox in order; stops (keeping the rest) when the platform cannot be reached. */
  private flush(): Promise<void> {
    this.flushing ??= (async () => {
      const db = await this.db;
      for (;;) {
        const change = (await db.getAll('outbox', undefined, 1))[0];
        if (!change) break;
        this.inFlight = change.seq!;
        try {
          const result = await this.send(change);
          await this.settle(change, result);
        } catch (err) {
          if (err instanceof ApiError && (err.kind === 'network' || err.status >= 500 || err.status === 401)) throw err;
          // Refused for good (e.g. an invalid field): undo it here rather than retry forever.
          const notice = new ContactNotice(err instanceof Error ? err.message : String(err), err instanceof ApiError ? err.field : undefined);
          await this.undo(change);
          if (this.awaited.has(change.seq!)) this.results.set(change.seq!, notice);
          this.notice = notice;
        } finally {
          this.inFlight = null;
        }
      }
    })().finally(async () => {
      this.flushing = null;
      await this.reload();
    });
    return this.flushing;
  }

  /** Sends one change; resolves with the platform's copy, or null when the contact is gone. */
  private async send(change: ContactChange): Promise<Contact | null> {
    switch (change.kind) {
      case 'create':
        return this.api.createContact({ ...change.fields, client_id: change.clientId });
      case 'update': {
        let baseVersion = change.baseVersion;
        for (;;) {
          try {
            return await this.api.updateContact(change.id, change.fields, baseVersion);
          } catch (err) {
            const theirs = conflicting(err);
            if (theirs === 'gone') return this.api.createContact({ ...change.fields, client_id: change.recreateId });
            if (!theirs) throw err;
            const merged = mergeContact(change.base, change.fields, theirs);
            if (merged.overridden.length > 0) {
              this.notice = new ContactNotice(`This contact was changed elsewhere; their ${merged.overridden.map(label).join(', ')} was kept.`);
            }
            if (sameFields(merged.fields, theirs)) return theirs;
            change = { ...change, fields: merged.fields, base: fieldsOf(theirs) };
            baseVersion = theirs.version;
          }
        }
      }
      case 'delete':
        try {
          await this.api.deleteContact(change.id, change.baseVersion);
          return null;
        } catch (err) {
          const theirs = conflicting(err);
          if (theirs === 'gone') return null;
          if (!theirs) throw err;
          this.notice = new ContactNotice(`${nameOf(theirs)} was changed elsewhere after you deleted it, so it was kept.`);
          return theirs;
        }
    }
  }

  /** Records a sent change: the outbox entry goes, the platform's copy replaces the local one. */
  private async settle(change: ContactChange, saved: Contact | null): Promise<void> {
    const db = await this.db;
    const tx = db.transaction(['contacts', 'outbox'], 'readwrite');
    const outbox = tx.objectStore('outbox');
    const contacts = tx.objectStore('contacts');
    await outbox.delete(change.seq!);
    const local = await contacts.get(change.id);
    if (!saved) {
      await contacts.delete(change.id);
      await tx.done;
      return;
    }
    if (saved.id !== change.id) {
      this.accepted.set(change.id, saved.id);
      await contacts.delete(change.id);
    }
    // Changes queued behind this one now start from the platform's copy.
    const later = (await outbox.getAll()).filter((c) => c.id === change.id);
    for (const c of later) await outbox.put({ ...c, id: saved.id, baseVersion: saved.version, base: fieldsOf(saved) } as ContactChange);
    if (!later.some((c) => c.kind === 'delete')) {
      const stillEdited = local && later.some((c) => c.kind === 'update');
      await contacts.put(stillEdited ? { ...saved, ...fieldsOf(local), pending: true } : saved);
    }
    if (this.awaited.has(change.seq!)) this.results.set(change.seq!, saved);
    await tx.done;
  }

  /** Puts a refused change back the way it was before it. */
  private async undo(change: ContactChange): Promise<void> {
    const db = await this.db;
    const tx = db.transaction(['contacts', 'outbox'], 'readwrite');
    await tx.objectStore('outbox').delete(change.seq!);
    if (change.kind === 'create') {
      await tx.objectStore('contacts').delete(change.id);
    } else {
      const current = await tx.objectStore('contacts').get(change.id);
      if (current || change.kind === 'delete') {
        await tx.objectStore('contacts').put({ ...(current ?? ({} as LocalContact)), ...change.base, id: change.id, version: change.baseVersion, pending: false } as LocalContact);
      }
    }
    await tx.done;
  }

  /** Applies the platform's changes since the last sync (everything, the first time). */
  private async pull(): Promise<void> {
    const db = await this.db;
    const since = (await db.get('meta', SINCE)) as string | undefined;
    let cursor: string | undefined;
    let newest = since;
    const seen: Contact[] = [];
    const deleted: string[] = [];
    do {
      const page = await this.api.contacts({ limit: PAGE, cursor, updated_since: since });
      for (const item of page.items) {
        if (isTombstone(item)) deleted.push(item.id);
        else seen.push(item);
        if (!newest || item.updated_at > newest) newest = item.updated_at;
      }
      cursor = page.next_cursor ?? undefined;
    } while (cursor);

    const tx = db.transaction(['contacts', 'outbox', 'meta'], 'readwrite');
    const contacts = tx.objectStore('contacts');
    const queued = new Set((await tx.objectStore('outbox').getAll()).map((c) => c.id));
    // A full load replaces everything except what waits to be sent.
    if (!since) {
      for (const c of await contacts.getAll()) if (!queued.has(c.id) && !c.id.startsWith(LOCAL)) await contacts.delete(c.id);
    }
    for (const c of seen) if (!queued.has(c.id)) await contacts.put(c);
    for (const id of deleted) if (!queued.has(id)) await contacts.delete(id);
    if (newest) await tx.objectStore('meta').put(newest, SINCE);
    await tx.done;
  }

  private async reload(): Promise<void> {
    const db = await this.db;
    const [entries, pending] = await Promise.all([db.getAll('contacts'), db.count('outbox')]);
    this.entries = entries;
    this.pendingCount = pending;
    this.changed();
  }

  private changed(): void {
    this.dispatchEvent(new ContactBookChangedEvent());
  }
}

/** The platform's current copy from a 409, 'gone' for a 404/410, null for any other error. */
function conflicting(err: unknown): Contact | 'gone' | null {
  if (!(err instanceof ApiError)) return null;
  if (err.status === 404 || err.status === 410) return 'gone';
  if (err.status !== 409) return null;
  return (err.body as { contact?: Contact } | undefined)?.contact ?? null;
}

function isTombstone(item: Contact | ContactTombstone): item is ContactTombstone {
  return (item as ContactTombstone).deleted === true;
}

function label(field: keyof ContactFields): string {
  return field === 'first_name' ? 'first name' : field === 'last_name' ? 'last name' : field;
}

function nameOf(c: ContactFields): string {
  return `${c.first_name} ${c.last_name}`.trim() || c.company || 'The contact';
}
