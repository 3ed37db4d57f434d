/**
 * Chat and SMS as the app shows it: my conversations (newest activity first) with their unread
 * counts (the sum is the Chat and SMS badge and part of the app icon's), the messages of each
 * (the newest page, then older pages on request), the conversation cards open on the grid, who is
 * typing, and sending.
 *
 * It follows the session (loads at sign-in, empties at logout) and the events channel
 * (`message`, `message-session`, `typing`; `ready` after a reconnect reloads), so nothing else
 * drives it. The last list and the latest messages are kept in a {@link ConversationCache} and
 * shown at once, offline too.
 *
 * Sending is optimistic: the message shows at once ("Sending…") under a client_id chosen here,
 * and goes through the outbox (data/message-outbox.ts) even when online, so a reload or a lost
 * connection never loses it and a resend never duplicates it. While the platform cannot be
 * reached it shows "Waiting for connection"; the outbox sends the waiting ones in order when it
 * can. Its status then follows the platform's `message` events (sent, delivered, read, failed).
 *
 * @fires conversations-changed - when anything shown changed
 * @fires badge-changed - when {@link count} changed
 * @fires sb-incoming-message - {@link IncomingMessageEvent} for a new message from someone else
 */
import { BADGE_CHANGED, type BadgeSource } from '../areas/area.js';
import type { PlatformEventMessage } from '../data/events.js';
import type { ConversationCache } from '../data/conversation-cache.js';
import type { MessageChange, QueuedMessage } from '../data/message-outbox.js';
import { attachmentProblem, type MessageSessionsResource } from '../data/resources/message-sessions.js';
import { isUnreachable } from '../data/voicemail-outbox.js';
import type { AttachmentView, MessageSessionView, MessageView, NewMessageSession, SmsAccess } from '../data/wire.js';

export const CONVERSATIONS_CHANGED = 'conversations-changed' as const;

/** A message as shown: `waiting` while it sits in the outbox because the platform cannot be reached. */
export type ShownMessage = MessageView & { waiting?: boolean };

/** A new message from someone else arrived (for the notification). */
export class IncomingMessageEvent extends Event {
  static readonly eventName = 'sb-incoming-message' as const;
  constructor(readonly session: MessageSessionView, readonly message: MessageView) {
    super(IncomingMessageEvent.eventName);
  }
}

/** Where the outbox keeps messages until they are sent (data/message-outbox.ts). */
export interface MessageQueue {
  hooks: { sent?(m: QueuedMessage, result: MessageView): void; refused?(m: QueuedMessage, error: unknown): void };
  queue(clientId: string, change: MessageChange): Promise<void>;
  flush(): Promise<void>;
  stop(): void;
  pending(owner: string): Promise<QueuedMessage[]>;
}

/** Which conversations are open as cards, per user (localStorage in the app, a Map in tests). */
export interface CardStorage {
  load(owner: string): string[];
  save(owner: string, ids: string[]): void;
}

export function localCardStorage(prefix = 'switchboard.chat-cards'): CardStorage {
  return {
    load(owner) {
      try {
        const ids = JSON.parse(localStorage.getItem(`${prefix}.${owner}`) ?? '[]') as unknown;
        return Array.isArray(ids) ? ids.filter((i): i is string => typeof i === 'string') : [];
      } catch {
        return [];
      }
    },
    save(owner, ids) {
      localStorage.setItem(`${prefix}.${owner}`, JSON.stringify(ids));
    },
  };
}

export interface ConversationOptions {
  /** How long "… is typing" shows after the last typing event (ms). */
  typingShownMs?: number;
  /** Sending my typing: at most once per this long (ms). */
  typingEveryMs?: number;
  /** A new incoming message opens its conversation's card (the product's default). */
  openOnIncoming?: boolean;
}

export type ConversationsApi = Pick<MessageSessionsResource,
  'list' | 'get' | 'create' | 'remove' | 'addParticipant' | 'markRead' | 'typing' | 'messages' | 'retry' | 'upload' | 'attachment' | 'sms'>;

