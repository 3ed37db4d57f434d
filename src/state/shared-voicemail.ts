/**
 * Shared Voicemail: the boxes granted to me, each a {@link VoicemailBox} of its own. The list
 * of boxes follows the session and is fetched again on every refresh (a grant may come or go);
 * while the area is open everything refreshes every 30 seconds, as the product does, besides
 * the live events. The badge is the count of new messages in all of them.
 *
 * @fires badge-changed - when the count, or whether there is any box, changed
 * @fires shared-voicemail-changed - when the boxes changed
 */
import { BADGE_CHANGED, type BadgeSource } from '../areas/area.js';
import type { VoicemailsResource } from '../data/resources/voicemails.js';
import type { SharedMailbox } from '../data/wire.js';
import { VoicemailBox, type VoicemailCache, type VoicemailChanges } from './voicemail-box.js';

export const SHARED_VOICEMAIL_CHANGED = 'shared-voicemail-changed' as const;
export const SHARED_REFRESH_MS = 30_000;

interface SessionLike extends EventTarget {
  state: string;
  user: { extension: string; domain: string } | null;
}

export interface SharedBox {
  mailbox: string;
  name: string;
  box: VoicemailBox;
}

export class SharedVoicemail extends EventTarget implements BadgeSource {
  boxes: SharedBox[] = [];
  error = '';
  private owner = '';
  private timer: ReturnType<typeof setInterval> | undefined;
  private lastBadge = '';
  private readonly onBoxChanged = () => this.badgeMaybeChanged();

  constructor(
    private readonly api: Pick<VoicemailsResource, 'sharedMailboxes' | 'list' | 'move' | 'delete' | 'audio'>,
    private readonly session: SessionLike,
    private readonly events: EventTarget,
    private readonly cache?: VoicemailCache,
    private readonly changes?: VoicemailChanges,
    private readonly refreshMs = SHARED_REFRESH_MS,
  ) {
    super();
    session.addEventListener('session-changed', () => this.follow());
    events.addEventListener('platform-ready', () => void this.refresh());
    this.follow();
  }

  /** New messages in every shared box. */
  get count(): number {
    return this.boxes.reduce((n, b) => n + b.box.count, 0);
  }

  /** Any box is granted to me: the area is shown. */
  get available(): boolean {
    return this.boxes.length > 0;
  }

  /** The area opened (refresh now, then every 30 s) or closed (stop). */
  setOpen(open: boolean): void {
    clearInterval(this.timer);
    this.timer = undefined;
    if (!open) return;
    void this.refresh();
    this.timer = setInterval(() => void this.refresh(), this.refreshMs);
  }

  /** Asks which boxes are granted, then reloads each. */
  async refresh(): Promise<void> {
    const owner = this.owner;
    if (!owner) return;
    let granted: SharedMailbox[];
    try {
      granted = await this.api.sharedMailboxes();
    } catch (err) {
      if (owner === this.owner) this.error = navigator.onLine === false ? '' : (err as Error).message;
      return;
    }
    if (owner !== this.owner) return;
    this.error = '';
    const kept = new Map(this.boxes.map((b) => [b.mailbox, b]));
    const next = granted.map((g) => {
      const known = kept.get(g.mailbox);
      if (known) {
        kept.delete(g.mailbox);
        void known.box.refresh();
        return { ...known, name: g.name };
      }
      const box = new VoicemailBox(this.api, this.session, this.events, this.cache, g.mailbox, this.changes);
      box.addEventListener(BADGE_CHANGED, this.onBoxChanged);
      return { mailbox: g.mailbox, name: g.name, box };
    });
    for (const gone of kept.values()) {
      gone.box.removeEventListener(BADGE_CHANGED, this.onBoxChanged);
      gone.box.dispose();
    }
    this.boxes = next;
    this.dispatchEvent(new Event(SHARED_VOICEMAIL_CHANGED));
    this.badgeMaybeChanged();
  }

  private follow(): void {
    const user = this.session.state === 'signed-in' ? this.session.user : null;
    const owner = user ? `${user.extension}@${user.domain}` : '';
    if (owner === this.owner) return;
    this.owner = owner;
    for (const b of this.boxes) {
      b.box.removeEventListener(BADGE_CHANGED, this.onBoxChanged);
      b.box.dispose();
    }
    this.boxes = [];
    this.dispatchEvent(new Event(SHARED_VOICEMAIL_CHANGED));
    this.badgeMaybeChanged();
    if (owner) void this.refresh();
  }

  private badgeMaybeChanged(): void {
    const now = `${this.available}:${this.count}`;
    if (now === this.lastBadge) return;
    this.lastBadge = now;
    this.dispatchEvent(new Event(BADGE_CHANGED));
  }
}
