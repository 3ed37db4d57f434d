/**
 * The messaging core (issue 15): conversations of a domain's users with each other (chat, group
 * chat) and with outside numbers (SMS, MMS), their messages and attachments, the events that
 * carry them live, and SMS through the carrier port (sms-port.ts), whose inbox this is.
 *
 * Decisions:
 * - A conversation's members are the users who see it. Chat: its participants. SMS: the owner of
 *   the domain's number, or for an organisation's number its default recipients (and whoever of
 *   the domain writes from it).
 * - Adding a colleague to a 1:1 chat opens the group chat of the three (a conversation of its
 *   own; the 1:1 stays as it was, as its two people may not want its history shown to a third).
 *   Adding one to a group chat adds them to it.
 * - A member who left a group no longer reads it (404), until added again.
 * - 'message-session' `created` goes to every member when a conversation is created (and to a
 *   member who hid it when a new message shows it again, or who is added); `changed` to every
 *   member whenever its last message or unread count changes; `removed` to a member who leaves
 *   or hides it.
 * - Typing is published at most once per 2 s per user and conversation; more are dropped.
 */
import { randomUUID } from 'node:crypto';
import { sniff } from './sniff.js';
import { SEND_RATE, SendRate, type SendRateRule } from './send-rate.js';
import type { EventPublisher } from '../events/bus.js';
import type { Logger } from '../log.js';
import type { Store, User } from '../store/types.js';
import { ApiError, badRequest, forbidden, notFound } from '../http/errors.js';
import type { AttachmentView, ConversationParty, MessageSessionView, MessageView, NewMessage, NewMessageSession, PlatformEvent, SmsAccess } from '../../src/data/wire.js';
import type { AttachmentFiles } from './attachment-files.js';
import { isPhoneNumber, normalisePhoneNumber, PhoneNumberError } from './phone-number.js';
import { CarrierError, type CarrierStatus, type InboundSms, type SmsCarrier, type SmsInbox } from './sms-port.js';
import type { MessageSession, SessionMember, StoredAttachment, StoredMessage, StoredMessageStatus } from './types.js';

export const MESSAGE_MAX_CHARS = 10_000;
export const ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024;
export const ATTACHMENTS_PER_MESSAGE = 10;
export const TYPING_INTERVAL_MS = 2_000;
export const NO_CARRIER = 'No SMS carrier is configured';

export interface MessagingOptions {
  store: Store;
  bus: EventPublisher;
  files: AttachmentFiles;
  log: Logger;
  carrier?: SmsCarrier;
  now?: () => number;
  /** How fast one user may send (SEND_RATE); null: no limit (benchmarks). */
  sendRate?: SendRateRule | null;
}

/** A chat message for a user, as the SIP side delivers it to phones that are not the web app. */
export type ChatDelivery = (domain: string, recipient: string, sender: string, senderName: string, text: string) => void;

const smsNotEnabled = () => new ApiError(403, 'sms_not_enabled', 'SMS is not enabled for your organisation');
const noSuchConversation = () => notFound('No such conversation');

/** An attachment never sent with a message is removed after this long. */
const UNSENT_ATTACHMENT_MS = 24 * 3600_000;

/** What a carrier's report may follow. */
const STATUS_FROM: Record<CarrierStatus, readonly StoredMessageStatus[]> = {
  sent: ['sending'],
  delivered: ['sending', 'sent'],
  failed: ['sending', 'sent'],
};
/** Reports for a carrier id we do not know yet are kept this long, and this many at most. */
const EARLY_REPORT_MS = 60_000;
const EARLY_REPORTS_KEPT = 1000;

export class Messaging implements SmsInbox {
  private readonly store: Store;
  private readonly now: () => number;
  private readonly typing = new Map<string, number>();
  private readonly pending = new Set<Promise<void>>();
  /** Carrier reports that came before the carrier's answer to the send (by its id). */
  private readonly sendRate: SendRate | null;
  private readonly earlyReports = new Map<string, { status: CarrierStatus; reason: string | null }>();
  /** Set by the SIP side (sip/messages.ts): chat messages to users whose only live devices are SIP phones. */
  chatDelivery: ChatDelivery | null = null;

