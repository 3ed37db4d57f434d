/**
 * What the call router decides for a new call: data, carried out by the executor. A plan never
 * names a flow or a socket; targets are resolved when their step starts, so a device that
 * registers while an earlier step rings is rung in the next one.
 */
import type { FailureCause } from '../call-recorder.js';
import type { Account } from '../identity.js';

export type RingTarget =
  /** Every live device (binding) of a user, except the caller's own; rung `delayMs` after its step starts. */
  | { kind: 'devices'; user: Account; delayMs?: number }
  /** A platform service (voicemail, park, queue, ...), acting for `user` when it has one. */
  | { kind: 'service'; service: string; user: Account | null }
  /**
   * Another user, rung as their own answering rule says (a forward). The planner replaces it by
   * that user's steps before the executor sees the plan.
   */
  | { kind: 'user'; user: Account };

/** A step that only rings when an earlier step of the plan ended in one of these ways. */
export interface StepCondition {
  /** Index of the earlier step in the plan. */
  step: number;
  causes: readonly FailureCause[];
}

export interface RingStep {
  targets: RingTarget[];
  /** How long this step rings before the next; null: until its targets answer or fail. */
  timeoutMs: number | null;
  /** Rung only when all of these hold; otherwise skipped (e.g. "forward on busy" after my devices were busy). */
  when?: StepCondition[];
  /** Where this step sends the call, for the call records: "forwarded to 1003", "to voicemail". */
  routedTo?: string;
}

export type CallPlan =
  /** Ring all targets at once; the first to answer wins, the rest are cancelled. */
  | { kind: 'parallel'; targets: RingTarget[]; timeoutMs: number | null }
  /** Ring each step in turn: a step that times out or fails hands the call to the next one. */
  | { kind: 'sequence'; steps: RingStep[] }
  /** Hand the call to a platform service straight away. */
  | { kind: 'service'; service: string; user: Account | null; routedTo?: string }
  /** Refuse the call; `reason` is the phrase the caller's card shows. */
  | { kind: 'reject'; status: number; reason: string; cause: FailureCause; warning?: string; routedTo?: string };

/** The steps a ringing plan goes through (a reject has none). */
export function stepsOf(plan: CallPlan): RingStep[] {
  switch (plan.kind) {
    case 'parallel': return [{ targets: plan.targets, timeoutMs: plan.timeoutMs }];
    case 'sequence': return plan.steps;
    case 'service': return [{ targets: [{ kind: 'service', service: plan.service, user: plan.user }], timeoutMs: null, ...(plan.routedTo ? { routedTo: plan.routedTo } : {}) }];
    case 'reject': return [];
    default: {
      const never: never = plan;
      throw new Error(`unknown plan ${JSON.stringify(never)}`);
    }
  }
}
