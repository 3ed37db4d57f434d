/**
 * The SIP core of the platform: validates every request (RFC 3261 s16.3), hands REGISTER to the
 * registrar, and proxies everything else between WebSocket flows.
 *
 * Initial requests (no To tag) are authenticated, then forked in parallel to every live binding
 * of the called user (s16.6-16.7): the first 2xx wins and the other branches are CANCELled; when
 * every branch fails, the best final response goes back. INVITEs are record-routed with a URI
 * naming both flows (caller's `fa`, callee's `fb`), so in-dialog requests (ACK, BYE, re-INVITE,
 * INFO, REFER, NOTIFY, MESSAGE, UPDATE) come back here and go out on the other flow, statelessly.
 *
 *   INVITE tx:  proceeding --2xx--> answered (forward every 2xx, CANCEL the rest)
 *                   |--all branches final--> best response forwarded
 *                   |--CANCEL / ring timeout / caller gone--> branches CANCELled, 487 or 480
 */
import { randomBytes } from 'node:crypto';
import type { Store, User } from '../store/types.js';
import type { Logger } from '../log.js';
import type { CallRecorder, FailureCause, Party } from './call-recorder.js';
import { createResponse, SipHeaders, type SipRequest, type SipResponse, type SipMessage } from './message.js';
import type { Binding, Registrar } from './registrar.js';
import type { SipAuthenticator } from './sip-auth.js';
import { formatNameAddr, parseCSeq, parseNameAddr, parseUri, parseVia } from './uri.js';
import type { Flow } from './ws-transport.js';

export interface ProxyOptions {
  /** Our host name in Via and Record-Route; UAs never resolve it, they reply on their WebSocket. */
  host: string;
  /** How long an unanswered call rings before the caller gets 480 No Answer. */
  ringTimeoutMs: number;
}

const MAGIC = 'z9hG4bK';
/** Branch prefix of in-dialog requests forwarded statelessly: the upstream flow id follows. */
const STATELESS = `${MAGIC}-s.`;
const STATEFUL = `${MAGIC}-f.`;
/** How long a finished transaction is kept to absorb a late ACK or retransmission (Timer J). */
const LINGER_MS = 32_000;
/** How long a CANCELled branch may take to send its 487 before we stop waiting. */
const CANCEL_GRACE_MS = 5_000;
const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY, MESSAGE, SUBSCRIBE, PRACK';

interface ClientBranch {
  id: string;
  tx: ServerTx;
  flow: Flow;
  request: SipRequest;
  final: SipResponse | null;
  cancelled: boolean;
}

interface ServerTx {
  key: string;
  request: SipRequest;
  flow: Flow;
  isInvite: boolean;
  branches: ClientBranch[];
  /** A final response has been sent upstream. */
  done: boolean;
  cancelled: boolean;
  cause: FailureCause | null;
  timers: NodeJS.Timeout[];
  /** The callee as the caller should see them, on every response we pass up (RFC 3325). */
  calleeIdentity: string;
}

export class SipProxy {
  private readonly serverTxs = new Map<string, ServerTx>();
  private readonly clientBranches = new Map<string, ClientBranch>();

  constructor(
    private readonly store: Store,
    private readonly registrar: Registrar,
    private readonly auth: SipAuthenticator,
    private readonly recorder: CallRecorder,
    private readonly flows: ReadonlyMap<string, Flow>,
    private readonly log: Logger,
    private readonly options: ProxyOptions,
  ) {}

  /** Entry point for every well-formed message received on any flow. */
  async handle(msg: SipMessage, flow: Flow): Promise<void> {
    if (msg.type === 'response') this.handleResponse(msg, flow);
    else await this.handleRequest(msg, flow);
  }

  /** A flow went away: its pending calls are cancelled and its ringing branches fail. */
  flowClosed(flow: Flow): void {
    for (const tx of this.serverTxs.values()) {
      if (tx.done) continue;
      if (tx.flow === flow) {
        this.cancelTx(tx, 'cancelled');
        continue;
      }
      for (const branch of tx.branches) {
        if (branch.flow === flow && !branch.final) this.branchFinal(branch, createResponse(branch.request, 480, 'Temporarily Unavailable'));
      }
    }
  }

  stop(): void {
    for (const tx of this.serverTxs.values()) tx.timers.forEach(clearTimeout);
    this.serverTxs.clear();
    this.clientBranches.clear();
  }

  // ---- requests -------------------------------------------------------------------------

