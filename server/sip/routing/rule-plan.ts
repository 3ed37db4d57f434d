/**
 * Turns a callee's active answering rule into a plan (as NetSapiens' answer rules mean it):
 *
 *   caller on the reject list ---------------------------> refused (603)
 *   DND (unless the caller is on the allow list) --------> voicemail, else busy
 *   forward always (unless allowed) ---------------------> that destination
 *   no live device --------------------------------------> forward when unregistered, else voicemail / 480
 *   every device busy, call waiting off -----------------> forward on busy, else voicemail / 486
 *   otherwise: step 0 rings my devices (and the simultaneous-ring targets, each after its delay)
 *              for my ring timeout; then, by how step 0 ended:
 *                busy (486) ---------> forward on busy
 *                no answer / 480 ----> forward on no answer
 *                anything else ------> my voicemail (when I have one)
 *
 * A destination that is another user is a `user` target: the planner rings them as their own
 * rule says. Outside numbers cannot ring yet (no trunks): such a forward goes to voicemail.
 */
import type { FailureCause } from '../call-recorder.js';
import type { Account } from '../identity.js';
import type { AnswerRuleActions, ForwardAction, RuleDestination } from '../../../src/data/wire.js';
import type { CallPlan, RingStep, RingTarget } from './plan.js';

export interface RulePlanInput {
  caller: Account;
  callee: Account;
  rule: AnswerRuleActions;
  ringTimeoutMs: number;
  devices: number;
  busy: boolean;
  /** The voicemail service, when the platform runs one. */
  voicemail: string | undefined;
}

/** How a ringing step can end, besides being answered (a caller's CANCEL ends the whole call). */
const ENDINGS: readonly FailureCause[] = ['busy', 'no-answer', 'unavailable', 'declined', 'failed'];

export function planForRule({ caller, callee, rule, ringTimeoutMs, devices, busy, voicemail }: RulePlanInput): CallPlan {
  const matchesCaller = (entry: string): boolean => entry === caller.extension;
  if (rule.screening.reject.some(matchesCaller)) {
    return { kind: 'reject', status: 603, reason: 'Decline', cause: 'declined', routedTo: 'rejected: caller blocked' };
  }
  const allowed = rule.screening.allow.some(matchesCaller);
  const ownVoicemail = voicemail ? { kind: 'service', service: voicemail, user: callee } as const : null;
  const toVoicemail = (why: string): CallPlan => ownVoicemail
    ? { kind: 'service', service: ownVoicemail.service, user: callee, routedTo: `to voicemail${why}` }
    : { kind: 'reject', status: 480, reason: 'Temporarily Unavailable', cause: 'unavailable' };

  if (rule.do_not_disturb && !allowed) {
    return ownVoicemail
      ? { kind: 'service', service: ownVoicemail.service, user: callee, routedTo: 'to voicemail (Do Not Disturb)' }
      : { kind: 'reject', status: 486, reason: 'Busy Here', cause: 'busy', routedTo: 'rejected: DND' };
  }
  const forwardNow = (forward: ForwardAction, why: string): CallPlan | null => {
    const step = forward.enabled && forward.destination ? forwardStep(forward.destination, callee, voicemail, why) : null;
    if (!step) return null;
    return step.targets.length > 0 ? { kind: 'sequence', steps: [step] } : toVoicemail(` (${step.routedTo})`);
  };
  if (!allowed) {
    const always = forwardNow(rule.forward_always, '');
    if (always) return always;
  }
  if (devices === 0) return forwardNow(rule.forward_when_unregistered, ' (no device online)') ?? toVoicemail('');
  if (busy) {
    return forwardNow(rule.forward_on_busy, ' (busy)')
      ?? (ownVoicemail ? toVoicemail(' (busy)') : { kind: 'reject', status: 486, reason: 'Busy Here', cause: 'busy' });
  }

  const ring: RingTarget[] = [{ kind: 'devices', user: callee }];
  if (rule.simultaneous_ring.enabled) {
    for (const { destination, delay_s } of rule.simultaneous_ring.targets) {
      // Only people ring at the same time; a mailbox would answer at once and end the ringing.
      if (destination.kind === 'user') ring.push({ kind: 'devices', user: { domain: callee.domain, extension: destination.extension }, delayMs: delay_s * 1000 });
    }
  }
  const steps: RingStep[] = [{ targets: ring, timeoutMs: ringTimeoutMs }];
  let left = ENDINGS;
  const after = (forward: ForwardAction, causes: readonly FailureCause[], why: string): void => {
    const step = forward.enabled && forward.destination ? forwardStep(forward.destination, callee, voicemail, why) : null;
    if (!step || step.targets.length === 0) return;
    steps.push({ ...step, when: [{ step: 0, causes }] });
    left = left.filter((c) => !causes.includes(c));
  };
  after(rule.forward_on_busy, ['busy'], ' (busy)');
  after(rule.forward_no_answer, ['no-answer', 'unavailable'], ' (no answer)');
  if (ownVoicemail && left.length > 0) {
    steps.push({ targets: [ownVoicemail], timeoutMs: null, routedTo: 'to voicemail', ...(left === ENDINGS ? {} : { when: [{ step: 0, causes: left }] }) });
  }
  return { kind: 'sequence', steps };
}

/** The step a forward rings; no targets when it cannot ring (an outside number, or no voicemail service). */
function forwardStep(to: RuleDestination, callee: Account, voicemail: string | undefined, why: string): RingStep {
  switch (to.kind) {
    case 'user':
      return { targets: [{ kind: 'user', user: { domain: callee.domain, extension: to.extension } }], timeoutMs: null, routedTo: `forwarded to ${to.extension}${why}` };
    case 'voicemail': {
      const box = { domain: callee.domain, extension: to.extension };
      const routedTo = to.extension === callee.extension ? `to voicemail${why}` : `to voicemail of ${to.extension}${why}`;
      return { targets: voicemail ? [{ kind: 'service', service: voicemail, user: box }] : [], timeoutMs: null, routedTo };
    }
    case 'queue':
      return { targets: [], timeoutMs: null, routedTo: `forward to queue ${to.extension} not possible: no call queues` };
    case 'number':
      return { targets: [], timeoutMs: null, routedTo: `forward to ${to.number} not possible: outside calls not set up` };
    default: {
      const never: never = to;
      throw new Error(`unknown destination ${JSON.stringify(never)}`);
    }
  }
}
