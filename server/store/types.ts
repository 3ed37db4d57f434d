/**
 * Repository interfaces: the only view of persistence the rest of the platform has. The SQLite
 * implementation (sqlite.ts) is the embedded default; the PostgreSQL one (postgres.ts) keeps
 * the same contract (store/open.ts picks one). test/server/store-contract.test.ts checks both.
 */
import type { GreetingRepo } from '../voicemail/greeting-types.js';
import type { MessagingRepo } from '../messaging/types.js';
import type { MailboxGrantRepo } from '../voicemail/grant-types.js';
import type { VoicemailRepo } from '../voicemail/types.js';
import type { AnswerRuleRecord, AnswerRuleRepo, TimeFrameRepo } from '../rules/types.js';

export type Role = 'user' | 'admin';

export interface Domain {
  name: string;
  description: string;
  createdAt: number;
  /** IANA zone the organisation's time frames are read in (its users' default); 'UTC' when absent on create. */
  timeZone?: string;
}

export interface User {
  domain: string;
  extension: string;
  firstName: string;
  lastName: string;
  email: string;
  role: Role;
  /** scrypt hash in the form produced by auth/passwords.ts; never the password itself. */
  passwordHash: string;
  /** Base32 TOTP secret when MFA is enabled. */
  mfaSecret: string | null;
  /** How long a call rings this user's devices before it counts as unanswered. */
  ringNoAnswerTimeoutS: number;
  createdAt: number;
  /**
   * The voicemail PIN (reaching the mailbox by phone, *98), hashed as passwords are; null or
   * absent when none is set. Read-only here: set with `setVoicemailPin`.
   */
  voicemailPinHash?: string | null;
  /**
   * IANA zone this user's time frames are read in; null: the organisation's. Always present on
   * a user read from the store (optional for records built elsewhere, e.g. in tests).
   */
  timeZone?: string | null;
}

/** How many wrong voicemail PINs in a row lock a mailbox, and for how long. */
export interface PinLockRule {
  maxFailures: number;
  lockMs: number;
}

/** A PIN attempt: admitted (and counted as a failure until `voicemailPinSucceeded`), or refused while locked. */
export type PinAttempt =
  | { ok: true; pinHash: string | null }
  | { ok: false; lockedUntil: number };

/** A new user's ring timeout, as in NetSapiens (ring-no-answer-timeout-seconds). */
export const DEFAULT_RING_NO_ANSWER_TIMEOUT_S = 25;

/** The settings a user (or their domain's administrator) changes. */
export type UserSettings = Pick<User, 'ringNoAnswerTimeoutS' | 'timeZone'>;

export interface Device {
  id: string;
  domain: string;
  extension: string;
  label: string;
  /** The SIP digest username (authorization user) of this device. */
  sipUsername: string;
  /** RFC 2617 HA1 = MD5(username:realm:password); the password itself is never stored. */
  ha1: string;
  createdAt: number;
  lastSeenAt: number | null;
  /** The login (token family) that created it, when the web phone did: logging out removes it. */
  loginFamily: string | null;
}

export type TokenKind = 'access' | 'refresh' | 'mfa';

export interface TokenRecord {
  /** SHA-256 of the bearer token: a leaked database does not leak usable tokens. */
  hash: string;
  kind: TokenKind;
  domain: string;
  extension: string;
  expiresAt: number;
  /** Refresh-token family: rotating a refresh token keeps its family, logout revokes it whole. */
  family: string;
  createdAt: number;
  /** When a refresh token was rotated; using it again revokes its whole login. */
  usedAt: number | null;
}

