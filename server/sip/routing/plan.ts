/**
 * What the call router decides for a new call: data, carried out by the executor. A plan never
 * names a flow or a socket; targets are resolved when their step starts, so a device that
 * registers while an earlier step rings is rung in the next one.
 */
import type { FailureCause } from '../call-recorder.js';
import type { Account } from '../identity.js';

export type RingTarget =
  /** Every live device (binding) of a user, except the caller's own. */
  | { kind: 'devices'; user: Account }
  /** A platform service (voicemail, park, queue, ...), acting for `user` when it has one. */
  | { kind: 'service'; service: string; user: Account | null };

export interface RingStep {
  targets: RingTarget[];
  /** How long this step rings before the next; null: until its targets answer or fail. */
  timeoutMs: number | null;
}

export type CallPlan =
  /** Ring all targets at once; the first to answer wins, the rest are cancelled. */
  | { kind: 'parallel'; targets: RingTarget[]; timeoutMs: number | null }
  /** Ring each step in turn: a step that times out or fails hands the call to the next one. */
  | { kind: 'sequence'; steps: RingStep[] }
  /** Hand the call to a platform service straight away. */
  | { kind: 'service'; service: string; user: Account | null }
  /** Refuse the call; `reason` is the phrase the caller's card shows. */
  | { kind: 'reject'; status: number; reason: string; cause: FailureCause; warning?: string };

/** The steps a ringing plan goes through (a reject has none). */
export function stepsOf(plan: CallPlan): RingStep[] {
  switch (plan.kind) {
    case 'parallel': return [{ targets: plan.targets, timeoutMs: plan.timeoutMs }];
    case 'sequence': return plan.steps;
    case 'service': return [{ targets: [{ kind: 'service', service: plan.service, user: plan.user }], timeoutMs: null }];
    case 'reject': return [];
    default: {
      const never: never = plan;
      throw new Error(`unknown plan ${JSON.stringify(never)}`);
    }
  }
}
