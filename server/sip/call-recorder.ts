/**
 * Writes call records (CDRs) as calls progress through the proxy: one record per party, each
 * from that party's point of view (RFC-agnostic; this is the PBX's own bookkeeping).
 *
 *   INVITE routed --> ringing --200--> answered --BYE--> ended
 *                        |--CANCEL (caller)--------> caller: cancelled,   callee: missed
 *                        |--603 (Decline)----------> caller: declined,    callee: declined
 *                        |--486/600 (busy)---------> caller: busy,        callee: declined
 *                        |--ring timeout-----------> caller: no-answer,   callee: missed
 *                        |--no device / 480 / 408--> caller: unavailable, callee: missed
 *                        '--other failure (404..)--> caller: failed,      callee: missed
 *
 * Transfers: when a REFER is accepted, the referring user's record gets `transferredTo`; the call
 * the transferee then places is recorded for both its parties with `transferredFrom` (the
 * transferor). A Switch Phone (the same user's other device replacing its own leg) is the same
 * conversation, so the records of the call simply follow it to the new Call-ID (`moved`).
 */
import type { EventPublisher } from '../events/bus.js';
import type { Cdr, CdrDisposition, CdrPatch, NewCdr, Store } from '../store/types.js';
import type { Logger } from '../log.js';

export interface Party {
  domain: string;
  extension: string;
  name: string;
}

export type FailureCause = 'cancelled' | 'declined' | 'busy' | 'no-answer' | 'unavailable' | 'failed';

interface LiveCall {
  caller: Party;
  callee: Party | null;
  callerId: number;
  calleeId: number | null;
  answered: boolean;
  createdAt: number;
}

/** Calls never seen to end (a lost BYE) are forgotten after this long. */
const STALE_CALL_MS = 12 * 3600_000;
/** Records of unfinished calls the recorder keeps a copy of (see patch()). */
const WRITTEN_KEPT = 10_000;

export class CallRecorder {
  private readonly live = new Map<string, LiveCall>();
  /** Each unfinished record as last written, by id. */
  private readonly written = new Map<number, Cdr>();
  /** Serialises the writes of each call so that "answered" never lands before "created". */
  private readonly chains = new Map<string, Promise<void>>();

