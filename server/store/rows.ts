/**
 * Rows as records: one mapping per table, used by the SQLite and the PostgreSQL store alike (both
 * hand over column names as they are; PostgreSQL's bigints are parsed to numbers by the pool).
 */
import type { Cdr, Device, Domain, Recording, TokenRecord, User } from './types.js';
import type { Greeting } from '../voicemail/greeting-types.js';
import type { MailboxGrant } from '../voicemail/grant-types.js';
import type { AnswerRuleActions, TimeFrameInput } from '../../src/data/wire.js';
import type { AnswerRuleRecord, TimeFrameRecord } from '../rules/types.js';
import { actionsOf } from './answer-rule-changes.js';
import type { MessageSession, SessionMember, SmsNumber, StoredAttachment, StoredMessage } from '../messaging/types.js';

export type Row = Record<string, unknown>;

export const toDomain = (r: Row): Domain => ({
  name: r.name as string, description: r.description as string, createdAt: r.created_at as number,
  timeZone: (r.time_zone as string | undefined) ?? 'UTC',
});

export const toUser = (r: Row): User => ({
  domain: r.domain as string,
  extension: r.extension as string,
  firstName: r.first_name as string,
  lastName: r.last_name as string,
  email: r.email as string,
  role: r.role as User['role'],
  passwordHash: r.password_hash as string,
  mfaSecret: (r.mfa_secret as string | null) ?? null,
  ringNoAnswerTimeoutS: r.ring_no_answer_timeout_s as number,
  createdAt: r.created_at as number,
  voicemailPinHash: (r.voicemail_pin_hash as string | null | undefined) ?? null,
  timeZone: (r.time_zone as string | null | undefined) ?? null,
});

export const toDevice = (r: Row): Device => ({
  id: r.id as string,
  domain: r.domain as string,
  extension: r.extension as string,
  label: r.label as string,
  sipUsername: r.sip_username as string,
  ha1: r.ha1 as string,
  createdAt: r.created_at as number,
  lastSeenAt: (r.last_seen_at as number | null) ?? null,
  loginFamily: (r.login_family as string | null) ?? null,
});

export const toToken = (r: Row): TokenRecord => ({
  hash: r.hash as string,
  kind: r.kind as TokenRecord['kind'],
  domain: r.domain as string,
  extension: r.extension as string,
  expiresAt: r.expires_at as number,
  family: r.family as string,
  createdAt: r.created_at as number,
  usedAt: (r.used_at as number | null) ?? null,
});

export const toCdr = (r: Row): Cdr => ({
  id: r.id as number,
  callId: r.call_id as string,
  domain: r.domain as string,
  extension: r.extension as string,
  direction: r.direction as Cdr['direction'],
  remoteNumber: r.remote_number as string,
  remoteName: r.remote_name as string,
  startedAt: r.started_at as number,
  answeredAt: (r.answered_at as number | null) ?? null,
  endedAt: (r.ended_at as number | null) ?? null,
  disposition: r.disposition as Cdr['disposition'],
  sipStatus: (r.sip_status as number | null) ?? null,
  transferredTo: (r.transferred_to as string | null) ?? null,
  transferredFrom: (r.transferred_from as string | null) ?? null,
  routedTo: (r.routed_to as string | null) ?? null,
});

export const toRecording = (r: Row): Recording & { seq: number } => ({
  seq: r.seq as number,
  id: r.id as string,
  domain: r.domain as string,
  extension: r.extension as string,
  callId: r.call_id as string,
  cdrId: (r.cdr_id as number | null) ?? null,
  contentType: r.content_type as string,
  bytes: r.bytes as number,
  durationS: (r.duration_s as number | null) ?? null,
  startedAt: r.started_at as number,
  createdAt: r.created_at as number,
  remoteNumber: (r.remote_number as string | null) ?? null,
  remoteName: (r.remote_name as string | null) ?? null,
});