  constructor(private readonly o: MessagingOptions) {
    this.store = o.store;
    this.now = o.now ?? Date.now;
    this.sendRate = o.sendRate === null ? null : new SendRate(o.sendRate ?? SEND_RATE, this.now);
  }

  // ------------------------------------------------------------ views

  private async userParty(domain: string, extension: string, cache: Map<string, User | undefined>): Promise<ConversationParty> {
    if (!cache.has(extension)) cache.set(extension, await this.store.users.get(domain, extension));
    const u = cache.get(extension);
    return { kind: 'user', extension, name: u ? `${u.firstName} ${u.lastName}`.trim() : extension };
  }

  private async party(domain: string, who: string, cache: Map<string, User | undefined>): Promise<ConversationParty> {
    return isPhoneNumber(who) ? { kind: 'number', number: who, name: who } : this.userParty(domain, who, cache);
  }

  /** Its URL names the caller as `~`: the same for every participant (each with their own token). */
  private attachmentView(session: MessageSession, a: StoredAttachment): AttachmentView {
    return {
      id: a.id, name: a.name, content_type: a.contentType, size: a.size,
      url: `/api/v2/domains/${encodeURIComponent(session.domain)}/users/~/messagesessions/${encodeURIComponent(session.id)}/attachments/${encodeURIComponent(a.id)}`,
    };
  }

  async messageViews(session: MessageSession, messages: StoredMessage[], viewer: string, cache = new Map<string, User | undefined>()): Promise<MessageView[]> {
    const attachments = await this.store.messaging.attachmentsOf(messages.map((m) => m.id));
    const views: MessageView[] = [];
    for (const m of messages) {
      const outbound = session.kind === 'sms' ? !isPhoneNumber(m.sender) : m.sender === viewer;
      views.push({
        id: m.id, client_id: m.clientId, session_id: m.sessionId, type: m.type, direction: outbound ? 'outbound' : 'inbound',
        sender: await this.party(session.domain, m.sender, cache), text: m.text,
        attachments: attachments.filter((a) => a.messageId === m.id).map((a) => this.attachmentView(session, a)),
        status: m.status, failure_reason: m.failureReason, sent_at: new Date(m.sentAt).toISOString(),
      });
    }
    return views;
  }

  async sessionView(session: MessageSession, viewer: string, cache = new Map<string, User | undefined>()): Promise<MessageSessionView> {
    const members = await this.store.messaging.members(session.id);
    const participants: ConversationParty[] = [];
    if (session.kind === 'sms') participants.push({ kind: 'number', number: session.remoteNumber!, name: session.remoteNumber! });
    else for (const m of members) if (m.extension !== viewer && m.leftAt === null) participants.push(await this.userParty(session.domain, m.extension, cache));
    const last = await this.store.messaging.lastMessage(session.id);
    return {
      id: session.id, kind: session.kind, participants, local_number: session.localNumber,
      last_message: last ? (await this.messageViews(session, [last], viewer, cache))[0]! : null,
      unread: await this.store.messaging.unread(session.id, viewer),
      updated_at: new Date(session.updatedAt).toISOString(),
    };
  }

  // ------------------------------------------------------------ events

  private emit(domain: string, extension: string, event: PlatformEvent): void {
    this.o.bus.emit('user-event', { domain, extension, event });
  }

  private async announceSession(session: MessageSession, to: string[], change: 'created' | 'changed' | 'removed'): Promise<void> {
    for (const ext of to) this.emit(session.domain, ext, { type: 'message-session', change, session: await this.sessionView(session, ext) });
  }

