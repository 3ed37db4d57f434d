/**
 * The wire: JSON shapes of the platform's REST API (/api/v2) and of every event on its events
 * channel (/api/v2/events), declared once. The platform (server/) builds its answers and events
 * as these types and the web phone (src/) reads them as these types, both with `import type`,
 * so a field or an event that one side adds, renames or drops is a type error on the other.
 *
 * Types only: this module has no runtime code (it is erased from both builds). Times are ISO
 * 8601 strings; ids of stored rows are strings except call records' (numbers that grow with time).
 */

// ---------------------------------------------------------------- users and tokens

export type Role = 'user' | 'admin';

/** Who a login belongs to (in token grants). */
export interface WireUser {
  domain: string;
  extension: string;
  first_name: string;
  last_name: string;
  role: Role;
}

/** POST /api/v2/tokens: a granted login (password, mfa or refresh_token grant). */
export interface TokenGrant {
  access_token: string;
  token_type: 'Bearer';
  /** Seconds the access token lives. */
  expires_in: number;
  refresh_token: string;
  refresh_expires_in: number;
  user: WireUser;
}

/** POST /api/v2/tokens (password grant) for a user with MFA: send the passcode with this token. */
export interface MfaChallenge {
  mfa_required: true;
  mfa_token: string;
  expires_in: number;
}

/** What a user is doing, as presence shows it. */
export type PresenceState = 'offline' | 'online' | 'ringing' | 'on-call';

/** GET /api/v2/domains/~/users (a list) and /users/{user}: a user of the organisation. */
export interface DirectoryEntry extends WireUser {
  name: string;
  email: string;
  /** At least one of their devices is registered now. */
  online: boolean;
  /** What they are doing (platforms before it send only `online`). */
  presence?: PresenceState;
}

/** A user's own settings: on GET .../users/~ and the answer of PATCH .../users/~. */
export interface UserSettingsView {
  /** Seconds a call rings my devices before it counts as unanswered (5 to 300). */
  ring_no_answer_timeout_s: number;
  /** The index of my active greeting; 0 for the default (my name, spoken). */
  voicemail_greeting_index: number;
  /** Whether a voicemail PIN is set (PATCH `voicemail_pin`: 4-10 digits, or null to clear; never returned). */
  voicemail_pin_set: boolean;
  /** IANA time zone my time frames are read in (PATCH `time_zone`; null: the organisation's). */
  time_zone: string | null;
  /** The zone in effect: mine, else the organisation's. */
  effective_time_zone: string;
  /** The active answering rule sends callers to voicemail (Do Not Disturb). */
  do_not_disturb: boolean;
}

/** GET .../users/{user}/greetings: one of my voicemail greetings. */
export interface GreetingEntry {
  index: number;
  name: string;
  /** How it was made: recorded in the browser, uploaded as a file, or typed and spoken. */
  source: 'recorded' | 'uploaded' | 'spoken';
  /** The typed text of a spoken greeting; '' otherwise. */
  text: string;
  duration_s: number;
  active: boolean;
  created_at: string;
  updated_at: string;
  /** Ogg Opus. */
  audio_url: string;
}

/** GET .../users/{user}/greetings. */
export interface GreetingList {
  items: GreetingEntry[];
  /** 0 when the default greeting answers. */
  voicemail_greeting_index: number;
}

/** GET /api/v2/status (public). */
export interface PlatformStatus {
  name: 'Switchboard';
  version: string;
  status: 'ok';
  uptime_s: number;
}

// ---------------------------------------------------------------- devices

/** POST /api/v2/domains/~/users/~/devices: the new device with its SIP password (shown once). */
export interface DeviceGrant {
  id: string;
  label: string;
  sip: { uri: string; authorization_user: string; password: string; realm: string; websocket_path: string };
}

export interface DeviceRegistration {
  contact: string;
  user_agent: string;
  /** The connection it arrived on is open. */
  online: boolean;
  registered_at: string;
  expires_at: string;
}

/** GET /api/v2/domains/~/users/~/devices (a list). */
export interface DeviceInfo {
  id: string;
  label: string;
  sip_username: string;
  created_at: string;
  last_seen_at: string | null;
  online: boolean;
  registrations: DeviceRegistration[];
}

