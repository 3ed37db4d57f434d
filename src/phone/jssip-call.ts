/**
 * One call seen through our PhoneCall port, carried by a JsSIP RTCSession. JsSIP's session
 * states and events are translated here, and only here, into the states of `call-state.ts`.
 *
 * A call usually keeps one session for its life. The exception is RFC 3891: when an INVITE
 * with Replaces for this call's dialog arrives (the other party moved the call to another of
 * their devices, or completed an attended transfer to us), the new session takes over under
 * the same PhoneCall, so its card, id and timer stay; only `remoteStream`/`localStream` change
 * (announced by a change event), and `remote` when the new party is someone else.
 */
import JsSIP from 'jssip';
import type { DTMF_TRANSPORT } from 'jssip/lib/Constants';
import type { EndEvent, HoldEvent, IceCandidateEvent, PeerConnectionEvent, ReferEvent, RTCSession } from 'jssip/lib/RTCSession';
import type { IncomingRequest, IncomingResponse } from 'jssip/lib/SIPMessage';
import type { URI } from 'jssip/lib/URI';
import { endMessage, partyLabel, reasonForStatus, transferFailure, type EndDetail } from './call-end.js';
import { CallMachine, DTMF_TONE, newCallId } from './call-state.js';
import {
  CallChangeEvent,
  type CallDirection,
  type CallSnapshot,
  type DialogId,
  type EndReason,
  type Party,
  type PhoneCall,
} from './types.js';

/** What a call needs from its phone to set up media; read at the moment it is needed. */
export interface MediaPolicy {
  /** getUserMedia audio constraints for the chosen microphone. */
  audio(): MediaTrackConstraints | boolean;
  pcConfig(): RTCConfiguration;
  /** Whether the SDP may go out once it carries this candidate (see JsSipCall's 'icecandidate'). */
  candidateReady(candidate: RTCIceCandidate): boolean;
  /** How long to keep gathering after the first ready candidate, ms. */
  iceSettleMs: number;
}

/** What a call needs from the phone it belongs to. */
export interface CallContext {
  media: MediaPolicy;
  /** sip:<target>@<our domain> for a dialled extension or number; undefined if unusable. */
  uri(target: string): URI | undefined;
  /** A call this one started by itself (we were transferred): track it and tell the app. */
  announce(call: JsSipCall): void;
}

/** How long a hold/resume waits for an earlier offer/answer exchange to finish. */
const REOFFER_WAIT_MS = 10_000;
const REOFFER_POLL_MS = 40;
/** A transfer fails if the transferee reports nothing final for this long (RFC 3515 NOTIFYs)... */
const TRANSFER_WAIT_MS = 30_000;
/** ...or, once the target rings, for longer than the platform lets a call ring (60 s). */
const TRANSFER_RING_WAIT_MS = 90_000;
/**
 * After a transfer succeeded, the other side is the one to send BYE (RFC 5589 s6-7: the
 * transferor ends the original call; the target ends the replaced consultation). We wait this
 * long for it before sending our own, so that our BYE cannot overtake their final NOTIFY.
 */
const TRANSFERRED_BYE_GRACE_MS = 3_000;
/**
 * The Reason (RFC 3326) our phone puts on the BYE that ends a dialog replaced by an INVITE with
 * Replaces, so the phone at the other end tells "moved to another device" from a hang-up. RFC
 * 3891 defines no such signal; a phone that does not send it is seen as hanging up.
 */
const REPLACED_REASON = 'Reason: SIP;cause=200;text="Replaced"';
const REPLACED = /text\s*=\s*"Replaced"/i;

type Message = IncomingRequest | IncomingResponse | null;

/** Sessions a JsSipCall took over while JsSIP announces them as new (see JsSipPhone). */
const claimedSessions = new WeakSet<RTCSession>();

/** Whether a session JsSIP reports in 'newRTCSession' already belongs to a JsSipCall. */
export function isClaimed(session: RTCSession): boolean {
  return claimedSessions.has(session);
}

/** ua.call()/RTCSession.connect() options for our outgoing calls. */
export function outgoingOptions(media: MediaPolicy, extraHeaders: string[] = []) {
  return {
    mediaConstraints: { audio: media.audio(), video: false },
    pcConfig: media.pcConfig(),
    rtcOfferConstraints: { offerToReceiveAudio: true, offerToReceiveVideo: false },
    extraHeaders,
  };
}

export interface JsSipCallOptions {
  origin?: CallSnapshot['origin'];
}

