/**
 * Gathers what the router needs for a new request (the callee's devices, calls and active
 * answering rule), asks the router for a plan, and expands every forward to another user into
 * that user's own plan, so "1002 forwards to 1003, who is on Do Not Disturb" ends in 1003's
 * voicemail. A user reached twice (1001 -> 1002 -> 1001) is a loop: that forward goes to the
 * first callee's voicemail instead, or nowhere, so a call never rings in circles.
 */
import type { AnswerRuleActions } from '../../../src/data/wire.js';
import type { User, UserRepo } from '../../store/types.js';
import type { SipFlow } from '../flow.js';
import type { Account } from '../identity.js';
import type { DialogStore, LocationService } from '../ports.js';
import { calleeState } from './callee-state.js';
import type { CallPlan, RingStep } from './plan.js';
import { stepsOf } from './plan.js';
import type { CallRouter, RouteInput } from './router.js';

/** Where the active answering rule of a user comes from (server/rules/user-rules.ts). */
export interface RulePolicy {
  activeRuleOf(domain: string, extension: string): Promise<{ rule: AnswerRuleActions }>;
}

export interface PlannerDeps {
  router: CallRouter;
  users: Pick<UserRepo, 'get'>;
  registrar: Pick<LocationService, 'lookup'>;
  dialogs: Pick<DialogStore, 'dialogsOf'>;
  /** Absent: nobody has answering rules (every call rings as the default rule says). */
  rules?: RulePolicy;
  /** The voicemail service, for a forward that loops. */
  voicemail?: string;
}

export interface PlanRequest {
  method: string;
  caller: Account;
  callerFlow: SipFlow;
  domain: string;
  dialled: string;
  callee: User | null;
  straightToVoicemail: boolean;
}

/** Forwards followed along one chain, at most: a longer chain is cut as a loop would be. */
const MAX_FORWARDS = 8;
/**
 * Forwards expanded for one call in all: each user's plan can forward on busy and on no answer,
 * so chains branch, and the whole tree is bounded (the rest goes to voicemail as a loop does).
 */
const MAX_EXPANSIONS = 32;

export class CallPlanner {
  constructor(private readonly deps: PlannerDeps) {}

  async plan(req: PlanRequest): Promise<CallPlan> {
    const input: RouteInput = {
      method: req.method, caller: req.caller, domain: req.domain, dialled: req.dialled,
      callee: req.callee && (await this.stateOf(req.callee, req)),
      straightToVoicemail: req.straightToVoicemail,
    };
    const plan = this.deps.router.route(input);
    if (plan.kind === 'reject' || !req.callee) return plan;
    // The caller counts as reached: a forward back to them is a loop, not their own phones ringing.
    const visited = [req.callee, ...(req.caller.extension === req.callee.extension ? [] : [req.caller])];
    const steps = await this.expand(stepsOf(plan), req, visited, 0, { left: MAX_EXPANSIONS });
    return steps.length > 0 ? { kind: 'sequence', steps } : { kind: 'reject', status: 480, reason: 'Temporarily Unavailable', cause: 'unavailable', routedTo: plan.kind === 'sequence' ? plan.steps[0]?.routedTo : undefined };
  }

  private async stateOf(callee: User, req: PlanRequest) {
    const rule = req.method === 'INVITE' && this.deps.rules ? (await this.deps.rules.activeRuleOf(callee.domain, callee.extension)).rule : null;
    return calleeState(callee, req.callerFlow, this.deps.registrar, this.deps.dialogs, rule);
  }

  /** Replaces each step that forwards to a user by that user's steps (their conditions shifted). */
  private async expand(steps: RingStep[], req: PlanRequest, visited: Account[], forwards: number, budget: { left: number }): Promise<RingStep[]> {
    const out: RingStep[] = [];
    // Step of `steps` -> its first step in `out`; -1 when it expanded to nothing, so a condition
    // on it never holds (nothing rang there, so it ended in no way).
    const index = new Map<number, number>();
    for (const [i, step] of steps.entries()) {
      const when = step.when?.map((c) => ({ ...c, step: index.get(c.step) ?? -1 }));
      const first = out.length;
      const forward = step.targets.length === 1 && step.targets[0]!.kind === 'user' ? step.targets[0]!.user : null;
      if (!forward) {
        index.set(i, first);
        out.push({ ...step, ...(when ? { when } : {}) });
        continue;
      }
      const sub = await this.forwardSteps(forward, req, visited, forwards, budget);
      index.set(i, sub.length > 0 ? first : -1);
      const offset = out.length;
      for (const s of sub) {
        const shifted = (s.when ?? []).map((c) => ({ ...c, step: c.step + offset }));
        const all = [...(when ?? []), ...shifted];
        out.push({
          ...s,
          ...(all.length > 0 ? { when: all } : {}),
          routedTo: s.routedTo && step.routedTo ? `${step.routedTo}, ${s.routedTo}` : (step.routedTo ?? s.routedTo),
        });
      }
    }
    return out;
  }

  private async forwardSteps(to: Account, req: PlanRequest, visited: Account[], forwards: number, budget: { left: number }): Promise<RingStep[]> {
    const first = visited[0]!;
    const looped = forwards >= MAX_FORWARDS || budget.left-- <= 0 || visited.some((v) => v.domain === to.domain && v.extension === to.extension);
    if (looped) {
      return this.deps.voicemail
        ? [{ targets: [{ kind: 'service', service: this.deps.voicemail, user: { domain: first.domain, extension: first.extension } }], timeoutMs: null, routedTo: `forwarding loop, to voicemail of ${first.extension}` }]
        : [];
    }
    const user = await this.deps.users.get(to.domain, to.extension);
    if (!user) return [];
    const plan = this.deps.router.route({
      method: req.method, caller: req.caller, domain: to.domain, dialled: to.extension,
      callee: await this.stateOf(user, req), straightToVoicemail: false,
    });
    if (plan.kind === 'reject') return [];
    return this.expand(stepsOf(plan), req, [...visited, user], forwards + 1, budget);
  }
}
