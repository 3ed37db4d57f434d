/**
 * The transaction layer: server transactions (RFC 3261 s17.2) for the out-of-dialog requests we
 * proxy, and the client branches (s16.6) each of them forks. It keeps them, finds them by key
 * and branch, builds the requests a branch sends (the fork itself, its CANCEL, the ACK for a
 * non-2xx) and lingers finished transactions so late retransmissions and ACKs are absorbed.
 * What a transaction does next is the executor's call (routing/executor.ts).
 *
 *   INVITE server transaction (TxState):
 *
 *     proceeding --first 2xx of a branch---------------------------------> answered
 *        |  |--a step's branches all fail or time out --> next step (still proceeding)
 *        |  '--the last step fails-------------------------------------> completed (best answer)
 *        '--CANCEL, or the caller's flow is gone--> cancelling --487s--> completed (487)
 *     answered | completed --Timer J (32 s)--> forgotten
 *
 *   A non-INVITE transaction is the same with no ring timeout, and 408 after Timer F (32 s).
 */
import { randomBytes } from 'node:crypto';
import type { User } from '../store/types.js';
import type { FailureCause, Party } from './call-recorder.js';
import type { ReplacesMatch } from './dialogs.js';
import type { SipFlow } from './flow.js';
import { SipHeaders, type SipRequest, type SipResponse } from './message.js';
import { parseCSeq, parseVia } from './uri.js';

export type TxState = 'proceeding' | 'cancelling' | 'answered' | 'completed';

export const MAGIC = 'z9hG4bK';
/** Branch prefix of in-dialog requests forwarded statelessly: the upstream flow id follows. */
export const STATELESS = `${MAGIC}-s.`;
const STATEFUL = `${MAGIC}-f.`;
/** Branch prefix of requests the proxy originates itself (a BYE for a party whose flow died). */
export const OWN = `${MAGIC}-o.`;
/** Timer J / Timer F: how long a finished transaction absorbs late ACKs and retransmissions. */
export const LINGER_MS = 32_000;

/** Where a branch goes: a live binding, a platform service, or one party of a known dialog. */
export interface Target {
  /** Who answers there: the device's user, or the service itself (`voicemail@demo`). */
  owner: Party;
  flow: SipFlow;
  contact: string;
  deviceId: string | null;
  deviceLabel: string;
}

export interface Caller {
  user: User;
  deviceId: string | null;
  deviceLabel: string;
}

export interface ClientBranch {
  id: string;
  tx: ServerTx;
  target: Target;
  request: SipRequest;
  /** The plan step that forked it. */
  step: number;
  final: SipResponse | null;
  cancelled: boolean;
}

export interface ServerTx {
  key: string;
  request: SipRequest;
  flow: SipFlow;
  isInvite: boolean;
  callId: string;
  state: TxState;
  /** The plan step now ringing. */
  step: number;
  /** Every branch of every step so far: a late 2xx from an earlier step still answers the call. */
  branches: ClientBranch[];
  /** Why the caller gets no 2xx, once that is decided (CANCEL, ring timeout, ...). */
  cause: FailureCause | null;
  timers: NodeJS.Timeout[];
  /** The callee as the caller should see them, on every response we pass up (RFC 3325). */
  calleeIdentity: string;
  caller: Caller;
  /** Whom the caller reached: a user, or the number of a service acting for nobody. */
  callee: Party;
  /** The dialog this INVITE replaces (RFC 3891), when it carries a Replaces header. */
  replaces: ReplacesMatch | null;
  /** The replacing INVITE comes from the same user as the replaced leg: a Switch Phone. */
  isSwitch: boolean;
}

export class TransactionTable {
  private readonly serverTxs = new Map<string, ServerTx>();
  private readonly clientBranches = new Map<string, ClientBranch>();

  constructor(private readonly host: string) {}

  get(key: string): ServerTx | undefined {
    return this.serverTxs.get(key);
  }

  add(tx: ServerTx): void {
    this.serverTxs.set(tx.key, tx);
  }

  branch(id: string): ClientBranch | undefined {
    return this.clientBranches.get(id);
  }

  all(): IterableIterator<ServerTx> {
    return this.serverTxs.values();
  }

  hasInvite(callId: string): boolean {
    for (const tx of this.serverTxs.values()) if (tx.isInvite && tx.callId === callId) return true;
    return false;
  }

