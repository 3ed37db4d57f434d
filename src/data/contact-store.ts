/**
 * The personal contacts' side of IndexedDB: the local copy (`contacts` store), its sync position
 * (`meta`), and its changes in the outbox, always written together in one transaction so a crash
 * never leaves a local change without its queued change or the other way round. The rules of
 * what a change means (merge, re-create, notices) are state/contact-book.ts's; this module only
 * keeps the stores consistent.
 */
import type { IDBPDatabase } from 'idb';
import type { Contact, ContactFields } from './wire.js';
import { fieldsOf } from './contact-merge.js';
import type { ContactChange, LocalContact, MetaKey, SwitchboardDB } from './db.js';
import type { Outbox, OutboxEntry, OutboxTx } from './outbox.js';

/** What the platform answered to a sent contact change: its copy, or null when the contact is gone. */
export type ContactResult = Contact | null;
export type ContactOutbox = Outbox<'contacts', ContactResult>;
export type ContactEntry = OutboxEntry<'contacts'>;

const SINCE: MetaKey = 'contacts.since';
/** Ids of contacts created here and not yet accepted: `local:<client id>`. */
export const LOCAL = 'local:';

export class ContactStore {
  /** Local ids of creates the platform has accepted, to their platform ids. */
  private readonly accepted = new Map<string, string>();

  constructor(
    private readonly db: Promise<IDBPDatabase<SwitchboardDB>>,
    private readonly outbox: ContactOutbox,
  ) {}

  /** The id a contact has now (a local id the platform since gave its own). */
  currentId(id: string): string {
    return this.accepted.get(id) ?? id;
  }

  /** The local copy and how many changes wait. */
  async read(): Promise<{ entries: LocalContact[]; pending: number }> {
    const db = await this.db;
    const [entries, pending] = await Promise.all([db.getAll('contacts'), this.outbox.count()]);
    return { entries, pending };
  }

  /** A new contact, shown at once and queued (its client id is the create's idempotency key). */
  async queueCreate(fields: ContactFields, now: string): Promise<{ seq: number; local: LocalContact }> {
    const tx = await this.outbox.transaction(['contacts']);
    const clientId = crypto.randomUUID();
    const local: LocalContact = { id: LOCAL + clientId, client_id: clientId, created_at: now, updated_at: now, version: 0, pending: true, ...fieldsOf(fields) };
    const seq = await this.outbox.enqueue(tx, { kind: 'create', id: local.id, clientId, fields: fieldsOf(fields) }, clientId);
    await tx.objectStore('contacts').put(local);
    await tx.done;
    return { seq, local };
  }

  /**
   * An edit, shown at once and queued; null when the contact is no longer here. Edits of the
   * same contact waiting in the outbox are folded into one (the first one's base, the last one's
   * fields), unless that one is already on its way.
   */
  async queueEdit(id: string, fields: ContactFields, now: string): Promise<{ seq: number; local: LocalContact } | null> {
    const tx = await this.outbox.transaction(['contacts']);
    const current = await tx.objectStore('contacts').get(this.currentId(id));
    if (!current) {
      await tx.done;
      return null;
    }
    const local: LocalContact = { ...current, ...fieldsOf(fields), updated_at: now, pending: true };
    const waiting = (await this.outbox.entries(tx)).filter((e) => e.change.id === current.id && e.seq !== this.outbox.inFlight);
    const last = waiting.at(-1);
    let seq: number;
    if (last && (last.change.kind === 'create' || last.change.kind === 'update')) {
      await this.outbox.replace(tx, last, { ...last.change, fields: fieldsOf(fields) });
      seq = last.seq;
    } else {
      const recreateId = crypto.randomUUID();
      seq = await this.outbox.enqueue(
        tx,
        { kind: 'update', id: current.id, baseVersion: current.version, base: fieldsOf(current), fields: fieldsOf(fields), recreateId },
        recreateId,
      );
    }
    await tx.objectStore('contacts').put(local);
    await tx.done;
    return { seq, local };
  }

