/**
 * One call seen through our PhoneCall port, carried by a JsSIP RTCSession. JsSIP's session
 * states and events are translated here, and only here, into the states of `call-state.ts`.
 *
 * A call usually keeps one session for its life. The exception is RFC 3891: when an INVITE
 * with Replaces for this call's dialog arrives (the other party moved the call to another of
 * their devices, or completed an attended transfer to us), the new session takes over under
 * the same PhoneCall, so its card, id and timer stay; only `remoteStream`/`localStream` change
 * (announced by a change event), and `remote` when the new party is someone else.
 *
 * Beside this adapter: call-media.ts (tracks, mute and hold on WebRTC), call-transfer.ts (the
 * steps of a transfer), jssip-call-end.ts (why a session ended). JsSIP is used through its
 * public methods and documented events; the two places where none does the job say so
 * (learnDialog: the tag of our answer; replacedBy: the Reason on the BYE JsSIP sends itself).
 */
export { replacesValue } from './call-transfer.js';
import JsSIP from 'jssip';
import type { DTMF_TRANSPORT } from 'jssip/lib/Constants';
import type { ConnectingEvent, EndEvent, HoldEvent, IceCandidateEvent, PeerConnectionEvent, ReferEvent, RTCSession } from 'jssip/lib/RTCSession';
import type { IncomingRequest, IncomingResponse } from 'jssip/lib/SIPMessage';
import type { NameAddrHeader } from 'jssip/lib/NameAddrHeader';
import type { URI } from 'jssip/lib/URI';
import { endMessage } from './call-end.js';
import { CallMedia } from './call-media.js';
import { CallMachine, DTMF_TONE, newCallId } from './call-state.js';
import {
  TRANSFERRED_BYE_GRACE_MS,
  referOutcome,
  replacesValue,
  runTransfer,
  whenTransferConnects,
  type ReferProgress,
  type TransferLeg,
} from './call-transfer.js';
import { classifyEnd, describeCause } from './jssip-call-end.js';
import {
  CallChangeEvent,
  type CallDirection,
  type CallSnapshot,
  type DialogId,
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
/**
 * The Reason (RFC 3326) our phone puts on the BYE that ends a dialog replaced by an INVITE with
 * Replaces, so the phone at the other end tells "moved to another device" from a hang-up. RFC
 * 3891 defines no such signal; a phone that does not send it is seen as hanging up.
 */
const REPLACED_REASON = 'Reason: SIP;cause=200;text="Replaced"';

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

/**
 * RTCSession.refer() as JsSIP implements it (lib/RTCSession.js): its declaration says void, but
 * it returns the ReferSubscriber, or false when the session is not established.
 */
type Refer = (target: string | URI, options: { eventHandlers: ReferProgress }) => unknown;

export class JsSipCall extends EventTarget implements PhoneCall {
  readonly id = newCallId();
  private readonly machine: CallMachine;
  /** The session carrying the call now; replaced when an INVITE with Replaces takes over. */
  private session: RTCSession;
  /** The session the current one replaced, until it is gone. */
  private previous: RTCSession | null = null;
  /** How many times the session was replaced (0: the call's first session). */
  private generation = 0;
  private readonly media: CallMedia;
  /** Incoming: the answer is complete once the ACK came (RFC 3261 s13.3.1.4) and media is up. */
  private acked = false;
  private mediaUp = false;
  /** Set while our own terminate() runs: JsSIP reports the end synchronously inside it. */
  private ending: 'hangup' | 'decline' | null = null;
  /** hold()/resume() run one at a time: JsSIP refuses a re-INVITE while one is pending. */
  private reoffers: Promise<void> = Promise.resolve();
  private readonly endedWaiters = new Set<() => void>();
  /** This call is the consultation of an attended transfer I am completing. */
  private consulting = false;
  /** The dialog of the current session, from its 2xx or ACK; kept after the call ended. */
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
    this.media = new CallMedia({
      connection: () => this.session.connection ?? null,
      held: () => {
        const hold = this.session.isOnHold();
        return hold.local || hold.remote;
      },
      muted: () => this.snapshot.muted,
      ended: () => this.machine.ended,
      changed: () => this.machine.touch(),
    });
    this.listen(session);
  }

  private get policy(): MediaPolicy {
    return this.context.media;
  }

  get snapshot(): CallSnapshot {
    return this.machine.snapshot;
  }

  get remoteStream(): MediaStream | null {
    return this.media.remoteStream;
  }

  get localStream(): MediaStream | null {
    return this.media.localStream;
  }

  /**
   * The dialog (RFC 3261 s12: local and remote tag from our point of view, whichever side sent
   * the INVITE), learnt from the 2xx to our INVITE or the ACK of our 2xx. Kept after the call
   * ended, for the record.
   */
  get dialog(): DialogId | null {
    return this.lastDialog;
  }

  /**
   * From the 2xx to our INVITE (we are the UAC: ours is the From tag), or the INVITE we answered
   * or its ACK (UAS: ours is the To tag).
   */
  private learnDialog(message: IncomingRequest | IncomingResponse, role: 'UAC' | 'UAS'): void {
    const callId = message.getHeader('Call-ID');
    const fromTag = message.from?.getParam('tag') as string | undefined;
    // An INVITE's To has no tag yet: the one JsSIP put on its answer is the message's `to_tag`,
    // a field of its parsed messages (lib/SIPMessage.js) that its declarations leave out.
    const toTag = (message.to?.getParam('tag') as string | undefined) ?? (message as { to_tag?: string }).to_tag ?? undefined;
    const [localTag, remoteTag] = role === 'UAC' ? [fromTag, toTag] : [toTag, fromTag];
    if (!callId || !localTag || !remoteTag) return;
    const last = this.lastDialog;
    if (last && last.callId === callId && last.localTag === localTag && last.remoteTag === remoteTag) return;
    this.lastDialog = Object.freeze({ callId, localTag, remoteTag });
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
        mediaConstraints: { audio: this.policy.audio(), video: false },
        pcConfig: this.policy.pcConfig(),
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
  private referTo(uri: URI, target: Party, consultation: JsSipCall | null): Promise<void> {
    return runTransfer(this.transferLeg(), uri, target, consultation?.transferLeg() ?? null);
  }

  /** This call as one leg of a transfer (call-transfer.ts). */
  private transferLeg(): TransferLeg<URI> {
    const machine = this.machine;
    return {
      get snapshot() {
        return machine.snapshot;
      },
      get ended() {
        return machine.ended;
      },
      setTransfer: (transfer, transferError) => this.machine.update({ transfer, transferError }),
      hold: () => this.hold(),
      resume: () => this.resume(),
      setConsulting: (consulting) => (this.consulting = consulting),
      refer: (uri, target) =>
        referOutcome(target, {
          start: (eventHandlers) => (this.session.refer as Refer)(uri, { eventHandlers }) !== false,
          whenEnded: (wake) => {
            this.endedWaiters.add(wake);
            return () => this.endedWaiters.delete(wake);
          },
          status: () => this.machine.status,
          describeCause,
        }),
      transferredAway: (to, graceMs) => this.transferredAway(to, graceMs),
    };
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

  setOutgoingAudio(track: MediaStreamTrack | null): Promise<void> {
    return this.media.setOutgoingAudio(track);
  }

  /** Puts the microphone described by `audio` on the live call without renegotiating. */
  useMicrophone(audio: MediaTrackConstraints | boolean): Promise<void> {
    return this.media.useMicrophone(audio);
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
    // The dialog's tags (RFC 3261 s12): ours and theirs in the 2xx to our INVITE; for an INVITE
    // we answered, in that INVITE once our 2xx is sent ('accepted'), and again in the ACK.
    // (JsSIP keeps its Dialog private; these events carry the same identifiers.)
    let answering: IncomingRequest | null = null;
    s.on('connecting', (e: ConnectingEvent) => {
      if (s.direction === 'incoming') answering = e.request as IncomingRequest;
    });
    s.on('accepted', (e: { originator: string; response?: IncomingResponse | null }) => {
      if (!current()) return;
      if (e.originator === 'remote' && e.response) this.learnDialog(e.response, 'UAC');
      else if (e.originator === 'local' && answering) this.learnDialog(answering, 'UAS');
    });
    s.on('confirmed', (e: { originator: string; ack?: IncomingRequest | null }) => {
      if (current() && e.originator === 'remote' && e.ack) this.learnDialog(e.ack, 'UAS');
    });

    // JsSIP holds the INVITE (or 200) until ICE gathering completes, which takes 100+ ms even
    // with no STUN server (TCP candidates come last). SIP without trickle (RFC 3264) needs only
    // one usable candidate; the short settle lets the rest of the burst in (one per interface
    // and address family, about 1 ms apart) so a multi-homed peer still offers a reachable one.
    let settling = false;
    s.on('icecandidate', (e: IceCandidateEvent) => {
      if (settling || !this.policy.candidateReady(e.candidate)) return;
      settling = true;
      setTimeout(() => {
        settling = false; // a later gathering (ICE restart) gets the same treatment
        e.ready();
      }, this.policy.iceSettleMs);
    });
    // Tracks are on the connection now (outgoing after getUserMedia, incoming inside answer()).
    s.on('connecting', () => {
      if (!current()) return;
      this.media.tracksReady();
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
      // A platform service (voicemail) answered: the platform names it in the 200.
      const service = e.response?.getHeader('X-Switchboard-Service')?.trim();
      if (service) this.machine.update({ answeredBy: service });
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
      this.media.sync();
    });
    s.on('unhold', (e: HoldEvent) => {
      if (!current()) return;
      if (e.originator === 'remote') this.machine.update({ remoteHeld: false });
      this.media.sync();
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
    this.media.watch(pc, () => {
      this.mediaUp = true;
      this.maybeConnected();
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
    const referTo = (e.request as IncomingRequest).parseHeader<NameAddrHeader | undefined>('refer-to');
    const target: Party = { number: referTo?.uri.user ?? '', name: (referTo?.display_name ?? '').trim() };
    let created = null as JsSipCall | null;
    try {
      e.accept((session: RTCSession) => {
        // Runs inside connect(), before JsSIP announces the session and sends the INVITE.
        claimedSessions.add(session);
        created = new JsSipCall(session, 'outgoing', target, this.context, { origin: 'transfer' });
      }, outgoingOptions(this.policy));
    } catch (err) {
      console.warn('could not follow a transfer', err);
      e.reject();
      return;
    }
    const next = created;
    if (!next) return; // JsSIP declined: this session is no longer confirmed
    this.context.announce(next);
    whenTransferConnects(next, (remote) => {
      if (!this.machine.ended) this.transferredAway(remote, TRANSFERRED_BYE_GRACE_MS);
    });
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

    // JsSIP ends the replaced session itself once the new one is confirmed, with a bare
    // terminate() (RTCSession._receiveReplaces); no option or event lets us add a header to that
    // BYE, and ending it ourselves first would make JsSIP's own terminate() throw inside its
    // 'confirmed' handler. So this one session's terminate() adds our Reason: the one place
    // where the adapter changes how a JsSIP object behaves.
    const old = this.session;
    const terminate = old.terminate.bind(old);
    old.terminate = (options = {}) => terminate({ ...options, extraHeaders: [...(options.extraHeaders ?? []), REPLACED_REASON] });
    this.previous = old;
    this.session = next;
    this.generation += 1;
    this.acked = false;
    this.mediaUp = false;
    this.media.reset();
    this.listen(next);

    // Someone else when an attended transfer completed to us; the same party when they moved
    // the call to another of their devices.
    const caller = callerOf(e.request as IncomingRequest);
    if (caller.number && caller.number !== this.snapshot.remote.number) this.machine.update({ remote: caller });
    this.machine.update({ remoteHeld: false, transfer: 'none', transferError: '' });
    try {
      next.answer({ mediaConstraints: { audio: this.policy.audio(), video: false }, pcConfig: this.policy.pcConfig() });
    } catch (err) {
      this.machine.end('failed', endMessage('failed', this.snapshot.remote, this.snapshot.direction, { problem: (err as Error).message }));
      this.release();
    }
  }

  private finish(e: EndEvent): void {
    const { reason, detail } = classifyEnd(e, {
      ending: this.ending,
      incoming: this.snapshot.direction === 'incoming',
      answered: this.snapshot.connectedAt !== null || this.machine.status === 'connecting',
      consulting: this.consulting,
    });
    this.machine.end(reason, endMessage(reason, this.snapshot.remote, this.snapshot.direction, detail));
    this.media.stop();
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

  private applyMute(): void {
    if (!this.session.connection) return; // applied on 'connecting', once the tracks exist
    // Keep JsSIP's flag in step: its hold/unhold re-enable tracks unless it thinks we are muted.
    if (this.snapshot.muted) this.session.mute({ audio: true });
    else this.session.unmute({ audio: true });
    this.media.sync();
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