  private async announceMessage(session: MessageSession, message: StoredMessage, wasHidden: Set<string> = new Set()): Promise<void> {
    const current = (await this.store.messaging.getSession(session.id)) ?? session;
    for (const m of await this.store.messaging.members(session.id)) {
      if (m.leftAt !== null) continue;
      const [view] = await this.messageViews(current, [message], m.extension);
      this.emit(session.domain, m.extension, { type: 'message', session_id: session.id, message: view! });
      this.emit(session.domain, m.extension, { type: 'message-session', change: wasHidden.has(m.extension) ? 'created' : 'changed', session: await this.sessionView(current, m.extension) });
    }
  }

  private async announceStatus(message: StoredMessage): Promise<void> {
    const session = await this.store.messaging.getSession(message.sessionId);
    if (!session) return;
    for (const m of await this.store.messaging.members(session.id)) {
      if (m.leftAt !== null) continue;
      const [view] = await this.messageViews(session, [message], m.extension);
      this.emit(session.domain, m.extension, { type: 'message', session_id: session.id, message: view! });
    }
  }

  // ------------------------------------------------------------ conversations

  async smsAccess(domain: string, extension: string): Promise<SmsAccess> {
    const enabled = await this.store.messaging.smsEnabled(domain);
    if (!enabled) return { enabled: false, numbers: [] };
    const numbers = (await this.store.messaging.smsNumbers(domain)).filter((n) => n.owner === null || n.owner === extension);
    return { enabled, numbers: numbers.map((n) => ({ number: n.number, owner: n.owner })) };
  }

  async list(domain: string, extension: string): Promise<MessageSessionView[]> {
    const cache = new Map<string, User | undefined>();
    const views: MessageSessionView[] = [];
    for (const s of await this.store.messaging.sessionsOf(domain, extension)) views.push(await this.sessionView(s, extension, cache));
    return views;
  }

  /** The conversation, when `extension` is in it (not left); anyone else learns nothing of it. */
  async sessionOf(domain: string, extension: string, id: string): Promise<{ session: MessageSession; member: SessionMember }> {
    const session = await this.store.messaging.getSession(id);
    if (!session || session.domain !== domain) throw noSuchConversation();
    const member = (await this.store.messaging.members(id)).find((m) => m.extension === extension && m.leftAt === null);
    if (!member) throw noSuchConversation();
    return { session, member };
  }

  /** POST .../messagesessions: the conversation with these people (or that number), created when new. */
  async open(domain: string, me: string, input: NewMessageSession): Promise<{ session: MessageSession; created: boolean }> {
    const users = new Set<string>();
    const numbers = new Set<string>();
    input.participants.forEach((p, i) => {
      if (p.kind === 'user') users.add(p.extension);
      else {
        try {
          numbers.add(normalisePhoneNumber(p.number));
        } catch (err) {
          if (err instanceof PhoneNumberError) throw badRequest(`participants.${i}.number`, err.message);
          throw err;
        }
      }
    });
    if (numbers.size > 0) {
      if (users.size > 0 || numbers.size > 1) throw badRequest('participants', 'An SMS conversation is with one outside number, and no colleagues');
      return this.openSms(domain, me, [...numbers][0]!, input.local_number);
    }
    users.delete(me);
    if (users.size === 0) throw badRequest('participants', 'A chat needs someone besides you');
    for (const ext of users) {
      if (!(await this.store.users.get(domain, ext))) throw badRequest('participants', `${ext} is not a user of your organisation`);
    }
    return this.openChat(domain, me, [...users, me]);
  }

  private async openChat(domain: string, me: string, extensions: string[]): Promise<{ session: MessageSession; created: boolean }> {
    const all = [...new Set(extensions)].sort();
    const at = this.now();
    const opened = await this.store.messaging.openSession({
      id: randomUUID(), domain, kind: 'chat', localNumber: null, remoteNumber: null, partyKey: `chat:${all.join(',')}`, createdAt: at, updatedAt: at,
    }, all);
    if (opened.created) await this.announceSession(opened.session, all, 'created');
    else await this.rejoin(opened.session, me);
    return opened;
  }

