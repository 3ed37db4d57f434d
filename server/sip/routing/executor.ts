/**
 * Carries out a call plan: rings each step's targets in parallel (forking, s16.6), moves to the
 * next step when a step times out or all its branches fail, and gives the caller the outcome.
 * A device and a platform service are rung the same way: both are flows (services/endpoint.ts).
 *
 *   step i rings --first 2xx (any step's branch)--> answered: other branches CANCELled
 *      |--ring timeout--> branches CANCELled, then step i+1 (or 480 No Answer)
 *      |--all branches fail (a 6xx ends the step at once)--> step i+1 (or the best answer)
 *      '--caller CANCELs or goes away--> branches CANCELled, 487
 *   A step whose targets are all gone (no live device, unknown service) is skipped, and so is a
 *   step whose condition does not hold ("forward on busy" when my devices were not busy).
 *   A target with a delay (simultaneous ring "after 10 s") joins its step that much later.
 */
import type { Logger } from '../../log.js';
import type { UserRepo } from '../../store/types.js';
import type { CallRecorder, FailureCause, Party } from '../call-recorder.js';
import type { SipFlow } from '../flow.js';
import { identityOf, partyOf, samePerson, type Account } from '../identity.js';
import { createResponse, type SipResponse } from '../message.js';
import type { LocationService } from '../ports.js';
import { serviceContact, type ServiceEndpoint } from '../services/endpoint.js';
import { causeOf, LINGER_MS, pickBest, type ClientBranch, type ServerTx, type Target, type TransactionTable } from '../transactions.js';
import type { RingStep, RingTarget } from './plan.js';

/** How long a CANCELled branch may take to send its 487 before we stop waiting. */
const CANCEL_GRACE_MS = 5_000;

function delayOf(target: RingTarget): number {
  return target.kind === 'devices' ? (target.delayMs ?? 0) : 0;
}

export interface ServiceDirectory {
  endpoint(name: string): ServiceEndpoint | undefined;
}

export interface ExecutorDeps {
  transactions: TransactionTable;
  /** Names the owners of forwarded targets (a sequence may ring someone other than the callee). */
  users: Pick<UserRepo, 'get'>;
  registrar: Pick<LocationService, 'lookup'>;
  services: ServiceDirectory;
  recorder: CallRecorder;
  /** The first 2xx of an INVITE: the dialog it confirms. */
  answered(tx: ServerTx, branch: ClientBranch, res: SipResponse): void;
  log: Logger;
}

interface Run {
  steps: RingStep[];
  /** Flows already chosen for step 0 (the one party an INVITE with Replaces goes to). */
  pinned: Target[] | null;
  /** The ring timeout of the current step fired. */
  timedOut: boolean;
  stepTimer: NodeJS.Timeout | null;
  /** The failure the caller gets if no later step answers. */
  outcome: { res: SipResponse; cause: FailureCause } | null;
  /** How each step that rang ended, by step index (what step conditions test). */
  endings: Map<number, FailureCause>;
  /** Delayed targets of the current step not yet rung (their timers, until each has rung). */
  delayed: Set<NodeJS.Timeout>;
}

export class PlanExecutor {
  private readonly runs = new WeakMap<ServerTx, Run>();

  constructor(private readonly deps: ExecutorDeps) {}

  /** Starts ringing `steps` for a new transaction (which the table now keeps). */
  start(tx: ServerTx, steps: RingStep[]): void {
    this.begin(tx, { steps, pinned: null, timedOut: false, stepTimer: null, outcome: null, endings: new Map(), delayed: new Set() });
  }

  /** Rings flows chosen beforehand (no plan: an INVITE with Replaces goes to one party only). */
  startPinned(tx: ServerTx, targets: Target[], timeoutMs: number): void {
    this.begin(tx, { steps: [{ targets: [], timeoutMs }], pinned: targets, timedOut: false, stepTimer: null, outcome: null, endings: new Map(), delayed: new Set() });
  }

  private begin(tx: ServerTx, run: Run): void {
    this.runs.set(tx, run);
    this.deps.transactions.add(tx);
    if (tx.isInvite) tx.flow.send(createResponse(tx.request, 100, 'Trying'));
    else tx.timers.push(setTimeout(() => this.finish(tx, createResponse(tx.request, 408, 'Request Timeout')), LINGER_MS));
    this.runStep(tx, 0);
  }

  /** A response on one of our branches. */
  response(branch: ClientBranch, res: SipResponse): void {
    const tx = branch.tx;
    if (tx.isInvite) res.headers.set('P-Asserted-Identity', tx.calleeIdentity);
    // Only a platform service says what answered; a device cannot pose as voicemail.
    if (branch.target.deviceId !== null) res.headers.delete('X-Switchboard-Service');
    if (res.status < 200) {
      if (res.status > 100 && tx.state === 'proceeding' && !branch.final) tx.flow.send(res);
      return;
    }
    if (res.status < 300) return this.answered(branch, res);
    this.deps.transactions.ack(branch, res);
    // A 6xx is final for the whole step: stop the other devices ringing (s16.7 step 5), and
    // those still waiting for their delay.
    if (res.status >= 600 && tx.state === 'proceeding') {
      this.clearStepTimer(tx);
      for (const other of this.current(tx)) if (other !== branch) this.deps.transactions.cancel(other);
    }
    this.branchFinal(branch, res);
  }

