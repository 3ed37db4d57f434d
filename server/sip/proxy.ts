/**
 * The SIP core's dispatcher: validates every request (RFC 3261 s16.3), hands REGISTER to the
 * registrar, in-dialog requests to the in-dialog forwarder, and new calls to the planner (the
 * call router and the callee's answering rule), whose plan the executor carries out. Responses find their transaction by our Via branch.
 *
 *   request --invalid--> 4xx
 *      |--REGISTER--> registrar               |--CANCEL--> its INVITE transaction
 *      |--SUBSCRIBE (new or refresh)--> message waiting (mwi.ts): we are the notifier
 *      |--MESSAGE to a user--> chat (messages.ts): we are the endpoint
 *      |--in dialog (our Route)--> in-dialog forwarder (in-dialog.ts)
 *      '--new--> caller authenticated (caller-auth.ts) --Replaces--> the one flow it names (replaces.ts)
 *                    '--> planner (routing/planner.ts, router.ts, rule-plan.ts): plan --> executor (routing/executor.ts)
 */
import type { Store, User } from '../store/types.js';
import type { Logger } from '../log.js';
import type { CallRecorder } from './call-recorder.js';
import type { CallerAuthenticator } from './caller-auth.js';
import type { DialogStore } from './ports.js';
import type { SipFlow } from './flow.js';
import { identityOf, partyOf, samePerson } from './identity.js';
import type { MessageWaiting } from './mwi.js';
import type { SipMessages } from './messages.js';
import type { InDialogForwarder } from './in-dialog.js';
import { createResponse, type SipMessage, type SipRequest, type SipResponse } from './message.js';
import type { Referrals } from './referrals.js';
import type { Registrar } from './registrar.js';
import type { ReplacesPolicy } from './replaces.js';
import type { PlanExecutor } from './routing/executor.js';
import { stepsOf } from './routing/plan.js';
import type { CallPlanner } from './routing/planner.js';
import { straightToVoicemailExtension } from './routing/router.js';
import { STATELESS, txKey, type Caller, type ServerTx, type TransactionTable } from './transactions.js';
import { parseCSeq, parseNameAddr, parseVia } from './uri.js';
import { refusesSdp, validateRequest } from './validate.js';

const ALLOW = 'INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER, NOTIFY, MESSAGE, SUBSCRIBE, PRACK';

export interface ProxyParts {
  /** Our host name in Via and Record-Route; UAs never resolve it, they reply on their flow. */
  host: string;
  store: Store;
  registrar: Registrar;
  dialogs: DialogStore;
  recorder: CallRecorder;
  callers: CallerAuthenticator;
  replaces: ReplacesPolicy;
  referrals: Referrals;
  planner: CallPlanner;
  executor: PlanExecutor;
  transactions: TransactionTable;
  inDialog: InDialogForwarder;
  /** The notifier for SUBSCRIBE (message-summary, mwi.ts): subscriptions end here. */
  mwi: MessageWaiting;
  /** The endpoint of MESSAGE to users (messages.ts): it becomes chat; absent, MESSAGE is routed as before. */
  messages?: SipMessages;
  log: Logger;
}

export class SipProxy {
  constructor(private readonly p: ProxyParts) {}

  /** Entry point for every well-formed message received on any flow. */
  async handle(msg: SipMessage, flow: SipFlow): Promise<void> {
    if (msg.type === 'response') this.handleResponse(msg);
    else await this.handleRequest(msg, flow);
  }

  /** A flow went away: its pending calls are cancelled, its ringing branches fail, its dialogs end. */
  flowClosed(flow: SipFlow): void {
    this.p.executor.flowClosed(flow);
    this.p.inDialog.flowClosed(flow);
    this.p.mwi.flowClosed(flow);
  }

  /** Shutdown: every live call ends here, so its records are closed before the store is. */
  stop(): void {
    for (const dialog of this.p.dialogs.all()) {
      this.p.dialogs.remove(dialog, 'gone');
      this.p.recorder.ended(dialog.callId);
    }
    this.p.transactions.clear();
    this.p.inDialog.stop();
    this.p.mwi.stop();
    this.p.messages?.stop();
  }