  /** A new branch of `tx` to `target` (s16.6), recorded so its responses find it; not yet sent. */
  fork(tx: ServerTx, target: Target, assertedIdentity: string): ClientBranch {
    const id = STATEFUL + randomBytes(9).toString('base64url');
    const headers = tx.request.headers.clone();
    headers.set('Max-Forwards', String(Number(headers.get('Max-Forwards') ?? '70') - 1));
    // Our realm's credentials are consumed here (s22.3); identity is asserted instead (RFC 3325).
    headers.delete('Proxy-Authorization');
    headers.delete('P-Asserted-Identity');
    headers.append('P-Asserted-Identity', assertedIdentity);
    if (tx.isInvite) headers.prepend('Record-Route', `<sip:${this.host};transport=ws;lr;fa=${tx.flow.id};fb=${target.flow.id}>`);
    headers.prepend('Via', `SIP/2.0/${target.flow.secure ? 'WSS' : 'WS'} ${this.host};branch=${id}`);
    const branch: ClientBranch = { id, tx, target, request: { ...tx.request, uri: target.contact, headers }, step: tx.step, final: null, cancelled: false };
    tx.branches.push(branch);
    this.clientBranches.set(id, branch);
    return branch;
  }

  /**
   * CANCEL for one forwarded INVITE (s9.1): same R-URI, Call-ID, From, To, CSeq number, Via.
   * When another device answered, the Reason (RFC 3326) lets this one say "answered elsewhere"
   * instead of showing a missed call.
   */
  cancel(branch: ClientBranch, answeredElsewhere = false): void {
    if (branch.final || branch.cancelled || !branch.tx.isInvite) return;
    branch.cancelled = true;
    const headers = hopHeaders(branch.request, branch.request.headers.get('To') ?? '', 'CANCEL');
    if (answeredElsewhere) headers.append('Reason', 'SIP;cause=200;text="Call completed elsewhere"');
    branch.target.flow.send({ type: 'request', method: 'CANCEL', uri: branch.request.uri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) });
  }

  /** The hop-by-hop ACK for a non-2xx final response (s17.1.1.3). */
  ack(branch: ClientBranch, res: SipResponse): void {
    if (!branch.tx.isInvite) return;
    const headers = hopHeaders(branch.request, res.headers.get('To') ?? '', 'ACK');
    branch.target.flow.send({ type: 'request', method: 'ACK', uri: branch.request.uri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) });
  }

  /** Keeps a finished transaction for Timer J, then forgets it and its branches. */
  linger(tx: ServerTx): void {
    tx.timers.forEach(clearTimeout);
    tx.timers = [setTimeout(() => {
      this.serverTxs.delete(tx.key);
      for (const b of tx.branches) this.clientBranches.delete(b.id);
    }, LINGER_MS)];
    tx.timers[0]!.unref();
  }

  clear(): void {
    for (const tx of this.serverTxs.values()) tx.timers.forEach(clearTimeout);
    this.serverTxs.clear();
    this.clientBranches.clear();
  }
}

/** CANCEL and ACK of a branch: its Via, From, Call-ID and CSeq number, and the given To. */
function hopHeaders(request: SipRequest, to: string, method: 'CANCEL' | 'ACK'): SipHeaders {
  const src = request.headers;
  return new SipHeaders([
    ['Via', src.get('Via') ?? ''],
    ['Max-Forwards', '70'],
    ['From', src.get('From') ?? ''],
    ['To', to],
    ['Call-ID', src.get('Call-ID') ?? ''],
    ['CSeq', `${parseCSeq(src.get('CSeq') ?? '')?.seq ?? 1} ${method}`],
  ]);
}

/** Server transaction key (s17.2.3): top Via branch and sent-by, and the method (ACK -> INVITE). */
export function txKey(req: SipRequest, method = req.method): string {
  const via = parseVia(req.headers.getAll('Via')[0] ?? '');
  const m = method === 'ACK' ? 'INVITE' : method;
  return `${via?.params.get('branch') ?? ''}|${via?.host ?? ''}:${via?.port ?? ''}|${m}`;
}

/** s16.7 step 6: a 6xx wins; else the lowest class, preferring "busy" among them. */
export function pickBest(finals: SipResponse[]): SipResponse {
  const sixes = finals.find((r) => r.status >= 600);
  if (sixes) return sixes;
  const sorted = [...finals].sort((a, b) => Math.floor(a.status / 100) - Math.floor(b.status / 100));
  const lowestClass = Math.floor(sorted[0]!.status / 100);
  const sameClass = sorted.filter((r) => Math.floor(r.status / 100) === lowestClass);
  return sameClass.find((r) => r.status === 486) ?? sameClass[0]!;
}

export function causeOf(status: number): FailureCause {
  if (status === 486 || status === 600) return 'busy';
  if (status === 603) return 'declined';
  if (status === 487) return 'cancelled';
  if (status === 480 || status === 408) return 'unavailable';
  return 'failed';
}
