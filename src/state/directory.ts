/**
 * The organisation directory with live presence: loaded from the API after sign-in and kept
 * current by `presence` events. Call cards take names from it; pickers search it.
 */
import type { ApiClient } from '../data/api.js';
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

  constructor(private readonly api: ApiClient, events: EventsClient) {
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

  async load(): Promise<void> {
    try {
      this.entries = (await this.api.directory()).map((u) => ({ extension: u.extension, name: u.name, online: u.online }));
      this.changed();
    } catch {
      /* offline: keep what we had */
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