interface SessionLike extends EventTarget {
  state: string;
  user: { extension: string; domain: string } | null;
  displayName?: string;
}

const RANK: Record<MessageView['status'], number> = { sending: 0, sent: 1, delivered: 2, read: 3, failed: 1 };

/** Whether two parties are the same person or number. */
export const sameParty = (a: MessageView['sender'], b: MessageView['sender']): boolean =>
  a.kind === b.kind && (a.kind === 'user' ? a.extension === (b as typeof a).extension : a.number === (b as typeof a).number);

export class Conversations extends EventTarget implements BadgeSource {
  sessions: MessageSessionView[] = [];
  /** The conversations open as cards on the grid, in the order opened. */
  open: string[] = [];
  sms: SmsAccess | null = null;
  loading = false;
  error = '';
  private messages = new Map<string, ShownMessage[]>();
  private cursors = new Map<string, string | null>();
  private typing = new Map<string, Map<string, { name: string; timer: ReturnType<typeof setTimeout> }>>();
  private typingSent = new Map<string, number>();
  private readSent = new Map<string, string>();
  private owner = '';
  private generation = 0;
  private lastCount = 0;
  private saveQueued = false;
  private readonly urls = new Map<string, Promise<string>>();
  private readonly typingShownMs: number;
  private readonly typingEveryMs: number;
  private readonly openOnIncoming: boolean;

  private readonly onSession = () => this.follow();
  private readonly reload = () => void this.refresh();
  private readonly onOnline = () => void this.flush();
  private readonly onMessage = (e: Event) => {
    const data = (e as PlatformEventMessage).data;
    if (data.type === 'message') void this.receive(data.message);
  };
  private readonly onSessionEvent = (e: Event) => {
    const data = (e as PlatformEventMessage).data;
    if (data.type !== 'message-session') return;
    if (data.change === 'removed') this.drop(data.session.id);
    else this.upsertSession(data.session);
    this.changed();
  };
  private readonly onTyping = (e: Event) => {
    const data = (e as PlatformEventMessage).data;
    if (data.type === 'typing' && data.extension !== this.session.user?.extension) this.someoneTyping(data.session_id, data.extension, data.name);
  };

  constructor(
    private readonly api: ConversationsApi,
    private readonly session: SessionLike,
    private readonly events: EventTarget,
    private readonly outbox: MessageQueue,
    private readonly cache?: ConversationCache,
    private readonly cards: CardStorage = localCardStorage(),
    options: ConversationOptions = {},
  ) {
    super();
    this.typingShownMs = options.typingShownMs ?? 5000;
    this.typingEveryMs = options.typingEveryMs ?? 3000;
    this.openOnIncoming = options.openOnIncoming ?? true;
    outbox.hooks = { sent: (m, r) => this.settled(m, r), refused: (m, err) => this.refused(m, err) };
    session.addEventListener('session-changed', this.onSession);
    globalThis.addEventListener?.('online', this.onOnline);
    events.addEventListener('platform-message', this.onMessage);
    events.addEventListener('platform-message-session', this.onSessionEvent);
    events.addEventListener('platform-typing', this.onTyping);
    events.addEventListener('platform-ready', this.reload);
    this.follow();
  }

  dispose(): void {
    this.session.removeEventListener('session-changed', this.onSession);
    globalThis.removeEventListener?.('online', this.onOnline);
    this.events.removeEventListener('platform-message', this.onMessage);
    this.events.removeEventListener('platform-message-session', this.onSessionEvent);
    this.events.removeEventListener('platform-typing', this.onTyping);
    this.events.removeEventListener('platform-ready', this.reload);
    this.outbox.stop();
    this.generation++;
  }

  /** Unread messages in all conversations: the badge. */
  get count(): number {
    return this.sessions.reduce((n, s) => n + s.unread, 0);
  }

  find(id: string): MessageSessionView | undefined {
    return this.sessions.find((s) => s.id === id);
  }

  /** A conversation's messages, oldest first. */
  messagesOf(id: string): readonly ShownMessage[] {
    return this.messages.get(id) ?? [];
  }

