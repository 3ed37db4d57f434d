/**
 * Requests inside a dialog (ACK, BYE, re-INVITE, INFO, REFER, NOTIFY, MESSAGE, UPDATE) come back
 * here through the Record-Route, which names both flows of the call (`fa`, `fb`), and go out on
 * the other flow, statelessly (s16.11): the upstream flow id rides in our Via branch.
 *
 * Only the two flows of a dialog may use its route, each speaking only as its own party. The
 * answers to a REFER (an accepted transfer) and to a re-INVITE or UPDATE (a dialog found dead,
 * s12.2.1.2) are watched. When one party's flow is lost, the other gets a BYE on its behalf.
 */
import { randomBytes } from 'node:crypto';
import type { CallRecorder } from './call-recorder.js';
import type { DialogParty, LiveDialog } from './dialogs.js';
import type { DialogStore } from './ports.js';
import type { FlowDirectory, SipFlow } from './flow.js';
import { identityOf, tagOf } from './identity.js';
import { createResponse, SipHeaders, type SipRequest, type SipResponse } from './message.js';
import type { Referrals } from './referrals.js';
import { LINGER_MS, OWN, STATELESS, type TransactionTable } from './transactions.js';
import { parseCSeq, parseNameAddr } from './uri.js';

/** An in-dialog request we forwarded and whose answer matters to us (REFER, re-INVITE). */
interface WatchedRequest {
  dialog: LiveDialog;
  method: string;
  sender: DialogParty;
  referTo: string;
  timer: NodeJS.Timeout;
}

export interface InDialogDeps {
  host: string;
  dialogs: DialogStore;
  recorder: CallRecorder;
  flows: FlowDirectory;
  referrals: Referrals;
  transactions: Pick<TransactionTable, 'hasInvite'>;
}

export class InDialogForwarder {
  private readonly watched = new Map<string, WatchedRequest>();

  constructor(private readonly deps: InDialogDeps) {}

  forward(req: SipRequest, flow: SipFlow, route: Map<string, string | null>): void {
    const { dialogs, recorder } = this.deps;
    const fa = route.get('fa');
    const fb = route.get('fb');
    const targetId = flow.id === fa ? fb : flow.id === fb ? fa : null;
    if (!targetId) {
      // Only the two flows of the dialog may use its route: no injecting BYEs into other calls.
      if (req.method !== 'ACK') flow.send(createResponse(req, 403, 'Forbidden'));
      return;
    }
    const callId = req.headers.get('Call-ID') ?? '';
    const dialog = dialogs.find(callId, tagOf(req.headers.get('From')), tagOf(req.headers.get('To')));
    const sender = dialog ? (dialog.caller.flowId === flow.id ? dialog.caller : dialog.callee) : null;
    // A route is good only while its call lives: after the BYE, a request with a new Call-ID (a
    // MESSAGE with a forged From, say) must not reach the other party through the old route.
    // Still allowed: any dialog of a live call (the losing branch of a fork, s16.7 step 5), an
    // INVITE transaction still under way or lingering (early dialogs, late ACKs), and a dialog
    // just replaced (RFC 3891: its BYE follows the replacement).
    if (!dialog && !dialogs.isKnownCall(callId) && !this.deps.transactions.hasInvite(callId)) {
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
      if (dialog) dialogs.remove(dialog, 'bye');
      // A BYE for a dialog we do not know (the loser of a forking race, s16.7 step 5) must not
      // end the records of the call that goes on; one we never tracked at all still ends them.
      if (dialog || !dialogs.hasCall(callId)) recorder.ended(callId);
    }
    const target = this.deps.flows.get(targetId);
    if (!target?.isOpen) {
      if (req.method !== 'ACK') flow.send(createResponse(req, 480, 'Temporarily Unavailable'));
      return;
    }
    const branch = `${STATELESS}${flow.id}.${randomBytes(6).toString('base64url')}`;
    const headers = req.headers.clone();
    headers.set('Max-Forwards', String(Number(headers.get('Max-Forwards') ?? '70') - 1));
    headers.prepend('Via', `SIP/2.0/${target.secure ? 'WSS' : 'WS'} ${this.deps.host};branch=${branch}`);
    // Who really sent it (RFC 3325), whatever its From's display name says.
    headers.delete('P-Asserted-Identity');
    if (sender) headers.append('P-Asserted-Identity', identityOf(sender));
    if (dialog && sender && (req.method === 'REFER' || req.method === 'INVITE' || req.method === 'UPDATE')) {
      const timer = setTimeout(() => this.watched.delete(branch), LINGER_MS);
      timer.unref();
      this.watched.set(branch, { dialog, method: req.method, sender, referTo: req.headers.get('Refer-To') ?? '', timer });
    }
    target.send({ ...req, headers });
  }

