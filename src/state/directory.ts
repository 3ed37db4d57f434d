/**
 * The organisation directory with live presence: loaded from the API after sign-in and kept
 * current by `presence` events. Call cards take names from it; pickers search it. The names are
 * kept in IndexedDB too, so an offline start still shows the organisation (everyone offline).
 */
import type { IDBPDatabase } from 'idb';
import type { ApiClient } from '../data/api.js';
import type { SwitchboardDB } from '../data/db.js';
import { PlatformEventMessage, type EventsClient } from '../data/events.js';

export interface DirectoryPerson {
  extension: string;
  name: string;
  online: boolean;
}

export class DirectoryChangedEvent extends Event {
  static readonly eventName = 'directory-changed' as const;
  constructor() {
    super(DirectoryChangedEvent.eventName);
  }
}

export class Directory extends EventTarget {
  entries: DirectoryPerson[] = [];

  constructor(
    private readonly api: Pick<ApiClient, 'directory'>,
    events: EventsClient,
    private readonly db?: Promise<IDBPDatabase<SwitchboardDB>>,
  ) {
    super();
    events.addEventListener('platform-presence', (e) => {
      const data = (e as PlatformEventMessage).data;
      if (data.type !== 'presence') return;
      this.entries = this.entries.map((p) => (p.extension === data.extension ? { ...p, online: data.online } : p));
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
      this.entries = stored.map((p) => ({ ...p, online: false }));
      this.changed();
    }
  }

  /** Shows the stored directory (if nothing is shown yet), then the platform's. */
  async load(): Promise<void> {
    await this.showStored();
    const db = await this.db;
    try {
      this.entries = (await this.api.directory()).map((u) => ({ extension: u.extension, name: u.name, online: u.online }));
      this.changed();
    } catch {
      return; // offline: keep what we had
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
    this.changed();
  }

  private changed(): void {
    this.dispatchEvent(new DirectoryChangedEvent());
  }
}