  /** Whether older messages than those loaded exist. */
  hasOlder(id: string): boolean {
    return (this.cursors.get(id) ?? null) !== null;
  }

  /** The names of those typing in a conversation now. */
  typingIn(id: string): string[] {
    return [...(this.typing.get(id)?.values() ?? [])].map((t) => t.name);
  }

  /** Fetches the conversations (and SMS access), and sends what waits first. */
  async refresh(): Promise<void> {
    if (!this.owner) return;
    const generation = this.generation;
    this.loading = true;
    this.changed();
    void this.flush();
    try {
      const [list, sms] = await Promise.all([this.api.list(), this.api.sms().catch(() => this.sms)]);
      if (generation !== this.generation) return;
      this.sessions = [...list].sort(newestActivity);
      this.sms = sms;
      this.error = '';
      // The open cards' messages may have moved on meanwhile.
      for (const id of this.open) void this.load(id);
      this.persist();
    } catch (err) {
      if (generation !== this.generation) return;
      this.error = navigator.onLine === false || isUnreachable(err) ? '' : (err as Error).message;
    } finally {
      if (generation === this.generation) {
        this.loading = false;
        this.changed();
      }
    }
  }

  /** The newest page of a conversation's messages (what is waiting to be sent stays on it). */
  async load(id: string): Promise<void> {
    const generation = this.generation;
    try {
      const page = await this.api.messages(id);
      if (generation !== this.generation) return;
      const local = this.messagesOf(id).filter((m) => m.id.startsWith('local:'));
      const older = this.messagesOf(id).filter((m) => !m.id.startsWith('local:'));
      // Keep older pages already loaded if the newest page reaches them.
      const fresh = [...page.items].reverse();
      const oldestFresh = fresh[0]?.sent_at ?? '';
      const keep = this.cursors.get(id) === undefined ? [] : older.filter((m) => m.sent_at < oldestFresh && !fresh.some((f) => f.id === m.id));
      this.messages.set(id, []);
      for (const m of [...keep, ...fresh, ...local]) this.put(id, m);
      if (!keep.length) this.cursors.set(id, page.next_cursor);
      this.persist();
      this.changed();
    } catch {
      // Offline: the kept messages stay shown.
    }
  }

  /** The page before the oldest message loaded. */
  async older(id: string): Promise<void> {
    const before = this.cursors.get(id);
    if (!before) return;
    const page = await this.api.messages(id, before);
    for (const m of page.items) this.put(id, m);
    this.cursors.set(id, page.next_cursor);
    this.changed();
  }

  /**
   * Sends a message: shown at once, queued under its client_id, sent in order. Files are checked
   * (type, 5 MB) and uploaded first. Resolves with an error to show ('' when it went on its way).
   */
  async send(id: string, text: string, files: readonly File[] = []): Promise<string> {
    // Sending ends my typing: typing again is announced at once, not after the throttle.
    this.typingSent.delete(id);
    const body = text.replace(/\s+$/, '');
    if (!body.trim() && files.length === 0) return 'Type a message first.';
    if (body.length > 10_000) return 'This message is too long: up to 10,000 characters.';
    for (const f of files) {
      const problem = attachmentProblem(f);
      if (problem) return problem;
    }
    const user = this.session.user;
    const session = this.find(id);
    if (!user || !session) return 'This conversation is not available.';
    if (session.kind === 'sms' && this.sms && !this.sms.enabled) return 'SMS is not enabled for your organisation.';
    let attachments: AttachmentView[] = [];
    try {
      attachments = await Promise.all(files.map((f) => this.api.upload(f, f.name)));
    } catch (err) {
      return isUnreachable(err) ? 'Attachments can be sent once you are back online.' : (err as Error).message;
    }
    const clientId = crypto.randomUUID();
    const change: MessageChange = { owner: this.owner, sessionId: id, text: body, attachments, writtenAt: new Date().toISOString() };
    this.put(id, this.shown({ ...change, clientId }, false));
    this.touch(id, this.messagesOf(id).at(-1)!);
    this.changed();
    await this.outbox.queue(clientId, change);
    void this.flush();
    return '';
  }

