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
 *
 * The first 2xx of an INVITE confirms a dialog, which the dialog registry keeps until a BYE, the
 * loss of either flow, or an INVITE with Replaces (RFC 3891) that takes its place. An INVITE with
 * Replaces is not forked: it goes only to the flow of the party whose dialog it names. REFERs
 * accepted inside a known dialog are remembered so the call the transferee then places is
 * recorded as a transfer.
 */
import { randomBytes } from 'node:crypto';
import type { Store, User } from '../store/types.js';
import type { Logger } from '../log.js';
import type { CallRecorder, FailureCause, Party } from './call-recorder.js';
import { DialogRegistry, type DialogParty, type LiveDialog, type ReplacesMatch } from './dialogs.js';
import { createResponse, SipHeaders, type SipRequest, type SipResponse, type SipMessage } from './message.js';
import type { Registrar } from './registrar.js';
import type { SipAuthenticator } from './sip-auth.js';
import { formatNameAddr, formatUri, parseCSeq, parseNameAddr, parseParams, parseUri, parseVia } from './uri.js';
import type { Flow } from './ws-transport.js';
import { readableLabel } from '../../src/data/device-label.js';
import type { OutsideCallsPhrase } from '../../src/data/wire.js';

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
/** Branch prefix of requests the proxy originates itself (a BYE for a party whose flow died). */
const OWN = `${MAGIC}-o.`;
/** How long a finished transaction is kept to absorb a late ACK or retransmission (Timer J). */
const LINGER_MS = 32_000;
/** How long a CANCELled branch may take to send its 487 before we stop waiting. */
const CANCEL_GRACE_MS = 5_000;
const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY, MESSAGE, SUBSCRIBE, PRACK';
/** How long an accepted REFER lets the transferee's next call to the target count as the transfer. */
const REFERRAL_MS = 120_000;
/**
 * A number outside the organisation: a telephone number (7 to 15 digits, E.164's longest, with
 * an optional +) rather than an extension. Calls to one need trunks, which are not set up yet,
 * so they get 403 with a phrase of their own; an unknown extension gets 404.
 */
const OUTSIDE_NUMBER = /^\+?\d{7,15}$/;
const OUTSIDE_PHRASE: OutsideCallsPhrase = 'Outside Calls Not Set Up';

/** Where a branch goes: a live binding, or the flow of one party of a known dialog. */
interface Target {
  flow: Flow;
  contact: string;
  deviceId: string | null;
  deviceLabel: string;
}

interface Caller {
  user: User;
  deviceId: string | null;
  deviceLabel: string;
}

/** An in-dialog request we forwarded and whose answer matters to us (REFER, re-INVITE). */
interface WatchedRequest {
  dialog: LiveDialog;
  method: string;
  sender: DialogParty;
  referTo: string;
  timer: NodeJS.Timeout;
}

/** A REFER that was accepted: the transferee may now call the target on the transferor's behalf. */
interface Referral {
  transferee: { domain: string; extension: string };
  by: { domain: string; extension: string };
  target: string;
  at: number;
}

interface ClientBranch {
  id: string;
  tx: ServerTx;
  target: Target;
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
  caller: Caller;
  callee: User;
  /** The dialog this INVITE replaces (RFC 3891), when it carries a Replaces header. */
  replaces: ReplacesMatch | null;
  /** The replacing INVITE comes from the same user as the replaced leg: a Switch Phone. */
  isSwitch: boolean;
}

export class SipProxy {
  private readonly serverTxs = new Map<string, ServerTx>();
  private readonly clientBranches = new Map<string, ClientBranch>();
  private readonly watched = new Map<string, WatchedRequest>();
  private referrals: Referral[] = [];

  constructor(
    private readonly store: Store,
    private readonly registrar: Registrar,
    private readonly auth: SipAuthenticator,
    private readonly recorder: CallRecorder,
    private readonly dialogs: DialogRegistry,
    private readonly flows: ReadonlyMap<string, Flow>,
    private readonly log: Logger,
    private readonly options: ProxyOptions,
    private readonly now: () => number = Date.now,
  ) {}