// ---------------------------------------------------------------- call records

export type CdrDirection = 'inbound' | 'outbound';
export type CdrDisposition = 'ringing' | 'answered' | 'missed' | 'declined' | 'cancelled' | 'failed' | 'busy' | 'no-answer' | 'unavailable' | 'interrupted';

/** GET /api/v2/domains/~/users/~/cdrs (a page), and the `cdr` event: one party's call record. */
export interface CdrEntry {
  id: number;
  call_id: string;
  /** What the user sees: an unanswered inbound call is `missed` whatever its disposition. */
  type: 'inbound' | 'outbound' | 'missed';
  direction: CdrDirection;
  disposition: CdrDisposition;
  remote_number: string;
  remote_name: string;
  started_at: string;
  answered_at: string | null;
  ended_at: string | null;
  duration_s: number;
  /** SIP status of a failed attempt (404, 480, 486, ...), else null. */
  sip_status: number | null;
  /** This user transferred the call to that number. */
  transferred_to: string | null;
  /** A transfer by that number set this call up. */
  transferred_from: string | null;
  /** Where the callee's answering rule sent the call ("forwarded to 1003", "to voicemail", "rejected: DND"); null when it simply rang. */
  routed_to: string | null;
}

// ---------------------------------------------------------------- recordings

/** GET .../recordings (a page) and .../recordings/{id}: a call recording's metadata. */
export interface RecordingInfo {
  id: string;
  domain: string;
  /** The user who recorded it (the owner). */
  extension: string;
  call_id: string;
  cdr_id: number | null;
  remote_number: string | null;
  remote_name: string | null;
  content_type: string;
  bytes: number;
  duration_s: number | null;
  started_at: string;
  created_at: string;
  audio_url: string;
}

// ---------------------------------------------------------------- personal contacts

export type ContactNumberLabel = 'mobile' | 'work' | 'home' | 'main' | 'fax' | 'other';

/** What the user edits on a personal contact (the body of POST and PUT). */
export interface ContactFields {
  first_name: string;
  last_name: string;
  company: string;
  email: string;
  notes: string;
  numbers: Array<{ label: ContactNumberLabel; number: string }>;
}