  /**
   * Opening a conversation I hid brings it back for me. A group chat I left stays left: only a
   * member adding me back lets me read it again (what was said since is theirs to share).
   */
  private async rejoin(session: MessageSession, me: string): Promise<void> {
    const member = (await this.store.messaging.members(session.id)).find((m) => m.extension === me);
    if (member && member.leftAt === null && !member.hidden) return;
    if (member && member.leftAt !== null && session.kind === 'chat') {
      throw new ApiError(403, 'left_conversation', 'You left this group chat; a member can add you back');
    }
    if (!member || member.leftAt !== null) await this.store.messaging.addMember(session.id, me, this.now());
    else await this.store.messaging.setHidden(session.id, me, false);
    await this.announceSession(session, [me], 'created');
  }

  private async openSms(domain: string, me: string, remote: string, requested: string | undefined): Promise<{ session: MessageSession; created: boolean }> {
    if (!(await this.store.messaging.smsEnabled(domain))) throw smsNotEnabled();
    const mine = (await this.store.messaging.smsNumbers(domain)).filter((n) => n.owner === null || n.owner === me);
    let local = mine.find((n) => n.owner === me) ?? mine[0];
    if (requested !== undefined) {
      let wanted: string;
      try {
        wanted = normalisePhoneNumber(requested);
      } catch (err) {
        if (err instanceof PhoneNumberError) throw badRequest('local_number', err.message);
        throw err;
      }
      local = mine.find((n) => n.number === wanted);
      if (!local) throw badRequest('local_number', `${requested} is not a number you may send from`);
    }
    if (!local) throw new ApiError(403, 'sms_no_number', 'Your organisation has no SMS number you may send from');
    const members = local.owner ? [local.owner] : [...new Set([...local.defaultRecipients, me])];
    const at = this.now();
    const opened = await this.store.messaging.openSession({
      id: randomUUID(), domain, kind: 'sms', localNumber: local.number, remoteNumber: remote, partyKey: `sms:${local.number}:${remote}`, createdAt: at, updatedAt: at,
    }, members);
    if (opened.created) await this.announceSession(opened.session, members, 'created');
    else await this.rejoin(opened.session, me);
    return opened;
  }

  async hide(domain: string, me: string, id: string): Promise<void> {
    const { session } = await this.sessionOf(domain, me, id);
    await this.store.messaging.setHidden(id, me, true);
    await this.announceSession(session, [me], 'removed');
  }

  async leave(domain: string, me: string, id: string): Promise<void> {
    const { session } = await this.sessionOf(domain, me, id);
    if (session.kind !== 'chat') throw badRequest('id', 'Only a group chat can be left; delete the conversation instead');
    const before = (await this.store.messaging.members(id)).filter((m) => m.leftAt === null);
    if (before.length < 3) throw badRequest('id', 'Only a group chat can be left; delete the conversation instead');
    const view = await this.sessionView(session, me);
    await this.store.messaging.leave(id, me, this.now());
    this.emit(domain, me, { type: 'message-session', change: 'removed', session: view });
    await this.announceSession(session, before.map((m) => m.extension).filter((e) => e !== me), 'changed');
  }

