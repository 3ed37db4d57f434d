/**
 * The call state machine shared by every PhoneCall implementation, so that the JsSIP adapter and
 * the fake phone cannot drift apart. It owns the snapshot: each change produces a new frozen
 * object and reports it through `onChange`.
 *
 *   outgoing:  calling ──1xx──▶ ringing ──2xx──▶ connected ◀──hold/resume──▶ held
 *                 └──────────────2xx──────────────▲
 *   incoming:  incoming ──answer()──▶ connecting ──ACK + media up──▶ connected ◀──▶ held
 *   every state except ended ──hang up / decline / failure / remote BYE──▶ ended (final)
 */
import type { CallDirection, CallSnapshot, CallStatus, EndReason, Party } from './types.js';

type LiveStatus = Exclude<CallStatus, 'ended'>;

const NEXT: Readonly<Record<CallStatus, readonly LiveStatus[]>> = {
  calling: ['ringing', 'connected'],
  ringing: ['connected'],
  incoming: ['connecting'],
  connecting: ['connected'],
  connected: ['held'],
  held: ['connected'],
  ended: [],
};

export interface CallStart {
  id: string;
  direction: CallDirection;
  remote: Party;
  /** 'normal' unless a transfer (we were REFERred) or Switch Phone created the call. */
  origin?: CallSnapshot['origin'];
  now?: number;
}

/** The parts of a snapshot that change without a state transition. */
export type CallDetails = Partial<
  Pick<CallSnapshot, 'remote' | 'muted' | 'remoteHeld' | 'dtmf' | 'dtmfReceived' | 'transfer' | 'transferError' | 'answeredBy'>
>;

export class CallMachine {
  private current: CallSnapshot;

  constructor(start: CallStart, private readonly onChange: (snapshot: CallSnapshot) => void) {
    this.current = Object.freeze({
      id: start.id,
      direction: start.direction,
      status: start.direction === 'outgoing' ? 'calling' : 'incoming',
      remote: Object.freeze({ ...start.remote }),
      startedAt: start.now ?? Date.now(),
      connectedAt: null,
      endedAt: null,
      muted: false,
      remoteHeld: false,
      dtmf: '',
      dtmfReceived: '',
      endReason: null,
      transfer: 'none',
      transferError: '',
      origin: start.origin ?? 'normal',
      endMessage: '',
    } satisfies CallSnapshot);
  }

  get snapshot(): CallSnapshot {
    return this.current;
  }

  get status(): CallStatus {
    return this.current.status;
  }

  get ended(): boolean {
    return this.current.status === 'ended';
  }

  /** Whether `next` is reachable from the current state in one step. */
  can(next: LiveStatus): boolean {
    return NEXT[this.current.status].includes(next);
  }

  /** Moves to `next` when the diagram allows it; returns false and changes nothing otherwise. */
  to(next: LiveStatus, now = Date.now()): boolean {
    if (!this.can(next)) return false;
    this.commit({
      status: next,
      connectedAt: next === 'connected' && this.current.connectedAt === null ? now : this.current.connectedAt,
    });
    return true;
  }

  /** Ends the call once; later calls are ignored (the first cause is the true one). */
  end(reason: EndReason, message: string, now = Date.now()): boolean {
    if (this.ended) return false;
    // A transfer still waiting for its outcome has none once the call is gone.
    const transfer = this.current.transfer === 'in-progress' ? 'none' : this.current.transfer;
    this.commit({ status: 'ended', endedAt: now, endReason: reason, endMessage: message, transfer });
    return true;
  }

  /**
   * Publishes a new snapshot with no visible change: something the snapshot does not carry
   * changed (the remote or local stream after the call's session was replaced, RFC 3891), and
   * listeners that read those from the PhoneCall on every change must look again.
   */
  touch(): void {
    if (this.ended) return;
    this.commit({});
  }

  /** Changes details of a live call; an ended call's snapshot is final. */
  update(details: CallDetails): void {
    if (this.ended) return;
    const changed = (Object.keys(details) as Array<keyof CallDetails>).some((k) => details[k] !== this.current[k]);
    if (!changed) return;
    this.commit(details.remote ? { ...details, remote: Object.freeze({ ...details.remote }) } : details);
  }

  private commit(changes: Partial<CallSnapshot>): void {
    this.current = Object.freeze({ ...this.current, ...changes });
    this.onChange(this.current);
  }
}

/** A call id that does not need a secure context (crypto.randomUUID does). */
export function newCallId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** RFC 4733 s3.2 events 0-15 as the dialpad names them. */
export const DTMF_TONE = /^[0-9A-D#*]$/i;
