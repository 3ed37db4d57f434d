/**
 * A scriptable Phone for tests of the layers above phone/ (state, controllers, views): the test
 * plays the network (`simulate*`), the code under test plays the user, and every request it made
 * is recorded. Same state machine and end messages as the JsSIP adapter.
 */
import { endMessage, partyLabel, reasonForStatus, transferFailure } from './call-end.js';
import { CallMachine, DTMF_TONE, newCallId } from './call-state.js';
import {
  CallChangeEvent,
  IncomingCallEvent,
  OutgoingCallEvent,
  RegistrationEvent,
  type AudioDevices,
  type CallDirection,
  type CallSnapshot,
  type DialogId,
  type EndReason,
  type Party,
  type Phone,
  type PhoneCall,
  type RegistrationState,
  type SipCredentials,
} from './types.js';

/** What the code under test asked a FakeCall to do, in order. */
export type FakeCallAction =
  | { type: 'answer' }
  | { type: 'decline' }
  | { type: 'hangup' }
  | { type: 'mute'; muted: boolean }
  | { type: 'hold' }
  | { type: 'resume' }
  | { type: 'dtmf'; tone: string }
  | { type: 'transfer'; target: string }
  /** `consultation` is the id of the other call. */
  | { type: 'complete-transfer'; consultation: string }
  | { type: 'outgoing-audio'; track: MediaStreamTrack | null };

/**
 * How a transfer ends, as the network would report it: 'ok' (a 2xx NOTIFY), a failure of the
 * target ('busy', 'declined', 'unavailable', 'not-found', or any SIP status), the transferee
 * refusing the REFER ('refused'), or no final NOTIFY in time ('timeout').
 */
export type FakeTransferResult = 'ok' | 'busy' | 'declined' | 'unavailable' | 'not-found' | 'refused' | 'timeout' | number;

const TRANSFER_STATUS: Record<string, number> = { busy: 486, declined: 603, unavailable: 480, 'not-found': 404 };

interface PendingTransfer {
  target: Party;
  consultation: FakeCall | null;
  resolve: () => void;
  reject: (err: Error) => void;
}

export interface FakeCallOptions {
  /** answer() goes straight on to 'connected' (default); false leaves it 'connecting' until simulateMediaUp(). */
  answerConnects?: boolean;
  /** hold()/resume() complete by themselves (default); false keeps them pending until completeReoffer(). */
  reofferCompletes?: boolean;
}

export class FakeCall extends EventTarget implements PhoneCall {
  readonly id = newCallId();
  readonly actions: FakeCallAction[] = [];
  /** What setOutgoingAudio() put on the call (null: the microphone). */
  outgoingAudio: MediaStreamTrack | null = null;
  private readonly machine: CallMachine;
  private stream: MediaStream | null = null;
  private local: MediaStream | null = null;
  private stats: RTCStatsReport | null = null;
  private pendingReoffers: Array<{ held: boolean; resolve: () => void; reject: (err: Error) => void }> = [];
  private pendingTransfer: PendingTransfer | null = null;
  private fakeDialog: DialogId;

  constructor(
    direction: CallDirection,
    remote: Party,
    private readonly options: FakeCallOptions = {},
    origin: CallSnapshot['origin'] = 'normal',
  ) {
    super();
    this.machine = new CallMachine({ id: this.id, direction, remote, origin }, (snapshot) => {
      this.dispatchEvent(new CallChangeEvent(snapshot));
    });
    this.fakeDialog = newDialog();
  }

  get snapshot(): CallSnapshot {
    return this.machine.snapshot;
  }

  get remoteStream(): MediaStream | null {
    return this.stream;
  }

  get localStream(): MediaStream | null {
    return this.machine.ended ? null : this.local;
  }

  /** A made-up dialog once the call was answered (kept after the end, like the real one). */
  get dialog(): DialogId | null {
    return this.snapshot.connectedAt === null ? null : this.fakeDialog;
  }

  /** Every action of `type` the code under test requested. */
  requested<T extends FakeCallAction['type']>(type: T): Array<Extract<FakeCallAction, { type: T }>> {
    return this.actions.filter((a): a is Extract<FakeCallAction, { type: T }> => a.type === type);
  }

  answer(): Promise<void> {
    this.actions.push({ type: 'answer' });
    if (!this.machine.to('connecting')) {
      return Promise.reject(new Error(`Cannot answer a call that is ${this.machine.status}`));
    }
    if (this.options.answerConnects !== false) this.machine.to('connected');
    return this.until((s) => s.status === 'connected' || s.status === 'held');
  }

