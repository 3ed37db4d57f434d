/**
 * The call records' side of IndexedDB (`history`, keyed by the platform's record id, which grows
 * with time, and `history.complete` in `meta`). The rules of what to fetch and keep are
 * state/call-history.ts's; this module only reads and writes the stores, each write in one
 * transaction.
 */
import type { IDBPDatabase } from 'idb';
import type { CdrEntry } from './wire.js';
import type { MetaKey, SwitchboardDB } from './db.js';

const COMPLETE: MetaKey = 'history.complete';

export class HistoryStore {
  constructor(private readonly db: Promise<IDBPDatabase<SwitchboardDB>>) {}

  /** Up to `limit` stored records older than `before` (all from the top without it), newest first: one keyset cursor walk. */
  async walk(limit: number, before?: number): Promise<CdrEntry[]> {
    const db = await this.db;
    const out: CdrEntry[] = [];
    const range = before === undefined ? undefined : IDBKeyRange.upperBound(before, true);
    let cursor = await db.transaction('history').store.openCursor(range, 'prev');
    while (cursor && out.length < limit) {
      out.push(cursor.value);
      cursor = await cursor.continue();
    }
    return out;
  }

  /** The stored run reaches the user's oldest record. */
  async complete(): Promise<boolean> {
    const db = await this.db;
    return Boolean(await db.get('meta', COMPLETE));
  }

  /** The id of the newest stored record; undefined when none. */
  async newestId(): Promise<number | undefined> {
    const db = await this.db;
    return (await db.transaction('history').store.openKeyCursor(null, 'prev'))?.key;
  }

  /**
   * Records fetched from the top. `joined`: they reach the stored run (otherwise it is dropped
   * and they start a new one, so the run never has a hole); `complete`: they reach the oldest.
   */
  async putNewest(records: CdrEntry[], { joined, complete }: { joined: boolean; complete: boolean }): Promise<void> {
    const db = await this.db;
    const tx = db.transaction(['history', 'meta'], 'readwrite');
    if (!joined && !complete) await tx.objectStore('history').clear();
    for (const e of records) await tx.objectStore('history').put(e);
    if (complete) await tx.objectStore('meta').put(true, COMPLETE);
    else if (!joined) await tx.objectStore('meta').delete(COMPLETE);
    await tx.done;
  }

  /** Records continuing the stored run downwards; `complete`: they reach the oldest. */
  async putOlder(records: CdrEntry[], complete: boolean): Promise<void> {
    const db = await this.db;
    const tx = db.transaction(['history', 'meta'], 'readwrite');
    for (const e of records) await tx.objectStore('history').put(e);
    if (complete) await tx.objectStore('meta').put(true, COMPLETE);
    await tx.done;
  }
}