  private async handleRequest(req: SipRequest, flow: Flow): Promise<void> {
    const reply = (status: number, reason?: string, extra?: Array<[string, string]>) => {
      if (req.method !== 'ACK') flow.send(createResponse(req, status, reason, extra));
    };

    const ruri = parseUri(req.uri);
    if (!ruri) return reply(400, 'Bad Request');
    if (ruri.scheme !== 'sip' && ruri.scheme !== 'sips') return reply(416, 'Unsupported URI Scheme');

    // s16.3 step 4: loop detection. We never forward to ourselves, so our own Via means a loop.
    for (const v of req.headers.getAll('Via')) {
      if (parseVia(v)?.host === this.options.host) return reply(482, 'Loop Detected');
    }
    // s16.3 step 3: Max-Forwards (absent in RFC 2543 requests: treated as the default 70).
    const maxForwards = Number(req.headers.get('Max-Forwards') ?? '70');
    if (maxForwards <= 0 && req.method !== 'REGISTER') return reply(483, 'Too Many Hops');
    // s16.3 step 5: we support no proxy extensions.
    const proxyRequire = req.headers.getAll('Proxy-Require');
    if (proxyRequire.length) return reply(420, 'Bad Extension', [['Unsupported', proxyRequire.join(', ')]]);

    if (req.method === 'CANCEL') return this.handleCancel(req, flow);

    const ourRoute = this.popOwnRoute(req);
    const inDialog = Boolean(parseNameAddr(req.headers.get('To') ?? '')?.params.get('tag'));

    if (req.method === 'ACK') {
      // An ACK for one of our non-2xx finals is hop-by-hop and ends here (s17.2.1).
      if (!ourRoute && this.serverTxs.has(txKey(req))) return;
      if (ourRoute) this.forwardInDialog(req, flow, ourRoute);
      return;
    }
    if (inDialog) {
      if (!ourRoute) return reply(481, 'Call/Transaction Does Not Exist');
      return this.forwardInDialog(req, flow, ourRoute);
    }

    // The registrar checks the address of record (To), not the Request-URI (s10.3).
    if (req.method === 'REGISTER') return this.registrar.handleRegister(req, flow);
    // Every phone of ours speaks SDP: an INVITE that cannot accept it can never be answered.
    if (req.method === 'INVITE' && !acceptsSdp(req)) {
      return reply(406, 'Not Acceptable', [['Accept', 'application/sdp'], ['Warning', '399 switchboard "application/sdp required"']]);
    }
    // Out of dialog: addressed to a domain we serve, or not ours to handle.
    const domain = await this.store.domains.get(ruri.host);
    if (!domain) return reply(404, 'Not Found');
    if (!ruri.user) {
      if (req.method === 'OPTIONS') return reply(200, 'OK', [['Allow', ALLOW], ['Accept', 'application/sdp']]);
      return reply(405, 'Method Not Allowed', [['Allow', 'REGISTER, OPTIONS']]);
    }
    // A retransmitted request of a transaction we are already working on is absorbed.
    if (this.serverTxs.has(txKey(req))) return;
    await this.routeToUser(req, flow, ruri.host, ruri.user);
  }

  private async routeToUser(req: SipRequest, flow: Flow, domain: string, dialled: string): Promise<void> {
    const caller = await this.authenticateCaller(req, flow, domain);
    if (!caller) return;
    const isInvite = req.method === 'INVITE';
    const callId = req.headers.get('Call-ID') ?? '';
    const callee = await this.store.users.get(domain, dialled);
    const calleeParty: Party | null = callee ? partyOf(callee) : null;
    if (isInvite) this.recorder.started(callId, partyOf(caller), calleeParty, dialled);

    if (!callee) {
      if (isInvite) this.recorder.failed(callId, 'failed', 404);
      flow.send(createResponse(req, 404, 'Not Found'));
      return;
    }
    // Never ring the very device that is calling (a user calling their own other devices is fine).
    const bindings = this.registrar.lookup(domain, dialled).filter((b) => b.flow !== flow);
    if (bindings.length === 0) {
      if (isInvite) this.recorder.failed(callId, 'unavailable', 480);
      flow.send(createResponse(req, 480, 'Temporarily Unavailable', [['P-Asserted-Identity', identityOf(callee)]]));
      return;
    }

    const tx: ServerTx = {
      key: txKey(req), request: req, flow, isInvite, branches: [], done: false, cancelled: false, cause: null, timers: [],
      calleeIdentity: identityOf(callee),
    };
    this.serverTxs.set(tx.key, tx);
    if (isInvite) {
      flow.send(createResponse(req, 100, 'Trying'));
      tx.timers.push(setTimeout(() => this.cancelTx(tx, 'no-answer'), this.options.ringTimeoutMs));
    } else {
      tx.timers.push(setTimeout(() => this.finishTx(tx, createResponse(req, 408, 'Request Timeout')), LINGER_MS));
    }
    const asserted = identityOf(caller);
    for (const binding of bindings) {
      const branch = this.forkTo(tx, binding, asserted);
      tx.branches.push(branch);
      this.clientBranches.set(branch.id, branch);
      binding.flow.send(branch.request);
    }
    this.log.debug('forked', { method: req.method, callId, to: `${dialled}@${domain}`, branches: bindings.length });
  }