  /** Sends a failed message again: the platform's own retry, or the outbox again with its client_id. */
  async retry(id: string, clientId: string): Promise<void> {
    const message = this.messagesOf(id).find((m) => m.client_id === clientId);
    if (!message || message.status !== 'failed') return;
    this.put(id, { ...message, status: 'sending', failure_reason: null }, true);
    this.changed();
    if (!message.id.startsWith('local:')) {
      try {
        this.put(id, await this.api.retry(id, message.id), true);
      } catch (err) {
        this.put(id, { ...message, failure_reason: (err as Error).message }, true);
      }
      this.changed();
      return;
    }
    await this.outbox.queue(clientId, { owner: this.owner, sessionId: id, text: message.text, attachments: message.attachments, writtenAt: message.sent_at });
    void this.flush();
  }

  /** I typed in a conversation: tells the others, at most every few seconds. */
  typed(id: string): void {
    const last = this.typingSent.get(id) ?? -Infinity;
    const now = Date.now();
    if (now - last < this.typingEveryMs) return;
    this.typingSent.set(id, now);
    void this.api.typing(id).catch(() => undefined);
  }

  /** I have seen a conversation (its card is visible and the window focused): mark it read. */
  markRead(id: string): void {
    const session = this.find(id);
    if (!session || session.unread === 0) return;
    const newest = [...this.messagesOf(id)].reverse().find((m) => m.direction === 'inbound' && !m.id.startsWith('local:')) ?? session.last_message;
    if (!newest || this.readSent.get(id) === newest.id) return;
    this.readSent.set(id, newest.id);
    this.upsertSession({ ...session, unread: 0 });
    this.changed();
    this.persist();
    void this.api.markRead(id, newest.id).catch(() => this.readSent.delete(id));
  }

  /** Puts a conversation's card on the grid (loading its messages). */
  openCard(id: string): void {
    if (!this.open.includes(id)) {
      this.open = [...this.open, id];
      this.cards.save(this.owner, this.open);
      this.changed();
    }
    void this.load(id);
  }

  /** Takes a card off the grid; the conversation stays in the list. */
  closeCard(id: string): void {
    if (!this.open.includes(id)) return;
    this.open = this.open.filter((o) => o !== id);
    this.cards.save(this.owner, this.open);
    this.changed();
  }

  /** Opens (or reopens) the conversation with these people or that number, and its card. */
  async start(participants: NewMessageSession['participants']): Promise<MessageSessionView> {
    if (participants.some((p) => p.kind === 'number') && this.sms && !this.sms.enabled) throw new Error('SMS is not enabled for your organisation.');
    const session = await this.api.create({ participants });
    this.upsertSession(session);
    this.openCard(session.id);
    this.persist();
    return session;
  }

  /** Deletes a conversation for me: it leaves the list and the grid (the others keep theirs). */
  async remove(id: string): Promise<void> {
    await this.api.remove(id);
    this.drop(id);
    this.changed();
  }

  /**
   * Adds a colleague. To a 1:1 chat that opens the group of the three (a conversation of its own,
   * so the 1:1's history stays between the two): its card opens beside the 1:1's.
   */
  async addPeople(id: string, extension: string): Promise<void> {
    const session = await this.api.addParticipant(id, extension);
    this.upsertSession(session);
    this.persist();
    this.changed();
    if (session.id !== id) this.openCard(session.id);
  }

  /** An attachment as an object URL (fetched once, with the token). */
  attachmentUrl(attachment: AttachmentView): Promise<string> {
    let url = this.urls.get(attachment.url);
    if (!url) {
      url = this.api.attachment(attachment.url).then((b) => URL.createObjectURL(b));
      url.catch(() => this.urls.delete(attachment.url));
      this.urls.set(attachment.url, url);
    }
    return url;
  }