  /** Adds a colleague: to a group chat itself; a 1:1 chat becomes the group chat of the three (a new conversation). */
  async addParticipant(domain: string, me: string, id: string, extension: string): Promise<{ session: MessageSession; created: boolean }> {
    const { session } = await this.sessionOf(domain, me, id);
    if (session.kind !== 'chat') throw badRequest('extension', 'Colleagues are added to chats, not to SMS conversations');
    if (!(await this.store.users.get(domain, extension))) throw badRequest('extension', `${extension} is not a user of your organisation`);
    const everyone = await this.store.messaging.members(id);
    const present = everyone.filter((m) => m.leftAt === null).map((m) => m.extension);
    if (present.includes(extension)) return { session, created: false };
    if (everyone.length <= 2) {
      // A 1:1: the group of the three, which may exist already (and someone may have left it).
      const opened = await this.openChat(domain, me, [...present, extension]);
      if (!opened.created) {
        const members = await this.store.messaging.members(opened.session.id);
        for (const ext of [...present, extension]) {
          const m = members.find((x) => x.extension === ext);
          if (m && m.leftAt === null) continue;
          await this.store.messaging.addMember(opened.session.id, ext, this.now());
          await this.announceSession(opened.session, [ext], 'created');
        }
      }
      return opened;
    }
    await this.store.messaging.addMember(id, extension, this.now());
    await this.announceSession(session, [extension], 'created');
    await this.announceSession(session, present, 'changed');
    return { session, created: false };
  }

  async messages(domain: string, me: string, id: string, before: string | undefined, limit: number): Promise<{ items: MessageView[]; next_cursor: string | null }> {
    const { session } = await this.sessionOf(domain, me, id);
    let beforeSeq: number | undefined;
    if (before !== undefined) {
      const m = await this.store.messaging.getMessage(before);
      if (!m || m.sessionId !== id) throw badRequest('before', 'before names no message of this conversation');
      beforeSeq = m.seq;
    }
    const page = await this.store.messaging.listMessages(id, beforeSeq, limit + 1);
    const more = page.length > limit;
    const items = await this.messageViews(session, page.slice(0, limit), me);
    return { items, next_cursor: more ? items[items.length - 1]!.id : null };
  }

  async message(domain: string, me: string, id: string, messageId: string): Promise<{ session: MessageSession; message: StoredMessage }> {
    const { session } = await this.sessionOf(domain, me, id);
    const message = await this.store.messaging.getMessage(messageId);
    if (!message || message.sessionId !== id) throw notFound('No such message');
    return { session, message };
  }

  // ------------------------------------------------------------ sending

  /** POST .../messages: stores it (or finds it, when its client id was sent before) and sends it on. */
  async send(domain: string, me: string, id: string, input: NewMessage): Promise<{ view: MessageView; created: boolean }> {
    const { session } = await this.sessionOf(domain, me, id);
    // A sent message ends the typing: the next keystroke is news at once.
    this.typing.delete(`${id}\n${me}`);
    const text = input.text;
    if (text.length > MESSAGE_MAX_CHARS) throw badRequest('text', `A message is at most ${MESSAGE_MAX_CHARS.toLocaleString('en-US')} characters; this one has ${text.length.toLocaleString('en-US')}`);
    const ids = [...new Set(input.attachment_ids ?? [])];
    if (ids.length > ATTACHMENTS_PER_MESSAGE) throw badRequest('attachment_ids', `A message carries at most ${ATTACHMENTS_PER_MESSAGE} attachments`);
    if (text.trim() === '' && ids.length === 0) throw badRequest('text', 'A message needs text or an attachment');
    // A repeat of a message already sent is answered with it before its attachments are checked
    // again (they now belong to it). An early answer only: two at once both pass here, and the
    // store's unique index decides between them.
    const existing = await this.store.messaging.messageByClientId(session.id, me, input.client_id);
    if (existing) return { view: (await this.messageViews(session, [existing], me))[0]!, created: false };
    // Only new messages count: a retry of one already sent is answered above.
    const wait = this.sendRate?.take(`${domain}\n${me}`) ?? 0;
    if (wait > 0) throw new ApiError(429, 'too_many_messages', `You are sending messages too fast; try again in ${wait} s`, undefined, { 'Retry-After': String(wait) });
    for (const [i, aid] of ids.entries()) {
      const a = await this.store.messaging.getAttachment(aid);
      if (!a || a.domain !== domain || a.owner !== me || a.messageId !== null) throw badRequest(`attachment_ids.${i}`, `No attachment ${aid} of yours waits to be sent`);
    }
    const sms = session.kind === 'sms';
    const members = await this.store.messaging.members(id);
    const wasHidden = new Set(members.filter((m) => m.hidden && m.leftAt === null).map((m) => m.extension));
    const { message, created } = await this.store.messaging.addMessage({
      id: randomUUID(), sessionId: id, clientId: input.client_id, sender: me, type: sms ? (ids.length > 0 ? 'mms' : 'sms') : 'chat', text,
      status: sms ? 'sending' : 'sent', failureReason: null, carrierId: null, sentAt: this.now(),
    }, ids);
    if (created) {
      await this.store.messaging.markRead(id, me, message.seq);
      await this.announceMessage(session, message, wasHidden);
      if (sms) this.track(this.carry(session, message));
      else this.deliverToPhones(session, message, members);
    }
    return { view: (await this.messageViews(session, [message], me))[0]!, created };
  }