  /**
   * Establishes who is calling. A flow that registered is trusted for its own user (the
   * WebSocket is the authenticated channel, as with RFC 5626 flows); anything else must answer
   * a digest challenge. Either way the From user must be the authenticated one: no spoofing.
   */
  private async authenticateCaller(req: SipRequest, flow: Flow, domain: string): Promise<User | null> {
    const from = parseNameAddr(req.headers.get('From') ?? '');
    const fromUser = from?.uri.user;
    let extension: string;
    if (flow.identity && flow.identity.domain === domain && flow.identity.extension === fromUser && from?.uri.host === domain) {
      extension = flow.identity.extension;
    } else {
      const auth = await this.auth.authenticate(req, domain);
      if (!auth.ok) {
        flow.send(auth.response);
        return null;
      }
      extension = auth.device.extension;
      if (fromUser !== extension || from?.uri.host !== domain) {
        flow.send(createResponse(req, 403, 'Forbidden', [['Warning', '399 switchboard "From does not match credentials"']]));
        return null;
      }
    }
    const user = await this.store.users.get(domain, extension);
    if (!user) flow.send(createResponse(req, 403, 'Forbidden'));
    return user ?? null;
  }

  private forkTo(tx: ServerTx, binding: Binding, assertedIdentity: string): ClientBranch {
    const id = STATEFUL + randomBytes(9).toString('base64url');
    const headers = tx.request.headers.clone();
    const maxForwards = Number(headers.get('Max-Forwards') ?? '70');
    headers.set('Max-Forwards', String(maxForwards - 1));
    // Our realm's credentials are consumed here (s22.3); identity is asserted instead (RFC 3325).
    headers.delete('Proxy-Authorization');
    headers.delete('P-Asserted-Identity');
    headers.append('P-Asserted-Identity', assertedIdentity);
    if (tx.isInvite) {
      headers.prepend('Record-Route', `<sip:${this.options.host};transport=ws;lr;fa=${tx.flow.id};fb=${binding.flow.id}>`);
    }
    headers.prepend('Via', `SIP/2.0/${binding.flow.secure ? 'WSS' : 'WS'} ${this.options.host};branch=${id}`);
    const request: SipRequest = { ...tx.request, uri: binding.contact, headers };
    return { id, tx, flow: binding.flow, request, final: null, cancelled: false };
  }

  private handleCancel(req: SipRequest, flow: Flow): void {
    const tx = this.serverTxs.get(txKey(req, 'INVITE'));
    if (!tx || tx.flow !== flow) {
      flow.send(createResponse(req, 481, 'Call/Transaction Does Not Exist'));
      return;
    }
    flow.send(createResponse(req, 200, 'OK'));
    if (!tx.done) this.cancelTx(tx, 'cancelled');
  }

  /** Stops every pending branch; the caller gets 487 (or 480 on a ring timeout). */
  private cancelTx(tx: ServerTx, cause: FailureCause): void {
    if (tx.done || tx.cancelled) return;
    tx.cancelled = true;
    tx.cause = cause;
    for (const branch of tx.branches) this.cancelBranch(branch);
    tx.timers.push(setTimeout(() => {
      for (const b of tx.branches) if (!b.final) b.final = createResponse(b.request, 487, 'Request Terminated');
      this.maybeFinish(tx);
    }, CANCEL_GRACE_MS));
  }