/** A personal contact as the platform stores it; `version` goes back in If-Match. */
export interface Contact extends ContactFields {
  id: string;
  client_id: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

/** What `updated_since` lists for a deleted contact. */
export interface ContactTombstone {
  id: string;
  deleted: true;
  updated_at: string;
}

// ---------------------------------------------------------------- pages and errors

/** A page of a list; `next_cursor` goes back as `before` (numbers) or `cursor` (strings); null on the last page. */
export interface Page<T, Cursor extends number | string = number> {
  items: T[];
  next_cursor: Cursor | null;
}

/** Every error answer of the API. */
export interface WireError {
  code: string;
  message: string;
  /** The request field at fault (nested ones by path: numbers.0.label). */
  field?: string;
  /** Some errors carry more, e.g. 409 version_conflict carries the current `contact`. */
  [detail: string]: unknown;
}

// ---------------------------------------------------------------- live calls and Switch Phone

/** One leg of a live dialog as its user sees it: GET .../calls and the `calls` event. */
export interface LiveCall {
  call_id: string;
  /** The device holding this leg; null for a SIP client that is not one of the user's devices. */
  device_id: string | null;
  device_label: string;
  local_tag: string;
  remote_tag: string;
  remote: { number: string; name: string };
  direction: CdrDirection;
  since: string;
}

/** POST .../calls/{call_id}/switch: the offer made to the other device. */
export interface SwitchOfferCreated {
  offer_id: string;
  expires_at: string;
}

/** Why a Switch Phone offer ended. */
export type SwitchOfferEnd = 'accepted' | 'declined' | 'expired' | 'call-ended' | 'superseded';

// ---------------------------------------------------------------- SIP answers the app reads

/**
 * The reason phrase of the platform's 403 to a call to a number outside the organisation (a
 * telephone number, not an extension): outside calling needs trunks, which are not set up. An
 * extension that does not exist is 404 Not Found.
 */
export type OutsideCallsPhrase = 'Outside Calls Not Set Up';

// ---------------------------------------------------------------- chat, SMS and MMS

/** Someone in a conversation besides me: a colleague, or an outside number (E.164, "+15550100199"). */
export type ConversationParty =
  | { kind: 'user'; extension: string; name: string }
  | { kind: 'number'; number: string; name: string };

/**
 * GET .../users/{user}/messagesessions (all of them, an array, newest activity first) and .../messagesessions/{id}: a
 * conversation (NetSapiens: a message session). Chat is with one or more colleagues (group chat
 * when more than one); SMS is between one of my organisation's SMS numbers and one outside number.
 */
export interface MessageSessionView {
  id: string;
  kind: 'chat' | 'sms';
  /** Everyone in it but me. */
  participants: ConversationParty[];
  /** SMS: the organisation's number it is sent from and received on; chat: null. */
  local_number: string | null;
  last_message: MessageView | null;
  /** Messages from others I have not read. */
  unread: number;
  /** Its newest message's time (or its creation), ISO 8601. */
  updated_at: string;
}

/** sending (not yet accepted), sent (accepted by the platform or carrier), delivered, read (colleagues only), failed. */
export type MessageStatus = 'sending' | 'sent' | 'delivered' | 'read' | 'failed';

/** A file sent with a message (images, PDF; 5 MB at most each). */
export interface AttachmentView {
  id: string;
  name: string;
  content_type: string;
  size: number;
  /** Where participants fetch it (with their token): .../messagesessions/{id}/attachments/{attachment}. */
  url: string;
}

/** One message of a conversation. */
export interface MessageView {
  id: string;
  /** Chosen by the sender's client (a UUID): sending it again never makes a second message. */
  client_id: string;
  session_id: string;
  type: 'chat' | 'sms' | 'mms';
  /** From my point of view. */
  direction: 'outbound' | 'inbound';
  sender: ConversationParty;
  /** Plain text (never HTML); may be empty when there are attachments. */
  text: string;
  attachments: AttachmentView[];
  status: MessageStatus;
  /** Why it failed, in words ("The carrier refused the number"); null otherwise. */
  failure_reason: string | null;
  sent_at: string;
}

/** Body of POST .../messagesessions: who with. The same set of people (or number) reopens the same conversation. */
export interface NewMessageSession {
  participants: Array<{ kind: 'user'; extension: string } | { kind: 'number'; number: string }>;
  /** SMS: which of my numbers to send from (default: mine, else the organisation's first). */
  local_number?: string;
}

/** Body of POST .../messagesessions/{id}/messages (201 new, 200 when `client_id` was seen before). */
export interface NewMessage {
  client_id: string;
  text: string;
  /** Ids from POST .../users/{user}/attachments (uploaded first). */
  attachment_ids?: string[];
}

/** GET .../users/{user}/sms: whether SMS is on for my organisation and the numbers I may send from. */
export interface SmsAccess {
  enabled: boolean;
  numbers: Array<{ number: string; owner: string | null }>;
}

// ---------------------------------------------------------------- time frames and answering rules

/** A time of day, "HH:MM" in 24-hour time; "24:00" only as the end of a range. */
export type TimeOfDay = string;

/** One stretch of a day. `end` before `start` runs past midnight into the next day (a night shift). */
export interface TimeRange {
  start: TimeOfDay;
  end: TimeOfDay;
}

/** Days are 0 (Sunday) to 6 (Saturday), as JavaScript numbers them. */
export type Weekday = 0 | 1 | 2 | 3 | 4 | 5 | 6;

/** The ranges of one weekday (one or two, not overlapping). */
export interface WeekdayRanges {
  day: Weekday;
  ranges: TimeRange[];
}

/** A stretch of calendar time, local to the user's time zone: "YYYY-MM-DDTHH:MM", end after start. */
export interface DateTimeRange {
  start: string;
  end: string;
}

/** A named day off, "YYYY-MM-DD". */
export interface Holiday {
  name: string;
  date: string;
}

export type TimeFrameKind = 'always' | 'days-of-week' | 'dates' | 'holidays';

/**
 * GET .../users/{user}/timeframes and /domains/{domain}/timeframes: when a rule applies.
 * Only the field of its kind is present (`days`, `dates` or `holidays`).
 */
export interface TimeFrameView {
  id: string;
  name: string;
  /** A user's own, or the organisation's (written by its administrators, read by its users). */
  scope: 'user' | 'domain';
  kind: TimeFrameKind;
  days?: WeekdayRanges[];
  dates?: DateTimeRange[];
  holidays?: Holiday[];
  /** dates and holidays: the same month and day every year. */
  yearly?: boolean;
  /** It matches now, in the reader's time zone. */
  matches_now: boolean;
}

/** Body of POST .../timeframes and PUT .../timeframes/{id} (all of it; no id, scope or matches_now). */
export type TimeFrameInput = Omit<TimeFrameView, 'id' | 'scope' | 'matches_now'>;

/**
 * Where a rule sends a call: another user (who is rung as their own rules say), a user's
 * voicemail (mine or another's), a call queue (refused until queues exist), or an outside number
 * (stored; it cannot ring until outside calling is set up, so the call goes on to the next step).
 */
export type RuleDestination =
  | { kind: 'user'; extension: string }
  | { kind: 'voicemail'; extension: string }
  | { kind: 'queue'; extension: string }
  | { kind: 'number'; number: string };

/** A forward that is on or off; when on, `destination` is required. */
export interface ForwardAction {
  enabled: boolean;
  destination: RuleDestination | null;
}

/** Simultaneous ring: besides my devices, ring these (each after its delay, 0-120 s). */
export interface SimultaneousRingTarget {
  destination: RuleDestination;
  delay_s: number;
}

/** What a rule does (NetSapiens' answer rule fields, snake_case). */
export interface AnswerRuleActions {
  /** Callers go straight to my voicemail (busy when I have no voicemail). */
  do_not_disturb: boolean;
  forward_always: ForwardAction;
  simultaneous_ring: { enabled: boolean; targets: SimultaneousRingTarget[] };
  forward_on_busy: ForwardAction;
  /** After my ring timeout (ring_no_answer_timeout_s). */
  forward_no_answer: ForwardAction;
  /** When none of my devices is registered. */
  forward_when_unregistered: ForwardAction;
  /** Callers (extensions or numbers) refused at once, and those who always ring through (even DND). */
  screening: { reject: string[]; allow: string[] };
}

/**
 * GET .../users/{user}/answerrules (in priority order): one rule per time frame, plus the
 * default `*` rule (time_frame_id null, always last). Exactly one has `is_active`.
 */
export interface AnswerRuleView extends AnswerRuleActions {
  /** The time frame it applies in; null for the default rule (`*` in its address). */
  time_frame_id: string | null;
  /** The time frame's name ("Always" for the default rule). */
  time_frame_name: string;
  enabled: boolean;
  /** 1 is the highest priority. */
  order: number;
  is_active: boolean;
}

/** Body of POST .../answerrules (time_frame_id required and not null) and PUT .../answerrules/{id or *}. */
export type AnswerRuleInput = AnswerRuleActions & { time_frame_id?: string; enabled: boolean };

/** Body of PUT .../answerrules/reorder: every rule's time_frame_id ("*" for the default, last). */
export interface AnswerRuleOrder {
  order: string[];
}

/** Body of PUT .../users/{user}/dnd (the quick toggle); the answer is the rule list. */
export interface DoNotDisturbToggle {
  enabled: boolean;
}

/** My rules, my time frames or the active rule changed (a boundary passed): read them again. */
export interface AnswerRulesEvent {
  type: 'answerrules';
  /** The active rule now (time_frame_id, or "*"). */
  active: string;
  do_not_disturb: boolean;
}

// ---------------------------------------------------------------- the events channel

/** The socket is authenticated; `device_id` is the device it speaks for (null: none of the user's). */
export interface ReadyEvent {
  type: 'ready';
  device_id: string | null;
}

/** A colleague's first device registered or their last one went away (everyone in the domain). */
export interface PresenceEvent {
  type: 'presence';
  domain: string;
  extension: string;
  online: boolean;
  /** What they are doing; platforms before it send only `online`. */
  state?: PresenceState;
}

/** One of my call records was created or changed. */
export interface CdrEvent {
  type: 'cdr';
  cdr: CdrEntry;
}

/** All my live calls, on every device (after authenticating and whenever one changes). */
export interface CallsEvent {
  type: 'calls';
  calls: LiveCall[];
}

/** Personal contacts of mine were created, changed or deleted (elsewhere too): sync them. */
export interface ContactsChangedEvent {
  type: 'contacts-changed';
  ids: string[];
}

/** Switch Phone: take this call on this device (sent to the chosen device's sockets only). */
export interface SwitchOfferEvent {
  type: 'switch-offer';
  offer_id: string;
  call: LiveCall;
  from_device_label: string;
  /** The platform drops the offer then (and says so with `switch-offer-ended`). */
  expires_at: string;
}

/** A Switch Phone offer ended (sent to all my sockets, so every device drops its prompt). */
export interface SwitchOfferEndedEvent {
  type: 'switch-offer-ended';
  offer_id: string;
  call_id: string;
  reason: SwitchOfferEnd;
}

/** What happened to one of my devices. */
export type DeviceChange = 'online' | 'offline' | 'added' | 'renamed' | 'removed';

/** Another device of mine came online, went offline, or was added, renamed or removed. */
export interface DevicesChangedEvent {
  type: 'devices-changed';
  device_id: string;
  change: DeviceChange;
}

/** The other party of my call started or stopped recording it (never a silent recording). */
export interface RecordingNoticeEvent {
  type: 'recording-started' | 'recording-stopped';
  call_id: string;
  by: { number: string; name: string };
}

/** Every event the events channel sends. */
export type VoicemailFolderName = 'new' | 'save' | 'trash';

/** GET .../voicemails/{folder}[/{id}]: one message of a mailbox. */
export interface VoicemailEntry {
  id: string;
  /** The mailbox: whose message it is. */
  mailbox: string;
  folder: VoicemailFolderName;
  caller_number: string;
  caller_name: string;
  received_at: string;
  duration_s: number;
  /** Text of the message, once transcribed (`transcription_status: done`). */
  transcription: string | null;
  transcription_status: 'pending' | 'done' | 'failed' | 'none';
  /** Ogg Opus, with Range support. */
  audio_url: string;
  moved_by: string | null;
  moved_at: string | null;
}

/** GET .../voicemails/count. */
export interface VoicemailCount {
  new: number;
  save: number;
  trash: number;
}

/** GET .../users/{user}/mailboxes: a voicemail box granted to me (shared voicemail), with its counts. */
export interface SharedMailbox {
  mailbox: string;
  /** The box's name in the directory ("Sales", or a colleague's name). */
  name: string;
  new: number;
  save: number;
}

/** GET /domains/{domain}/mailboxes/{mailbox}/grants (administrators): who reads a box. */
export interface MailboxGrantView {
  mailbox: string;
  grantee: string;
  grantee_name: string;
  granted_by: string;
  granted_at: string;
}

/** A message arrived in my mailbox, moved, was transcribed or deleted: refresh it and the counts. */
export interface VoicemailEvent {
  type: 'voicemail';
  id: string;
  mailbox: string;
  change: 'new' | 'moved' | 'transcribed' | 'deleted';
}

/** A message arrived in one of my conversations, or one's status changed (sent, delivered, read, failed). */
export interface MessageEvent {
  type: 'message';
  session_id: string;
  message: MessageView;
}

/** A conversation of mine was created, changed (participants, read counts) or left/deleted ("removed"). */
export interface MessageSessionEvent {
  type: 'message-session';
  change: 'created' | 'changed' | 'removed';
  session: MessageSessionView;
}

/** A colleague is typing in a conversation of mine (sent at most every 3 s while they type). */
export interface TypingEvent {
  type: 'typing';
  session_id: string;
  extension: string;
  name: string;
}

export type PlatformEvent =
  | ReadyEvent
  | AnswerRulesEvent
  | MessageEvent
  | MessageSessionEvent
  | TypingEvent
  | VoicemailEvent
  | PresenceEvent
  | CdrEvent
  | CallsEvent
  | ContactsChangedEvent
  | SwitchOfferEvent
  | SwitchOfferEndedEvent
  | DevicesChangedEvent
  | RecordingNoticeEvent;

export type PlatformEventType = PlatformEvent['type'];

/** The event of one type: `EventOf<'calls'>` is CallsEvent. */
export type EventOf<T extends PlatformEventType> = Extract<PlatformEvent, { type: T }>;