  /** Sends what waits in the outbox; shows it as waiting while the platform cannot be reached. */
  async flush(): Promise<void> {
    if (!this.owner) return;
    try {
      await this.outbox.flush();
    } catch {
      const waiting = new Set((await this.outbox.pending(this.owner).catch(() => [])).map((m) => m.clientId));
      for (const [id, list] of this.messages) {
        this.messages.set(id, list.map((m) => (waiting.has(m.client_id) && m.status === 'sending' ? { ...m, waiting: true } : m)));
      }
      this.changed();
    }
  }

  private settled(queued: QueuedMessage, result: MessageView): void {
    if (queued.owner !== this.owner) return;
    this.put(queued.sessionId, result);
    this.touch(queued.sessionId, result);
    this.persist();
    this.changed();
  }

  private refused(queued: QueuedMessage, error: unknown): void {
    if (queued.owner !== this.owner) return;
    const shown = this.messagesOf(queued.sessionId).find((m) => m.client_id === queued.clientId) ?? this.shown(queued, false);
    this.put(queued.sessionId, { ...shown, status: 'failed', failure_reason: (error as Error).message || 'The message was refused.', waiting: false }, true);
    this.persist();
    this.changed();
  }

  /** A `message` event: new (from someone else, or mine from another device) or a status change. */
  private async receive(message: MessageView): Promise<void> {
    const id = message.session_id;
    const known = this.messagesOf(id).some((m) => m.id === message.id || (m.client_id === message.client_id && m.direction === message.direction));
    if (!this.find(id)) {
      try {
        this.upsertSession(await this.api.get(id));
      } catch {
        return;
      }
    }
    this.put(id, message);
    if (!known) {
      this.touch(id, message, message.direction === 'inbound');
      if (message.direction === 'inbound') {
        if (message.sender.kind === 'user') this.stopTyping(id, message.sender.extension);
        if (this.openOnIncoming) this.openCard(id);
        const session = this.find(id);
        if (session) this.dispatchEvent(new IncomingMessageEvent(session, message));
      }
    }
    this.persist();
    this.changed();
  }

  /** Adds or updates a message in place (by id or client_id), keeping the list oldest first. */
  private put(id: string, message: ShownMessage, force = false): void {
    const list = [...this.messagesOf(id)];
    const i = list.findIndex((m) => m.id === message.id || (m.client_id === message.client_id && m.direction === message.direction));
    if (i >= 0) {
      const old = list[i]!;
      // Events may arrive out of order: a late "sent" never takes back "read".
      const keep = !force && old.status !== 'failed' && message.status !== 'failed' && RANK[message.status] < RANK[old.status];
      list[i] = keep ? { ...message, status: old.status } : { ...message, waiting: message.status === 'sending' ? message.waiting : false };
      // The platform's copy keeps the place the written one had (its clock may differ a little).
      if (old.id.startsWith('local:') && !message.id.startsWith('local:')) list[i] = { ...list[i], sent_at: message.sent_at };
    } else {
      list.push(message);
    }
    list.sort((a, b) => a.sent_at.localeCompare(b.sent_at));
    this.messages.set(id, list);
  }

  /** A message written here, as shown until the platform's copy comes. */
  private shown(queued: QueuedMessage, waiting: boolean): ShownMessage {
    const user = this.session.user!;
    const session = this.find(queued.sessionId);
    return {
      id: `local:${queued.clientId}`,
      client_id: queued.clientId,
      session_id: queued.sessionId,
      type: session?.kind === 'sms' ? (queued.attachments.length ? 'mms' : 'sms') : 'chat',
      direction: 'outbound',
      sender: { kind: 'user', extension: user.extension, name: this.session.displayName ?? user.extension },
      text: queued.text,
      attachments: queued.attachments,
      status: 'sending',
      failure_reason: null,
      sent_at: queued.writtenAt,
      waiting,
    };
  }

  /** A conversation's newest message changed: it moves to the top. */
  private touch(id: string, message: MessageView, unread = false): void {
    const session = this.find(id);
    if (!session) return;
    const newer = !session.last_message || message.sent_at >= session.last_message.sent_at;
    this.upsertSession({
      ...session,
      last_message: newer ? message : session.last_message,
      updated_at: newer && message.sent_at > session.updated_at ? message.sent_at : session.updated_at,
      unread: session.unread + (unread ? 1 : 0),
    });
  }