  private deliverToPhones(session: MessageSession, message: StoredMessage, members: SessionMember[]): void {
    const deliver = this.chatDelivery;
    if (!deliver || message.text === '') return;
    void this.store.users.get(session.domain, message.sender).then((u) => {
      const name = u ? `${u.firstName} ${u.lastName}`.trim() : message.sender;
      for (const m of members) if (m.leftAt === null && m.extension !== message.sender) deliver(session.domain, m.extension, message.sender, name, message.text);
    }).catch((err: unknown) => this.o.log.warn('chat not delivered to SIP phones', { error: (err as Error).message }));
  }

  /** POST .../messages/{id}/retry: a failed SMS is sent again. */
  async retry(domain: string, me: string, id: string, messageId: string): Promise<MessageView> {
    const { session, message } = await this.message(domain, me, id, messageId);
    if (session.kind !== 'sms' || isPhoneNumber(message.sender)) throw badRequest('id', 'Only a text we sent can be sent again');
    // Only from failed, in one statement: two retries at once send it once. The last attempt's
    // carrier id goes, so its late reports cannot touch this one.
    const sending = await this.store.messaging.setStatus(message.id, 'sending', null, { carrierId: null, from: ['failed'] });
    if (!sending) throw new ApiError(409, 'not_failed', 'Only a failed message can be sent again');
    await this.announceStatus(sending);
    this.track(this.carry(session, sending));
    return (await this.messageViews(session, [sending], me))[0]!;
  }

  private track(p: Promise<void>): void {
    this.pending.add(p);
    void p.finally(() => this.pending.delete(p));
  }

  /** Hands an SMS to the carrier: sent (with its id) when it takes it, failed with its reason when not. */
  private async carry(session: MessageSession, message: StoredMessage): Promise<void> {
    let after: StoredMessage | undefined;
    try {
      const carrier = this.o.carrier;
      if (!carrier) throw new CarrierError(NO_CARRIER);
      const media = [];
      for (const a of await this.store.messaging.attachmentsOf([message.id])) {
        media.push({ name: a.name, contentType: a.contentType, data: await this.o.files.read(a.domain, a.id) });
      }
      const { carrierId } = await carrier.send({ messageId: message.id, from: session.localNumber!, to: session.remoteNumber!, text: message.text, media });
      after = await this.store.messaging.setStatus(message.id, 'sent', null, { carrierId, from: ['sending'] });
      // A report the carrier sent before its answer reached us waited for this id.
      const early = this.earlyReports.get(carrierId);
      if (after && early) {
        this.earlyReports.delete(carrierId);
        await this.announceStatus(after);
        return this.status(carrierId, early.status, early.reason);
      }
    } catch (err) {
      const reason = err instanceof CarrierError ? err.reason : 'The carrier could not be reached';
      if (!(err instanceof CarrierError)) this.o.log.warn('sms carrier failed', { error: (err as Error).message });
      after = await this.store.messaging.setStatus(message.id, 'failed', reason, { from: ['sending'] });
    }
    if (after) await this.announceStatus(after);
  }