export function toGreeting(r: Row): Greeting {
  return {
    domain: r.domain as string,
    extension: r.extension as string,
    index: Number(r.idx),
    name: r.name as string,
    source: r.source as Greeting['source'],
    text: r.text as string,
    durationS: Number(r.duration_s),
    bytes: Number(r.bytes),
    fileId: r.file_id as string,
    // SQLite keeps 0/1, PostgreSQL a boolean.
    active: r.active === true || Number(r.active) === 1,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export const toGrant = (r: Row): MailboxGrant => ({
  domain: r.domain as string,
  mailbox: r.mailbox as string,
  grantee: r.grantee as string,
  grantedBy: r.granted_by as string,
  grantedAt: Number(r.granted_at),
});

/** What a time frame says beyond its name and kind: the `spec` column's JSON. */
export function timeFrameSpec(f: TimeFrameInput): string {
  const spec: Partial<TimeFrameInput> = {};
  if (f.days !== undefined) spec.days = f.days;
  if (f.dates !== undefined) spec.dates = f.dates;
  if (f.holidays !== undefined) spec.holidays = f.holidays;
  if (f.yearly !== undefined) spec.yearly = f.yearly;
  return JSON.stringify(spec);
}

export function toTimeFrame(r: Row): TimeFrameRecord {
  const spec = JSON.parse(r.spec as string) as Partial<TimeFrameInput>;
  return {
    id: r.id as string,
    domain: r.domain as string,
    owner: (r.owner as string | null) ?? null,
    name: r.name as string,
    kind: r.kind as TimeFrameRecord['kind'],
    ...spec,
  };
}

/** The `actions` column's JSON: the rule's actions alone (no keys, order or switch). */
export function ruleActionsJson(a: AnswerRuleActions): string {
  return JSON.stringify(actionsOf(a));
}

export function toAnswerRule(r: Row): AnswerRuleRecord {
  return {
    ...(JSON.parse(r.actions as string) as AnswerRuleActions),
    domain: r.domain as string,
    extension: r.extension as string,
    timeFrameId: (r.time_frame_id as string | null) ?? null,
    // SQLite keeps 0/1, PostgreSQL a boolean.
    enabled: r.enabled === true || Number(r.enabled) === 1,
    order: Number(r.priority),
  };
}

export const toMessageSession = (r: Row): MessageSession => ({
  id: r.id as string, domain: r.domain as string, kind: r.kind as MessageSession['kind'],
  localNumber: (r.local_number as string | null) ?? null, remoteNumber: (r.remote_number as string | null) ?? null,
  partyKey: r.party_key as string, createdAt: r.created_at as number, updatedAt: r.updated_at as number,
});

export const toSessionMember = (r: Row): SessionMember => ({
  sessionId: r.session_id as string, extension: r.extension as string, joinedAt: r.joined_at as number,
  leftAt: (r.left_at as number | null) ?? null, hidden: Boolean(r.hidden), lastReadSeq: r.last_read_seq as number,
});

export const toStoredMessage = (r: Row): StoredMessage => ({
  id: r.id as string, sessionId: r.session_id as string, seq: r.seq as number, clientId: r.client_id as string,
  sender: r.sender as string, type: r.type as StoredMessage['type'], text: r.text as string,
  status: r.status as StoredMessage['status'], failureReason: (r.failure_reason as string | null) ?? null,
  carrierId: (r.carrier_id as string | null) ?? null, sentAt: r.sent_at as number,
});

export const toStoredAttachment = (r: Row): StoredAttachment => ({
  id: r.id as string, domain: r.domain as string, owner: r.owner as string, messageId: (r.message_id as string | null) ?? null,
  name: r.name as string, contentType: r.content_type as string, size: r.size as number, createdAt: r.created_at as number,
});

export const toSmsNumber = (r: Row): SmsNumber => ({
  number: r.number as string, domain: r.domain as string, owner: (r.owner as string | null) ?? null,
  defaultRecipients: JSON.parse(r.default_recipients as string) as string[],
});
