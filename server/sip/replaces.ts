/**
 * INVITE with Replaces (RFC 3891): which one flow it may go to, and who may send it. It is never
 * forked to the user's other devices, which would only answer 481.
 *
 * Authorisation (RFC 3891 s6.1 leaves it to local policy; s3 lets the UAS accept when the
 * request comes from a party of the dialog or someone it referred). Allowed when
 *   - the caller is the same user as either party of the named dialog (Switch Phone: another
 *     device of the user whose leg is replaced; or a call to one's own device), or
 *   - the caller has a live dialog with the user whose leg is being replaced: the transferee
 *     of an attended transfer, who learnt the dialog's identifiers from that user's REFER
 *     (RFC 5589 s7). Knowing an unguessable Call-ID and both tags is part of the proof.
 * Anyone else gets 403. A dialog we do not know gets 481, as the UA itself would answer.
 */
import type { Logger } from '../log.js';
import type { User } from '../store/types.js';
import { sideOf, type ReplacesMatch } from './dialogs.js';
import type { DialogStore } from './ports.js';
import type { FlowDirectory, SipFlow } from './flow.js';
import { samePerson } from './identity.js';
import { createResponse, type SipRequest } from './message.js';
import type { Caller, Target } from './transactions.js';
import { parseParams } from './uri.js';

export class ReplacesPolicy {
  constructor(private readonly dialogs: DialogStore, private readonly flows: FlowDirectory, private readonly log: Logger) {}

  /** The dialog named and the flow to ring, or null after answering the caller (400, 403, 481, 486). */
  route(req: SipRequest, flow: SipFlow, caller: Caller, callee: User, header: string): { match: ReplacesMatch; target: Target } | null {
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
        const other = sideOf(d, replaced.domain, replaced.extension)?.other;
        return d !== match.dialog && other !== undefined && samePerson(other, caller.user);
      });
    if (!allowed) {
      this.log.info('replaces refused', { callId: replaces.callId, caller: `${caller.user.extension}@${caller.user.domain}` });
      return reply(403, 'Forbidden');
    }
    const targetFlow = this.flows.get(target.flowId);
    if (!targetFlow?.isOpen || targetFlow === flow) return reply(481, 'Call/Transaction Does Not Exist');
    return { match, target: { owner: { domain: target.domain, extension: target.extension, name: target.name }, flow: targetFlow, contact: target.contact, deviceId: target.deviceId, deviceLabel: target.deviceLabel } };
  }
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
