/**
 * The web phone's IndexedDB: one schema with versioned upgrade steps, shared by the page and
 * the service worker. Each step runs once, in order, when an older database is opened.
 */
import { openDB, type DBSchema, type IDBPDatabase, type StoreNames } from 'idb';
import type { CdrEntry, Contact, ContactFields, MessageSessionView, MessageView, VoicemailEntry } from './wire.js';
import type { VoicemailChange } from './voicemail-outbox.js';
import type { MessageChange } from './message-outbox.js';

export interface PendingRecording {
  /** Client-generated uuid, also the upload's idempotency key (X-Recording-Id). */
  id: string;
  /** SIP Call-ID of the recorded call. */
  callId: string;
  startedAt: string;
  durationS: number;
  contentType: string;
  /** MediaRecorder chunks in order; appended while recording so a crash loses at most one. */
  chunks: Blob[];
  /** Recording stopped: ready to upload. An unfinished one is finished at the next start. */
  finished: boolean;
  attempts: number;
  lastError: string;
}

/** A personal contact as last known here; `pending` while a change to it waits in the outbox. */
export interface LocalContact extends Contact {
  pending?: boolean;
}

/**
 * A personal-contact change made here and not yet accepted by the platform, in the order made.
 * `base` is the contact as the change started from it (version `baseVersion`): the merge of a
 * 409 conflict compares against it (see data/contact-merge.ts).
 */
export type ContactChange =
  | { kind: 'create'; id: string; clientId: string; fields: ContactFields }
  /** `recreateId`: the client_id that re-creates the contact if it was deleted elsewhere. */
  | { kind: 'update'; id: string; baseVersion: number; base: ContactFields; fields: ContactFields; recreateId: string }
  | { kind: 'delete'; id: string; baseVersion: number; base: ContactFields };

/**
 * What the outbox (data/outbox.ts) queues, per resource: a new resource with offline changes
 * (chat messages, voicemail moves) adds its change type here.
 */
export interface OutboxChanges {
  contacts: ContactChange;
  /** Voicemail moves and deletes made offline (data/voicemail-outbox.ts). */
  voicemail: VoicemailChange;
  /** Chat and SMS messages written offline (data/message-outbox.ts), keyed by their client_id. */
  messages: MessageChange;
}

/** One outbox record: a change of one resource, with its client id (idempotency key). */
export type OutboxRecord =
  | { [R in keyof OutboxChanges]: { seq?: number; resource: R; clientId: string; change: OutboxChanges[R] } }[keyof OutboxChanges]
  /** Written before the outbox was generic: a bare contact change (read as `contacts`). */
  | (ContactChange & { seq?: number });

export interface SwitchboardDB extends DBSchema {
  recordings: { key: string; value: PendingRecording };
  /** The organisation directory (names and extensions) for an offline start. */
  directory: { key: string; value: { extension: string; name: string } };
  contacts: { key: string; value: LocalContact };
  /** Call records, keyed by the platform's id, which grows with time: newest = highest key. */
  history: { key: number; value: CdrEntry };
  /** Changes not yet accepted by the platform, in the order made (data/outbox.ts). */
  outbox: { key: number; value: OutboxRecord };
  /** Small facts kept with the data: whose it is, sync positions (see MetaKey). */
  meta: { key: string; value: unknown };
  /** The last lists of a voicemail box, keyed by `<user>/<mailbox>` (data/voicemail-cache.ts). */
  voicemail: { key: string; value: { new: VoicemailEntry[]; save: VoicemailEntry[] } };
  /** The audio of the latest messages, keyed by message id, for playing offline. */
  voicemailAudio: { key: string; value: { id: string; blob: Blob; storedAt: number } };
  /**
   * Chat and SMS, keyed by `<user>`: the conversations and the latest messages of each
   * (data/conversation-cache.ts), so they read offline.
   */
  conversations: { key: string; value: StoredConversations };
}

/** What is kept of a user's conversations: the list, and up to 50 latest messages of each (oldest first). */
export interface StoredConversations {
  sessions: MessageSessionView[];
  messages: Record<string, MessageView[]>;
}

export type MetaKey =
  /** `extension@domain` of the user whose data the stores hold. */
  | 'owner'
  /** `updated_at` of the newest contact change seen: the next `updated_since`. */
  | 'contacts.since'
  /** The history store reaches back to the user's oldest call record. */
  | 'history.complete'
  /** Shared voicemail messages the service worker has told of (sw/shared-voicemail.ts). */
  | 'sharedVoicemail.seen';

export const DB_NAME = 'switchboard';
export const DB_VERSION = 4;

/**
 * Opens (and upgrades) the database. The service worker opens it too when a new version
 * activates, so the upgrade runs once, before pages of the new version use it; a page still on
 * the old version closes its connection when asked (`blocking`) so the upgrade is never stuck.
 */
export function openSwitchboardDB(name = DB_NAME): Promise<IDBPDatabase<SwitchboardDB>> {
  const opened: Promise<IDBPDatabase<SwitchboardDB>> = openDB<SwitchboardDB>(name, DB_VERSION, {
    upgrade(db, oldVersion) {
      // Versioned steps: never edit a released one, add the next.
      if (oldVersion < 1) db.createObjectStore('recordings', { keyPath: 'id' });
      if (oldVersion < 2) {
        db.createObjectStore('directory', { keyPath: 'extension' });
        db.createObjectStore('contacts', { keyPath: 'id' });
        db.createObjectStore('history', { keyPath: 'id' });
        db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
        db.createObjectStore('meta');
      }
      if (oldVersion < 3) {
        db.createObjectStore('voicemail');
        db.createObjectStore('voicemailAudio', { keyPath: 'id' });
      }
      if (oldVersion < 4) db.createObjectStore('conversations');
    },
    blocking() {
      void opened.then((db) => db.close());
    },
  });
  return opened;
}

/**
 * Makes the stores hold `owner`'s data: when they hold someone else's (a session that ended
 * without a logout, then another user signed in here), that is cleared first.
 */
export async function claimForUser(db: IDBPDatabase<SwitchboardDB>, owner: string): Promise<void> {
  const current = await db.get('meta', 'owner' satisfies MetaKey);
  if (current === owner) return;
  if (current !== undefined) await clearUserData(db, ['recordings']);
  await db.put('meta', owner, 'owner' satisfies MetaKey);
}

/**
 * Empties every object store (the user's cached data) except those in `keep`, in one
 * transaction. Unlike deleteDatabase it never waits for other open connections.
 */
export async function clearUserData(db: IDBPDatabase<SwitchboardDB>, keep: readonly string[] = []): Promise<void> {
  const stores = [...db.objectStoreNames].filter((n) => !keep.includes(n)) as StoreNames<SwitchboardDB>[];
  if (stores.length === 0) return;
  const tx = db.transaction(stores, 'readwrite');
  await Promise.all([...stores.map((n) => tx.objectStore(n).clear()), tx.done]);
}