  /** A delete, applied here at once and queued unless the platform never heard of the contact. */
  async queueDelete(id: string): Promise<void> {
    const tx = await this.outbox.transaction(['contacts']);
    const contacts = tx.objectStore('contacts');
    id = this.currentId(id);
    const current = await contacts.get(id);
    if (!current) {
      await tx.done;
      return;
    }
    const queued = (await this.outbox.entries(tx)).filter((e) => e.change.id === id && e.seq !== this.outbox.inFlight);
    for (const e of queued) await this.outbox.remove(tx, e.seq);
    // A create not yet sent is simply dropped. Otherwise the platform knows the contact (or is
    // being told): queue the delete, made on the version the first unsent edit started from so
    // a change made elsewhere meanwhile is still noticed.
    if (!queued.some((e) => e.change.kind === 'create')) {
      const edit = queued.find((e) => e.change.kind === 'update')?.change;
      await this.outbox.enqueue(tx, edit?.kind === 'update'
        ? { kind: 'delete', id, baseVersion: edit.baseVersion, base: edit.base }
        : { kind: 'delete', id, baseVersion: current.version, base: fieldsOf(current) });
    }
    await contacts.delete(id);
    await tx.done;
  }

  /** A sent change (its entry already removed in `tx`): the platform's copy replaces the local one. */
  async applySent(tx: OutboxTx, entry: ContactEntry, saved: ContactResult): Promise<void> {
    const change = entry.change;
    const contacts = tx.objectStore('contacts');
    const local = await contacts.get(change.id);
    if (!saved) {
      await contacts.delete(change.id);
      return;
    }
    if (saved.id !== change.id) {
      this.accepted.set(change.id, saved.id);
      await contacts.delete(change.id);
    }
    // Changes queued behind this one now start from the platform's copy.
    const later = (await this.outbox.entries(tx)).filter((e) => e.change.id === change.id);
    for (const e of later) {
      await this.outbox.replace(tx, e, { ...e.change, id: saved.id, baseVersion: saved.version, base: fieldsOf(saved) } as ContactChange);
    }
    if (!later.some((e) => e.change.kind === 'delete')) {
      const stillEdited = local && later.some((e) => e.change.kind === 'update');
      await contacts.put(stillEdited ? { ...saved, ...fieldsOf(local), pending: true } : saved);
    }
  }

  /** A refused change (its entry already removed in `tx`): put back the way it was before it. */
  async undo(tx: OutboxTx, entry: ContactEntry): Promise<void> {
    const change = entry.change;
    const contacts = tx.objectStore('contacts');
    if (change.kind === 'create') {
      await contacts.delete(change.id);
      return;
    }
    const current = await contacts.get(change.id);
    if (current || change.kind === 'delete') {
      await contacts.put({ ...(current ?? ({} as LocalContact)), ...change.base, id: change.id, version: change.baseVersion, pending: false } as LocalContact);
    }
  }

  /** Where the last pull got to (`updated_since`); undefined before the first. */
  async since(): Promise<string | undefined> {
    const db = await this.db;
    return (await db.get('meta', SINCE)) as string | undefined;
  }

  /**
   * The platform's changes since `since` (everything when undefined: then it replaces the local
   * copy), leaving alone every contact a queued change is about.
   */
  async applyPull(since: string | undefined, seen: Contact[], deleted: string[], newest: string | undefined): Promise<void> {
    const tx = await this.outbox.transaction(['contacts', 'meta']);
    const contacts = tx.objectStore('contacts');
    const queued = new Set((await this.outbox.entries(tx)).map((e) => e.change.id));
    if (!since) {
      for (const c of await contacts.getAll()) if (!queued.has(c.id) && !c.id.startsWith(LOCAL)) await contacts.delete(c.id);
    }
    for (const c of seen) if (!queued.has(c.id)) await contacts.put(c);
    for (const id of deleted) if (!queued.has(id)) await contacts.delete(id);
    if (newest) await tx.objectStore('meta').put(newest, SINCE);
    await tx.done;
  }
}