/** The parts of JsSIP's objects we read that its type declarations do not describe. */
interface SessionInternals {
  _dialog?: { id?: { call_id: string; local_tag: string; remote_tag: string } } | null;
  refer(target: string | URI, options?: unknown): ReferSubscriberLike | false;
  terminate(options?: { extraHeaders?: string[] }): void;
}
interface ReferSubscriberLike {
  on(event: string, handler: (...args: never[]) => void): void;
}
interface StatusLine {
  status_code: number | string;
  reason_phrase?: string;
}
interface ReferredRequest extends IncomingRequest {
  refer_to?: { uri: URI; display_name?: string };
}

export class JsSipCall extends EventTarget implements PhoneCall {
  readonly id = newCallId();
  private readonly machine: CallMachine;
  /** The session carrying the call now; replaced when an INVITE with Replaces takes over. */
  private session: RTCSession;
  /** The session the current one replaced, until it is gone. */
  private previous: RTCSession | null = null;
  /** How many times the session was replaced (0: the call's first session). */
  private generation = 0;
  private stream: MediaStream | null = null;
  private watched: RTCPeerConnection | null = null;
  /** Incoming: the answer is complete once the ACK came (RFC 3261 s13.3.1.4) and media is up. */
  private acked = false;
  private mediaUp = false;
  /** Set while our own terminate() runs: JsSIP reports the end synchronously inside it. */
  private ending: 'hangup' | 'decline' | null = null;
  /** hold()/resume() run one at a time: JsSIP refuses a re-INVITE while one is pending. */
  private reoffers: Promise<void> = Promise.resolve();
  /** Microphone tracks we put on the call with replaceTrack; JsSIP only stops its own. */
  private readonly ownTracks = new Set<MediaStreamTrack>();
  private readonly endedWaiters = new Set<() => void>();
  /** The microphone of this call: on the sender, or feeding a mix when `outgoing` is set. */
  private mic: MediaStreamTrack | null = null;
  private micStream: MediaStream | null = null;
  /** What setOutgoingAudio() put on the sender instead of the microphone. */
  private outgoing: MediaStreamTrack | null = null;
  /** This call is the consultation of an attended transfer I am completing. */
  private consulting = false;
  private lastDialog: DialogId | null = null;

  constructor(
    session: RTCSession,
    direction: CallDirection,
    remote: Party,
    private readonly context: CallContext,
    options: JsSipCallOptions = {},
  ) {
    super();
    this.session = session;
    this.machine = new CallMachine({ id: this.id, direction, remote, origin: options.origin }, (snapshot) => {
      this.dispatchEvent(new CallChangeEvent(snapshot));
    });
    this.listen(session);
  }

  private get media(): MediaPolicy {
    return this.context.media;
  }

  get snapshot(): CallSnapshot {
    return this.machine.snapshot;
  }

  get remoteStream(): MediaStream | null {
    if (this.stream || this.machine.ended) return this.stream;
    // A 'track' event can only be missed if the connection was set up before we listened.
    const tracks = this.session.connection?.getReceivers().map((r) => r.track).filter((t) => t.kind === 'audio') ?? [];
    if (tracks.length) this.stream = new MediaStream(tracks);
    return this.stream;
  }

  get localStream(): MediaStream | null {
    if (!this.mic || this.machine.ended) return null;
    if (this.micStream?.getAudioTracks()[0] !== this.mic) this.micStream = new MediaStream([this.mic]);
    return this.micStream;
  }

  /**
   * The dialog as JsSIP's Dialog keeps it (RFC 3261 s12: local and remote tag from our point
   * of view, whichever side sent the INVITE). Kept after the call ended, for the record.
   */
  get dialog(): DialogId | null {
    const id = (this.session as unknown as SessionInternals)._dialog?.id;
    if (id?.call_id && id.local_tag && id.remote_tag) {
      const last = this.lastDialog;
      if (!last || last.callId !== id.call_id || last.localTag !== id.local_tag || last.remoteTag !== id.remote_tag) {
        this.lastDialog = Object.freeze({ callId: id.call_id, localTag: id.local_tag, remoteTag: id.remote_tag });
      }
    }
    return this.lastDialog;
  }

  /** The call's peer connection, for diagnostics and tests; null before media is set up. */
  get peerConnection(): RTCPeerConnection | null {
    return this.session.connection ?? null;
  }