  // ------------------------------------------------------------ read and typing

  async read(domain: string, me: string, id: string, upTo: string): Promise<MessageSessionView> {
    const { session, message } = await this.message(domain, me, id, upTo).catch((err: unknown) => {
      if (err instanceof ApiError && err.message === 'No such message') throw badRequest('up_to', 'up_to names no message of this conversation');
      throw err;
    });
    // The read mark may be there already (sending moves it), the receipts not yet.
    const moved = await this.store.messaging.markRead(id, me, message.seq);
    if (session.kind === 'chat') for (const m of await this.store.messaging.readBy(id, me, message.seq)) await this.announceStatus(m);
    if (moved) await this.announceSession(session, [me], 'changed');
    return this.sessionView(session, me);
  }

  /** True when published; false when this user was typing here less than 2 s ago. */
  async typingIn(domain: string, me: string, id: string): Promise<boolean> {
    const { session } = await this.sessionOf(domain, me, id);
    if (session.kind !== 'chat') return false;
    const key = `${id}\n${me}`;
    const now = this.now();
    const last = this.typing.get(key);
    if (last !== undefined && now - last < TYPING_INTERVAL_MS) return false;
    this.typing.set(key, now);
    if (this.typing.size > 10_000) for (const [k, t] of this.typing) if (now - t >= TYPING_INTERVAL_MS) this.typing.delete(k);
    const u = await this.store.users.get(domain, me);
    const name = u ? `${u.firstName} ${u.lastName}`.trim() : me;
    for (const m of await this.store.messaging.members(id)) {
      if (m.leftAt === null && m.extension !== me) this.emit(domain, m.extension, { type: 'typing', session_id: id, extension: me, name });
    }
    return true;
  }

  // ------------------------------------------------------------ attachments

  /**
   * Files uploaded but never sent (a composer closed, an upload given up) go after a day, so
   * uploads cannot pile up on the disk; returns how many went. The platform calls it hourly.
   */
  async sweepUnsentAttachments(olderThanMs = UNSENT_ATTACHMENT_MS): Promise<number> {
    const stale = await this.store.messaging.unsentAttachments(this.now() - olderThanMs, 500);
    for (const a of stale) {
      await this.store.messaging.deleteAttachment(a.id);
      await this.o.files.remove(a.domain, a.id);
    }
    return stale.length;
  }

  async upload(domain: string, owner: string, name: string, contentType: string, data: Buffer): Promise<StoredAttachment> {
    const a: StoredAttachment = { id: randomUUID(), domain, owner, messageId: null, name, contentType, size: data.length, createdAt: this.now() };
    await this.o.files.write(domain, a.id, data);
    try {
      await this.store.messaging.addAttachment(a);
    } catch (err) {
      await this.o.files.remove(domain, a.id);
      throw err;
    }
    return a;
  }

  /** An attachment of a message of this conversation (to its members only). */
  async attachment(domain: string, me: string, id: string, attachmentId: string): Promise<{ attachment: StoredAttachment; path: string }> {
    await this.sessionOf(domain, me, id);
    const a = await this.store.messaging.getAttachment(attachmentId);
    const m = a?.messageId ? await this.store.messaging.getMessage(a.messageId) : undefined;
    if (!a || !m || m.sessionId !== id) throw notFound('No such attachment');
    return { attachment: a, path: this.o.files.pathOf(a.domain, a.id) };
  }

  /** An upload not yet sent, to its uploader only. */
  async ownAttachment(domain: string, me: string, attachmentId: string): Promise<{ attachment: StoredAttachment; path: string }> {
    const a = await this.store.messaging.getAttachment(attachmentId);
    if (!a || a.domain !== domain || a.owner !== me) throw notFound('No such attachment');
    return { attachment: a, path: this.o.files.pathOf(a.domain, a.id) };
  }

