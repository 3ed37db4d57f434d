/**
 * My call records, offline first. IndexedDB keeps the newest records (and every older page the
 * user has scrolled to), keyed by the platform's record id, which grows with time: a page is
 * one keyset cursor walk down from an id, so page 2,000 of 100,000 costs what page 1 does.
 *
 * The stores always hold one unbroken run of records from the newest down (`history.complete`
 * when it reaches the oldest): sync() fetches from the top until it meets a record it already
 * has; if the gap is too long to fill it drops the older run rather than keep a hole in it, and
 * pages further down come from the API and are kept as they arrive. The stores themselves are
 * data/history-store.ts's.
 */
import type { IDBPDatabase } from 'idb';
import type { CdrsResource } from '../data/resources/cdrs.js';
import type { CdrEntry } from '../data/wire.js';
import type { SwitchboardDB } from '../data/db.js';
import { HistoryStore } from '../data/history-store.js';

export type HistoryApi = Pick<CdrsResource, 'list'>;
/** API pages fetched per sync before giving up on joining the cached run. */
const MAX_SYNC_PAGES = 20;
const API_PAGE = 100;

export interface HistoryPage {
  items: CdrEntry[];
  /** Older records exist (here or on the platform). */
  more: boolean;
}

/** A sync stored records (new ones, or newer copies of the newest). */
export class HistoryChangedEvent extends Event {
  static readonly eventName = 'history-changed' as const;
  constructor() {
    super(HistoryChangedEvent.eventName);
  }
}

export class CallHistory extends EventTarget {
  private syncing: Promise<void> | null = null;
  private again: Promise<void> | null = null;
  private readonly store: HistoryStore;

  constructor(
    db: Promise<IDBPDatabase<SwitchboardDB>>,
    private readonly api: HistoryApi,
  ) {
    super();
    this.store = new HistoryStore(db);
  }

  /**
   * Up to `limit` records older than `before` (newest first; from the top without `before`):
   * from IndexedDB, topped up from the API when the stored run ends. Offline it returns what is
   * stored, and `more` says whether anything older is known to exist.
   */
  async page(limit: number, before?: number): Promise<HistoryPage> {
    const stored = await this.stored(limit + 1, before);
    if (stored.length > limit) return { items: stored.slice(0, limit), more: true };
    if (await this.store.complete()) return { items: stored, more: false };
    if (stored.length === limit) return { items: stored, more: true };
    try {
      // The stored run ends here (or is empty): the API continues it.
      const fetched = await this.fetchOlder(stored.at(-1)?.id ?? before, limit - stored.length);
      return { items: [...stored, ...fetched.items], more: fetched.more };
    } catch {
      // Offline: what is stored is all there is for now; the user can try again.
      return { items: stored, more: stored.length > 0 };
    }
  }

  /** Only what IndexedDB has: for the first paint, before any network. */
  stored(limit: number, before?: number): Promise<CdrEntry[]> {
    return this.store.walk(limit, before);
  }

  /**
   * Fetches records newer than the newest stored one (and the newest page again: a record can
   * change, e.g. ringing becomes missed). A sync asked for while one is running runs once more
   * after it, shared by everyone who asked meanwhile, so nothing asked for is missed and nothing
   * is fetched twice at once. Throws when the platform is unreachable.
   */
  sync(): Promise<void> {
    if (this.syncing) {
      this.again ??= this.syncing.catch(() => undefined).then(() => {
        this.again = null;
        return this.sync();
      });
      return this.again;
    }
    this.syncing = this.fetchNewer().finally(() => (this.syncing = null));
    return this.syncing;
  }

  private async fetchNewer(): Promise<void> {
    const newestKey = await this.store.newestId();
    const fetched: CdrEntry[] = [];
    let cursor: number | null = null;
    let joined = newestKey === undefined;
    let complete = false;
    for (let i = 0; i < MAX_SYNC_PAGES; i++) {
      const page = await this.api.list({ limit: API_PAGE, before: cursor ?? undefined });
      fetched.push(...page.items);
      cursor = page.next_cursor;
      if (cursor === null) complete = true;
      if (newestKey !== undefined && page.items.some((e) => e.id <= newestKey)) joined = true;
      if (joined || cursor === null) break;
    }
    // Too far behind to join up: the stored run starts again from the top.
    await this.store.putNewest(fetched, { joined, complete });
    if (fetched.length > 0) this.dispatchEvent(new HistoryChangedEvent());
  }

  private async fetchOlder(before: number | undefined, want: number): Promise<HistoryPage> {
    const page = await this.api.list({ limit: Math.max(want, API_PAGE), before });
    await this.store.putOlder(page.items, page.next_cursor === null);
    return { items: page.items.slice(0, want), more: page.items.length > want || page.next_cursor !== null };
  }
}