  answer(): Promise<void> {
    if (!this.machine.to('connecting')) {
      return Promise.reject(new Error(`Cannot answer a call that is ${this.machine.status}`));
    }
    const connected = this.until((s) => s.status === 'connected' || s.status === 'held');
    try {
      this.session.answer({
        mediaConstraints: { audio: this.media.audio(), video: false },
        pcConfig: this.media.pcConfig(),
      });
    } catch (err) {
      this.machine.end('failed', endMessage('failed', this.snapshot.remote, this.snapshot.direction, { problem: (err as Error).message }));
      this.terminate('hangup');
    }
    return connected;
  }

  decline(): void {
    if (this.machine.status !== 'incoming') {
      this.hangup();
      return;
    }
    // 603 is a global failure (RFC 3261 s21.6.2): the proxy stops my other devices ringing.
    this.terminate('decline', { status_code: 603, reason_phrase: 'Decline' });
  }

  hangup(): void {
    // Ended on screen but still waiting for the other side's BYE after a transfer: end it now.
    if (this.machine.ended) return this.release();
    // An unanswered incoming call has nothing to hang up: refusing it is what the user means.
    if (this.machine.status === 'incoming') return this.decline();
    this.terminate('hangup');
  }

  setMuted(muted: boolean): void {
    if (this.machine.ended) return;
    this.machine.update({ muted });
    this.applyMute();
  }

  hold(): Promise<void> {
    return this.queueReoffer(true);
  }

  resume(): Promise<void> {
    return this.queueReoffer(false);
  }

  sendDtmf(tone: string): void {
    if (!DTMF_TONE.test(tone)) throw new RangeError(`Not a DTMF tone: ${JSON.stringify(tone)}`);
    if (this.machine.status !== 'connected' && this.machine.status !== 'held') return;
    // SIP INFO (application/dtmf-relay) rather than RFC 4733 events in RTP: the platform sees
    // the digits (its IVRs and voicemail menus need them without decoding media), and the
    // other web phone can show them, which browsers cannot do for RTP telephone-events.
    const transportType = 'INFO' as DTMF_TRANSPORT;
    try {
      this.session.sendDTMF(tone, { transportType, duration: 100, interToneGap: 70 });
    } catch {
      return; // the session left the confirmed state in between: nothing was sent
    }
    this.machine.update({ dtmf: this.snapshot.dtmf + tone.toUpperCase() });
  }

  async getStats(): Promise<RTCStatsReport | null> {
    const pc = this.session.connection;
    if (!pc || this.machine.ended || pc.connectionState === 'closed') return null;
    return pc.getStats();
  }

  // ---- transfer ---------------------------------------------------------------------------

  transfer(target: string): Promise<void> {
    const uri = this.context.uri(target);
    if (!uri) return Promise.reject(new RangeError(`Cannot transfer to ${JSON.stringify(target)}`));
    return this.referTo(uri, { number: uri.user ?? target, name: '' }, null);
  }

  completeTransfer(consultation: PhoneCall): Promise<void> {
    if (!(consultation instanceof JsSipCall) || consultation === this) {
      return Promise.reject(new TypeError('The consultation must be another call of this phone'));
    }
    const dialog = consultation.dialog;
    const status = consultation.snapshot.status;
    if (!dialog || (status !== 'connected' && status !== 'held')) {
      return Promise.reject(new Error(`Cannot complete a transfer to a call that is ${status}`));
    }
    // Refer-To: <sip:target?Replaces=...> (RFC 3891 s5, RFC 3515 s2.1): the transferee sends
    // the INVITE with that Replaces to the consultation's other party, who must find the
    // consultation dialog from *its* point of view. So to-tag is that party's own (local) tag,
    // our remote tag, and from-tag is ours (RFC 3891 s3: to-tag is compared with the local tag
    // of the recipient). JsSIP's refer(…, {replaces}) uses the INVITE's From/To tags instead,
    // which is backwards when the consultation was a call the target made to us.
    const uri = consultation.remoteUri();
    uri.setHeader('Replaces', encodeURIComponent(replacesValue(dialog)));
    return this.referTo(uri, consultation.snapshot.remote, consultation);
  }