  /**
   * CANCEL for one forwarded INVITE (s9.1): same R-URI, Call-ID, From, To, CSeq number, Via.
   * When another device answered, the Reason (RFC 3326) lets this one say "answered elsewhere"
   * instead of showing a missed call.
   */
  private cancelBranch(branch: ClientBranch, answeredElsewhere = false): void {
    if (branch.final || branch.cancelled || !branch.tx.isInvite) return;
    branch.cancelled = true;
    const src = branch.request.headers;
    const cseq = parseCSeq(src.get('CSeq') ?? '');
    const headers = new SipHeaders([
      ['Via', src.get('Via') ?? ''],
      ['Max-Forwards', '70'],
      ['From', src.get('From') ?? ''],
      ['To', src.get('To') ?? ''],
      ['Call-ID', src.get('Call-ID') ?? ''],
      ['CSeq', `${cseq?.seq ?? 1} CANCEL`],
    ]);
    if (answeredElsewhere) headers.append('Reason', 'SIP;cause=200;text="Call completed elsewhere"');
    branch.flow.send({ type: 'request', method: 'CANCEL', uri: branch.request.uri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) });
  }

  private forwardInDialog(req: SipRequest, flow: Flow, route: Map<string, string | null>): void {
    const fa = route.get('fa');
    const fb = route.get('fb');
    const targetId = flow.id === fa ? fb : flow.id === fb ? fa : null;
    if (!targetId) {
      // Only the two flows of the dialog may use its route: no injecting BYEs into other calls.
      if (req.method !== 'ACK') flow.send(createResponse(req, 403, 'Forbidden'));
      return;
    }
    if (req.method === 'BYE') this.recorder.ended(req.headers.get('Call-ID') ?? '');
    const target = this.flows.get(targetId);
    if (!target?.isOpen) {
      if (req.method !== 'ACK') flow.send(createResponse(req, 480, 'Temporarily Unavailable'));
      return;
    }
    const headers = req.headers.clone();
    headers.set('Max-Forwards', String(Number(headers.get('Max-Forwards') ?? '70') - 1));
    headers.prepend('Via', `SIP/2.0/${target.secure ? 'WSS' : 'WS'} ${this.options.host};branch=${STATELESS}${flow.id}.${randomBytes(6).toString('base64url')}`);
    target.send({ ...req, headers });
  }

  /** Removes the top Route when it is ours (loose routing, s16.4) and returns its parameters. */
  private popOwnRoute(req: SipRequest): Map<string, string | null> | null {
    const top = req.headers.getAll('Route')[0];
    if (!top) return null;
    const route = parseNameAddr(top);
    if (!route || route.uri.host !== this.options.host) return null;
    req.headers.removeFirstValue('Route');
    return route.uri.params;
  }

  // ---- responses ------------------------------------------------------------------------

  private handleResponse(res: SipResponse, _flow: Flow): void {
    const top = res.headers.getAll('Via')[0];
    const via = top ? parseVia(top) : null;
    // A response not carrying our Via on top was not sent by us: discard it (s16.7 step 1).
    if (!via || via.host !== this.options.host) return;
    const branchId = via.params.get('branch') ?? '';
    res.headers.removeFirstValue('Via');
    if (!res.headers.has('Via')) return; // it was addressed to us (e.g. the 200 to our CANCEL)

    const branch = this.clientBranches.get(branchId);
    if (branch) {
      if (parseCSeq(res.headers.get('CSeq') ?? '')?.method === 'CANCEL') return;
      this.branchResponse(branch, res);
      return;
    }
    if (branchId.startsWith(STATELESS)) {
      const upstream = this.flows.get(branchId.slice(STATELESS.length).split('.')[0] ?? '');
      upstream?.send(res);
    }
  }

  private branchResponse(branch: ClientBranch, res: SipResponse): void {
    const tx = branch.tx;
    const callId = tx.request.headers.get('Call-ID') ?? '';
    if (tx.isInvite) res.headers.set('P-Asserted-Identity', tx.calleeIdentity);
    if (res.status < 200) {
      if (res.status > 100 && !tx.done && !branch.final) tx.flow.send(res);
      return;
    }
    if (res.status < 300) {
      // Every 2xx goes upstream, even a second one from another branch: the caller's UA must
      // ACK and BYE it (s16.7 step 5).
      branch.final = res;
      tx.flow.send(res);
      if (!tx.done) {
        tx.done = true;
        if (tx.isInvite) this.recorder.answered(callId);
        for (const other of tx.branches) if (other !== branch) this.cancelBranch(other, true);
        this.linger(tx);
      }
      return;
    }
    this.ackBranch(branch, res);
    this.branchFinal(branch, res);
    // A 6xx is final for the whole call: stop the other devices ringing (s16.7 step 5).
    if (res.status >= 600 && !tx.done) for (const other of tx.branches) this.cancelBranch(other);
  }

  /** The hop-by-hop ACK for a non-2xx final response (s17.1.1.3). */
  private ackBranch(branch: ClientBranch, res: SipResponse): void {
    if (!branch.tx.isInvite) return;
    const src = branch.request.headers;
    const cseq = parseCSeq(src.get('CSeq') ?? '');
    const headers = new SipHeaders([
      ['Via', src.get('Via') ?? ''],
      ['Max-Forwards', '70'],
      ['From', src.get('From') ?? ''],
      ['To', res.headers.get('To') ?? ''],
      ['Call-ID', src.get('Call-ID') ?? ''],
      ['CSeq', `${cseq?.seq ?? 1} ACK`],
    ]);
    branch.flow.send({ type: 'request', method: 'ACK', uri: branch.request.uri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) });
  }

  private branchFinal(branch: ClientBranch, res: SipResponse): void {
    if (branch.final) return;
    branch.final = res;
    this.maybeFinish(branch.tx);
  }

  /** When every branch has a final answer, the best of them goes upstream (s16.7 step 6). */
  private maybeFinish(tx: ServerTx): void {
    if (tx.done || tx.branches.some((b) => !b.final)) return;
    const finals = tx.branches.map((b) => b.final!);
    let best: SipResponse;
    if (tx.cancelled && tx.cause === 'no-answer') {
      best = createResponse(tx.request, 480, 'No Answer');
    } else if (tx.cancelled) {
      best = createResponse(tx.request, 487, 'Request Terminated');
    } else {
      best = pickBest(finals);
    }
    this.finishTx(tx, best);
  }

  private finishTx(tx: ServerTx, res: SipResponse): void {
    if (tx.done) return;
    tx.done = true;
    if (tx.isInvite) res.headers.set('P-Asserted-Identity', tx.calleeIdentity);
    if (tx.isInvite) {
      const callId = tx.request.headers.get('Call-ID') ?? '';
      this.recorder.failed(callId, tx.cause ?? causeOf(res.status), res.status);
    }
    tx.flow.send(res);
    this.linger(tx);
  }

  private linger(tx: ServerTx): void {
    tx.timers.forEach(clearTimeout);
    tx.timers = [setTimeout(() => {
      this.serverTxs.delete(tx.key);
      for (const b of tx.branches) this.clientBranches.delete(b.id);
    }, LINGER_MS)];
    tx.timers[0]!.unref();
  }
}

