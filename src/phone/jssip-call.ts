/**
 * One JsSIP RTCSession seen through our PhoneCall port. JsSIP's session states and events are
 * translated here, and only here, into the states of `call-state.ts`.
 */
import JsSIP from 'jssip';
import type { DTMF_TRANSPORT } from 'jssip/lib/Constants';
import type { EndEvent, HoldEvent, IceCandidateEvent, PeerConnectionEvent, RTCSession } from 'jssip/lib/RTCSession';
import type { IncomingRequest, IncomingResponse } from 'jssip/lib/SIPMessage';
import { endMessage, reasonForStatus, type EndDetail } from './call-end.js';
import { CallMachine, DTMF_TONE, newCallId } from './call-state.js';
import { CallChangeEvent, type CallDirection, type CallSnapshot, type EndReason, type Party, type PhoneCall } from './types.js';

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

/** How long a hold/resume waits for an earlier offer/answer exchange to finish. */
const REOFFER_WAIT_MS = 10_000;
const REOFFER_POLL_MS = 40;

type Message = IncomingRequest | IncomingResponse | null;

export class JsSipCall extends EventTarget implements PhoneCall {
  readonly id = newCallId();
  private readonly machine: CallMachine;
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

  constructor(
    private readonly session: RTCSession,
    direction: CallDirection,
    remote: Party,
    private readonly media: MediaPolicy,
  ) {
    super();
    this.machine = new CallMachine({ id: this.id, direction, remote }, (snapshot) => {
      this.dispatchEvent(new CallChangeEvent(snapshot));
    });
    this.listen();
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
    if (this.machine.ended) return;
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

  /** Puts the microphone described by `audio` on the live call without renegotiating. */
  async useMicrophone(audio: MediaTrackConstraints | boolean): Promise<void> {
    const sender = this.session.connection?.getSenders().find((s) => s.track?.kind === 'audio');
    if (!sender || this.machine.ended) return;
    const stream = await navigator.mediaDevices.getUserMedia({ audio, video: false });
    const track = stream.getAudioTracks()[0];
    if (!track) return;
    if (this.machine.ended) {
      track.stop();
      return;
    }
    const previous = sender.track;
    await sender.replaceTrack(track);
    this.ownTracks.add(track);
    if (previous) {
      previous.stop();
      this.ownTracks.delete(previous);
    }
    this.syncSenders();
  }

  // ---- JsSIP events -----------------------------------------------------------------------

  private listen(): void {
    const s = this.session;
    // Outgoing: JsSIP created the peer connection before we could listen for 'peerconnection'.
    if (s.connection) this.watch(s.connection);
    s.on('peerconnection', (e: PeerConnectionEvent) => this.watch(e.peerconnection));

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
    s.on('connecting', () => this.applyMute());

    s.on('progress', (e: { originator: string; response?: IncomingResponse | null }) => {
      if (this.snapshot.direction !== 'outgoing' || e.originator !== 'remote') return;
      this.learnRemote(e.response ?? null);
      this.machine.to('ringing');
    });
    s.on('accepted', (e: { originator: string; response?: IncomingResponse | null }) => {
      if (this.snapshot.direction !== 'outgoing') return;
      this.learnRemote(e.response ?? null);
      this.machine.to('connected');
    });
    s.on('confirmed', () => {
      this.acked = true;
      this.maybeConnected();
    });
    s.on('newDTMF', (e: { originator: string; dtmf: { tone: string } }) => {
      if (e.originator === 'remote') this.machine.update({ dtmfReceived: this.snapshot.dtmfReceived + e.dtmf.tone.toUpperCase() });
    });
    s.on('hold', (e: HoldEvent) => {
      if (e.originator === 'remote') this.machine.update({ remoteHeld: true });
    });
    s.on('unhold', (e: HoldEvent) => {
      if (e.originator === 'remote') this.machine.update({ remoteHeld: false });
    });
    s.on('failed', (e: EndEvent) => this.finish(e));
    s.on('ended', (e: EndEvent) => this.finish(e));
  }

  private watch(pc: RTCPeerConnection): void {
    if (this.watched === pc) return;
    this.watched = pc;
    pc.addEventListener('track', (e) => {
      if (e.track.kind !== 'audio') return;
      this.stream = e.streams[0] ?? new MediaStream([e.track]);
    });
    pc.addEventListener('connectionstatechange', () => {
      if (pc.connectionState === 'connected') {
        this.mediaUp = true;
        this.maybeConnected();
      }
    });
  }

  private maybeConnected(): void {
    if (this.snapshot.direction === 'incoming' && this.acked && this.mediaUp) this.machine.to('connected');
  }

  /** RFC 3325: the platform asserts who is calling or answering in P-Asserted-Identity. */
  private learnRemote(message: Message): void {
    const asserted = message ? partyFromHeader(message, 'P-Asserted-Identity') : null;
    if (!asserted?.name || this.snapshot.remote.name) return;
    this.machine.update({ remote: { number: this.snapshot.remote.number || asserted.number, name: asserted.name } });
  }

  private finish(e: EndEvent): void {
    const { reason, detail } = this.classify(e);
    this.machine.end(reason, endMessage(reason, this.snapshot.remote, this.snapshot.direction, detail));
    for (const track of this.ownTracks) track.stop();
    this.ownTracks.clear();
    for (const wake of this.endedWaiters) wake();
    this.endedWaiters.clear();
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

  private applyMute(): void {
    if (!this.session.connection) return; // applied on 'connecting', once the tracks exist
    // Keep JsSIP's flag in step: its hold/unhold re-enable tracks unless it thinks we are muted.
    if (this.snapshot.muted) this.session.mute({ audio: true });
    else this.session.unmute({ audio: true });
    this.syncSenders();
  }

  /** The rule of JsSIP's _setLocalMediaStatus, applied to tracks it did not see being added. */
  private syncSenders(): void {
    const pc = this.session.connection;
    if (!pc) return;
    const hold = this.session.isOnHold();
    const enabled = !this.snapshot.muted && !hold.local && !hold.remote;
    for (const sender of pc.getSenders()) if (sender.track?.kind === 'audio') sender.track.enabled = enabled;
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