  /**
   * RFC 3515 REFER on this call and the outcome from the NOTIFYs; `consultation` when it carries
   * Replaces for that call (attended transfer). See the port for the contract.
   */
  private async referTo(uri: URI, target: Party, consultation: JsSipCall | null): Promise<void> {
    const status = this.machine.status;
    if (status !== 'connected' && status !== 'held') throw new Error(`Cannot transfer a call that is ${status}`);
    if (this.snapshot.transfer === 'in-progress') throw new Error('A transfer of this call is already under way');
    const calls = consultation ? [this, consultation] : [this];
    for (const call of calls) call.machine.update({ transfer: 'in-progress', transferError: '' });
    if (consultation) consultation.consulting = true;

    // The transferee waits on hold while it calls the target, as with a desk phone.
    let heldForTransfer = false;
    if (status === 'connected') {
      try {
        await this.hold();
        heldForTransfer = true;
      } catch (err) {
        if (this.machine.ended) throw this.transferFailed(calls, (err as Error).message, false);
        // Holding is a courtesy; the transfer itself does not need it.
      }
    }

    try {
      await this.sendRefer(uri, target);
    } catch (err) {
      if (consultation) consultation.consulting = false;
      throw this.transferFailed(calls, (err as Error).message, heldForTransfer);
    }

    this.transferredAway(target, 0);
    if (consultation) consultation.transferredAway(this.snapshot.remote, TRANSFERRED_BYE_GRACE_MS);
  }

  private transferFailed(calls: JsSipCall[], message: string, resume: boolean): Error {
    for (const call of calls) call.machine.update({ transfer: 'failed', transferError: message });
    if (resume && !this.machine.ended) {
      // "The call stays as it was": take it off the hold we put it on for the transfer.
      this.resume().catch(() => undefined);
    }
    return new Error(message);
  }