export type CdrDirection = 'inbound' | 'outbound';
/**
 * How a call attempt ended, from this party's side. The caller's record says why nobody talked:
 * `cancelled` (the caller hung up while it rang), `declined` (the callee pressed Decline: 603),
 * `busy` (486/600), `no-answer` (it rang until the ring timeout), `unavailable` (no device of the
 * callee could take it: none registered, or every one answered 480/408), `failed` (anything else,
 * e.g. 404 for a number that is nobody). The callee's record is `missed`, or `declined` when one
 * of its devices refused the call. `interrupted`: an answered call that was still going when the
 * platform stopped unexpectedly.
 */
export type CdrDisposition =
  | 'ringing' | 'answered' | 'missed' | 'declined' | 'cancelled' | 'failed' | 'busy' | 'no-answer' | 'unavailable' | 'interrupted';

/** One party's view of one call attempt. A call between two users yields two records. */
export interface Cdr {
  id: number;
  callId: string;
  domain: string;
  extension: string;
  direction: CdrDirection;
  remoteNumber: string;
  remoteName: string;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  disposition: CdrDisposition;
  /** SIP status of a failed attempt (404, 480, 486, ...), else null. */
  sipStatus: number | null;
  /** On the transferor's record: the number this user transferred the call to (REFER accepted). */
  transferredTo: string | null;
  /** On both records of a call set up by a transfer: the user who transferred it. */
  transferredFrom: string | null;
  /** Where the callee's answering rule sent the call ("forwarded to 1003", "to voicemail"); null when it simply rang. */
  routedTo: string | null;
}

export type NewCdr = Omit<Cdr, 'id'>;
export type CdrPatch = Partial<Pick<Cdr, 'answeredAt' | 'endedAt' | 'disposition' | 'sipStatus' | 'transferredTo' | 'routedTo'>>;

/** A call recording uploaded by the web phone; the audio lives in the data directory. */
export interface Recording {
  /** Chosen by the client (a UUID), which makes uploads idempotent. */
  id: string;
  domain: string;
  /** The user who recorded it (the owner). */
  extension: string;
  callId: string;
  /** The owner's call record of that call, when one was found. */
  cdrId: number | null;
  /** 'audio/webm' or 'audio/ogg'. */
  contentType: string;
  bytes: number;
  durationS: number | null;
  startedAt: number;
  createdAt: number;
  /** From the linked call record (read-only, joined). */
  remoteNumber?: string | null;
  remoteName?: string | null;
}

export type NewRecording = Omit<Recording, 'remoteNumber' | 'remoteName'>;

export type ContactNumberLabel = 'mobile' | 'work' | 'home' | 'main' | 'fax' | 'other';
export const CONTACT_NUMBER_LABELS: readonly ContactNumberLabel[] = ['mobile', 'work', 'home', 'main', 'fax', 'other'];

export interface ContactNumber {
  label: ContactNumberLabel;
  /** As the user wrote it (trimmed); search uses only its digits. */
  number: string;
}

/** What a user edits on a personal contact. */
export interface ContactFields {
  firstName: string;
  lastName: string;
  company: string;
  email: string;
  notes: string;
  numbers: ContactNumber[];
}

/** A user's personal contact: private to its owner (not even administrators read it). */
export interface Contact extends ContactFields {
  /** Server-chosen UUID. */
  id: string;
  domain: string;
  extension: string;
  /** The UUID an offline client gave its create, which makes a retried create idempotent. */
  clientId: string | null;
  createdAt: number;
  /** Strictly increasing per owner across all their contacts, so it is also a sync cursor. */
  updatedAt: number;
  /** 1 on create, +1 on every change (the delete included). */
  version: number;
  deleted: false;
}

/** What is left of a deleted contact, so that other devices learn of the delete when they sync. */
export interface ContactTombstone {
  id: string;
  domain: string;
  extension: string;
  clientId: string | null;
  updatedAt: number;
  version: number;
  deleted: true;
}

export type ContactRecord = Contact | ContactTombstone;

export interface ContactListOptions {
  /** Words matched against names, company and email (substring, case- and accent-insensitive) and numbers (digits). */
  q?: string;
  /** Sync: only contacts changed after this time, tombstones included, oldest change first. */
  updatedSince?: number;
  /** Opaque keyset cursor from the previous page's `nextCursor`. */
  cursor?: ContactCursor;
  limit: number;
}