/** s16.7 step 6: a 6xx wins; else the lowest class, preferring "busy"/"decline" among 4xx. */
function pickBest(finals: SipResponse[]): SipResponse {
  const sixes = finals.find((r) => r.status >= 600);
  if (sixes) return sixes;
  const sorted = [...finals].sort((a, b) => Math.floor(a.status / 100) - Math.floor(b.status / 100));
  const lowestClass = Math.floor(sorted[0]!.status / 100);
  const sameClass = sorted.filter((r) => Math.floor(r.status / 100) === lowestClass);
  return sameClass.find((r) => r.status === 486) ?? sameClass[0]!;
}

function causeOf(status: number): FailureCause {
  if (status === 486 || status === 600) return 'busy';
  if (status === 603) return 'declined';
  if (status === 487) return 'cancelled';
  if (status === 480 || status === 408) return 'unavailable';
  return 'failed';
}

/** RFC 3261 s20.1: no Accept header means application/sdp is acceptable. */
function acceptsSdp(req: SipRequest): boolean {
  const accept = req.headers.getAll('Accept');
  if (accept.length === 0) return true;
  return accept.some((a) => /^\s*(application\/sdp|application\/\*|\*\/\*)\s*(;|$)/i.test(a));
}

/** `"Alice Anders" <sip:1001@demo>`: a user as P-Asserted-Identity presents them. */
function identityOf(u: User): string {
  return formatNameAddr({
    displayName: `${u.firstName} ${u.lastName}`.trim(),
    uri: { scheme: 'sip', user: u.extension, host: u.domain, params: new Map(), headers: new Map() },
    params: new Map(),
  });
}

function partyOf(u: User): Party {
  return { domain: u.domain, extension: u.extension, name: `${u.firstName} ${u.lastName}`.trim() };
}

/** Server transaction key (s17.2.3): top Via branch and sent-by, and the method (ACK -> INVITE). */
function txKey(req: SipRequest, method = req.method): string {
  const via = parseVia(req.headers.getAll('Via')[0] ?? '');
  const m = method === 'ACK' ? 'INVITE' : method;
  return `${via?.params.get('branch') ?? ''}|${via?.host ?? ''}:${via?.port ?? ''}|${m}`;
}