  /** Sends the REFER; resolves on a 2xx sipfrag, rejects with the user's words for a failure. */
  private sendRefer(uri: URI, target: Party): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      let settled = false;
      const settle = (error: Error | null) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.endedWaiters.delete(onEnded);
        if (error) reject(error);
        else resolve();
      };
      const wait = (ms: number) => {
        clearTimeout(timer);
        timer = setTimeout(() => settle(new Error(`The transfer to ${partyLabel(target)} timed out`)), ms);
      };
      const onEnded = () => settle(new Error('The call ended before the transfer completed'));
      this.endedWaiters.add(onEnded);

      let subscriber: ReferSubscriberLike | false;
      try {
        subscriber = (this.session as unknown as SessionInternals).refer(uri, {
          eventHandlers: {
            // 202 Accepted: the transferee will try; the NOTIFYs say how it goes.
            requestSucceeded: () => wait(TRANSFER_WAIT_MS),
            requestFailed: (e: { response: IncomingResponse | null; cause: string }) => {
              settle(new Error(e.response ? 'The other phone refused the transfer' : `The transfer could not be sent: ${describeCause(e.cause)}`));
            },
            trying: () => wait(TRANSFER_WAIT_MS),
            progress: () => wait(TRANSFER_RING_WAIT_MS),
            accepted: () => settle(null),
            failed: (e: { status_line: StatusLine }) => {
              const code = Number(e.status_line.status_code);
              settle(new Error(transferFailure(code, e.status_line.reason_phrase ?? '', target)));
            },
          },
        });
      } catch (err) {
        settle(err as Error);
        return;
      }
      if (!subscriber) settle(new Error(`Cannot transfer a call that is ${this.machine.status}`));
      else wait(TRANSFER_WAIT_MS);
    });
  }

  /**
   * This call is over because its other party now talks to `to`: shown as ended at once; the
   * dialog itself is ended by the other side's BYE, or by ours after `graceMs`.
   */
  private transferredAway(to: Party, graceMs: number): void {
    this.machine.end('transferred', endMessage('transferred', this.snapshot.remote, this.snapshot.direction, { transferredTo: to }));
    this.wakeEndedWaiters();
    if (graceMs <= 0) this.release();
    else setTimeout(() => this.release(), graceMs);
  }

  /** Where the other party is reached: their address of record, for a REFER's Refer-To. */
  private remoteUri(): URI {
    const uri = this.session.remote_identity.uri.clone();
    uri.clearParams();
    uri.clearHeaders();
    return uri;
  }

  // ---- media --------------------------------------------------------------------------------

  async setOutgoingAudio(track: MediaStreamTrack | null): Promise<void> {
    if (track && track.kind !== 'audio') throw new TypeError('Not an audio track');
    this.outgoing = track;
    if (this.machine.ended) return;
    const sender = this.audioSender();
    if (!sender) return; // applied on 'connecting', once the sender exists
    await sender.replaceTrack(track ?? this.mic);
    this.syncSenders();
  }

  /** Puts the microphone described by `audio` on the live call without renegotiating. */
  async useMicrophone(audio: MediaTrackConstraints | boolean): Promise<void> {
    const sender = this.audioSender();
    if (!sender || this.machine.ended) return;
    const stream = await navigator.mediaDevices.getUserMedia({ audio, video: false });
    const track = stream.getAudioTracks()[0];
    if (!track) return;
    if (this.machine.ended) {
      track.stop();
      return;
    }
    const previous = this.mic;
    // In a mix the sender carries the mixer's track: the new microphone only feeds the mix,
    // which picks it up from localStream on the change event below.
    if (!this.outgoing) await sender.replaceTrack(track);
    this.mic = track;
    this.ownTracks.add(track);
    if (previous) {
      previous.stop();
      this.ownTracks.delete(previous);
    }
    this.syncSenders();
    this.machine.touch();
  }

  // ---- JsSIP events -----------------------------------------------------------------------

  private listen(s: RTCSession): void {
    // Events of a session this call no longer uses (replaced, RFC 3891) are ignored.
    const current = () => s === this.session;

    // Outgoing: JsSIP created the peer connection before we could listen for 'peerconnection'.
    if (s.connection) this.watch(s.connection);
    s.on('peerconnection', (e: PeerConnectionEvent) => {
      if (current()) this.watch(e.peerconnection);
    });

    // JsSIP holds the INVITE (or 200) until ICE gathering completes, which takes 100+ ms even
    // with no STUN server (TCP candidates come last). SIP without trickle (RFC 3264) needs only
    // one usable candidate; the short settle lets the rest of the burst in (one per interface
    // and address family, about 1 ms apart) so a multi-homed peer still offers a reachable one.
    let settling = false;
    s.on('icecandidate', (e: IceCandidateEvent) => {
      if (settling || !this.media.candidateReady(e.candidate)) return;
      settling = true;
      setTimeout(() => {
        settling = false; // a later gathering (ICE restart) gets the same treatment
        e.ready();
      }, this.media.iceSettleMs);
    });
    // Tracks are on the connection now (outgoing after getUserMedia, incoming inside answer()).
    s.on('connecting', () => {
      if (!current()) return;
      this.mic = this.audioSender()?.track ?? null;
      const outgoing = this.outgoing;
      if (outgoing) {
        this.audioSender()?.replaceTrack(outgoing).then(
          () => this.syncSenders(),
          (err: unknown) => console.warn('outgoing audio not applied', err),
        );
      }
      this.applyMute();
      if (this.generation > 0) this.machine.touch(); // a new localStream
    });

    s.on('progress', (e: { originator: string; response?: IncomingResponse | null }) => {
      if (!current() || s.direction !== 'outgoing' || e.originator !== 'remote') return;
      this.learnRemote(e.response ?? null);
      this.machine.to('ringing');
    });
    s.on('accepted', (e: { originator: string; response?: IncomingResponse | null }) => {
      if (!current() || s.direction !== 'outgoing') return;
      this.learnRemote(e.response ?? null);
      this.machine.to('connected');
    });
    s.on('confirmed', () => {
      if (!current()) return;
      this.acked = true;
      this.maybeConnected();
    });
    s.on('newDTMF', (e: { originator: string; dtmf: { tone: string } }) => {
      if (current() && e.originator === 'remote') this.machine.update({ dtmfReceived: this.snapshot.dtmfReceived + e.dtmf.tone.toUpperCase() });
    });
    // JsSIP enables/disables the sender's track on every hold change; ours may be a mix.
    s.on('hold', (e: HoldEvent) => {
      if (!current()) return;
      if (e.originator === 'remote') this.machine.update({ remoteHeld: true });
      this.syncSenders();
    });
    s.on('unhold', (e: HoldEvent) => {
      if (!current()) return;
      if (e.originator === 'remote') this.machine.update({ remoteHeld: false });
      this.syncSenders();
    });
    s.on('refer', (e: ReferEvent) => {
      if (current()) this.referred(e);
      else e.reject();
    });
    s.on('replaces', (e: ReferEvent) => {
      if (current()) this.replacedBy(e);
      else e.reject();
    });
    s.on('failed', (e: EndEvent) => {
      if (current()) this.finish(e);
    });
    s.on('ended', (e: EndEvent) => {
      if (current()) this.finish(e);
    });
  }

  private watch(pc: RTCPeerConnection): void {
    if (this.watched === pc) return;
    this.watched = pc;
    pc.addEventListener('track', (e) => {
      if (e.track.kind !== 'audio' || pc !== this.session.connection) return;
      this.stream = e.streams[0] ?? new MediaStream([e.track]);
    });
    pc.addEventListener('connectionstatechange', () => {
      if (pc !== this.session.connection) return;
      if (pc.connectionState === 'connected') {
        this.mediaUp = true;
        this.maybeConnected();
      }
    });
  }

  /** An answered session (incoming, or taken over by Replaces) is connected once ACKed with media. */
  private maybeConnected(): void {
    if (this.session.direction !== 'incoming' || !this.acked || !this.mediaUp) return;
    // After a replacement the call is already connected: say that its streams changed.
    if (!this.machine.to('connected') && this.generation > 0) this.machine.touch();
  }

  /** RFC 3325: the platform asserts who is calling or answering in P-Asserted-Identity. */
  private learnRemote(message: Message): void {
    const asserted = message ? partyFromHeader(message, 'P-Asserted-Identity') : null;
    if (!asserted?.name || this.snapshot.remote.name) return;
    this.machine.update({ remote: { number: this.snapshot.remote.number || asserted.number, name: asserted.name } });
  }

  /**
   * The other party transferred us (REFER, RFC 3515): we call the target ourselves, with the
   * Replaces of the Refer-To when it has one (attended transfer; JsSIP copies it). JsSIP
   * NOTIFYs the transferor of the new call's progress; this call ends once the new one
   * connects, and stays if it fails (the transferor takes it back).
   */
  private referred(e: ReferEvent): void {
    const request = e.request as ReferredRequest;
    const target: Party = { number: request.refer_to?.uri.user ?? '', name: (request.refer_to?.display_name ?? '').trim() };
    let created = null as JsSipCall | null;
    try {
      e.accept((session: RTCSession) => {
        // Runs inside connect(), before JsSIP announces the session and sends the INVITE.
        claimedSessions.add(session);
        created = new JsSipCall(session, 'outgoing', target, this.context, { origin: 'transfer' });
      }, outgoingOptions(this.media));
    } catch (err) {
      console.warn('could not follow a transfer', err);
      e.reject();
      return;
    }
    const next = created;
    if (!next) return; // JsSIP declined: this session is no longer confirmed
    this.context.announce(next);
    const follow = () => {
      const s = next.snapshot;
      if (s.status === 'connected' || s.status === 'held') {
        if (!this.machine.ended) this.transferredAway(s.remote, TRANSFERRED_BYE_GRACE_MS);
      } else if (s.status !== 'ended') {
        return;
      }
      next.removeEventListener(CallChangeEvent.eventName, follow);
    };
    next.addEventListener(CallChangeEvent.eventName, follow);
  }

  /**
   * An INVITE with Replaces for this call's dialog (RFC 3891): accepted at once, and the new
   * session carries this call from now on. JsSIP ends the old dialog when the new one is
   * confirmed; our Reason on that BYE tells the phone at its other end why.
   */
  private replacedBy(e: ReferEvent): void {
    const status = this.machine.status;
    if (status !== 'connected' && status !== 'held') {
      e.reject();
      return;
    }
    let next = null as RTCSession | null;
    try {
      e.accept((session: RTCSession) => {
        claimedSessions.add(session);
        next = session;
      });
    } catch (err) {
      console.warn('could not accept a replacing call', err);
      return;
    }
    if (!next) return;

    const old = this.session;
    const terminate = old.terminate.bind(old);
    old.terminate = (options = {}) => terminate({ ...options, extraHeaders: [...(options.extraHeaders ?? []), REPLACED_REASON] });
    this.previous = old;
    this.session = next;
    this.generation += 1;
    this.stream = null;
    this.acked = false;
    this.mediaUp = false;
    this.mic = null;
    this.stopOwnTracks(); // on the old connection, which is about to close
    this.listen(next);

    // Someone else when an attended transfer completed to us; the same party when they moved
    // the call to another of their devices.
    const caller = callerOf(e.request as IncomingRequest);
    if (caller.number && caller.number !== this.snapshot.remote.number) this.machine.update({ remote: caller });
    this.machine.update({ remoteHeld: false, transfer: 'none', transferError: '' });
    try {
      next.answer({ mediaConstraints: { audio: this.media.audio(), video: false }, pcConfig: this.media.pcConfig() });
    } catch (err) {
      this.machine.end('failed', endMessage('failed', this.snapshot.remote, this.snapshot.direction, { problem: (err as Error).message }));
      this.release();
    }
  }

  private finish(e: EndEvent): void {
    const { reason, detail } = this.classify(e);
    this.machine.end(reason, endMessage(reason, this.snapshot.remote, this.snapshot.direction, detail));
    this.stopOwnTracks();
    this.wakeEndedWaiters();
    // A replacement that failed leaves the dialog it was to replace: end that too.
    const previous = this.previous;
    this.previous = null;
    if (previous && !previous.isEnded()) {
      try {
        previous.terminate();
      } catch {
        // already ending
      }
    }
  }

  private classify(e: EndEvent): { reason: EndReason; detail: EndDetail } {
    const C = JsSIP.C.causes;
    const incoming = this.snapshot.direction === 'incoming';
    const answered = this.snapshot.connectedAt !== null || this.machine.status === 'connecting';
    if (this.ending === 'decline') return { reason: 'declined', detail: {} };
    if (this.ending === 'hangup') return { reason: answered ? 'hangup' : 'cancelled', detail: {} };

    const message = e.message as Message;
    const response = message && 'status_code' in message ? message : null;
    if (e.cause === C.CANCELED || e.cause === C.EXPIRES) {
      // RFC 3326: a forking proxy says why it cancelled; cause=200 means another device answered.
      const why = message?.hasHeader('Reason') ? /cause=(\d+)/i.exec(message.getHeader('Reason'))?.[1] : undefined;
      return { reason: why === '200' ? 'answered-elsewhere' : 'cancelled', detail: {} };
    }
    if (e.cause === C.BYE) {
      if (e.originator === 'local') return { reason: 'hangup', detail: {} };
      if (message?.hasHeader('Reason') && REPLACED.test(message.getHeader('Reason'))) {
        // The other side replaced this dialog with another (RFC 3891): as the consultation of
        // my attended transfer, that is the transfer completing; otherwise another device of
        // mine took the call over (Switch Phone).
        return { reason: this.consulting ? 'transferred' : 'moved', detail: {} };
      }
      return { reason: incoming && !answered ? 'cancelled' : 'remote-hangup', detail: {} };
    }
    if (e.cause === C.NO_ANSWER) return { reason: 'unavailable', detail: {} };
    if (response && response.status_code >= 300) {
      return { reason: reasonForStatus(response.status_code), detail: { status: response.status_code, phrase: response.reason_phrase } };
    }
    return { reason: 'failed', detail: { problem: describeCause(e.cause) } };
  }

  // ---- actions ----------------------------------------------------------------------------

  private terminate(ending: 'hangup' | 'decline', options: { status_code?: number; reason_phrase?: string } = {}): void {
    this.ending = ending;
    try {
      this.session.terminate(options);
    } catch {
      // Already terminated inside JsSIP (a race with the remote end): our state follows its event.
    } finally {
      this.ending = null;
    }
  }

  /** Ends the dialog if it is still up (the call may already show as ended). */
  private release(): void {
    if (!this.session.isEnded()) this.terminate('hangup');
  }

  private wakeEndedWaiters(): void {
    for (const wake of [...this.endedWaiters]) wake();
    this.endedWaiters.clear();
  }

  private stopOwnTracks(): void {
    for (const track of this.ownTracks) track.stop();
    this.ownTracks.clear();
  }

  private audioSender(): RTCRtpSender | undefined {
    // The audio transceiver's sender: its track may be null for a moment during replaceTrack.
    const pc = this.session.connection;
    if (!pc) return undefined;
    return pc.getTransceivers().find((t) => t.receiver.track.kind === 'audio' && t.currentDirection !== 'stopped')?.sender;
  }

  private applyMute(): void {
    if (!this.session.connection) return; // applied on 'connecting', once the tracks exist
    // Keep JsSIP's flag in step: its hold/unhold re-enable tracks unless it thinks we are muted.
    if (this.snapshot.muted) this.session.mute({ audio: true });
    else this.session.unmute({ audio: true });
    this.syncSenders();
  }

  /**
   * The rule of JsSIP's _setLocalMediaStatus, applied to tracks it does not know about. Mute
   * silences the microphone, wherever it goes: on the sender, or into a mix (then the mixed
   * track stays on, so the others in a conference still hear each other). Hold silences what
   * is sent either way.
   */
  private syncSenders(): void {
    const pc = this.session.connection;
    if (!pc) return;
    const hold = this.session.isOnHold();
    const live = !hold.local && !hold.remote;
    for (const sender of pc.getSenders()) {
      const track = sender.track;
      if (track?.kind !== 'audio') continue;
      track.enabled = track === this.outgoing ? live : live && !this.snapshot.muted;
    }
    if (this.mic && this.mic.readyState === 'live') this.mic.enabled = live && !this.snapshot.muted;
  }

  private queueReoffer(held: boolean): Promise<void> {
    const run = this.reoffers.then(() => this.reoffer(held));
    this.reoffers = run.catch(() => undefined);
    return run;
  }

  private async reoffer(held: boolean): Promise<void> {
    const deadline = Date.now() + REOFFER_WAIT_MS;
    for (;;) {
      const status = this.machine.status;
      if (status !== 'connected' && status !== 'held') throw new Error(`Cannot ${held ? 'hold' : 'resume'} a call that is ${status}`);
      if (this.session.isOnHold().local === held) {
        this.machine.to(held ? 'held' : 'connected');
        return;
      }
      let done!: () => void;
      const completed = new Promise<void>((resolve) => (done = resolve));
      // RFC 3261 s14.1: no new offer while an INVITE transaction of the dialog is pending;
      // JsSIP answers false then, so wait for the exchange in progress to finish and retry.
      const started = held ? this.session.hold({}, done) : this.session.unhold({}, done);
      if (started) {
        await this.untilEndedOr(completed);
        this.machine.to(held ? 'held' : 'connected');
        return;
      }
      if (Date.now() > deadline) throw new Error(`${held ? 'Hold' : 'Resume'} timed out waiting for a previous media change`);
      await this.untilEndedOr(delay(REOFFER_POLL_MS));
    }
  }

  /** Resolves with `work`, or rejects if the call ends first. */
  private untilEndedOr(work: Promise<void>): Promise<void> {
    if (this.machine.ended) return Promise.reject(new Error('The call ended'));
    return new Promise<void>((resolve, reject) => {
      const wake = () => reject(new Error('The call ended'));
      this.endedWaiters.add(wake);
      work.then(() => {
        this.endedWaiters.delete(wake);
        resolve();
      }, reject);
    });
  }

  /** Resolves when a snapshot satisfies `done`; rejects with the end message if the call ends first. */
  private until(done: (s: CallSnapshot) => boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = () => {
        const s = this.snapshot;
        if (done(s)) resolve();
        else if (s.status === 'ended') reject(new Error(s.endMessage));
        else return;
        this.removeEventListener(CallChangeEvent.eventName, check);
      };
      this.addEventListener(CallChangeEvent.eventName, check);
      check();
    });
  }
}