  /** A response to a request we forwarded statelessly (our Via already removed): back upstream. */
  response(branchId: string, res: SipResponse): void {
    const w = this.watched.get(branchId);
    if (w && res.status >= 200) {
      this.watched.delete(branchId);
      clearTimeout(w.timer);
      this.watchedResponse(w, res);
    }
    this.deps.flows.get(branchId.slice(STATELESS.length).split('.')[0] ?? '')?.send(res);
  }

  /** The flow's dialogs end; the survivor of each hears a BYE on the lost party's behalf. */
  flowClosed(flow: SipFlow): void {
    for (const dialog of this.deps.dialogs.dialogsOfFlow(flow.id)) {
      this.deps.dialogs.remove(dialog, 'flow-closed');
      this.deps.recorder.ended(dialog.callId);
      const [gone, survivor] = dialog.caller.flowId === flow.id ? [dialog.caller, dialog.callee] : [dialog.callee, dialog.caller];
      if (survivor.flowId !== flow.id) this.byeOnBehalf(dialog, gone, survivor);
    }
  }

  stop(): void {
    for (const w of this.watched.values()) clearTimeout(w.timer);
    this.watched.clear();
  }

  /** The answer to an in-dialog request we watch: an accepted REFER, or a dialog found dead. */
  private watchedResponse(w: WatchedRequest, res: SipResponse): void {
    if (res.status >= 200 && res.status < 300 && w.method === 'REFER') {
      // RFC 3515 s2.4.2: a 2xx means the transferee accepted the REFER (it will call the target).
      const target = parseNameAddr(w.referTo)?.uri.user;
      const transferee = w.sender === w.dialog.caller ? w.dialog.callee : w.dialog.caller;
      if (target) {
        this.deps.recorder.transferred(w.dialog.callId, w.sender, target);
        this.deps.referrals.accepted(transferee, w.sender, target);
      }
    }
    // RFC 3261 s12.2.1.2: a 481 or 408 to a request within the dialog ends the dialog. Only the
    // INVITE usage's own requests count here: a REFER's implicit subscription is a usage of its
    // own, and its failure leaves the call alone (RFC 5057).
    if ((res.status === 481 || res.status === 408) && w.method !== 'REFER') {
      if (this.deps.dialogs.remove(w.dialog, 'gone')) this.deps.recorder.ended(w.dialog.callId);
    }
  }

  /**
   * Ends the dialog for the party that is still there when the other one's flow is gone: a BYE
   * as if from the lost party (RFC 3261 s15.1.1), with a CSeq above anything it sent, straight
   * to the survivor's Contact over its flow. The 200 comes back to us and ends here.
   */
  private byeOnBehalf(dialog: LiveDialog, gone: DialogParty, survivor: DialogParty): void {
    const flow = this.deps.flows.get(survivor.flowId);
    if (!flow?.isOpen) return;
    const headers = new SipHeaders([
      ['Via', `SIP/2.0/${flow.secure ? 'WSS' : 'WS'} ${this.deps.host};branch=${OWN}${randomBytes(9).toString('base64url')}`],
      ['Max-Forwards', '70'],
      ['From', `<${gone.uri}>;tag=${gone.tag}`],
      ['To', `<${survivor.uri}>;tag=${survivor.tag}`],
      ['Call-ID', dialog.callId],
      ['CSeq', `${gone.cseq + 1} BYE`],
      ['Reason', 'SIP;cause=480;text="Connection lost"'],
    ]);
    flow.send({ type: 'request', method: 'BYE', uri: survivor.contact, version: 'SIP/2.0', headers, body: Buffer.alloc(0) });
  }
}
