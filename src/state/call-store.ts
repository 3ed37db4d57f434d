/**
 * The calls on screen and the rules a desk phone follows between them, independent of Lit and
 * of JsSIP (it only sees the Phone port):
 *
 * - one call is "active" (the one I am talking on); starting, answering or switching to a call
 *   puts every other live call on hold first (call waiting);
 * - a call I left on hold reminds me (the `hold-reminder` event, repeated) until I resume it,
 *   and from the first reminder on it is listed in `remindedIds` (its card says it is still on
 *   hold) until it is no longer held;
 * - an ended call leaves the screen after a few seconds, except an outgoing call that failed,
 *   which stays with its message until dismissed;
 * - Add Call places a second call linked to the first, and Merge joins them in a conference
 *   mixed in this page (each party hears me and the other);
 * - Transfer is blind (the phone's REFER) or attended: a consultation call linked to the
 *   original, then Complete Transfer or Cancel Transfer;
 * - a hidden call keeps going off the grid and comes back by itself when it needs me (the
 *   other side hung up, or the hold reminder rang).
 */
import type { CallSnapshot, Phone, PhoneCall } from '../phone/types.js';
import { CallChangeEvent, IncomingCallEvent, OutgoingCallEvent } from '../phone/types.js';
import { UnsentCall } from '../phone/unsent-call.js';

/** Mixes the legs of a conference (phone/conference-mixer.ts in the app, a fake in tests). */
export interface Mixer {
  add(call: PhoneCall): void | Promise<void>;
  remove(call: PhoneCall): void | Promise<void>;
  setMuted(muted: boolean): void;
  dispose(): void | Promise<void>;
}

export interface Conference {
  id: string;
  /** Call ids of the legs, in the order they joined. */
  legs: string[];
  muted: boolean;
  mixer: Mixer;
}

export interface ConferenceView {
  id: string;
  participants: CallSnapshot[];
  muted: boolean;
  held: boolean;
}

export interface CallStoreOptions {
  /** Builds the mixer for a new conference. */
  createMixer?: () => Mixer;
  /** How long a call may sit on hold before the reminder rings (0 disables). */
  holdReminderMs: number;
  /** How long a normally ended call stays on screen. */
  endedLingerMs: number;
  /** Whether the browser has a network (navigator.onLine unless a test says otherwise). */
  isOnline?: () => boolean;
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

function partyName(s: CallSnapshot): string {
  return s.remote.name || s.remote.number;
}

const LIVE = new Set(['calling', 'ringing', 'incoming', 'connecting', 'connected', 'held']);
const QUIET_ENDINGS = new Set(['hangup', 'remote-hangup', 'answered-elsewhere', 'cancelled', 'transferred', 'moved']);

interface Entry {
  call: PhoneCall;
  snapshot: CallSnapshot;
  reminder?: ReturnType<typeof setTimeout>;
  /** The hold reminder has fired since the call was put on hold. */
  reminded?: boolean;
  linger?: ReturnType<typeof setTimeout>;
}

export class CallStore extends EventTarget {
  private readonly entries = new Map<string, Entry>();
  private activeCallId: string | null = null;
  /** Names of the organisation's extensions, for calls whose signalling carried none. */
  private names = new Map<string, string>();
  private readonly hidden = new Set<string>();
  /** Add Call: new call id -> the call it was added to (until merged or either ends). */
  private readonly addedTo = new Map<string, string>();
  /** Attended transfer: consultation call id -> the original call being transferred. */
  private readonly consulting = new Map<string, string>();
  private readonly conferenceList = new Map<string, Conference>();
  private conferenceSeq = 0;

  constructor(private readonly phone: Phone, private options: CallStoreOptions) {
    super();
    phone.addEventListener(IncomingCallEvent.eventName, (e) => this.track((e as IncomingCallEvent).call));
    // The other side transferred me: the phone is calling the target by itself.
    phone.addEventListener(OutgoingCallEvent.eventName, (e) => this.adopt((e as OutgoingCallEvent).call));
  }

  /** Calls in the order they appeared, named from the directory when the call itself is not. */
  get calls(): CallSnapshot[] {
    return [...this.entries.values()].map((e) => this.named(e.snapshot));
  }

  /** Calls shown as their own cards: not hidden, not a conference leg. */
  get visibleCalls(): CallSnapshot[] {
    const legs = new Set([...this.conferenceList.values()].flatMap((c) => c.legs));
    return this.calls.filter((c) => !this.hidden.has(c.id) && !legs.has(c.id));
  }

  /** Held calls whose hold reminder has fired (their cards show "Still on hold"). */
  get remindedIds(): string[] {
    return [...this.entries.values()].filter((e) => e.reminded && e.snapshot.status === 'held').map((e) => e.call.id);
  }

