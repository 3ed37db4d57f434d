/**
 * A voicemail box as the app shows it: its New and Saved messages and the count of new ones (the
 * Voicemail badge). It follows the session by itself (loads at sign-in, empties at logout) and
 * the events channel (a message arrived, moved or was transcribed; the channel reconnected), so
 * nothing else has to drive it. The last lists are kept in a {@link VoicemailCache} and shown at
 * once, even offline.
 *
 * Moving and deleting change the lists at once and then ask the platform; if it refuses, the
 * lists are reloaded and the error is kept in `error`.
 *
 * @fires badge-changed - when {@link count} changed
 * @fires voicemail-changed - when the lists, `loading` or `error` changed
 */
import { BADGE_CHANGED, type BadgeSource } from '../areas/area.js';
import type { PlatformEventMessage } from '../data/events.js';
import type { VoicemailsResource } from '../data/resources/voicemails.js';
import type { VoicemailEntry, VoicemailFolderName } from '../data/wire.js';
import { isUnreachable, type VoicemailChange } from '../data/voicemail-outbox.js';

export const VOICEMAIL_CHANGED = 'voicemail-changed' as const;

/** The folders the area lists (the trash is the platform's undo, not a list of its own). */
export type ListedFolder = Extract<VoicemailFolderName, 'new' | 'save'>;

export interface VoicemailCache {
  load(owner: string): Promise<Record<ListedFolder, VoicemailEntry[]> | undefined>;
  save(owner: string, lists: Record<ListedFolder, VoicemailEntry[]>): Promise<void>;
  audio(id: string): Promise<Blob | undefined>;
  putAudio(id: string, blob: Blob): Promise<void>;
}

/** Where moves and deletes made offline wait (data/voicemail-outbox.ts). */
export interface VoicemailChanges {
  queue(change: VoicemailChange): Promise<void>;
  flush(): Promise<void>;
  pending(mailbox: string): Promise<VoicemailChange[]>;
}

/** How many of the newest messages have their audio fetched ahead, to play offline. */
const PREFETCHED = 10;

interface SessionLike extends EventTarget {
  state: string;
  user: { extension: string; domain: string } | null;
}

export class VoicemailBox extends EventTarget implements BadgeSource {
  lists: Record<ListedFolder, VoicemailEntry[]> = { new: [], save: [] };
  loading = false;
  error = '';
  private owner = '';
  private generation = 0;
  private lastCount = 0;
  /** The platform's lists arrived for this sign-in: stored ones are older and are not shown. */
  private fresh = false;
  /** Bumped by every move and delete: a load that started before one is out of date. */
  private edits = 0;
  private readonly reload = () => void this.refresh();
  private readonly onEvent = (e: Event) => {
    const data = (e as PlatformEventMessage).data;
    const mine = this.mailbox === '~' ? this.session.user?.extension : this.mailbox;
    if (data.type === 'voicemail' && data.mailbox === mine) void this.refresh();
  };

  constructor(
    private readonly api: Pick<VoicemailsResource, 'list' | 'move' | 'delete' | 'audio'>,
    private readonly session: SessionLike,
    private readonly events: EventTarget,
    private readonly cache?: VoicemailCache,
    /** '~' for my own box, or a shared box's extension. */
    readonly mailbox = '~',
    /** Keeps moves and deletes made offline until they can be sent. */
    private readonly changes?: VoicemailChanges,
  ) {
    super();
    session.addEventListener('session-changed', this.onSession);
    globalThis.addEventListener?.('online', this.reload);
    events.addEventListener('platform-voicemail', this.onEvent);
    events.addEventListener('platform-ready', this.reload);
    this.follow();
  }

  private readonly onSession = () => this.follow();

  /** No longer shown (a shared box whose grant went): stops following anything. */
  dispose(): void {
    this.session.removeEventListener('session-changed', this.onSession);
    globalThis.removeEventListener?.('online', this.reload);
    this.events.removeEventListener('platform-voicemail', this.onEvent);
    this.events.removeEventListener('platform-ready', this.reload);
    this.generation++;
  }

  /** New messages: the badge. */
  get count(): number {
    return this.lists.new.length;
  }

  /** Fetches both lists; keeps what is shown when the platform cannot be reached. */
  async refresh(): Promise<void> {
    if (!this.owner) return;
    const generation = this.generation;
    const edits = this.edits;
    this.loading = true;
    this.changed();
    try {
      // What was done offline goes first, so the lists fetched next include it.
      await this.changes?.flush().catch(() => undefined);
      const [fresh, saved] = await Promise.all([this.api.list('new', this.mailbox), this.api.list('save', this.mailbox)]);
      const waiting = (await this.changes?.pending(this.mailbox).catch(() => [])) ?? [];
      if (generation !== this.generation) return;
      // A move or delete happened meanwhile: this answer may predate it; ask again.
      if (edits !== this.edits) return void queueMicrotask(() => void this.refresh());
      this.lists = { new: fresh.items, save: saved.items };
      for (const change of waiting) this.apply(change);
      this.fresh = true;
      this.error = '';
      void this.cache?.save(this.owner, this.lists).then(() => this.prefetch()).catch(() => undefined);
    } catch (err) {
      if (generation !== this.generation) return;
      this.error = navigator.onLine === false ? '' : (err as Error).message;
    } finally {
      if (generation === this.generation) {
        this.loading = false;
        this.changed();
      }
    }
  }