export interface ContactCursor {
  updatedAt: number;
  seq: number;
}

export interface ContactPage {
  items: ContactRecord[];
  nextCursor: ContactCursor | null;
}

/** Outcome of a conditional change: `expectedVersion` undefined means "whatever is current". */
export type ContactChange<T = Contact> =
  | { kind: 'ok'; contact: T }
  | { kind: 'missing' }
  | { kind: 'deleted'; tombstone: ContactTombstone }
  | { kind: 'conflict'; current: Contact };

export interface Page<T> {
  items: T[];
  /** Pass as `before` to get the next (older) page; null when this is the last one. */
  nextCursor: number | null;
}

export interface DomainRepo {
  get(name: string): Promise<Domain | undefined>;
  list(): Promise<Domain[]>;
  create(domain: Domain): Promise<void>;
  /** The organisation's time zone; false when there is no such domain. */
  setTimeZone(name: string, timeZone: string): Promise<boolean>;
}

export interface UserRepo {
  get(domain: string, extension: string): Promise<User | undefined>;
  list(domain: string): Promise<User[]>;
  create(user: User): Promise<void>;
  setPassword(domain: string, extension: string, passwordHash: string): Promise<boolean>;
  setMfaSecret(domain: string, extension: string, secret: string | null): Promise<boolean>;
  /** False when there is no such user. */
  updateSettings(domain: string, extension: string, settings: Partial<UserSettings>): Promise<boolean>;
  /** Sets (a hash) or clears (null) the voicemail PIN; its failures and lock go with the old one. False when no such user. */
  setVoicemailPin(domain: string, extension: string, pinHash: string | null): Promise<boolean>;
  /**
   * One guess at the voicemail PIN, checked against the lock and counted as a failure in one
   * atomic step, before the (slow) hash comparison: parallel guesses cannot get past the limit.
   * The guess that reaches `maxFailures` locks the mailbox for `lockMs`. Undefined: no such user.
   */
  reserveVoicemailPinAttempt(domain: string, extension: string, now: number, rule: PinLockRule): Promise<PinAttempt | undefined>;
  /** The PIN was right: the failures are forgiven and the lock lifted. */
  voicemailPinSucceeded(domain: string, extension: string): Promise<void>;
  count(): Promise<number>;
}

export interface DeviceRepo {
  create(device: Device): Promise<void>;
  get(id: string): Promise<Device | undefined>;
  getBySipUsername(sipUsername: string): Promise<Device | undefined>;
  listForUser(domain: string, extension: string): Promise<Device[]>;
  listForLogin(loginFamily: string): Promise<Device[]>;
  delete(id: string): Promise<boolean>;
  touch(id: string, at: number): Promise<void>;
  /** Gives a device a new label; false when there is no such device. */
  rename(id: string, label: string): Promise<boolean>;
}

export interface TokenRepo {
  insert(token: TokenRecord): Promise<void>;
  get(hash: string): Promise<TokenRecord | undefined>;
  delete(hash: string): Promise<void>;
  deleteFamily(family: string): Promise<void>;
  /** Marks a refresh token rotated; false when it already was (a concurrent rotation lost). */
  markUsed(hash: string, at: number): Promise<boolean>;
  purgeExpired(now: number): Promise<number>;
}

export interface CdrRepo {
  insert(cdr: NewCdr): Promise<number>;
  update(id: number, patch: CdrPatch): Promise<void>;
  get(id: number): Promise<Cdr | undefined>;
  /** The user's newest record of a SIP call, if any. */
  findForCall(domain: string, extension: string, callId: string): Promise<Cdr | undefined>;
  listForUser(domain: string, extension: string, opts: { before?: number; limit: number }): Promise<Page<Cdr>>;
  /**
   * Ends every record still open (no end time) at `at`: calls that were live when the platform
   * stopped without closing them. Answered ones become `interrupted`, ringing inbound ones
   * `missed`, ringing outbound ones `failed`. Returns how many were closed.
   */
  closeInterrupted(at: number): Promise<number>;
}

