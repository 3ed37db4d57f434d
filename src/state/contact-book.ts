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
 *
 * The queue is data/outbox.ts (resource `contacts`: ordered, idempotent by client id, retried
 * with backoff); the IndexedDB side (local copy and queue in one transaction) is
 * data/contact-store.ts. This store holds the rules: what to send, and what an answer means.
 */
import type { IDBPDatabase } from 'idb';
import { ApiError } from '../data/http.js';
import type { ContactsResource } from '../data/resources/contacts.js';
import type { Contact, ContactFields, ContactTombstone } from '../data/wire.js';
import { ContactStore, type ContactEntry, type ContactResult } from '../data/contact-store.js';
import type { LocalContact, SwitchboardDB } from '../data/db.js';
import { fieldsOf, mergeContact, sameFields } from '../data/contact-merge.js';
import { Outbox, type ConflictResolution, type OutboxFailure, type OutboxHandler, type OutboxOptions, type OutboxTx } from '../data/outbox.js';

export type ContactsApi = Pick<ContactsResource, 'list' | 'create' | 'update' | 'delete'>;

/** Contacts per page when syncing. */
const PAGE = 500;

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

export class ContactBook extends EventTarget {
  /** Live personal contacts, in no particular order (views sort). */
  entries: LocalContact[] = [];
  /** How many changes wait to be sent. */
  pendingCount = 0;
  /** The last thing the user should know about a change (refused, or overridden in a merge). */
  notice: ContactNotice | null = null;

  private syncing: Promise<void> | null = null;
  private readonly outbox: Outbox<'contacts', ContactResult>;
  private readonly store: ContactStore;
  /** Outbox entries a save() is waiting on, and their outcomes once sent. */
  private readonly awaited = new Set<number>();
  private readonly results = new Map<number, LocalContact | ContactNotice>();

  constructor(
    db: Promise<IDBPDatabase<SwitchboardDB>>,
    private readonly api: ContactsApi,
    /** Retry timing of the outbox (tests shorten or switch off the timed retries). */
    outboxOptions: Omit<OutboxOptions, 'flushed'> = {},
  ) {
    super();
    this.outbox = new Outbox(db, 'contacts', this.handler(), { ...outboxOptions, flushed: () => this.reload() });
    this.store = new ContactStore(db, this.outbox);
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
        await this.outbox.flush();
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
    const now = new Date().toISOString();
    const queued = id === null ? await this.store.queueCreate(fields, now) : await this.store.queueEdit(id, fields, now);
    if (!queued) throw new ContactNotice('This contact no longer exists.');
    const { seq, local } = queued;
    this.awaited.add(seq);
    await this.reload();
    await this.outbox.flush().catch(() => undefined);
    // A flush that was just finishing when this was queued has not seen it: one more pass.
    if (!this.results.has(seq)) await this.outbox.flush().catch(() => undefined);
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
    await this.store.queueDelete(id);
    await this.reload();
    await this.outbox.flush().catch(() => undefined);
  }

  /** Forgets the notice once the user has seen it. */
  dismissNotice(): void {
    this.notice = null;
    this.changed();
  }

  clear(): void {
    this.outbox.stop();
    this.entries = [];
    this.pendingCount = 0;
    this.notice = null;
    this.changed();
  }

  /** How the outbox sends a contact change and what the platform's answers mean. */
  private handler(): OutboxHandler<'contacts', ContactResult> {
    return {
      stores: ['contacts'],
      send: (entry) => this.send(entry),
      classify,
      resolve: (entry, err) => this.resolve(entry, err),
      settle: async (tx: OutboxTx, entry: ContactEntry, saved: ContactResult) => {
        await this.store.applySent(tx, entry, saved);
        if (saved && this.awaited.has(entry.seq)) this.results.set(entry.seq, saved);
      },
      refuse: async (tx: OutboxTx, entry: ContactEntry, err: unknown) => {
        // Refused for good (e.g. an invalid field): undone here rather than retried forever.
        const notice = new ContactNotice(err instanceof Error ? err.message : String(err), err instanceof ApiError ? err.field : undefined);
        await this.store.undo(tx, entry);
        if (this.awaited.has(entry.seq)) this.results.set(entry.seq, notice);
        this.notice = notice;
      },
    };
  }

  /** Sends one change; resolves with the platform's copy, or null when the contact is gone. */
  private async send({ change }: ContactEntry): Promise<ContactResult> {
    switch (change.kind) {
      case 'create':
        return this.api.create({ ...change.fields, client_id: change.clientId });
      case 'update':
        return this.api.update(change.id, change.fields, change.baseVersion);
      case 'delete':
        await this.api.delete(change.id, change.baseVersion);
        return null;
    }
  }

  /**
   * The conflict rule. An edit: of a contact deleted elsewhere re-creates it (with the edit's own
   * client id); of one changed elsewhere is merged field by field and resent on their version.
   * A delete: of a contact already gone is done; of one changed elsewhere keeps their copy.
   */
  private async resolve({ change }: ContactEntry, err: unknown): Promise<ConflictResolution<'contacts', ContactResult>> {
    const theirs = conflicting(err);
    // classify() calls only these a conflict: an edit or delete answered 409 (with their copy) or 404/410.
    if (!theirs || change.kind === 'create') throw err;
    if (change.kind === 'delete') {
      if (theirs === 'gone') return { done: null };
      this.notice = new ContactNotice(`${nameOf(theirs)} was changed elsewhere after you deleted it, so it was kept.`);
      return { done: theirs };
    }
    if (theirs === 'gone') return { resend: { kind: 'create', id: change.id, clientId: change.recreateId, fields: change.fields } };
    const merged = mergeContact(change.base, change.fields, theirs);
    if (merged.overridden.length > 0) {
      this.notice = new ContactNotice(`This contact was changed elsewhere; their ${merged.overridden.map(label).join(', ')} was kept.`);
    }
    if (sameFields(merged.fields, theirs)) return { done: theirs };
    return { resend: { ...change, fields: merged.fields, base: fieldsOf(theirs), baseVersion: theirs.version } };
  }

  /** Applies the platform's changes since the last sync (everything, the first time). */
  private async pull(): Promise<void> {
    const since = await this.store.since();
    let cursor: string | undefined;
    let newest = since;
    const seen: Contact[] = [];
    const deleted: string[] = [];
    do {
      const page = await this.api.list({ limit: PAGE, cursor, updated_since: since });
      for (const item of page.items) {
        if (isTombstone(item)) deleted.push(item.id);
        else seen.push(item);
        if (!newest || item.updated_at > newest) newest = item.updated_at;
      }
      cursor = page.next_cursor ?? undefined;
    } while (cursor);
    await this.store.applyPull(since, seen, deleted, newest);
  }

  private async reload(): Promise<void> {
    const { entries, pending } = await this.store.read();
    this.entries = entries;
    this.pendingCount = pending;
    this.changed();
  }

  private changed(): void {
    this.dispatchEvent(new ContactBookChangedEvent());
  }
}

/**
 * What a failed send means: unreachable (retry), a conflict to resolve (an edit or a delete that
 * met a newer or a deleted copy), or a refusal (anything else, and any failed create).
 */
function classify(err: unknown, { change }: ContactEntry): OutboxFailure {
  if (err instanceof ApiError && (err.kind === 'network' || err.status >= 500 || err.status === 401)) return 'retry';
  return change.kind !== 'create' && conflicting(err) ? 'conflict' : 'refused';
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