  /** Entry point for every well-formed message received on any flow. */
  async handle(msg: SipMessage, flow: Flow): Promise<void> {
    if (msg.type === 'response') this.handleResponse(msg, flow);
    else await this.handleRequest(msg, flow);
  }

  /**
   * A flow went away: its pending calls are cancelled and its ringing branches fail. Its
   * dialogs end: in-dialog requests can no longer reach it (the Record-Route names the flow),
   * so the other party gets a BYE on its behalf instead of a call that can never be hung up.
   */
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
    for (const dialog of this.dialogs.dialogsOfFlow(flow.id)) {
      this.dialogs.remove(dialog, 'flow-closed');
      this.recorder.ended(dialog.callId);
      const [gone, survivor] = dialog.caller.flowId === flow.id ? [dialog.caller, dialog.callee] : [dialog.callee, dialog.caller];
      if (survivor.flowId !== flow.id) this.byeOnBehalf(dialog, gone, survivor);
    }
  }

  /** Shutdown: every live call ends here, so its records are closed before the store is. */
  stop(): void {
    for (const dialog of this.dialogs.all()) {
      this.dialogs.remove(dialog, 'gone');
      this.recorder.ended(dialog.callId);
    }
    for (const tx of this.serverTxs.values()) tx.timers.forEach(clearTimeout);
    for (const w of this.watched.values()) clearTimeout(w.timer);
    this.serverTxs.clear();
    this.clientBranches.clear();
    this.watched.clear();
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

    // RFC 3891 s3: Replaces only has meaning in an INVITE; other methods ignore it.
    const replacesHeader = isInvite ? req.headers.get('Replaces') : undefined;
    if (replacesHeader !== undefined) {
      const routed = callee ? this.routeReplaces(req, flow, caller, callee, replacesHeader) : null;
      if (!routed) {
        if (!callee) flow.send(createResponse(req, 481, 'Call/Transaction Does Not Exist'));
        return;
      }
      const { match, target } = routed;
      const isSwitch = samePerson(match.replaced, caller.user);
      // A Switch Phone continues the same conversation (its records move with it on the 2xx);
      // anything else is a new call set up by a transfer from the party it drops.
      if (!isSwitch) {
        this.takeReferral(caller.user, domain, dialled, req);
        const from = samePerson(match.target, caller.user) ? null : match.replaced.extension;
        this.recorder.started(callId, partyOf(caller.user), calleeParty, dialled, from);
      }
      this.startTx(req, flow, caller, callee!, [target], match, isSwitch);
      return;
    }

    if (isInvite) {
      const transferredFrom = callee ? this.takeReferral(caller.user, domain, dialled, req) : null;
      this.recorder.started(callId, partyOf(caller.user), calleeParty, dialled, transferredFrom);
    }
    if (!callee && OUTSIDE_NUMBER.test(dialled)) {
      if (isInvite) this.recorder.failed(callId, 'failed', 403);
      flow.send(createResponse(req, 403, OUTSIDE_PHRASE, [['Warning', '399 switchboard "Calls to outside numbers are not set up on this phone system"']]));
      return;
    }
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
    this.startTx(req, flow, caller, callee, bindings, null, false);
  }

  /**
   * Checks an INVITE with Replaces (RFC 3891) and finds the one flow it may go to; answers the
   * caller itself (and returns null) when it may not go anywhere.
   *
   * Authorisation (RFC 3891 s6.1 leaves it to local policy; s3 lets the UAS accept when the
   * request comes from a party of the dialog or someone it referred). The proxy allows it when
   *   - the caller is the same user as either party of the named dialog (Switch Phone: another
   *     device of the user whose leg is replaced; or a call to one's own device), or
   *   - the caller has a live dialog with the user whose leg is being replaced: the transferee
   *     of an attended transfer, who learnt the dialog's identifiers from that user's REFER
   *     (RFC 5589 s7). Knowing an unguessable Call-ID and both tags is part of the proof.
   * Anyone else gets 403. A dialog we do not know gets 481, as the UA itself would answer; the
   * INVITE is never forked to the user's other devices, which would only answer 481 too.
   */
  private routeReplaces(req: SipRequest, flow: Flow, caller: Caller, callee: User, header: string): { match: ReplacesMatch; target: Target } | null {
    const reply = (status: number, reason: string) => {
      flow.send(createResponse(req, status, reason));
      return null;
    };
    const replaces = parseReplaces(header);
    if (!replaces) return reply(400, 'Bad Request');
    const match = this.dialogs.matchReplaces(replaces.callId, replaces.toTag, replaces.fromTag, callee.domain, callee.extension);
    if (!match) return reply(481, 'Call/Transaction Does Not Exist');
    // s3: early-only asks to replace a dialog still ringing; ours is confirmed.
    if (replaces.earlyOnly) return reply(486, 'Busy Here');
    const { target, replaced } = match;
    const allowed = samePerson(target, caller.user) || samePerson(replaced, caller.user)
      || this.dialogs.dialogsOf(replaced.domain, replaced.extension).some((d) => {
        const other = DialogRegistry.sideOf(d, replaced.domain, replaced.extension)?.other;
        return d !== match.dialog && other !== undefined && samePerson(other, caller.user);
      });
    if (!allowed) {
      this.log.info('replaces refused', { callId: replaces.callId, caller: `${caller.user.extension}@${caller.user.domain}` });
      return reply(403, 'Forbidden');
    }
    const targetFlow = this.flows.get(target.flowId);
    if (!targetFlow?.isOpen || targetFlow === flow) return reply(481, 'Call/Transaction Does Not Exist');
    return { match, target: { flow: targetFlow, contact: target.contact, deviceId: target.deviceId, deviceLabel: target.deviceLabel } };
  }

  private startTx(req: SipRequest, flow: Flow, caller: Caller, callee: User, targets: Target[], replaces: ReplacesMatch | null, isSwitch: boolean): void {
    const isInvite = req.method === 'INVITE';
    const tx: ServerTx = {
      key: txKey(req), request: req, flow, isInvite, branches: [], done: false, cancelled: false, cause: null, timers: [],
      calleeIdentity: identityOf(callee), caller, callee, replaces, isSwitch,
    };
    this.serverTxs.set(tx.key, tx);
    if (isInvite) {
      flow.send(createResponse(req, 100, 'Trying'));
      tx.timers.push(setTimeout(() => this.cancelTx(tx, 'no-answer'), this.options.ringTimeoutMs));
    } else {
      tx.timers.push(setTimeout(() => this.finishTx(tx, createResponse(req, 408, 'Request Timeout')), LINGER_MS));
    }
    const asserted = identityOf(caller.user);
    for (const target of targets) {
      const branch = this.forkTo(tx, target, asserted);
      tx.branches.push(branch);
      this.clientBranches.set(branch.id, branch);
      target.flow.send(branch.request);
    }
    this.log.debug('forked', {
      method: req.method, callId: req.headers.get('Call-ID'), to: `${callee.extension}@${callee.domain}`,
      branches: targets.length, replaces: replaces?.dialog.callId,
    });
  }

  /**
   * The transfer behind a new call, if any: the caller was referred (REFER accepted within the
   * last two minutes) by someone to exactly this number. Referred-By (RFC 3892), when present,
   * must name the referrer; it is not required, since JsSIP does not copy it into the new INVITE.
   */
  private takeReferral(caller: User, domain: string, dialled: string, req: SipRequest): string | null {
    const now = this.now();
    this.referrals = this.referrals.filter((r) => now - r.at < REFERRAL_MS);
    const referredBy = parseNameAddr(req.headers.get('Referred-By') ?? '')?.uri.user;
    const i = this.referrals.findIndex((r) =>
      r.transferee.domain === caller.domain && r.transferee.extension === caller.extension
      && r.target === dialled && r.by.domain === domain && (!referredBy || r.by.extension === referredBy));
    if (i < 0) return null;
    const [referral] = this.referrals.splice(i, 1);
    return referral!.by.extension;
  }

  /**
   * Establishes who is calling. A flow that registered is trusted for its own user (the
   * WebSocket is the authenticated channel, as with RFC 5626 flows); anything else must answer
   * a digest challenge. Either way the From user must be the authenticated one: no spoofing.
   */
  private async authenticateCaller(req: SipRequest, flow: Flow, domain: string): Promise<Caller | null> {
    const from = parseNameAddr(req.headers.get('From') ?? '');
    const fromUser = from?.uri.user;
    let extension: string;
    let deviceId: string | null;
    let deviceLabel = '';
    if (flow.identity && flow.identity.domain === domain && flow.identity.extension === fromUser && from?.uri.host === domain) {
      extension = flow.identity.extension;
      deviceId = flow.identity.deviceId;
      deviceLabel = this.registrar.lookup(domain, extension).find((b) => b.flow === flow)?.deviceLabel ?? '';
    } else {
      const auth = await this.auth.authenticate(req, domain, flow);
      if (!auth.ok) {
        flow.send(auth.response);
        return null;
      }
      extension = auth.device.extension;
      deviceId = auth.device.id;
      deviceLabel = readableLabel(auth.device.label);
      if (fromUser !== extension || from?.uri.host !== domain) {
        flow.send(createResponse(req, 403, 'Forbidden', [['Warning', '399 switchboard "From does not match credentials"']]));
        return null;
      }
    }
    const user = await this.store.users.get(domain, extension);
    if (!user) {
      flow.send(createResponse(req, 403, 'Forbidden'));
      return null;
    }
    return { user, deviceId, deviceLabel };
  }

  private forkTo(tx: ServerTx, binding: Target, assertedIdentity: string): ClientBranch {
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
    return { id, tx, target: binding, flow: binding.flow, request, final: null, cancelled: false };
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
    const callId = req.headers.get('Call-ID') ?? '';
    const dialog = this.dialogs.find(callId, tagOf(req.headers.get('From')), tagOf(req.headers.get('To')));
    const sender = dialog ? (dialog.caller.flowId === flow.id ? dialog.caller : dialog.callee) : null;
    // A route is good only while its call lives: after the BYE, a request with a new Call-ID (a
    // MESSAGE with a forged From, say) must not reach the other party through the old route.
    // Still allowed: any dialog of a live call (the losing branch of a fork, s16.7 step 5), an
    // INVITE transaction still under way or lingering (early dialogs, late ACKs), and a dialog
    // just replaced (RFC 3891: its BYE follows the replacement).
    if (!dialog && !this.dialogs.isKnownCall(callId) && !this.hasInviteTx(callId)) {
      if (req.method !== 'ACK') flow.send(createResponse(req, 481, 'Call/Transaction Does Not Exist'));
      return;
    }
    // Inside a known dialog, a flow speaks only as its own party: its From tag is that party's.
    if (sender && tagOf(req.headers.get('From')) !== sender.tag) {
      if (req.method !== 'ACK') flow.send(createResponse(req, 403, 'Forbidden', [['Warning', '399 switchboard "From is not this flow\'s party of the dialog"']]));
      return;
    }
    const cseq = parseCSeq(req.headers.get('CSeq') ?? '')?.seq ?? 0;
    if (sender && req.method !== 'ACK' && req.method !== 'CANCEL') sender.cseq = Math.max(sender.cseq, cseq);
    if (req.method === 'BYE') {
      if (dialog) this.dialogs.remove(dialog, 'bye');
      // A BYE for a dialog we do not know (the loser of a forking race, s16.7 step 5) must not
      // end the records of the call that goes on; one we never tracked at all still ends them.
      if (dialog || !this.dialogs.hasCall(callId)) this.recorder.ended(callId);
    }
    const target = this.flows.get(targetId);
    if (!target?.isOpen) {
      if (req.method !== 'ACK') flow.send(createResponse(req, 480, 'Temporarily Unavailable'));
      return;
    }
    const branch = `${STATELESS}${flow.id}.${randomBytes(6).toString('base64url')}`;
    const headers = req.headers.clone();
    headers.set('Max-Forwards', String(Number(headers.get('Max-Forwards') ?? '70') - 1));
    headers.prepend('Via', `SIP/2.0/${target.secure ? 'WSS' : 'WS'} ${this.options.host};branch=${branch}`);
    // Who really sent it (RFC 3325), whatever its From's display name says.
    headers.delete('P-Asserted-Identity');
    if (sender) headers.append('P-Asserted-Identity', identityOfParty(sender));
    if (dialog && sender && (req.method === 'REFER' || req.method === 'INVITE' || req.method === 'UPDATE')) {
      const timer = setTimeout(() => this.watched.delete(branch), LINGER_MS);
      timer.unref();
      this.watched.set(branch, { dialog, method: req.method, sender, referTo: req.headers.get('Refer-To') ?? '', timer });
    }
    target.send({ ...req, headers });
  }

  /** The answer to an in-dialog request we watch: an accepted REFER, or a dialog found dead. */
  private watchedResponse(w: WatchedRequest, res: SipResponse): void {
    if (res.status >= 200 && res.status < 300 && w.method === 'REFER') {
      // RFC 3515 s2.4.2: a 2xx means the transferee accepted the REFER (it will call the target).
      const target = parseNameAddr(w.referTo)?.uri.user;
      const transferee = w.sender === w.dialog.caller ? w.dialog.callee : w.dialog.caller;
      if (target) {
        this.recorder.transferred(w.dialog.callId, w.sender, target);
        this.referrals.push({
          transferee: { domain: transferee.domain, extension: transferee.extension },
          by: { domain: w.sender.domain, extension: w.sender.extension },
          target, at: this.now(),
        });
      }
    }
    // RFC 3261 s12.2.1.2: a 481 or 408 to a request within the dialog ends the dialog. Only the
    // INVITE usage's own requests count here: a REFER's implicit subscription is a usage of its
    // own, and its failure leaves the call alone (RFC 5057).
    if ((res.status === 481 || res.status === 408) && w.method !== 'REFER') {
      if (this.dialogs.remove(w.dialog, 'gone')) this.recorder.ended(w.dialog.callId);
    }
  }

  /**
   * Ends the dialog for the party that is still there when the other one's flow is gone: a BYE
   * as if from the lost party (RFC 3261 s15.1.1), with a CSeq above anything it sent, straight
   * to the survivor's Contact over its flow. The 200 comes back to us and ends here.
   */
  private byeOnBehalf(dialog: LiveDialog, gone: DialogParty, survivor: DialogParty): void {
    const flow = this.flows.get(survivor.flowId);
    if (!flow?.isOpen) return;
    const headers = new SipHeaders([
      ['Via', `SIP/2.0/${flow.secure ? 'WSS' : 'WS'} ${this.options.host};branch=${OWN}${randomBytes(9).toString('base64url')}`],
      ['Max-Forwards', '70'],
      ['From', `<${gone.uri}>;tag=${gone.tag}`],
      ['To', `<${survivor.uri}>;tag=${survivor.tag}`],
      ['Call-ID', dialog.callId],
      ['CSeq', `${gone.cseq + 1} BYE`],
      ['Reason', 'SIP;cause=480;text="Connection lost"'],
    ]);
    flow.send({ type: 'request', method: 'BYE', uri: survivor.contact, version: 'SIP/2.0', headers, body: Buffer.alloc(0) });
  }

  private hasInviteTx(callId: string): boolean {
    for (const tx of this.serverTxs.values()) if (tx.isInvite && tx.request.headers.get('Call-ID') === callId) return true;
    return false;
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
      const w = this.watched.get(branchId);
      if (w && res.status >= 200) {
        this.watched.delete(branchId);
        clearTimeout(w.timer);
        this.watchedResponse(w, res);
      }
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
        if (tx.isInvite) {
          this.recorder.answered(callId);
          this.confirmDialog(branch, res);
        }
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

  /** The first 2xx to an initial INVITE: a confirmed dialog between the caller and this branch. */
  private confirmDialog(branch: ClientBranch, res: SipResponse): void {
    const tx = branch.tx;
    const from = parseNameAddr(tx.request.headers.get('From') ?? '');
    const to = parseNameAddr(res.headers.get('To') ?? '');
    const callerTag = from?.params.get('tag');
    const calleeTag = to?.params.get('tag');
    // A dialog whose either end is already gone would never see its BYE.
    if (!from || !to || !callerTag || !calleeTag || !tx.flow.isOpen || !branch.flow.isOpen) return;
    const callId = tx.request.headers.get('Call-ID') ?? '';
    const { user: caller, deviceId, deviceLabel } = tx.caller;
    const callee = tx.callee;
    const dialog: LiveDialog = {
      callId,
      caller: {
        ...partyOf(caller), tag: callerTag, flowId: tx.flow.id, deviceId, deviceLabel,
        uri: formatUri(from.uri), contact: contactUri(tx.request.headers.get('Contact')),
        cseq: parseCSeq(tx.request.headers.get('CSeq') ?? '')?.seq ?? 1,
      },
      callee: {
        ...partyOf(callee), tag: calleeTag, flowId: branch.flow.id,
        deviceId: branch.target.deviceId, deviceLabel: branch.target.deviceLabel,
        uri: formatUri(to.uri), contact: contactUri(res.headers.get('Contact')), cseq: 0,
      },
      startedAt: this.now(),
    };
    const old = tx.replaces?.dialog;
    if (!old || !this.dialogs.find(old.callId, old.caller.tag, old.callee.tag)) {
      this.dialogs.add(dialog);
      return;
    }
    // The same two people still talking (Switch Phone): the conversation keeps its start.
    const samePair = (a: LiveDialog, b: LiveDialog) => {
      const users = (d: LiveDialog) => [d.caller, d.callee].map((p) => `${p.extension}@${p.domain}`).sort().join(' ');
      return users(a) === users(b);
    };
    if (samePair(old, dialog)) dialog.startedAt = old.startedAt;
    this.dialogs.replace(old, dialog);
    if (tx.isSwitch) this.recorder.moved(old.callId, callId);
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

function identityOfParty(p: DialogParty): string {
  return formatNameAddr({
    displayName: p.name,
    uri: { scheme: 'sip', user: p.extension, host: p.domain, params: new Map(), headers: new Map() },
    params: new Map(),
  });
}

function partyOf(u: User): Party {
  return { domain: u.domain, extension: u.extension, name: `${u.firstName} ${u.lastName}`.trim() };
}

function samePerson(p: { domain: string; extension: string }, u: { domain: string; extension: string }): boolean {
  return p.domain === u.domain && p.extension === u.extension;
}

function tagOf(nameAddr: string | undefined): string {
  return parseNameAddr(nameAddr ?? '')?.params.get('tag') ?? '';
}

/** The URI of a Contact header value (name-addr or addr-spec). */
function contactUri(value: string | undefined): string {
  const na = parseNameAddr(value ?? '');
  return na ? formatUri(na.uri) : '';
}

/**
 * `Replaces: call-id;to-tag=..;from-tag=..[;early-only]` (RFC 3891 s6.1). The Call-ID is
 * everything before the first ';' (a Call-ID may hold '@' but never ';').
 */
export function parseReplaces(value: string): { callId: string; toTag: string; fromTag: string; earlyOnly: boolean } | null {
  const semi = value.indexOf(';');
  if (semi <= 0) return null;
  const callId = value.slice(0, semi).trim();
  const params = parseParams(value.slice(semi));
  const toTag = params.get('to-tag');
  const fromTag = params.get('from-tag');
  if (!callId || !toTag || !fromTag) return null;
  return { callId, toTag, fromTag, earlyOnly: params.has('early-only') };
}

/** Server transaction key (s17.2.3): top Via branch and sent-by, and the method (ACK -> INVITE). */
function txKey(req: SipRequest, method = req.method): string {
  const via = parseVia(req.headers.getAll('Via')[0] ?? '');
  const m = method === 'ACK' ? 'INVITE' : method;
  return `${via?.params.get('branch') ?? ''}|${via?.host ?? ''}:${via?.port ?? ''}|${m}`;
}