  decline(): void {
    this.actions.push({ type: 'decline' });
    if (this.machine.status !== 'incoming') {
      this.endLocally('hangup');
      return;
    }
    this.end('declined');
  }

  hangup(): void {
    this.actions.push({ type: 'hangup' });
    if (this.machine.status === 'incoming') this.end('declined');
    else this.endLocally('hangup');
  }

  setMuted(muted: boolean): void {
    this.actions.push({ type: 'mute', muted });
    this.machine.update({ muted });
  }

  hold(): Promise<void> {
    this.actions.push({ type: 'hold' });
    return this.reoffer(true);
  }

  resume(): Promise<void> {
    this.actions.push({ type: 'resume' });
    return this.reoffer(false);
  }

  sendDtmf(tone: string): void {
    if (!DTMF_TONE.test(tone)) throw new RangeError(`Not a DTMF tone: ${JSON.stringify(tone)}`);
    this.actions.push({ type: 'dtmf', tone });
    if (this.machine.status !== 'connected' && this.machine.status !== 'held') return;
    this.machine.update({ dtmf: this.snapshot.dtmf + tone.toUpperCase() });
  }

  async getStats(): Promise<RTCStatsReport | null> {
    return this.machine.ended ? null : this.stats;
  }

  /** Pending until simulateTransferResult(). */
  transfer(target: string): Promise<void> {
    this.actions.push({ type: 'transfer', target });
    return this.startTransfer({ number: target.trim(), name: '' }, null);
  }

  /** Pending until simulateTransferResult() on this call (not on the consultation). */
  completeTransfer(consultation: PhoneCall): Promise<void> {
    if (!(consultation instanceof FakeCall) || consultation === this) {
      return Promise.reject(new TypeError('The consultation must be another call of this phone'));
    }
    this.actions.push({ type: 'complete-transfer', consultation: consultation.id });
    const status = consultation.snapshot.status;
    if (status !== 'connected' && status !== 'held') {
      return Promise.reject(new Error(`Cannot complete a transfer to a call that is ${status}`));
    }
    return this.startTransfer(consultation.snapshot.remote, consultation);
  }

  async setOutgoingAudio(track: MediaStreamTrack | null): Promise<void> {
    this.actions.push({ type: 'outgoing-audio', track });
    this.outgoingAudio = track;
  }

  // ---- the network's side -----------------------------------------------------------------

  /** 180 Ringing reached us (outgoing). */
  simulateRinging(): void {
    this.machine.to('ringing');
  }

  /** The other side answered (outgoing: 200 OK). */
  simulateRemoteAnswer(): void {
    this.machine.to('connected');
  }

  /** Media came up after answer() (incoming, with `answerConnects: false`). */
  simulateMediaUp(): void {
    this.machine.to('connected');
  }

  /** They hung up: BYE after connect, or CANCEL before (a missed call). */
  simulateRemoteHangup(): void {
    const answered = this.snapshot.connectedAt !== null || this.machine.status === 'connecting';
    this.end(this.snapshot.direction === 'incoming' && !answered ? 'cancelled' : 'remote-hangup');
  }

  /** The caller gave up before we answered (incoming). */
  simulateCancel(): void {
    this.end('cancelled');
  }

  /** Another of my devices took the call (incoming). */
  simulateAnsweredElsewhere(): void {
    this.end('answered-elsewhere');
  }

  /** The call failed: give an EndReason, or a SIP status as the far end would answer. */
  simulateFailure(failure: EndReason | number, message?: string): void {
    const reason = typeof failure === 'number' ? reasonForStatus(failure) : failure;
    const detail = typeof failure === 'number' ? { status: failure } : {};
    this.end(reason, message ?? endMessage(reason, this.snapshot.remote, this.snapshot.direction, detail));
  }

  /** The other side put us on hold (a=sendonly/inactive, RFC 3264 s8.4) or took us off. */
  simulateRemoteHold(held: boolean): void {
    this.machine.update({ remoteHeld: held });
  }

  /** The platform asserted who the other party is (RFC 3325). */
  simulateRemoteIdentity(remote: Party): void {
    this.machine.update({ remote });
  }

  simulateRemoteStream(stream: MediaStream | null): void {
    this.stream = stream;
  }

  simulateStats(stats: RTCStatsReport | null): void {
    this.stats = stats;
  }

  /** The microphone stream once media is up (what a conference mixes). */
  simulateLocalStream(stream: MediaStream | null): void {
    this.local = stream;
  }

