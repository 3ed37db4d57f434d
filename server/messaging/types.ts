/**
 * The messaging store's records and repository (chat, SMS and MMS; issue 15). A conversation is a
 * message session of a domain: chat between users, or SMS between one of the domain's numbers
 * and one outside number. `partyKey` names its set of people (or its two numbers) and is unique
 * per domain, so starting a conversation with the same set reopens the same one. Its members are
 * the users who see it (chat: its participants; SMS: the number's owner, or the organisation's
 * default recipients). Messages are numbered per session (`seq`, from 1), and a sender's
 * `clientId` is unique in a session: sending it again finds the message sent the first time.
 */

export type SessionKind = 'chat' | 'sms';
export type StoredMessageStatus = 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

export interface MessageSession {
  id: string;
  domain: string;
  kind: SessionKind;
  /** SMS: the organisation's number; chat: null. */
  localNumber: string | null;
  /** SMS: the outside number; chat: null. */
  remoteNumber: string | null;
  partyKey: string;
  createdAt: number;
  updatedAt: number;
}

export interface SessionMember {
  sessionId: string;
  extension: string;
  joinedAt: number;
  leftAt: number | null;
  /** Deleted for this member (shown again by the next message). */
  hidden: boolean;
  /** The seq of the last message they read (0: none). */
  lastReadSeq: number;
}

export interface StoredMessage {
  id: string;
  sessionId: string;
  seq: number;
  clientId: string;
  /** An extension of the domain, or an outside number (E.164, starting with +). */
  sender: string;
  type: 'chat' | 'sms' | 'mms';
  text: string;
  status: StoredMessageStatus;
  failureReason: string | null;
  carrierId: string | null;
  sentAt: number;
}

export interface StoredAttachment {
  id: string;
  domain: string;
  /** Who uploaded it: an extension, or the outside number an MMS came from. */
  owner: string;
  /** Null until it is sent with a message. */
  messageId: string | null;
  name: string;
  contentType: string;
  size: number;
  createdAt: number;
}

export interface SmsNumber {
  number: string;
  domain: string;
  /** The user it belongs to; null: the organisation's. */
  owner: string | null;
  /** An organisation's number: who receives its texts. */
  defaultRecipients: string[];
}

export type NewStoredMessage = Omit<StoredMessage, 'seq'>;

export interface MessagingRepo {
  /** Creates the session with these members, or finds the one with its party key: `created` says which. */
  openSession(s: MessageSession, members: string[]): Promise<{ session: MessageSession; created: boolean }>;
  getSession(id: string): Promise<MessageSession | undefined>;
  /** Every member, those who left too. */
  members(sessionId: string): Promise<SessionMember[]>;
  /** Sessions the user is in (not left, not hidden), newest activity first. */
  sessionsOf(domain: string, extension: string): Promise<MessageSession[]>;
  /** Adds the member, or brings back one who left. */
  addMember(sessionId: string, extension: string, at: number): Promise<void>;
  leave(sessionId: string, extension: string, at: number): Promise<boolean>;
  setHidden(sessionId: string, extension: string, hidden: boolean): Promise<void>;
  /**
   * Stores a message with the next seq, and claims its attachments (the sender's, not yet sent):
   * or, when (session, sender, clientId) is taken, finds that message (`created` false). The
   * session's updated_at moves and its members who hid it see it again.
   */
  addMessage(m: NewStoredMessage, attachmentIds: string[]): Promise<{ message: StoredMessage; created: boolean }>;
  getMessage(id: string): Promise<StoredMessage | undefined>;
  /** The message this sender sent with this client id in this session. */
  messageByClientId(sessionId: string, sender: string, clientId: string): Promise<StoredMessage | undefined>;
  /** Newest first; `beforeSeq` pages back. */
  listMessages(sessionId: string, beforeSeq: number | undefined, limit: number): Promise<StoredMessage[]>;
  lastMessage(sessionId: string): Promise<StoredMessage | undefined>;
  /** Messages not from `extension` after what they read. */
  unread(sessionId: string, extension: string): Promise<number>;
  /** Moves the member's read mark up to `seq` (never back); true when it moved. */
  markRead(sessionId: string, extension: string, seq: number): Promise<boolean>;
  /** Others' messages up to `seq`, sent or delivered, become read: those that changed. */
  readBy(sessionId: string, reader: string, seq: number): Promise<StoredMessage[]>;
  /**
   * Sets a message's status in one statement: only when it is in one of `from` (when given),
   * and its carrier id too when `carrierId` is given (null clears it). Undefined when no message
   * changed (none, or not in `from`): how a racing change is told apart.
   */
  setStatus(id: string, status: StoredMessageStatus, failureReason: string | null, opts?: { carrierId?: string | null; from?: readonly StoredMessageStatus[] }): Promise<StoredMessage | undefined>;
  byCarrierId(carrierId: string): Promise<StoredMessage | undefined>;

  addAttachment(a: StoredAttachment): Promise<void>;
  getAttachment(id: string): Promise<StoredAttachment | undefined>;
  attachmentsOf(messageIds: string[]): Promise<StoredAttachment[]>;
  deleteAttachment(id: string): Promise<void>;
  /** Uploaded before `before` and never sent with a message (at most `limit`, oldest first). */
  unsentAttachments(before: number, limit: number): Promise<StoredAttachment[]>;

  smsEnabled(domain: string): Promise<boolean>;
  setSmsEnabled(domain: string, enabled: boolean): Promise<void>;
  /** Adds or replaces a number. */
  putSmsNumber(n: SmsNumber): Promise<void>;
  smsNumbers(domain: string): Promise<SmsNumber[]>;
  smsNumber(number: string): Promise<SmsNumber | undefined>;
}
