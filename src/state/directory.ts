/**
 * The organisation directory with live presence: loaded from the API after sign-in and kept
 * current by `presence` events (on a call, ringing, online, offline). Call cards take names from
 * it; pickers search it. The names are kept in IndexedDB too, so an offline start still shows
 * the organisation. Presence is only known while the platform can be reached: `presenceKnown` is
 * false from an offline start, a failed load or the browser going offline, until a load succeeds
 * (the events channel reconnecting reloads the directory).
 */
import type { IDBPDatabase } from 'idb';
import type { DirectoryResource } from '../data/resources/directory.js';
import type { SwitchboardDB } from '../data/db.js';
import { PlatformEventMessage, type EventsClient } from '../data/events.js';

/** What a colleague is doing, as the platform says. */
export type PresenceState = 'on-call' | 'ringing' | 'online' | 'offline';

export interface DirectoryPerson {
  extension: string;
  name: string;
  /** A device of theirs is registered. */
  online: boolean;
  /** Absent: only `online` is known (online or offline). */
  presence?: PresenceState;
}

const presenceOf = (online: boolean, state: PresenceState | undefined): PresenceState => state ?? (online ? 'online' : 'offline');

/** What the person is doing, from `presence` or, where only that is known, `online`. */
export const personPresence = (p: Pick<DirectoryPerson, 'online' | 'presence'>): PresenceState => presenceOf(p.online, p.presence);

export class DirectoryChangedEvent extends Event {
  static readonly eventName = 'directory-changed' as const;
  constructor() {
    super(DirectoryChangedEvent.eventName);
  }
}

export class Directory extends EventTarget {
  entries: DirectoryPerson[] = [];
  /** The presence shown is the platform's, live; false while it cannot be reached. */
  presenceKnown = false;

  constructor(
    private readonly api: Pick<DirectoryResource, 'list'>,
    events: EventsClient,
    private readonly db?: Promise<IDBPDatabase<SwitchboardDB>>,
  ) {
    super();
    events.addEventListener('platform-presence', (e) => {
      const data = (e as PlatformEventMessage).data;
      if (data.type !== 'presence') return;
      const presence = presenceOf(data.online, data.state);
      this.entries = this.entries.map((p) => (p.extension === data.extension ? { ...p, online: data.online, presence } : p));
      this.changed();
    });
    globalThis.addEventListener?.('offline', () => {
      if (!this.presenceKnown) return;
      this.presenceKnown = false;
      this.changed();
    });
  }

  /** Names by extension, for cards whose signalling carried none. */
  get names(): Map<string, string> {
    return new Map(this.entries.map((p) => [p.extension, p.name]));
  }

  /** Shows the stored directory (everyone offline until presence says otherwise), if nothing is shown yet. */
  async showStored(): Promise<void> {
    const db = await this.db;
    if (!db || this.entries.length > 0) return;
    const stored = await db.getAll('directory');
    if (this.entries.length === 0 && stored.length > 0) {
      this.entries = stored.map((p) => ({ ...p, online: false, presence: 'offline' as const }));
      this.changed();
    }
  }

  /** Shows the stored directory (if nothing is shown yet), then the platform's. */
  async load(): Promise<void> {
    await this.showStored();
    const db = await this.db;
    try {
      this.entries = (await this.api.list()).map((u) => ({
        extension: u.extension, name: u.name, online: u.online, presence: presenceOf(u.online, u.presence),
      }));
      this.presenceKnown = true;
      this.changed();
    } catch {
      // Offline: keep the names we had; who is doing what is not known.
      if (this.presenceKnown) {
        this.presenceKnown = false;
        this.changed();
      }
      return;
    }
    if (db) {
      const tx = db.transaction('directory', 'readwrite');
      await tx.store.clear();
      for (const p of this.entries) await tx.store.put({ extension: p.extension, name: p.name });
      await tx.done;
    }
  }

  clear(): void {
    this.entries = [];
    this.presenceKnown = false;
    this.changed();
  }

  private changed(): void {
    this.dispatchEvent(new DirectoryChangedEvent());
  }
}

/** The digits of a number, for matching "+1 (415) 555-0101" with "14155550101". */
const digitsOf = (s: string) => s.replace(/\D/g, '');

/**
 * Names people by number: an extension of the directory first, then any number of a personal
 * contact (compared by its digits); '' for a number nobody has. Build it once per change of the
 * sources: each look-up is a map access.
 */
export function partyNames(
  people: ReadonlyArray<Pick<DirectoryPerson, 'extension' | 'name'>>,
  contacts: ReadonlyArray<{ first_name: string; last_name: string; company: string; numbers: ReadonlyArray<{ number: string }> }>,
): (number: string) => string {
  const byExtension = new Map<string, string>();
  for (const p of people) if (p.name.trim()) byExtension.set(p.extension, p.name.trim());
  const byDigits = new Map<string, string>();
  for (const c of contacts) {
    const name = `${c.first_name} ${c.last_name}`.trim() || c.company.trim();
    if (!name) continue;
    for (const n of c.numbers) {
      const d = digitsOf(n.number);
      if (d && !byDigits.has(d)) byDigits.set(d, name);
    }
  }
  return (number) => byExtension.get(number) ?? byExtension.get(number.trim()) ?? byDigits.get(digitsOf(number)) ?? '';
}