/** The platform's liveness mark, written every few seconds while it runs. */
export interface HeartbeatRepo {
  beat(at: number): Promise<void>;
  /** The last beat, or null on a store that never ran. */
  last(): Promise<number | null>;
}

export interface RecordingRepo {
  /** False (and nothing changed) when a recording with this id already exists. */
  insert(rec: NewRecording): Promise<boolean>;
  get(id: string): Promise<Recording | undefined>;
  /** Newest first; keyset-paged by an opaque numeric cursor. */
  listForUser(domain: string, extension: string, opts: { before?: number; limit: number }): Promise<Page<Recording>>;
  listForDomain(domain: string, opts: { before?: number; limit: number }): Promise<Page<Recording>>;
  /** Bytes of audio a user's recordings take (for the quota). */
  bytesForUser(domain: string, extension: string): Promise<number>;
  delete(id: string): Promise<boolean>;
}

export interface ContactRepo {
  /**
   * Creates a contact, or, when `clientId` was already used by this owner, creates nothing and
   * returns what that earlier create made (`created: false`), which may since have been deleted.
   */
  create(c: { id: string; domain: string; extension: string; clientId: string | null; fields: ContactFields; now: number }):
    Promise<{ created: boolean; record: ContactRecord }>;
  /** Only the owner's: another user's contact id is `undefined` here. */
  get(domain: string, extension: string, id: string): Promise<ContactRecord | undefined>;
  /** Replaces the fields when the version still is `expectedVersion` (compare-and-set). */
  update(domain: string, extension: string, id: string, fields: ContactFields, expectedVersion: number | undefined, now: number): Promise<ContactChange>;
  /** Leaves a tombstone (`ok`); a contact deleted before is `deleted`, and nothing changes. */
  delete(domain: string, extension: string, id: string, expectedVersion: number | undefined, now: number): Promise<ContactChange<ContactTombstone>>;
  list(domain: string, extension: string, opts: ContactListOptions): Promise<ContactPage>;
}

/** The quick Do Not Disturb toggle (PUT .../users/{user}/dnd), one transaction each way. */
export interface DoNotDisturbRepo {
  /**
   * On: finds or creates the user's own time frame `frameName` (kind always) and its rule (do
   * not disturb, enabled) at priority 1, remembering the order before (kept in the store, so it
   * outlives a restart). Off: disables that rule and puts it back where it was, the other rules
   * keeping their present relative order. Both idempotent. The user's rules, in order.
   */
  setDoNotDisturb(domain: string, extension: string, on: boolean, frameName: string, now: number): Promise<AnswerRuleRecord[]>;
  /** Whether the toggle is on (an order is remembered). */
  doNotDisturbOn(domain: string, extension: string): Promise<boolean>;
}

export type AnswerRuleStore = AnswerRuleRepo & DoNotDisturbRepo;

export interface Store {
  domains: DomainRepo;
  users: UserRepo;
  devices: DeviceRepo;
  tokens: TokenRepo;
  cdrs: CdrRepo;
  recordings: RecordingRepo;
  contacts: ContactRepo;
  heartbeat: HeartbeatRepo;
  voicemails: VoicemailRepo;
  greetings: GreetingRepo;
  mailboxGrants: MailboxGrantRepo;
  timeFrames: TimeFrameRepo;
  answerRules: AnswerRuleStore;
  /** Conversations, messages, attachments and SMS numbers (issue 15). */
  messaging: MessagingRepo;
  /** Resolves when the store is closed (SQLite's at once; PostgreSQL's when its pool has ended). */
  close(): Promise<void>;
}