  /** The outcome of the pending transfer() or completeTransfer() (see FakeTransferResult). */
  simulateTransferResult(result: FakeTransferResult): void {
    const pending = this.pendingTransfer;
    if (!pending) throw new Error('No transfer is pending');
    this.pendingTransfer = null;
    const calls = pending.consultation ? [this, pending.consultation] : [this];
    if (result === 'ok') {
      this.end('transferred', endMessage('transferred', this.snapshot.remote, this.snapshot.direction, { transferredTo: pending.target }));
      pending.consultation?.end('transferred', endMessage('transferred', pending.consultation.snapshot.remote, pending.consultation.snapshot.direction, { transferredTo: this.snapshot.remote }));
      pending.resolve();
      return;
    }
    let message: string;
    if (result === 'refused') message = 'The other phone refused the transfer';
    else if (result === 'timeout') message = `The transfer to ${partyLabel(pending.target)} timed out`;
    else message = transferFailure(typeof result === 'number' ? result : TRANSFER_STATUS[result]!, '', pending.target);
    for (const call of calls) call.machine.update({ transfer: 'failed', transferError: message });
    pending.reject(new Error(message));
  }

  /**
   * An INVITE with Replaces took this call over (RFC 3891): the same call goes on with a new
   * session; `by` is the new party after an attended transfer to me, omitted when the same
   * party moved to another of their devices. `stream` is the new remote audio.
   */
  simulateReplaced(by?: Party, stream: MediaStream | null = this.stream): void {
    this.stream = stream;
    if (by && by.number !== this.snapshot.remote.number) this.machine.update({ remote: by });
    this.machine.update({ remoteHeld: false, transfer: 'none', transferError: '' });
    this.fakeDialog = newDialog();
    if (this.machine.status === 'held') this.machine.to('connected');
    else this.machine.touch();
  }

  /** Another device of mine took this call over (Switch Phone): it ends as 'moved'. */
  simulateMoved(): void {
    this.end('moved');
  }

  /** The other party was handed to `to` (as when the call I was transferred to connects). */
  simulateTransferredAway(to: Party): void {
    this.end('transferred', endMessage('transferred', this.snapshot.remote, this.snapshot.direction, { transferredTo: to }));
  }

  /** Completes the oldest pending hold/resume (with `reofferCompletes: false`), or fails it. */
  completeReoffer(error?: Error): void {
    const next = this.pendingReoffers.shift();
    if (!next) throw new Error('No hold or resume is pending');
    if (error) return next.reject(error);
    this.machine.to(next.held ? 'held' : 'connected');
    next.resolve();
  }

  // ---- internals --------------------------------------------------------------------------

  private startTransfer(target: Party, consultation: FakeCall | null): Promise<void> {
    const status = this.machine.status;
    if (status !== 'connected' && status !== 'held') return Promise.reject(new Error(`Cannot transfer a call that is ${status}`));
    if (this.pendingTransfer) return Promise.reject(new Error('A transfer of this call is already under way'));
    for (const call of consultation ? [this, consultation] : [this]) call.machine.update({ transfer: 'in-progress', transferError: '' });
    return new Promise<void>((resolve, reject) => {
      this.pendingTransfer = { target, consultation, resolve, reject };
    });
  }

  private reoffer(held: boolean): Promise<void> {
    const status = this.machine.status;
    if (status !== 'connected' && status !== 'held') {
      return Promise.reject(new Error(`Cannot ${held ? 'hold' : 'resume'} a call that is ${status}`));
    }
    if (this.options.reofferCompletes === false) {
      return new Promise((resolve, reject) => this.pendingReoffers.push({ held, resolve, reject }));
    }
    return Promise.resolve().then(() => {
      if (this.machine.ended) throw new Error('The call ended');
      this.machine.to(held ? 'held' : 'connected');
    });
  }

  private endLocally(reason: 'hangup'): void {
    const answered = this.snapshot.connectedAt !== null || this.machine.status === 'connecting';
    this.end(answered ? reason : 'cancelled');
  }