  /** The caller CANCELled, or its flow went away: every branch stops, the caller gets 487. */
  cancel(tx: ServerTx, cause: FailureCause): void {
    if (tx.state !== 'proceeding') return;
    tx.state = 'cancelling';
    tx.cause = cause;
    this.stopBranches(tx, tx.branches);
    // Nothing was ringing yet (its targets were being looked up): the 487 goes at once.
    this.settle(tx);
  }

  /** A flow went away: its calls are cancelled, its ringing branches fail. */
  flowClosed(flow: SipFlow): void {
    for (const tx of this.deps.transactions.all()) {
      if (tx.state === 'answered' || tx.state === 'completed') continue;
      if (tx.flow === flow) {
        this.cancel(tx, 'cancelled');
        continue;
      }
      for (const branch of tx.branches) {
        if (branch.target.flow === flow && !branch.final) this.branchFinal(branch, createResponse(branch.request, 480, 'Temporarily Unavailable'));
      }
    }
  }

  /** Answers the caller ourselves (also used when nothing could be rung at all). */
  finish(tx: ServerTx, res: SipResponse): void {
    if (tx.state === 'answered' || tx.state === 'completed') return;
    tx.state = 'completed';
    this.clearStepTimer(tx);
    if (tx.isInvite) {
      res.headers.set('P-Asserted-Identity', tx.calleeIdentity);
      this.deps.recorder.failed(tx.callId, tx.cause ?? causeOf(res.status), res.status);
    }
    tx.flow.send(res);
    this.deps.transactions.linger(tx);
  }

  private answered(branch: ClientBranch, res: SipResponse): void {
    const tx = branch.tx;
    // Every 2xx goes upstream, even a second one from another branch: the caller's UA must
    // ACK and BYE it (s16.7 step 5).
    branch.final = res;
    tx.flow.send(res);
    if (tx.state === 'answered' || tx.state === 'completed') return;
    tx.state = 'answered';
    this.clearStepTimer(tx);
    if (tx.isInvite) {
      this.deps.recorder.answered(tx.callId, samePerson(branch.target.owner, tx.callee));
      this.deps.answered(tx, branch, res);
    }
    for (const other of tx.branches) if (other !== branch) this.deps.transactions.cancel(other, true);
    this.deps.transactions.linger(tx);
  }

  private runStep(tx: ServerTx, from: number): void {
    this.ringFrom(tx, from).catch((err: unknown) => {
      this.deps.log.error('plan step failed', { callId: tx.callId, error: (err as Error).stack });
      tx.cause = 'failed';
      this.finish(tx, createResponse(tx.request, 500, 'Server Internal Error'));
    });
  }

  /** Rings the first step from `from` on that has anything to ring. */
  private async ringFrom(tx: ServerTx, from: number): Promise<void> {
    const run = this.runs.get(tx)!;
    for (let i = from; i < run.steps.length; i++) {
      const step = run.steps[i]!;
      if (step.when && !step.when.every((c) => c.causes.includes(run.endings.get(c.step) as FailureCause))) continue;
      const now = step.targets.filter((t) => !delayOf(t));
      const later = step.targets.filter((t) => delayOf(t));
      const targets = i === 0 && run.pinned
        ? run.pinned.filter((t) => t.flow.isOpen)
        : (await Promise.all(now.map((t) => this.resolve(t, tx)))).flat();
      // The caller may have given up while the owners were looked up.
      if (tx.state !== 'proceeding') return;
      if (targets.length === 0 && later.length === 0) {
        this.deps.log.debug('plan step skipped: no target to ring', { callId: tx.callId, step: i });
        // For the steps that depend on it, nobody could be reached (e.g. my devices went away
        // since the plan was made: my no-answer forward or voicemail still takes the call).
        run.endings.set(i, 'unavailable');
        continue;
      }
      tx.step = i;
      run.timedOut = false;
      if (tx.isInvite && step.routedTo) this.deps.recorder.routed(tx.callId, step.routedTo);
      this.ring(tx, targets);
      for (const target of later) {
        const timer: NodeJS.Timeout = setTimeout(() => void this.ringLate(tx, i, target, timer), delayOf(target));
        run.delayed.add(timer);
      }
      if (tx.isInvite && step.timeoutMs !== null) {
        run.stepTimer = setTimeout(() => {
          run.timedOut = true;
          this.stopBranches(tx, this.current(tx));
        }, step.timeoutMs);
      }
      this.deps.log.debug('ringing', { method: tx.request.method, callId: tx.callId, step: i, branches: targets.length });
      return;
    }
    // Nothing (more) to ring: the last step's failure, or nobody could be reached at all.
    if (run.outcome) {
      tx.cause ??= run.outcome.cause;
      return this.finish(tx, run.outcome.res);
    }
    tx.cause ??= 'unavailable';
    this.finish(tx, createResponse(tx.request, 480, 'Temporarily Unavailable'));
  }