  constructor(
    private readonly store: Store,
    private readonly bus: EventPublisher,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * A call attempt from `caller` to `callee` (callee null when the number matched no user);
   * `transferredFrom` names the transferor when a transfer set this call up.
   */
  started(callId: string, caller: Party, callee: Party | null, dialled: string, transferredFrom: string | null = null): void {
    this.enqueue(callId, async () => {
      if (this.live.has(callId)) return; // a retried INVITE (e.g. after a 407) is the same call
      const at = this.now();
      const base = {
        callId, startedAt: at, answeredAt: null, endedAt: null, disposition: 'ringing' as const, sipStatus: null,
        transferredTo: null, transferredFrom, routedTo: null,
      };
      const callerId = await this.insert({
        ...base, domain: caller.domain, extension: caller.extension, direction: 'outbound',
        remoteNumber: callee?.extension ?? dialled, remoteName: callee?.name ?? '',
      });
      const calleeId = callee
        ? await this.insert({
            ...base, domain: callee.domain, extension: callee.extension, direction: 'inbound',
            remoteNumber: caller.extension, remoteName: caller.name,
          })
        : null;
      this.live.set(callId, { caller, callee, callerId, calleeId, answered: false, createdAt: at });
      this.forgetStale(at);
    });
  }

  /**
   * The call was answered. By the callee's own device, both records say answered; by anyone
   * else (voicemail, or a forward), the caller's does and the callee's is a missed call.
   */
  answered(callId: string, byCallee = true): void {
    this.enqueue(callId, async () => {
      const call = this.live.get(callId);
      if (!call || call.answered) return;
      call.answered = true;
      const at = this.now();
      await this.patch(call.callerId, { answeredAt: at, disposition: 'answered' });
      if (call.calleeId === null) return;
      if (byCallee) await this.patch(call.calleeId, { answeredAt: at, disposition: 'answered' });
      else {
        await this.patch(call.calleeId, { endedAt: at, disposition: 'missed' });
        call.calleeId = null;
      }
    });
  }

  failed(callId: string, cause: FailureCause, sipStatus: number | null): void {
    this.enqueue(callId, async () => {
      const call = this.live.get(callId);
      if (!call || call.answered) return;
      this.live.delete(callId);
      const endedAt = this.now();
      const caller: CdrDisposition = cause;
      const callee: CdrDisposition = cause === 'declined' || cause === 'busy' ? 'declined' : 'missed';
      await this.patch(call.callerId, { endedAt, disposition: caller, sipStatus });
      if (call.calleeId !== null) await this.patch(call.calleeId, { endedAt, disposition: callee, sipStatus });
    });
  }

  ended(callId: string): void {
    this.enqueue(callId, async () => {
      const call = this.live.get(callId);
      if (!call || !call.answered) return;
      this.live.delete(callId);
      const endedAt = this.now();
      await this.patch(call.callerId, { endedAt });
      if (call.calleeId !== null) await this.patch(call.calleeId, { endedAt });
    });
  }

  /** The callee's answering rule sent the call somewhere ("forwarded to 1003"): both records say where. */
  routed(callId: string, to: string): void {
    this.enqueue(callId, async () => {
      const call = this.live.get(callId);
      if (!call) return;
      await this.patch(call.callerId, { routedTo: to });
      if (call.calleeId !== null) await this.patch(call.calleeId, { routedTo: to });
    });
  }

  /** `by` transferred the call (REFER accepted): their own record says to whom. */
  transferred(callId: string, by: { domain: string; extension: string }, to: string): void {
    this.enqueue(callId, async () => {
      const call = this.live.get(callId);
      if (!call) return;
      const isCaller = call.caller.domain === by.domain && call.caller.extension === by.extension;
      const isCallee = call.callee?.domain === by.domain && call.callee.extension === by.extension;
      const id = isCaller ? call.callerId : isCallee ? call.calleeId : null;
      if (id !== null) await this.patch(id, { transferredTo: to });
    });
  }

  /**
   * The call continues under another Call-ID (Switch Phone: an INVITE with Replaces from the
   * same user's other device was answered). Its records stay open and end with the new dialog.
   */
  moved(fromCallId: string, toCallId: string): void {
    // Both chains wait for the move, so an early BYE of the new dialog cannot overtake it.
    const prev = Promise.all([this.chains.get(fromCallId), this.chains.get(toCallId)]);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    this.enqueue(toCallId, () => gate);
    this.enqueue(fromCallId, async () => {
      await prev;
      const call = this.live.get(fromCallId);
      if (call && !this.live.has(toCallId)) {
        this.live.delete(fromCallId);
        this.live.set(toCallId, call);
      }
      release();
    });
  }

  /** Resolves when every write queued so far has landed (tests and shutdown). */
  async flush(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  private enqueue(callId: string, work: () => Promise<void>): void {
    const prev = this.chains.get(callId) ?? Promise.resolve();
    const next = prev.then(work).catch((err: unknown) => {
      this.log.error('call record write failed', { callId, error: (err as Error).message });
    });
    this.chains.set(callId, next);
    void next.then(() => {
      if (this.chains.get(callId) === next) this.chains.delete(callId);
    });
  }

  private async insert(cdr: NewCdr): Promise<number> {
    const id = await this.store.cdrs.insert(cdr);
    const record = { ...cdr, id };
    this.remember(record);
    this.bus.emit('cdr', record);
    return id;
  }

  /**
   * Writes a change and publishes the whole record. The recorder is the only writer of records
   * while their call lasts, so it publishes its own copy rather than reading the row back (that
   * read was a third of a call's record-keeping CPU, bench/profile-sip.ts).
   */
  private async patch(id: number, patch: CdrPatch): Promise<void> {
    await this.store.cdrs.update(id, patch);
    const known = this.written.get(id);
    const cdr: Cdr | undefined = known ? { ...known, ...patch } : await this.store.cdrs.get(id);
    if (!cdr) return;
    if (cdr.endedAt !== null) this.written.delete(id);
    else this.remember(cdr);
    this.bus.emit('cdr', cdr);
  }

  private remember(cdr: Cdr): void {
    this.written.delete(cdr.id);
    this.written.set(cdr.id, cdr);
    // Records of calls that never ended (a lost BYE) go oldest first; patch() reads those back.
    if (this.written.size > WRITTEN_KEPT) this.written.delete(this.written.keys().next().value!);
  }

  private forgetStale(now: number): void {
    if (this.live.size < 1000) return;
    for (const [callId, call] of this.live) if (now - call.createdAt > STALE_CALL_MS) this.live.delete(callId);
  }
}
