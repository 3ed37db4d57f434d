/**
 * The phone port: what the rest of the web phone knows about calling. `jssip-phone.ts` adapts
 * JsSIP to it; `fake-phone.ts` implements it for tests of the layers above. Nothing outside
 * src/phone/ imports jssip.
 *
 * Call states are ours, not JsSIP's:
 *
 *   outgoing:  calling --(180/183)--> ringing --(200)--> connected <--hold/resume--> held
 *   incoming:  incoming --answer()--> connecting --(media up)--> connected <--> held
 *   any state --hang up / decline / failure / remote BYE--> ended
 */

export type RegistrationState =
  /** not started, stopped, or the socket is down and not retrying */
  | 'offline'
  /** socket connecting, or registered once and now reconnecting with backoff */
  | 'connecting'
  | 'registered'
  /** the server refused our credentials: retrying will not help */
  | 'failed';

export type CallDirection = 'outgoing' | 'incoming';

export type CallStatus = 'calling' | 'ringing' | 'incoming' | 'connecting' | 'connected' | 'held' | 'ended';

/** Why a call ended, in terms a user understands; `message` on the snapshot says it in words. */
export type EndReason =
  | 'hangup' // I hung up
  | 'remote-hangup' // they hung up
  | 'declined' // I declined, or they declined (603)
  | 'busy' // 486 / 600
  | 'unavailable' // 480: nobody registered, or no answer
  | 'not-found' // 404
  | 'outside' // 403 Outside Calls Not Set Up: a number outside the organisation, and no trunks
  | 'offline' // no network: the call was never sent
  | 'cancelled' // the caller gave up before I answered (incoming), or I did (outgoing)
  | 'answered-elsewhere' // another of my devices answered
  | 'transferred' // I transferred the other party away (blind or attended)
  | 'moved' // the call moved to another of my devices (Switch Phone), or another device pulled it
  | 'failed'; // anything else (network, media, 5xx)

export interface Party {
  /** Extension or number, as dialled or as presented. */
  number: string;
  /** Display name when known, else ''. */
  name: string;
}

/** An immutable view of a call at one moment; a new object after every change. */
export interface CallSnapshot {
  id: string;
  direction: CallDirection;
  status: CallStatus;
  remote: Party;
  /** Epoch ms. */
  startedAt: number;
  connectedAt: number | null;
  endedAt: number | null;
  muted: boolean;
  /** The other side put us on hold. */
  remoteHeld: boolean;
  /** DTMF digits sent on this call, in order. */
  dtmf: string;
  /** DTMF digits the other side sent us, in order. */
  dtmfReceived: string;
  endReason: EndReason | null;
  /** A transfer of this call is under way, or the last one failed (with `transferError`). */
  transfer: 'none' | 'in-progress' | 'failed';
  transferError: string;
  /** How this call came to be: dialled/received normally, or handed to us by a transfer/switch. */
  origin: 'normal' | 'transfer' | 'switch';
  /** Human message for the end ("Bob Baker is busy", "1009 is not available", ...). */
  endMessage: string;
  /** The platform answered rather than a person ("Voicemail"): the card says so. */
  answeredBy?: string;
}

export interface CallChangeEventInit {
  call: CallSnapshot;
}

/** Fired by a PhoneCall whenever its snapshot changes. */
export class CallChangeEvent extends Event {
  static readonly eventName = 'call-change' as const;
  constructor(readonly call: CallSnapshot) {
    super(CallChangeEvent.eventName);
  }
}

