/**
 * The calls on screen and the rules a desk phone follows between them, independent of Lit and
 * of JsSIP (it only sees the Phone port):
 *
 * - one call is "active" (the one I am talking on); starting, answering or switching to a call
 *   puts every other live call on hold first (call waiting);
 * - a call I left on hold reminds me (the `hold-reminder` event, repeated) until I resume it;
 * - an ended call leaves the screen after a few seconds, except an outgoing call that failed,
 *   which stays with its message until dismissed.
 */
import type { CallSnapshot, Phone, PhoneCall } from '../phone/types.js';
import { CallChangeEvent, IncomingCallEvent } from '../phone/types.js';

export interface CallStoreOptions {
  /** How long a call may sit on hold before the reminder rings (0 disables). */
  holdReminderMs: number;
  /** How long a normally ended call stays on screen. */
  endedLingerMs: number;
}

export class CallsChangedEvent extends Event {
  static readonly eventName = 'calls-changed' as const;
  constructor() {
    super(CallsChangedEvent.eventName);
  }
}

/** A call has been on hold for the reminder time (fired again every reminder period). */
export class HoldReminderEvent extends Event {
  static readonly eventName = 'hold-reminder' as const;
  constructor(readonly call: CallSnapshot) {
    super(HoldReminderEvent.eventName);
  }
}

/** A new incoming call started ringing. */
export class RingingEvent extends Event {
  static readonly eventName = 'ringing' as const;
  constructor(readonly call: CallSnapshot) {
    super(RingingEvent.eventName);
  }
}

const LIVE = new Set(['calling', 'ringing', 'incoming', 'connecting', 'connected', 'held']);
const QUIET_ENDINGS = new Set(['hangup', 'remote-hangup', 'answered-elsewhere', 'cancelled']);

interface Entry {
  call: PhoneCall;
  snapshot: CallSnapshot;
  reminder?: ReturnType<typeof setTimeout>;
  linger?: ReturnType<typeof setTimeout>;
}

export class CallStore extends EventTarget {
  private readonly entries = new Map<string, Entry>();
  private activeCallId: string | null = null;
  /** Names of the organisation's extensions, for calls whose signalling carried none. */
  private names = new Map<string, string>();

  constructor(private readonly phone: Phone, private options: CallStoreOptions) {
    super();
    phone.addEventListener(IncomingCallEvent.eventName, (e) => this.track((e as IncomingCallEvent).call));
  }

  /** Calls in the order they appeared, named from the directory when the call itself is not. */
  get calls(): CallSnapshot[] {
    return [...this.entries.values()].map((e) => this.named(e.snapshot));
  }

  setDirectory(names: Map<string, string>): void {
    this.names = names;
    this.changed();
  }

  private named(s: CallSnapshot): CallSnapshot {
    if (s.remote.name) return s;
    const name = this.names.get(s.remote.number);
    return name ? { ...s, remote: { ...s.remote, name } } : s;
  }

  get activeId(): string | null {
    return this.activeCallId;
  }

  get ringing(): CallSnapshot[] {
    return this.calls.filter((c) => c.status === 'incoming');
  }

  setOptions(options: Partial<CallStoreOptions>): void {
    this.options = { ...this.options, ...options };
  }

  phoneCall(id: string): PhoneCall | undefined {
    return this.entries.get(id)?.call;
  }

  /** Places a call; whatever I was talking on goes on hold first. */
  async dial(target: string): Promise<CallSnapshot> {
    await this.holdAllExcept(null);
    const call = this.phone.call(target);
    this.track(call);
    this.activeCallId = call.id;
    this.changed();
    return call.snapshot;
  }

  /** Answers a ringing call; whatever I was talking on goes on hold first. */
  async answer(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    await this.holdAllExcept(id);
    this.activeCallId = id;
    this.changed();
    await entry.call.answer();
  }

  /** Makes a held call the active one, holding the others. */
  async switchTo(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    await this.holdAllExcept(id);
    this.activeCallId = id;
    if (entry.snapshot.status === 'held') await entry.call.resume();
    this.changed();
  }

  async hold(id: string): Promise<void> {
    await this.entries.get(id)?.call.hold();
  }

  async resume(id: string): Promise<void> {
    return this.switchTo(id);
  }

  decline(id: string): void {
    this.entries.get(id)?.call.decline();
  }

  hangup(id: string): void {
    this.entries.get(id)?.call.hangup();
  }

  setMuted(id: string, muted: boolean): void {
    this.entries.get(id)?.call.setMuted(muted);
  }

  sendDtmf(id: string, tone: string): void {
    this.entries.get(id)?.call.sendDtmf(tone);
  }

  dismiss(id: string): void {
    const entry = this.entries.get(id);
    if (!entry || entry.snapshot.status !== 'ended') return;
    this.forget(id);
  }

  /** Hangs up everything (logout, taking the phone to another tab). */
  hangupAll(): void {
    for (const e of this.entries.values()) {
      if (e.snapshot.status === 'incoming') e.call.decline();
      else if (LIVE.has(e.snapshot.status)) e.call.hangup();
    }
  }

  private track(call: PhoneCall): void {
    if (this.entries.has(call.id)) return;
    const entry: Entry = { call, snapshot: call.snapshot };
    this.entries.set(call.id, entry);
    call.addEventListener(CallChangeEvent.eventName, (e) => this.update(entry, (e as CallChangeEvent).call));
    if (call.snapshot.status === 'incoming') this.dispatchEvent(new RingingEvent(call.snapshot));
    this.changed();
  }

  private update(entry: Entry, next: CallSnapshot): void {
    const prev = entry.snapshot;
    entry.snapshot = next;
    if (next.status === 'held' && prev.status !== 'held') this.armReminder(entry);
    if (next.status !== 'held') this.disarmReminder(entry);
    if (next.status === 'ended' && prev.status !== 'ended') {
      if (this.activeCallId === next.id) this.activeCallId = null;
      // What I did myself, or a call that simply ended, leaves by itself; an outgoing call that
      // failed stays until dismissed so its reason ("Bob Baker is busy") can be read.
      if (next.direction === 'incoming' || (next.endReason && QUIET_ENDINGS.has(next.endReason))) {
        entry.linger = setTimeout(() => this.forget(next.id), this.options.endedLingerMs);
      }
    }
    this.changed();
  }

  private armReminder(entry: Entry): void {
    this.disarmReminder(entry);
    if (this.options.holdReminderMs <= 0) return;
    const remind = () => {
      this.dispatchEvent(new HoldReminderEvent(entry.snapshot));
      entry.reminder = setTimeout(remind, this.options.holdReminderMs);
    };
    entry.reminder = setTimeout(remind, this.options.holdReminderMs);
  }

  private disarmReminder(entry: Entry): void {
    if (entry.reminder) clearTimeout(entry.reminder);
    entry.reminder = undefined;
  }

  private async holdAllExcept(id: string | null): Promise<void> {
    const holds = [...this.entries.values()]
      .filter((e) => e.snapshot.id !== id && e.snapshot.status === 'connected')
      .map((e) => e.call.hold().catch(() => undefined));
    await Promise.all(holds);
  }

  private forget(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.disarmReminder(entry);
    if (entry.linger) clearTimeout(entry.linger);
    this.entries.delete(id);
    this.changed();
  }

  private changed(): void {
    this.dispatchEvent(new CallsChangedEvent());
  }
}
