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