export interface PhoneCall extends EventTarget {
  readonly id: string;
  readonly snapshot: CallSnapshot;
  /** Remote audio once media flows; play it in an <audio> element. */
  readonly remoteStream: MediaStream | null;
  answer(): Promise<void>;
  /** Rejects an incoming call (603 Decline, so all of my devices stop ringing). */
  decline(): void;
  hangup(): void;
  setMuted(muted: boolean): void;
  /** Resolves once the hold/resume re-INVITE completed (JsSIP refuses overlapping ones). */
  hold(): Promise<void>;
  resume(): Promise<void>;
  /** One DTMF tone: 0-9, *, #, A-D, sent as SIP INFO (see jssip-call.ts for why). */
  sendDtmf(tone: string): void;
  /** WebRTC statistics of the call's peer connection, or null before/after media. */
  getStats(): Promise<RTCStatsReport | null>;
  /**
   * Blind transfer (RFC 3515 REFER): the other party is asked to call `target`. Resolves when
   * the transfer succeeded (NOTIFY with a 2xx sipfrag; this call then ends as 'transferred');
   * rejects with an Error whose message says why (busy, unknown, refused) and the call stays.
   */
  transfer(target: string): Promise<void>;
  /**
   * Attended transfer: connects the other party of this call with the other party of
   * `consultation` (REFER with Replaces, RFC 3891). Both of my calls end when it succeeded.
   */
  completeTransfer(consultation: PhoneCall): Promise<void>;
  /**
   * What this call sends: a mixed track for a conference, or null for the microphone again.
   * Mute still applies (it silences the microphone inside any mix).
   */
  setOutgoingAudio(track: MediaStreamTrack | null): Promise<void>;
  /** The microphone stream of this call (the source a conference mixes), once media is up. */
  readonly localStream: MediaStream | null;
  /** SIP dialog identifiers (RFC 3261 s12), for Replaces; null before the dialog exists. */
  readonly dialog: DialogId | null;
}

export interface DialogId {
  callId: string;
  localTag: string;
  remoteTag: string;
}

export interface SipCredentials {
  /** sip:1001@demo */
  uri: string;
  authorizationUser: string;
  password: string;
  /** ws(s)://host/sip */
  websocketUrl: string;
  displayName: string;
  /** Shown in the platform's device list and to Switch Phone. */
  userAgent: string;
}

export class RegistrationEvent extends Event {
  static readonly eventName = 'registration' as const;
  constructor(readonly state: RegistrationState, readonly reason: string) {
    super(RegistrationEvent.eventName);
  }
}

export class IncomingCallEvent extends Event {
  static readonly eventName = 'incoming-call' as const;
  constructor(readonly call: PhoneCall) {
    super(IncomingCallEvent.eventName);
  }
}

/**
 * The phone placed a call by itself, not through call() or callReplacing(): the other party of
 * one of my calls transferred me (an accepted REFER, RFC 3515), so I am now calling the
 * transfer target. The call starts in 'calling' with origin 'transfer'; the call I was
 * transferred from ends as 'transferred' once this one connects, and stays as it was if this
 * one fails (the transferor is told and takes the call back).
 */
export class OutgoingCallEvent extends Event {
  static readonly eventName = 'outgoing-call' as const;
  constructor(readonly call: PhoneCall) {
    super(OutgoingCallEvent.eventName);
  }
}

/** Audio device choices (MediaDeviceInfo.deviceId; '' means the system default). */
export interface AudioDevices {
  microphone: string;
  speaker: string;
  ringer: string;
}

/**
 * Fires RegistrationEvent, IncomingCallEvent (a call rings) and OutgoingCallEvent (a call the
 * phone placed by itself because I was transferred). Calls from call()/callReplacing() are
 * returned, not announced.
 */
export interface Phone extends EventTarget {
  readonly registration: RegistrationState;
  /** Connects and registers; reconnects and re-registers by itself, with backoff, until stop(). */
  start(credentials: SipCredentials): void;
  /** Hangs up every call, unregisters, and closes the socket. */
  stop(): Promise<void>;
  /** Places a call to an extension or number; the call appears in status 'calling'. */
  call(target: string): PhoneCall;
  /** Microphone for new calls (and live ones, by replacing the track); speaker for remote audio. */
  setAudioDevices(devices: AudioDevices): void;
  /**
   * Calls `target` with Replaces for `dialog` (RFC 3891): takes over a call that another of my
   * devices has with `target` (Switch Phone, pull). The new call has origin 'switch'.
   */
  callReplacing(target: string, dialog: DialogId): PhoneCall;
}
