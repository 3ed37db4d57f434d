/**
 * The signed-in user's local data as one lifecycle: at sign-in the stores are claimed for the
 * user (another user's leftovers are cleared), shown from IndexedDB and caught up with the
 * platform; they are caught up again whenever the platform may have changed them (an event, the
 * events channel reconnecting after a network loss, the browser coming back online); at logout
 * they are cleared, except what has not reached the platform yet.
 */
import type { IDBPDatabase } from 'idb';
import type { EventsClient } from '../data/events.js';
import { claimForUser, clearUserData, type SwitchboardDB } from '../data/db.js';
import { hasUnsentChanges } from '../data/outbox.js';
import type { CallHistory } from './call-history.js';
import type { ContactBook } from './contact-book.js';
import type { Directory } from './directory.js';

export class UserData {
  private started = false;
  private owner = '';
  private claim = deferred();
  private readonly onContactsChanged = () => void this.contacts.sync();
  private readonly onReconnect = () => {
    void this.contacts.sync();
    void this.directory.load();
    void this.history.sync().catch(() => undefined);
  };

  constructor(
    private readonly db: Promise<IDBPDatabase<SwitchboardDB>>,
    private readonly directory: Directory,
    private readonly contacts: ContactBook,
    private readonly history: CallHistory,
    private readonly events: EventsClient,
  ) {}

  /** Settles once the stores hold the signed-in user's data (and no one else's). */
  get claimed(): Promise<void> {
    return this.claim.promise;
  }

  /** Shows the stored data, then (once `syncAfter` settles) catches up with the platform. */
  async start(owner: string, syncAfter: Promise<void> = Promise.resolve()): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.owner = owner;
    this.events.addEventListener('platform-contacts-changed', this.onContactsChanged);
    await claimForUser(await this.db, owner);
    this.claim.resolve();
    await Promise.all([this.directory.showStored(), this.contacts.showStored()]);
    await syncAfter;
    await Promise.all([this.directory.load(), this.contacts.load(), this.history.sync().catch(() => undefined)]);
    // From now on, a reconnection (the events channel's `ready`) or the browser coming back
    // online may mean missed changes; the first `ready` is covered by the sync just done.
    if (!this.started) return;
    this.events.addEventListener('platform-ready', this.onReconnect);
    window.addEventListener('online', this.onReconnect);
  }

  /** Sends what can still be sent while the session lasts. */
  async flush(): Promise<void> {
    await this.contacts.sync();
  }

  /**
   * Forgets the user's data (privacy on shared computers), except what exists nowhere else:
   * recordings not yet uploaded (`keepRecordings`) and contact changes not yet sent, which go
   * out after this user's next sign-in here (another user's sign-in clears them).
   */
  async clear(keepRecordings: boolean): Promise<void> {
    this.stop();
    const db = await this.db;
    const unsent = await hasUnsentChanges(db);
    await clearUserData(db, [...(keepRecordings ? ['recordings'] : []), ...(unsent ? ['outbox'] : [])]);
    // Whose the kept changes are, so that only this user's next sign-in sends them.
    if (unsent && this.owner) await claimForUser(db, this.owner);
    this.directory.clear();
    this.contacts.clear();
  }

  private stop(): void {
    this.started = false;
    this.claim = deferred();
    this.events.removeEventListener('platform-contacts-changed', this.onContactsChanged);
    this.events.removeEventListener('platform-ready', this.onReconnect);
    window.removeEventListener('online', this.onReconnect);
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}