  get hiddenCalls(): CallSnapshot[] {
    return this.calls.filter((c) => this.hidden.has(c.id));
  }

  get conferences(): ConferenceView[] {
    return [...this.conferenceList.values()].map((c) => {
      const participants = c.legs.map((id) => this.entries.get(id)).filter((e): e is Entry => !!e).map((e) => this.named(e.snapshot));
      return { id: c.id, participants, muted: c.muted, held: participants.length > 0 && participants.every((p) => p.status === 'held') };
    });
  }

  /** Ids of calls that were added to another and can now be merged with it. */
  get mergeableIds(): string[] {
    return [...this.addedTo].filter(([id, to]) => this.isLive(id, ['connected']) && this.isLive(to, ['connected', 'held'])).map(([id]) => id);
  }

  /** Attended transfers under way: the role of each call and who the other one is with. */
  get consultations(): Record<string, { role: 'original' | 'consultation'; otherName: string }> {
    const out: Record<string, { role: 'original' | 'consultation'; otherName: string }> = {};
    for (const [consultId, originalId] of this.consulting) {
      const consult = this.entries.get(consultId);
      const original = this.entries.get(originalId);
      if (!consult || !original) continue;
      out[consultId] = { role: 'consultation', otherName: partyName(this.named(original.snapshot)) };
      out[originalId] = { role: 'original', otherName: partyName(this.named(consult.snapshot)) };
    }
    return out;
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

  /**
   * Places a call; whatever I was talking on goes on hold first. Offline, nothing is sent: the
   * call's card says at once that calls need a connection.
   */
  async dial(target: string): Promise<CallSnapshot> {
    if (!(this.options.isOnline ?? (() => navigator.onLine))()) {
      const unsent = new UnsentCall(target, 'offline');
      this.track(unsent);
      this.changed();
      return unsent.snapshot;
    }
    await this.holdAllExcept(null);
    const call = this.phone.call(target);
    this.track(call);
    this.activeCallId = call.id;
    this.changed();
    return call.snapshot;
  }

  /**
   * Shows a call the phone started on its own (a transfer we were asked to make, a call pulled
   * from another device) and makes it the active one.
   */
  adopt(call: PhoneCall): void {
    this.track(call);
    this.activeCallId = call.id;
    this.changed();
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

  hide(id: string): void {
    if (!this.entries.has(id)) return;
    this.hidden.add(id);
    this.changed();
  }

  unhide(id: string): void {
    this.hidden.delete(id);
    this.changed();
  }

  /** Add Call: holds what I am talking on and calls `target`, linked for a later Merge. */
  async addCall(toId: string, target: string): Promise<CallSnapshot> {
    const call = await this.dial(target);
    this.addedTo.set(call.id, toId);
    return call;
  }

  /** Joins an added call and the call it was added to in a conference mixed here. */
  async merge(addedId: string): Promise<void> {
    const originalId = this.addedTo.get(addedId);
    const original = originalId ? this.entries.get(originalId) : undefined;
    const added = this.entries.get(addedId);
    if (!original || !added || !this.options.createMixer) return;
    this.addedTo.delete(addedId);
    if (original.snapshot.status === 'held') await original.call.resume();
    const conference: Conference = { id: `conference-${++this.conferenceSeq}`, legs: [original.call.id, added.call.id], muted: false, mixer: this.options.createMixer() };
    this.conferenceList.set(conference.id, conference);
    await conference.mixer.add(original.call);
    await conference.mixer.add(added.call);
    this.activeCallId = added.call.id;
    this.changed();
  }

  conferenceOf(callId: string): Conference | undefined {
    return [...this.conferenceList.values()].find((c) => c.legs.includes(callId));
  }

  setConferenceMuted(id: string, muted: boolean): void {
    const conference = this.conferenceList.get(id);
    if (!conference) return;
    conference.muted = muted;
    conference.mixer.setMuted(muted);
    for (const leg of conference.legs) this.entries.get(leg)?.call.setMuted(muted);
    this.changed();
  }

  async holdConference(id: string, held: boolean): Promise<void> {
    const conference = this.conferenceList.get(id);
    if (!conference) return;
    if (!held) await this.holdAllExcept(null, conference.legs);
    await Promise.all(conference.legs.map((leg) => {
      const call = this.entries.get(leg)?.call;
      return (held ? call?.hold() : call?.resume())?.catch(() => undefined);
    }));
  }

  hangupConference(id: string): void {
    for (const leg of this.conferenceList.get(id)?.legs ?? []) this.entries.get(leg)?.call.hangup();
  }

  /** Drops one participant; the conference goes on with the others (or back to a plain call). */
  dropParticipant(conferenceId: string, callId: string): void {
    if (this.conferenceList.get(conferenceId)?.legs.includes(callId)) this.entries.get(callId)?.call.hangup();
  }

  /** Blind transfer; a failure is on the call's snapshot (transferError) and the call stays. */
  async transferBlind(id: string, target: string): Promise<void> {
    await this.entries.get(id)?.call.transfer(target).catch(() => undefined);
  }

  /** Attended transfer, step one: hold the call and talk to the target first. */
  async startConsultation(id: string, target: string): Promise<CallSnapshot> {
    const call = await this.dial(target);
    this.consulting.set(call.id, id);
    this.changed();
    return call;
  }

  /** Attended transfer, step two: connect the original party with the consultation's. */
  async completeTransfer(consultId: string): Promise<void> {
    const originalId = this.consulting.get(consultId);
    const original = originalId ? this.entries.get(originalId) : undefined;
    const consult = this.entries.get(consultId);
    if (!original || !consult) return;
    await original.call.completeTransfer(consult.call).catch(() => undefined);
  }

  /** Gives up an attended transfer: the consultation ends and the original call resumes. */
  async cancelTransfer(consultId: string): Promise<void> {
    const originalId = this.consulting.get(consultId);
    this.consulting.delete(consultId);
    this.entries.get(consultId)?.call.hangup();
    if (originalId) await this.switchTo(originalId);
    this.changed();
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
      this.unlink(next.id);
      // A hidden call that ends comes back so the user sees what happened.
      this.hidden.delete(next.id);
      // What I did myself, or a call that simply ended, leaves by itself; an outgoing call that
      // failed stays until dismissed so its reason ("Bob Baker is busy") can be read.
      if (next.direction === 'incoming' || (next.endReason && QUIET_ENDINGS.has(next.endReason))) {
        entry.linger = setTimeout(() => this.forget(next.id), this.options.endedLingerMs);
      }
    }
    this.changed();
  }

  /** Forgets the links of an ended call: add-call, consultation, conference leg. */
  private unlink(id: string): void {
    this.addedTo.delete(id);
    for (const [added, to] of this.addedTo) if (to === id) this.addedTo.delete(added);
    this.consulting.delete(id);
    for (const [consult, original] of this.consulting) if (original === id) this.consulting.delete(consult);
    const conference = this.conferenceOf(id);
    if (!conference) return;
    const entry = this.entries.get(id);
    conference.legs = conference.legs.filter((leg) => leg !== id);
    if (entry) void conference.mixer.remove(entry.call);
    if (conference.legs.length < 2) {
      // One party left: an ordinary call again, sending the plain microphone.
      void conference.mixer.dispose();
      this.conferenceList.delete(conference.id);
      if (conference.legs[0]) this.activeCallId = conference.legs[0];
    }
  }

  private armReminder(entry: Entry): void {
    this.disarmReminder(entry);
    if (this.options.holdReminderMs <= 0) return;
    const remind = () => {
      // A hidden call left on hold comes back to the grid with its reminder, which its card shows.
      const unhidden = this.hidden.delete(entry.call.id);
      const first = !entry.reminded;
      entry.reminded = true;
      if (unhidden || first) this.changed();
      this.dispatchEvent(new HoldReminderEvent(entry.snapshot));
      entry.reminder = setTimeout(remind, this.options.holdReminderMs);
    };
    entry.reminder = setTimeout(remind, this.options.holdReminderMs);
  }

  private disarmReminder(entry: Entry): void {
    if (entry.reminder) clearTimeout(entry.reminder);
    entry.reminder = undefined;
    entry.reminded = false;
  }

  private async holdAllExcept(id: string | null, keep: string[] = []): Promise<void> {
    // Conference legs stay up together: holding one would cut the others off from it.
    const inConference = id ? this.conferenceOf(id)?.legs ?? [] : [];
    const holds = [...this.entries.values()]
      .filter((e) => e.snapshot.id !== id && !keep.includes(e.snapshot.id) && !inConference.includes(e.snapshot.id) && e.snapshot.status === 'connected')
      .map((e) => e.call.hold().catch(() => undefined));
    await Promise.all(holds);
  }

  private isLive(id: string, states: string[]): boolean {
    const status = this.entries.get(id)?.snapshot.status;
    return status !== undefined && states.includes(status);
  }

  private forget(id: string): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.hidden.delete(id);
    this.disarmReminder(entry);
    if (entry.linger) clearTimeout(entry.linger);
    this.entries.delete(id);
    this.changed();
  }

  private changed(): void {
    this.dispatchEvent(new CallsChangedEvent());
  }
}
