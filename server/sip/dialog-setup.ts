/**
 * The first 2xx to an initial INVITE confirms a dialog between the caller and the branch that
 * answered; an INVITE with Replaces makes the new dialog take the old one's place (a Switch
 * Phone keeps the conversation's start and moves its call records to the new Call-ID).
 */
import type { CallRecorder } from './call-recorder.js';
import type { LiveDialog } from './dialogs.js';
import type { DialogStore } from './ports.js';
import { contactUri, partyOf } from './identity.js';
import type { SipResponse } from './message.js';
import type { ClientBranch } from './transactions.js';
import { formatUri, parseCSeq, parseNameAddr } from './uri.js';

export function confirmDialog(branch: ClientBranch, res: SipResponse, dialogs: DialogStore, recorder: CallRecorder, now: number): void {
  const tx = branch.tx;
  const from = parseNameAddr(tx.request.headers.get('From') ?? '');
  const to = parseNameAddr(res.headers.get('To') ?? '');
  const callerTag = from?.params.get('tag');
  const calleeTag = to?.params.get('tag');
  // A dialog whose either end is already gone would never see its BYE.
  if (!from || !to || !callerTag || !calleeTag || !tx.flow.isOpen || !branch.target.flow.isOpen) return;
  const { user: caller, deviceId, deviceLabel } = tx.caller;
  const dialog: LiveDialog = {
    callId: tx.callId,
    caller: {
      ...partyOf(caller), tag: callerTag, flowId: tx.flow.id, deviceId, deviceLabel,
      uri: formatUri(from.uri), contact: contactUri(tx.request.headers.get('Contact')),
      cseq: parseCSeq(tx.request.headers.get('CSeq') ?? '')?.seq ?? 1,
    },
    callee: {
      ...branch.target.owner, tag: calleeTag, flowId: branch.target.flow.id,
      deviceId: branch.target.deviceId, deviceLabel: branch.target.deviceLabel,
      uri: formatUri(to.uri), contact: contactUri(res.headers.get('Contact')), cseq: 0,
    },
    startedAt: now,
  };
  const old = tx.replaces?.dialog;
  if (!old || !dialogs.find(old.callId, old.caller.tag, old.callee.tag)) {
    dialogs.add(dialog);
    return;
  }
  // The same two people still talking (Switch Phone): the conversation keeps its start.
  const users = (d: LiveDialog) => [d.caller, d.callee].map((p) => `${p.extension}@${p.domain}`).sort().join(' ');
  if (users(old) === users(dialog)) dialog.startedAt = old.startedAt;
  dialogs.replace(old, dialog);
  if (tx.isSwitch) recorder.moved(old.callId, tx.callId);
}
