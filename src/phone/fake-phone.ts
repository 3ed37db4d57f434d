/**
 * A scriptable Phone for tests of the layers above phone/ (state, controllers, views): the test
 * plays the network (`simulate*`), the code under test plays the user, and every request it made
 * is recorded. Same state machine and end messages as the JsSIP adapter.
 */
import { endMessage, reasonForStatus } from './call-end.js';
import { CallMachine, DTMF_TONE, newCallId } from './call-state.js';
import {
  CallChangeEvent,
  IncomingCallEvent,
  RegistrationEvent,
  type AudioDevices,
  type CallDirection,
  type CallSnapshot,
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
  | { type: 'dtmf'; tone: string };

export interface FakeCallOptions {
  /** answer() goes straight on to 'connected' (default); false leaves it 'connecting' until simulateMediaUp(). */
  answerConnects?: boolean;
  /** hold()/resume() complete by themselves (default); false keeps them pending until completeReoffer(). */
  reofferCompletes?: boolean;
}

export class FakeCall extends EventTarget implements PhoneCall {
  readonly id = newCallId();
  readonly actions: FakeCallAction[] = [];
  private readonly machine: CallMachine;
  private stream: MediaStream | null = null;
  private stats: RTCStatsReport | null = null;
  private pendingReoffers: Array<{ held: boolean; resolve: () => void; reject: (err: Error) => void }> = [];

  constructor(direction: CallDirection, remote: Party, private readonly options: FakeCallOptions = {}) {
    super();
    this.machine = new CallMachine({ id: this.id, direction, remote }, (snapshot) => {
      this.dispatchEvent(new CallChangeEvent(snapshot));
    });
  }

  get snapshot(): CallSnapshot {
    return this.machine.snapshot;
  }

  get remoteStream(): MediaStream | null {
    return this.stream;
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

  /** Completes the oldest pending hold/resume (with `reofferCompletes: false`), or fails it. */
  completeReoffer(error?: Error): void {
    const next = this.pendingReoffers.shift();
    if (!next) throw new Error('No hold or resume is pending');
    if (error) return next.reject(error);
    this.machine.to(next.held ? 'held' : 'connected');
    next.resolve();
  }

  // ---- internals --------------------------------------------------------------------------

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
}