  private upsertSession(session: MessageSessionView): void {
    this.sessions = [...this.sessions.filter((s) => s.id !== session.id), session].sort(newestActivity);
  }

  private drop(id: string): void {
    this.sessions = this.sessions.filter((s) => s.id !== id);
    this.messages.delete(id);
    this.closeCard(id);
    this.persist();
  }

  private someoneTyping(id: string, extension: string, name: string): void {
    const people = this.typing.get(id) ?? new Map();
    clearTimeout(people.get(extension)?.timer);
    people.set(extension, { name, timer: setTimeout(() => this.stopTyping(id, extension), this.typingShownMs) });
    this.typing.set(id, people);
    this.changed();
  }

  private stopTyping(id: string, extension: string): void {
    const people = this.typing.get(id);
    const t = people?.get(extension);
    if (!people || !t) return;
    clearTimeout(t.timer);
    people.delete(extension);
    this.changed();
  }

  /** Keeps the list and the latest messages (once per turn, however many changes). */
  private persist(): void {
    if (!this.cache || this.saveQueued || !this.owner) return;
    this.saveQueued = true;
    const owner = this.owner;
    queueMicrotask(() => {
      this.saveQueued = false;
      if (owner !== this.owner) return;
      const messages: Record<string, MessageView[]> = {};
      // What waits is in the outbox; a message being sent is there too.
      for (const [id, list] of this.messages) messages[id] = list.filter((m) => m.status !== 'sending').map(({ waiting: _w, ...m }) => m);
      void this.cache!.save(owner, { sessions: this.sessions, messages }).catch(() => undefined);
    });
  }

  /** Signed in: the stored conversations and waiting messages at once, then the platform's. */
  private follow(): void {
    const user = this.session.state === 'signed-in' ? this.session.user : null;
    const owner = user ? `${user.extension}@${user.domain}` : '';
    if (owner === this.owner) return;
    this.owner = owner;
    this.generation++;
    this.sessions = [];
    this.messages = new Map();
    this.cursors = new Map();
    for (const people of this.typing.values()) for (const t of people.values()) clearTimeout(t.timer);
    this.typing = new Map();
    this.readSent = new Map();
    this.sms = null;
    this.error = '';
    this.open = owner ? this.cards.load(owner) : [];
    this.changed();
    if (!owner) {
      this.outbox.stop();
      return;
    }
    const generation = this.generation;
    void (async () => {
      const stored = await this.cache?.load(owner).catch(() => undefined);
      const waiting = await this.outbox.pending(owner).catch(() => []);
      if (generation !== this.generation) return;
      if (stored && this.sessions.length === 0) {
        this.sessions = [...stored.sessions].sort(newestActivity);
        for (const [id, list] of Object.entries(stored.messages)) this.messages.set(id, [...list]);
      }
      for (const q of waiting) this.put(q.sessionId, this.shown(q, true));
      this.changed();
      await this.refresh();
    })();
  }

  private changed(): void {
    this.dispatchEvent(new Event(CONVERSATIONS_CHANGED));
    if (this.count !== this.lastCount) {
      this.lastCount = this.count;
      this.dispatchEvent(new Event(BADGE_CHANGED));
    }
  }
}

function newestActivity(a: MessageSessionView, b: MessageSessionView): number {
  return b.updated_at.localeCompare(a.updated_at);
}

/**
 * What a conversation is called: each party by the directory's name (colleagues), a personal
 * contact's name for a number when known, else the platform's name or the formatted number.
 */
export function conversationName(session: Pick<MessageSessionView, 'participants'>, nameOf: (numberOrExtension: string) => string, format: (e164: string) => string): string {
  const names = session.participants.map((p) => (p.kind === 'user' ? nameOf(p.extension) || p.name || p.extension : nameOf(p.number) || format(p.number)));
  if (names.length <= 1) return names[0] ?? 'Nobody';
  return names.length === 2 ? `${names[0]} and ${names[1]}` : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