  private async handleRequest(req: SipRequest, flow: SipFlow): Promise<void> {
    const reply = (status: number, reason?: string, extra?: Array<[string, string]>) => {
      if (req.method !== 'ACK') flow.send(createResponse(req, status, reason, extra));
    };

    const valid = validateRequest(req, this.p.host);
    if (!('ruri' in valid)) return reply(valid.status, valid.reason, valid.extra);
    const { ruri } = valid;
    if (req.method === 'CANCEL') return this.handleCancel(req, flow);

    const ourRoute = this.popOwnRoute(req);
    const inDialog = Boolean(parseNameAddr(req.headers.get('To') ?? '')?.params.get('tag'));
    if (req.method === 'ACK') {
      // An ACK for one of our non-2xx finals is hop-by-hop and ends here (s17.2.1).
      if (!ourRoute && this.p.transactions.get(txKey(req))) return;
      if (ourRoute) this.p.inDialog.forward(req, flow, ourRoute);
      return;
    }
    // We are the notifier of every subscription we accept: a refresh comes to us, not through us.
    if (req.method === 'SUBSCRIBE' && inDialog && !ourRoute) return this.p.mwi.handle(req, flow, ruri);
    if (inDialog) {
      if (!ourRoute) return reply(481, 'Call/Transaction Does Not Exist');
      return this.p.inDialog.forward(req, flow, ourRoute);
    }

    // The registrar checks the address of record (To), not the Request-URI (s10.3).
    if (req.method === 'REGISTER') return this.p.registrar.handleRegister(req, flow);
    const noSdp = refusesSdp(req);
    if (noSdp) return reply(noSdp.status, noSdp.reason, noSdp.extra);
    // Out of dialog: addressed to a domain we serve, or not ours to handle.
    if (!(await this.p.store.domains.get(ruri.host))) return reply(404, 'Not Found');
    if (req.method === 'SUBSCRIBE') return this.p.mwi.handle(req, flow, ruri);
    if (!ruri.user) {
      if (req.method === 'OPTIONS') return reply(200, 'OK', [['Allow', ALLOW], ['Accept', 'application/sdp'], ['Allow-Events', 'message-summary']]);
      return reply(405, 'Method Not Allowed', [['Allow', 'REGISTER, OPTIONS']]);
    }
    // A retransmitted request of a transaction we are already working on is absorbed.
    if (this.p.transactions.get(txKey(req))) return;
    if (req.method === 'MESSAGE' && this.p.messages) return this.p.messages.handle(req, flow, ruri.host, ruri.user);
    await this.routeNew(req, flow, ruri.host, ruri.user);
  }

  /** A new call (or MESSAGE, OPTIONS, ... to a user): who calls, then where it goes. */
  private async routeNew(req: SipRequest, flow: SipFlow, domain: string, dialled: string): Promise<void> {
    const caller = await this.p.callers.authenticate(req, flow, domain);
    if (!caller) return;
    const isInvite = req.method === 'INVITE';
    const callId = req.headers.get('Call-ID') ?? '';
    const mailbox = isInvite ? straightToVoicemailExtension(dialled) : null;
    const callee = (await this.p.store.users.get(domain, mailbox ?? dialled)) ?? null;

    // RFC 3891 s3: Replaces only has meaning in an INVITE; other methods ignore it.
    const replacesHeader = isInvite ? req.headers.get('Replaces') : undefined;
    if (replacesHeader !== undefined) {
      if (!callee) return flow.send(createResponse(req, 481, 'Call/Transaction Does Not Exist'));
      const routed = this.p.replaces.route(req, flow, caller, callee, replacesHeader);
      if (!routed) return;
      const { match, target } = routed;
      const isSwitch = samePerson(match.replaced, caller.user);
      // A Switch Phone continues the same conversation (its records move with it on the 2xx);
      // anything else is a new call set up by a transfer from the party it drops.
      if (!isSwitch) {
        this.p.referrals.take(caller.user, domain, dialled, req);
        const from = samePerson(match.target, caller.user) ? null : match.replaced.extension;
        this.p.recorder.started(callId, partyOf(caller.user), partyOf(callee), dialled, from);
      }
      const tx = this.newTx(req, flow, caller, callee, dialled);
      tx.replaces = match;
      tx.isSwitch = isSwitch;
      this.p.executor.startPinned(tx, [target], callee.ringNoAnswerTimeoutS * 1000);
      return;
    }

    if (isInvite) {
      const transferredFrom = callee ? this.p.referrals.take(caller.user, domain, dialled, req) : null;
      this.p.recorder.started(callId, partyOf(caller.user), callee && partyOf(callee), dialled, transferredFrom);
    }
    const plan = await this.p.planner.plan({
      method: req.method, caller: caller.user, callerFlow: flow, domain, dialled, callee,
      straightToVoicemail: mailbox !== null,
    });
    if (plan.kind === 'reject') {
      if (isInvite && plan.routedTo) this.p.recorder.routed(callId, plan.routedTo);
      if (isInvite) this.p.recorder.failed(callId, plan.cause, plan.status);
      const extra: Array<[string, string]> = [];
      if (plan.warning) extra.push(['Warning', `399 switchboard "${plan.warning}"`]);
      if (callee) extra.push(['P-Asserted-Identity', identityOf(callee)]);
      flow.send(createResponse(req, plan.status, plan.reason, extra));
      return;
    }
    this.p.executor.start(this.newTx(req, flow, caller, callee, dialled), stepsOf(plan));
  }