  /** A message's audio: the kept copy (offline too), else the platform's, kept for next time. */
  async audio(entry: VoicemailEntry): Promise<Blob> {
    const kept = await this.cache?.audio(entry.id).catch(() => undefined);
    if (kept) return kept;
    const blob = await this.api.audio(entry, this.mailbox);
    void this.cache?.putAudio(entry.id, blob).catch(() => undefined);
    return blob;
  }

  /** Fetches the audio of the newest messages ahead, so they play offline. */
  private async prefetch(): Promise<void> {
    const cache = this.cache;
    if (!cache) return;
    const newest = [...this.lists.new, ...this.lists.save].sort(newestFirst).slice(0, PREFETCHED);
    for (const entry of newest) {
      if (await cache.audio(entry.id)) continue;
      await cache.putAudio(entry.id, await this.api.audio(entry, this.mailbox));
    }
  }

  /** Save (to Saved), Mark new (back to New), or to the trash. */
  async move(entry: VoicemailEntry, to: VoicemailFolderName): Promise<boolean> {
    if (entry.folder === to) return true;
    this.edits++;
    const change: VoicemailChange = { kind: 'move', mailbox: this.mailbox, id: entry.id, from: entry.folder, to };
    this.apply(change, entry);
    this.changed();
    try {
      await this.api.move(entry, to, this.mailbox);
      return true;
    } catch (err) {
      if (await this.keepForLater(err, change)) return true;
      await this.failed(err);
      return false;
    }
  }

  /** To the trash (the platform keeps it there until it is deleted for good). */
  async delete(entry: VoicemailEntry): Promise<boolean> {
    this.edits++;
    const change: VoicemailChange = { kind: 'delete', mailbox: this.mailbox, id: entry.id, from: entry.folder };
    this.apply(change);
    this.changed();
    try {
      await this.api.delete(entry, this.mailbox);
    } catch (err) {
      // Already gone (deleted elsewhere) is what was asked for.
      if ((err as { status?: number }).status === 404) return true;
      if (await this.keepForLater(err, change)) return true;
      await this.failed(err);
      return false;
    }
    return true;
  }

  /** Offline: the change waits in the outbox and the lists (kept for offline) show it done. */
  private async keepForLater(err: unknown, change: VoicemailChange): Promise<boolean> {
    if (!this.changes || !isUnreachable(err)) return false;
    try {
      await this.changes.queue(change);
    } catch {
      return false;
    }
    void this.cache?.save(this.owner, this.lists).catch(() => undefined);
    return true;
  }

  /** A move or delete on the lists shown (`entry`: the message, when it is not listed yet). */
  private apply(change: VoicemailChange, entry?: VoicemailEntry): void {
    const message = entry ?? [...this.lists.new, ...this.lists.save].find((m) => m.id === change.id);
    for (const folder of ['new', 'save'] as const) this.lists[folder] = this.lists[folder].filter((m) => m.id !== change.id);
    if (change.kind === 'move' && message && (change.to === 'new' || change.to === 'save')) {
      this.lists[change.to] = [{ ...message, folder: change.to }, ...this.lists[change.to]].sort(newestFirst);
    }
  }

  private async failed(err: unknown): Promise<void> {
    await this.refresh();
    this.error = (err as Error).message;
    this.changed();
  }

  /** Signed in: show the stored lists, then the platform's. Signed out: empty. */
  private follow(): void {
    const user = this.session.state === 'signed-in' ? this.session.user : null;
    const owner = user ? `${user.extension}@${user.domain}/${this.mailbox}` : '';
    if (owner === this.owner) return;
    this.owner = owner;
    this.generation++;
    this.fresh = false;
    this.loading = false;
    this.lists = { new: [], save: [] };
    this.error = '';
    this.changed();
    if (!owner) return;
    const generation = this.generation;
    void (async () => {
      const stored = await this.cache?.load(owner).catch(() => undefined);
      if (stored && generation === this.generation && !this.fresh) {
        this.lists = stored;
        this.changed();
      }
      await this.refresh();
    })();
  }

  private changed(): void {
    this.dispatchEvent(new Event(VOICEMAIL_CHANGED));
    if (this.count !== this.lastCount) {
      this.lastCount = this.count;
      this.dispatchEvent(new Event(BADGE_CHANGED));
    }
  }
}

function newestFirst(a: VoicemailEntry, b: VoicemailEntry): number {
  return b.received_at.localeCompare(a.received_at);
}