  private ring(tx: ServerTx, targets: Target[]): void {
    const asserted = identityOf(tx.caller.user);
    for (const target of targets) {
      const branch = this.deps.transactions.fork(tx, target, asserted);
      target.flow.send(branch.request);
    }
  }

  /**
   * A delayed target's time came: it rings if its step still does. Its timer stays in `delayed`
   * while its owner is looked up, so the step cannot settle meanwhile; a step that ended (answer,
   * CANCEL, timeout) has emptied `delayed`, and then nothing rings.
   */
  private async ringLate(tx: ServerTx, step: number, target: RingTarget, timer: NodeJS.Timeout): Promise<void> {
    const run = this.runs.get(tx)!;
    try {
      const targets = await this.resolve(target, tx);
      if (tx.state === 'proceeding' && tx.step === step && run.delayed.has(timer)) this.ring(tx, targets);
    } catch (err) {
      this.deps.log.error('delayed target failed', { callId: tx.callId, error: (err as Error).message });
    }
    if (!run.delayed.delete(timer)) return;
    // It may have been the last hope of a step whose other branches all failed.
    this.settle(tx);
  }

  private async resolve(target: RingTarget, tx: ServerTx): Promise<Target[]> {
    // A `user` target is expanded by the planner; one left in a plan rings that user's devices.
    if (target.kind === 'devices' || target.kind === 'user') {
      // Never ring the very device that is calling (a user calling their own other devices is fine).
      const bindings = this.deps.registrar.lookup(target.user.domain, target.user.extension).filter((b) => b.flow !== tx.flow && b.flow.isOpen);
      if (bindings.length === 0) return [];
      const owner = await this.partyOf(target.user, tx);
      return bindings.map((b) => ({ owner, flow: b.flow, contact: b.contact, deviceId: b.deviceId, deviceLabel: b.deviceLabel }));
    }
    const endpoint = this.deps.services.endpoint(target.service);
    if (!endpoint?.isOpen) {
      this.deps.log.warn('plan names a service that is not running', { service: target.service });
      return [];
    }
    // The service is the other party of the call, not the user it acts for: leaving Bob a
    // message does not put Bob on a call.
    const owner: Party = { domain: tx.callee.domain, extension: target.service, name: target.service };
    return [{ owner, flow: endpoint, contact: serviceContact(target.service, target.user), deviceId: null, deviceLabel: target.service }];
  }

  private async partyOf(account: Account, tx: ServerTx): Promise<Party> {
    if (samePerson(account, tx.callee)) return tx.callee;
    const user = await this.deps.users.get(account.domain, account.extension);
    return user ? partyOf(user) : { ...account, name: '' };
  }

  /** CANCELs `branches`; those that have not answered within the grace count as 487. */
  private stopBranches(tx: ServerTx, branches: ClientBranch[]): void {
    this.clearStepTimer(tx);
    for (const branch of branches) this.deps.transactions.cancel(branch);
    tx.timers.push(setTimeout(() => {
      for (const b of branches) if (!b.final) b.final = createResponse(b.request, 487, 'Request Terminated');
      this.settle(tx);
    }, CANCEL_GRACE_MS));
  }

  private branchFinal(branch: ClientBranch, res: SipResponse): void {
    if (branch.final) return;
    branch.final = res;
    this.settle(branch.tx);
  }

  /** When every branch of the step has a final answer: the next step, or the caller's answer. */
  private settle(tx: ServerTx): void {
    if (tx.state === 'answered' || tx.state === 'completed') return;
    if (tx.state === 'cancelling') {
      if (tx.branches.every((b) => b.final)) this.finish(tx, createResponse(tx.request, 487, 'Request Terminated'));
      return;
    }
    const branches = this.current(tx);
    const run = this.runs.get(tx)!;
    if (branches.some((b) => !b.final) || run.delayed.size > 0) return;
    this.clearStepTimer(tx);
    if (run.timedOut) {
      run.outcome = { res: createResponse(tx.request, 480, 'No Answer'), cause: 'no-answer' };
    } else if (branches.length === 0) {
      run.outcome = { res: createResponse(tx.request, 480, 'Temporarily Unavailable'), cause: 'unavailable' };
    } else {
      // The best branch answer itself goes up (its Warning, Retry-After, ... intact).
      const best = pickBest(branches.map((b) => b.final!));
      run.outcome = { res: best, cause: causeOf(best.status) };
    }
    run.endings.set(tx.step, run.outcome.cause);
    this.runStep(tx, tx.step + 1);
  }

  private current(tx: ServerTx): ClientBranch[] {
    return tx.branches.filter((b) => b.step === tx.step);
  }

  /** Stops the current step's clock and its delayed targets (they will not ring any more). */
  private clearStepTimer(tx: ServerTx): void {
    const run = this.runs.get(tx);
    if (!run) return;
    if (run.stepTimer) clearTimeout(run.stepTimer);
    run.stepTimer = null;
    for (const timer of run.delayed) clearTimeout(timer);
    run.delayed.clear();
  }
}