  private end(reason: EndReason, message?: string): void {
    if (!this.machine.end(reason, message ?? endMessage(reason, this.snapshot.remote, this.snapshot.direction))) return;
    for (const pending of this.pendingReoffers.splice(0)) pending.reject(new Error('The call ended'));
    const transfer = this.pendingTransfer;
    this.pendingTransfer = null;
    transfer?.reject(new Error('The call ended before the transfer completed'));
  }

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

export interface FakePhoneOptions extends FakeCallOptions {
  /** start() goes on to 'registered' by itself (default); false stays 'connecting' until simulateRegistration(). */
  autoRegister?: boolean;
  /** Names the "platform" knows, for outgoing calls: { '1002': 'Bob Baker' }. */
  directory?: Record<string, string>;
}

export class FakePhone extends EventTarget implements Phone {
  /** Every call placed or received, oldest first. */
  readonly calls: FakeCall[] = [];
  /** Targets passed to call(), in order. */
  readonly dialled: string[] = [];
  /** What callReplacing() was asked, in order. */
  readonly replacing: Array<{ target: string; dialog: DialogId }> = [];
  /** Credentials of each start(), in order. */
  readonly starts: SipCredentials[] = [];
  stopCount = 0;
  private state: RegistrationState = 'offline';
  private devices: AudioDevices = { microphone: '', speaker: '', ringer: '' };
  readonly deviceChanges: AudioDevices[] = [];

  constructor(private readonly options: FakePhoneOptions = {}) {
    super();
  }

  get registration(): RegistrationState {
    return this.state;
  }

  get audioDevices(): AudioDevices {
    return { ...this.devices };
  }

  /** The newest call, if any. */
  get lastCall(): FakeCall | undefined {
    return this.calls[this.calls.length - 1];
  }

  start(credentials: SipCredentials): void {
    this.starts.push(credentials);
    this.simulateRegistration('connecting', 'Connecting');
    if (this.options.autoRegister !== false) {
      queueMicrotask(() => {
        if (this.state === 'connecting') this.simulateRegistration('registered');
      });
    }
  }

  async stop(): Promise<void> {
    this.stopCount += 1;
    for (const call of this.calls) if (call.snapshot.status !== 'ended') call.hangup();
    this.simulateRegistration('offline');
  }

  call(target: string): FakeCall {
    if (this.starts.length === 0 || this.state === 'offline') throw new Error('The phone is not started');
    this.dialled.push(target);
    const number = target.trim();
    const call = new FakeCall('outgoing', { number, name: this.options.directory?.[number] ?? '' }, this.options);
    this.calls.push(call);
    return call;
  }

  /** Like call(), with origin 'switch'; the request is recorded in `replacing`. */
  callReplacing(target: string, dialog: DialogId): FakeCall {
    if (this.starts.length === 0 || this.state === 'offline') throw new Error('The phone is not started');
    this.replacing.push({ target, dialog: { ...dialog } });
    const number = target.trim();
    const call = new FakeCall('outgoing', { number, name: this.options.directory?.[number] ?? '' }, this.options, 'switch');
    this.calls.push(call);
    return call;
  }

  setAudioDevices(devices: AudioDevices): void {
    this.devices = { ...devices };
    this.deviceChanges.push({ ...devices });
  }

  // ---- the network's side -----------------------------------------------------------------

  simulateRegistration(state: RegistrationState, reason = ''): void {
    this.state = state;
    this.dispatchEvent(new RegistrationEvent(state, reason));
  }

  /** An INVITE arrives: the call rings and IncomingCallEvent fires. */
  simulateIncoming(from: { number: string; name?: string }): FakeCall {
    const call = new FakeCall('incoming', { number: from.number, name: from.name ?? '' }, this.options);
    this.calls.push(call);
    this.dispatchEvent(new IncomingCallEvent(call));
    return call;
  }

  /**
   * The other party of `from` transferred me to `to` (an accepted REFER): a new outgoing call
   * with origin 'transfer' appears (OutgoingCallEvent). When it connects, `from` ends as
   * 'transferred', as with the real phone; when it fails, `from` stays.
   */
  simulateTransferredCall(to: { number: string; name?: string }, from?: FakeCall): FakeCall {
    const call = new FakeCall('outgoing', { number: to.number, name: to.name ?? '' }, this.options, 'transfer');
    this.calls.push(call);
    if (from) {
      const follow = () => {
        const s = call.snapshot;
        if (s.status === 'connected') from.simulateTransferredAway(s.remote);
        else if (s.status !== 'ended') return;
        call.removeEventListener(CallChangeEvent.eventName, follow);
      };
      call.addEventListener(CallChangeEvent.eventName, follow);
    }
    this.dispatchEvent(new OutgoingCallEvent(call));
    return call;
  }
}

function newDialog(): DialogId {
  return { callId: `${newCallId()}@fake`, localTag: newCallId().slice(0, 10), remoteTag: newCallId().slice(0, 10) };
}