  // ------------------------------------------------------------ the carrier's side (SmsInbox)

  /**
   * A text from outside. Dropped (with a warning in the log) when it is for no number of ours,
   * for an organisation with SMS off, or from a sender that is no phone number (short codes and
   * alphanumeric senders are not kept yet).
   */
  async received(sms: InboundSms): Promise<void> {
    let to: string;
    let from: string;
    try {
      to = normalisePhoneNumber(sms.to);
      from = normalisePhoneNumber(sms.from);
    } catch (err) {
      if (!(err instanceof PhoneNumberError)) throw err;
      this.o.log.warn('sms dropped: not a phone number', { to: sms.to, from: sms.from });
      return;
    }
    const number = await this.store.messaging.smsNumber(to);
    if (!number) {
      this.o.log.warn('sms for a number of no organisation', { to });
      return;
    }
    if (!(await this.store.messaging.smsEnabled(number.domain))) {
      this.o.log.warn('sms dropped: SMS is off for the organisation', { to, domain: number.domain });
      return;
    }
    const recipients = number.owner ? [number.owner] : number.defaultRecipients;
    const at = this.now();
    const opened = await this.store.messaging.openSession({
      id: randomUUID(), domain: number.domain, kind: 'sms', localNumber: to, remoteNumber: from, partyKey: `sms:${to}:${from}`, createdAt: at, updatedAt: at,
    }, recipients);
    const session = opened.session;
    if (opened.created) await this.announceSession(session, recipients, 'created');
    const members = await this.store.messaging.members(session.id);
    const wasHidden = new Set(members.filter((m) => m.hidden && m.leftAt === null).map((m) => m.extension));
    const attachmentIds: string[] = [];
    // What a medium is comes from its bytes, as for uploads, not from what the carrier declared:
    // anything else is kept as an opaque download.
    for (const media of sms.media) {
      const type = sniff(media.data).type ?? 'application/octet-stream';
      attachmentIds.push((await this.upload(number.domain, from, media.name || 'attachment', type, media.data)).id);
    }
    // The carrier's id as the client id: a webhook delivered twice stores one message.
    const { message, created } = await this.store.messaging.addMessage({
      id: randomUUID(), sessionId: session.id, clientId: `carrier:${sms.carrierId}`, sender: from, type: sms.media.length > 0 ? 'mms' : 'sms',
      text: sms.text, status: 'delivered', failureReason: null, carrierId: null, sentAt: at,
    }, attachmentIds);
    if (!created) {
      for (const aid of attachmentIds) {
        await this.store.messaging.deleteAttachment(aid);
        await this.o.files.remove(number.domain, aid);
      }
      return;
    }
    await this.announceMessage(session, message, wasHidden);
  }

  async status(carrierId: string, status: CarrierStatus, reason: string | null): Promise<void> {
    const message = await this.store.messaging.byCarrierId(carrierId);
    if (!message) {
      // Its send may not have returned yet (the carrier can call back first): kept for a while.
      if (this.earlyReports.size >= EARLY_REPORTS_KEPT) this.earlyReports.delete(this.earlyReports.keys().next().value!);
      this.earlyReports.set(carrierId, { status, reason });
      setTimeout(() => this.earlyReports.delete(carrierId), EARLY_REPORT_MS).unref();
      return;
    }
    // Status only moves forward (reports arrive out of order, and a signed one can be replayed):
    // sending < sent < delivered, and failed only before delivered.
    const after = await this.store.messaging.setStatus(message.id, status, status === 'failed' ? (reason ?? 'The carrier could not deliver it') : null,
      { from: STATUS_FROM[status] });
    if (after) await this.announceStatus(after);
  }

  /** Waits for texts being handed to the carrier (at close). */
  async flush(): Promise<void> {
    await Promise.allSettled([...this.pending]);
  }
}