/**
 * The value of a Replaces header (RFC 3891 s6.1) for `dialog`, seen from our side, for a
 * request that goes to the *other* party of that dialog: their tag is their local tag, so it
 * is the to-tag, and ours is the from-tag (RFC 3891 s3).
 */
export function replacesValue(dialog: DialogId): string {
  return `${dialog.callId};to-tag=${dialog.remoteTag};from-tag=${dialog.localTag}`;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Party from a name-addr header (P-Asserted-Identity, From), or null when absent or malformed. */
export function partyFromHeader(message: NonNullable<Message>, header: string): Party | null {
  if (!message.hasHeader(header)) return null;
  const parsed = JsSIP.NameAddrHeader.parse(message.getHeader(header)) as unknown as InstanceType<typeof JsSIP.NameAddrHeader> | undefined;
  if (!parsed?.uri) return null;
  return { number: parsed.uri.user ?? '', name: (parsed.display_name ?? '').trim() };
}

/** The party an incoming INVITE comes from: asserted identity first (RFC 3325), else From. */
export function callerOf(request: IncomingRequest): Party {
  const asserted = partyFromHeader(request, 'P-Asserted-Identity');
  if (asserted) return asserted;
  const from = request.from;
  return { number: from?.uri?.user ?? '', name: (from?.display_name ?? '').trim() };
}

function describeCause(cause: string): string {
  const C = JsSIP.C.causes;
  switch (cause) {
    case C.CONNECTION_ERROR:
      return 'connection to the server lost';
    case C.REQUEST_TIMEOUT:
      return 'no response from the server';
    case C.USER_DENIED_MEDIA_ACCESS:
      return 'microphone not available';
    case C.RTP_TIMEOUT:
      return 'audio connection lost';
    case C.WEBRTC_ERROR:
    case C.BAD_MEDIA_DESCRIPTION:
    case C.INCOMPATIBLE_SDP:
    case C.MISSING_SDP:
      return 'audio could not be set up';
    case C.AUTHENTICATION_ERROR:
      return 'not allowed to call';
    case C.DIALOG_ERROR:
      return 'call lost';
    default:
      return cause ? cause.toLowerCase() : 'unknown error';
  }
}
