/**
 * Which missed calls the user has seen: the id of the newest missed record shown in Call History,
 * kept per user in localStorage (`switchboard.history.seen.<ext>@<domain>`). Record ids grow with
 * time (the platform's keyset cursor relies on it), so "unseen" is simply "missed with a larger id".
 */

/** The storage key for one user's seen marker. */
export function seenKey(user: { extension: string; domain: string }): string {
  return `switchboard.history.seen.${user.extension}@${user.domain}`;
}

/** The newest seen missed record id; 0 when none. */
export function readSeen(storage: Pick<Storage, 'getItem'>, key: string): number {
  const n = Number(storage.getItem(key));
  return Number.isFinite(n) && n > 0 ? n : 0;
}

/** Records the newest missed call in `entries` as seen (never moves the marker backwards). */
export function markSeen(storage: Pick<Storage, 'getItem' | 'setItem'>, key: string, entries: ReadonlyArray<{ id: number; type: string }>): void {
  const newest = entries.reduce((m, e) => (e.type === 'missed' && e.id > m ? e.id : m), 0);
  if (newest > readSeen(storage, key)) storage.setItem(key, String(newest));
}

/** How many missed calls in `entries` are newer than the seen marker. */
export function countUnseen(entries: ReadonlyArray<{ id: number; type: string }>, seen: number): number {
  return entries.filter((e) => e.type === 'missed' && e.id > seen).length;
}

/** The parts of CallHistory the count reads. */
interface StoredHistory extends EventTarget {
  stored(limit: number): Promise<ReadonlyArray<{ id: number; type: string }>>;
}

/** How many of the newest stored records are looked at for the count. */
const COUNTED = 50;

/**
 * The missed-calls badge of Call History: missed calls
 * newer than the user's seen marker, recounted whenever the stored history changes. While Call
 * History is open everything it shows counts as seen, so the count stays 0.
 *
 * @fires badge-changed - when {@link count} changed
 */
export class MissedCalls extends EventTarget {
  count = 0;
  private user: { extension: string; domain: string } | null = null;
  private viewing = false;
  private readonly recount = () => void this.refresh();

  constructor(
    private readonly history: StoredHistory,
    private readonly storage: Pick<Storage, 'getItem'> = localStorage,
  ) {
    super();
  }

  /** Counts for `user` from now on (null: signed out, count 0). */
  setUser(user: { extension: string; domain: string } | null): void {
    this.history.removeEventListener('history-changed', this.recount);
    this.user = user;
    if (user) {
      this.history.addEventListener('history-changed', this.recount);
      void this.refresh();
    } else {
      this.set(0);
    }
  }

  setViewing(viewing: boolean): void {
    this.viewing = viewing;
    if (viewing) this.set(0);
    else void this.refresh();
  }

  /** Recounts from the stored history. */
  async refresh(): Promise<void> {
    const user = this.user;
    if (!user || this.viewing) return;
    try {
      const items = await this.history.stored(COUNTED);
      if (this.user !== user || this.viewing) return;
      this.set(countUnseen(items, readSeen(this.storage, seenKey(user))));
    } catch {
      // The badge is a hint; a failed count leaves the last one.
    }
  }

  private set(n: number): void {
    if (n === this.count) return;
    this.count = n;
    this.dispatchEvent(new Event('badge-changed'));
  }
}

