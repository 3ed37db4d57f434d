/**
 * The web phone's IndexedDB: one schema with versioned upgrade steps, shared by the page and
 * the service worker. Each step runs once, in order, when an older database is opened.
 */
import { openDB, type DBSchema, type IDBPDatabase, type StoreNames } from 'idb';

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

export interface SwitchboardDB extends DBSchema {
  recordings: { key: string; value: PendingRecording };
}

export const DB_NAME = 'switchboard';
export const DB_VERSION = 1;

export function openSwitchboardDB(name = DB_NAME): Promise<IDBPDatabase<SwitchboardDB>> {
  return openDB<SwitchboardDB>(name, DB_VERSION, {
    upgrade(db, oldVersion) {
      // Versioned steps: never edit a released one, add the next.
      if (oldVersion < 1) db.createObjectStore('recordings', { keyPath: 'id' });
    },
  });
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