  /** `callee` is null for a service number that acts for nobody: it answers as the number dialled. */
  private newTx(req: SipRequest, flow: SipFlow, caller: Caller, callee: User | null, dialled: string): ServerTx {
    const domain = caller.user.domain;
    const calleeParty = callee ? partyOf(callee) : { domain, extension: dialled, name: '' };
    return {
      key: txKey(req), request: req, flow, isInvite: req.method === 'INVITE', callId: req.headers.get('Call-ID') ?? '',
      state: 'proceeding', step: 0, branches: [], cause: null, timers: [],
      calleeIdentity: identityOf(calleeParty), caller, callee: calleeParty, replaces: null, isSwitch: false,
    };
  }

  private handleCancel(req: SipRequest, flow: SipFlow): void {
    const tx = this.p.transactions.get(txKey(req, 'INVITE'));
    if (!tx || tx.flow !== flow) {
      flow.send(createResponse(req, 481, 'Call/Transaction Does Not Exist'));
      return;
    }
    flow.send(createResponse(req, 200, 'OK'));
    this.p.executor.cancel(tx, 'cancelled');
  }

  /** Removes the top Route when it is ours (loose routing, s16.4) and returns its parameters. */
  private popOwnRoute(req: SipRequest): Map<string, string | null> | null {
    const top = req.headers.getAll('Route')[0];
    if (!top) return null;
    const route = parseNameAddr(top);
    if (!route || route.uri.host !== this.p.host) return null;
    req.headers.removeFirstValue('Route');
    return route.uri.params;
  }

  private handleResponse(res: SipResponse): void {
    const top = res.headers.getAll('Via')[0];
    const via = top ? parseVia(top) : null;
    // A response not carrying our Via on top was not sent by us: discard it (s16.7 step 1).
    if (!via || via.host !== this.p.host) return;
    const branchId = via.params.get('branch') ?? '';
    res.headers.removeFirstValue('Via');
    if (!res.headers.has('Via')) {
      // It was addressed to us: the answer to one of our NOTIFYs or MESSAGEs matters; others (the 200 to our CANCEL) do not.
      const method = parseCSeq(res.headers.get('CSeq') ?? '')?.method;
      if (method === 'NOTIFY') this.p.mwi.response(branchId, res);
      else if (method === 'MESSAGE') this.p.messages?.response(branchId, res);
      return;
    }
    const branch = this.p.transactions.branch(branchId);
    if (branch) {
      if (parseCSeq(res.headers.get('CSeq') ?? '')?.method === 'CANCEL') return;
      this.p.executor.response(branch, res);
      return;
    }
    if (branchId.startsWith(STATELESS)) this.p.inDialog.response(branchId, res);
  }
}
