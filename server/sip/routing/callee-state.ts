/** What the router is told about the user being called, read from the location and dialog stores. */
import type { AnswerRuleActions } from '../../../src/data/wire.js';
import type { User } from '../../store/types.js';
import type { SipFlow } from '../flow.js';
import { samePerson } from '../identity.js';
import type { DialogStore, LocationService } from '../ports.js';
import type { CalleeState } from './router.js';

export function calleeState(
  callee: User, callerFlow: SipFlow, location: Pick<LocationService, 'lookup'>, dialogs: Pick<DialogStore, 'dialogsOf'>, rule: AnswerRuleActions | null,
): CalleeState {
  // The caller's own device never rings for its own call.
  const devices = location.lookup(callee.domain, callee.extension).filter((b) => b.flow !== callerFlow);
  const onCall = new Set(dialogs.dialogsOf(callee.domain, callee.extension).flatMap((d) =>
    [d.caller, d.callee].filter((p) => samePerson(p, callee)).map((p) => p.deviceId)));
  return {
    user: { domain: callee.domain, extension: callee.extension },
    ringNoAnswerTimeoutS: callee.ringNoAnswerTimeoutS,
    devices: devices.length,
    devicesOnCall: devices.filter((b) => onCall.has(b.deviceId)).length,
    // No user setting yet: answering rules (issue 14) bring call waiting off.
    callWaiting: true,
    rule,
  };
}
