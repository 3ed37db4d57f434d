/**
 * The answering-rule repository's logic, once for both stores: every change of a user's rules is
 * planned here from the rules as they are (read in the change's own transaction) and applied by
 * the store in that same transaction (sqlite-answer-rules.ts, postgres-answer-rules.ts), which
 * then writes every priority again, dense (1..n) and the default rule last. So two changes at
 * once cannot leave two rules with one priority: SQLite has one writer, and PostgreSQL's change
 * holds the user's advisory lock from its first read to its commit.
 */
import type { AnswerRuleActions } from '../../src/data/wire.js';
import { defaultRuleActions, type AnswerRuleRecord } from '../rules/types.js';
import type { AnswerRuleStore } from './types.js';

/** A user's rules as a change finds them (the default rule there already), in priority order. */
export interface RulesState {
  rules: AnswerRuleRecord[];
  /** While Do Not Disturb is on: what it remembered (JSON, see DndMemory). */
  dndRestore: string | null;
  /** The user's own "Do Not Disturb" time frame (kind always), when they have one. */
  dndFrameId: string | null;
}

export interface RuleWrite {
  timeFrameId: string | null;
  enabled: boolean;
  actions: AnswerRuleActions;
}

/** What a change does; `order` is every rule's frame id after it (null, the default, last). */
export interface RulesChange<R> {
  insert?: RuleWrite[];
  update?: RuleWrite[];
  delete?: string[];
  order: Array<string | null>;
  /** undefined: left as it is. */
  dndRestore?: string | null;
  result: R;
}

export type RulesPlan<R> = (state: RulesState) => RulesChange<R> | { none: R };

/** What a store provides; the repository's methods are built on it (answerRuleStore). */
export interface RulesBackend {
  /** The rules as stored, in priority order (the default may still be missing). */
  list(domain: string, extension: string): Promise<AnswerRuleRecord[]>;
  /**
   * One transaction: creates the default rule when missing, finds (`dndFrame.create`: or
   * creates) the user's frame `dndFrame.name`, reads the state, applies `plan`'s change.
   * Returns the plan's result and the rules after. A plan that throws changes nothing.
   */
  change<R>(domain: string, extension: string, opts: { dndFrame?: { name: string; create: boolean; now: number } }, plan: RulesPlan<R>):
    Promise<{ result: R; rules: AnswerRuleRecord[] }>;
  dndRestore(domain: string, extension: string): Promise<string | null>;
}

/** A reorder that does not list every rule once, the default last. */
export class RuleOrderError extends Error {}

/** What Do Not Disturb remembers when it goes on: the order, and its own rule as it was (null: it had none). */
interface DndMemory {
  order: Array<string | null>;
  rule?: { enabled: boolean; actions: AnswerRuleActions } | null;
}

const ids = (rules: readonly AnswerRuleRecord[]) => rules.map((r) => r.timeFrameId);
const writeOf = (r: AnswerRuleRecord, patch: Partial<RuleWrite> = {}): RuleWrite => ({
  timeFrameId: r.timeFrameId, enabled: r.enabled, actions: actionsOf(r), ...patch,
});

export function actionsOf(a: AnswerRuleActions): AnswerRuleActions {
  const { do_not_disturb, forward_always, simultaneous_ring, forward_on_busy, forward_no_answer, forward_when_unregistered, screening } = a;
  return { do_not_disturb, forward_always, simultaneous_ring, forward_on_busy, forward_no_answer, forward_when_unregistered, screening };
}

/** `ids` with `id` put just before the default rule (last). */
function aboveDefault(order: Array<string | null>, id: string): Array<string | null> {
  const rest = order.filter((x) => x !== null && x !== id);
  return [...rest, id, null];
}

export function answerRuleStore(b: RulesBackend): AnswerRuleStore {
  return {
    async list(domain, extension) {
      const rules = await b.list(domain, extension);
      if (rules.some((r) => r.timeFrameId === null)) return rules;
      return (await b.change(domain, extension, {}, () => ({ none: null }))).rules;
    },

    async create(domain, extension, timeFrameId, rule) {
      // A second rule for the frame fails on the store's unique index (a constraint error).
      const { rules } = await b.change(domain, extension, {}, (s) => ({
        insert: [{ timeFrameId, enabled: rule.enabled, actions: actionsOf(rule) }],
        order: aboveDefault(ids(s.rules), timeFrameId),
        result: null,
      }));
      return rules.find((r) => r.timeFrameId === timeFrameId)!;
    },

    async update(domain, extension, timeFrameId, rule) {
      const { rules, result } = await b.change<boolean>(domain, extension, {}, (s) => {
        if (!s.rules.some((r) => r.timeFrameId === timeFrameId)) return { none: false };
        return { update: [{ timeFrameId, enabled: rule.enabled, actions: actionsOf(rule) }], order: ids(s.rules), result: true };
      });
      return result ? rules.find((r) => r.timeFrameId === timeFrameId)! : null;
    },

    async delete(domain, extension, timeFrameId) {
      const { result } = await b.change<boolean>(domain, extension, {}, (s) => {
        if (!s.rules.some((r) => r.timeFrameId === timeFrameId)) return { none: false };
        return { delete: [timeFrameId], order: ids(s.rules).filter((x) => x !== timeFrameId), result: true };
      });
      return result;
    },

    async reorder(domain, extension, order) {
      return (await b.change(domain, extension, {}, (s) => {
        checkOrder(ids(s.rules), order);
        return { order, result: null };
      })).rules;
    },

    async setDoNotDisturb(domain, extension, on, frameName, now) {
      return (await b.change(domain, extension, { dndFrame: { name: frameName, create: on, now } }, (s) => (on ? dndOn(s) : dndOff(s)))).rules;
    },

    async doNotDisturbOn(domain, extension) {
      return (await b.dndRestore(domain, extension)) !== null;
    },
  };
}

/** Every rule exactly once, the default (null) last. */
export function checkOrder(current: Array<string | null>, order: Array<string | null>): void {
  const name = (id: string | null) => (id === null ? '*' : id);
  const seen = new Set<string | null>();
  for (const id of order) {
    if (seen.has(id)) throw new RuleOrderError(`The order lists the rule ${name(id)} twice`);
    if (!current.includes(id)) throw new RuleOrderError(`There is no answering rule ${name(id)} to order`);
    seen.add(id);
  }
  const missing = current.filter((id) => !seen.has(id));
  if (missing.length > 0) throw new RuleOrderError(`The order must list every rule; it leaves out ${missing.map(name).join(', ')}`);
  if (order[order.length - 1] !== null) throw new RuleOrderError('The default rule (*) must come last');
}

function dndOn(s: RulesState): RulesChange<null> | { none: null } {
  const frame = s.dndFrameId!;
  const existing = s.rules.find((r) => r.timeFrameId === frame);
  // On means: its rule is there, enabled, says DND, and is first. Anything else (the rule was
  // edited, disabled or deleted in the form meanwhile) is put right, whatever was remembered.
  if (existing?.enabled && existing.do_not_disturb && s.rules[0] === existing) return { none: null };
  // The memory of the first switch-on is kept: off restores the order from before it.
  const memory: DndMemory = s.dndRestore !== null
    ? JSON.parse(s.dndRestore) as DndMemory
    : { order: ids(s.rules), rule: existing ? { enabled: existing.enabled, actions: actionsOf(existing) } : null };
  // Forward always cannot be on together with DND (the validator refuses the pair).
  const base = existing ? actionsOf(existing) : defaultRuleActions();
  const actions = { ...base, do_not_disturb: true, forward_always: { ...base.forward_always, enabled: false } };
  const write = { timeFrameId: frame, enabled: true, actions };
  return {
    ...(existing ? { update: [write] } : { insert: [write] }),
    order: [frame, ...ids(s.rules).filter((id) => id !== frame)],
    dndRestore: JSON.stringify(memory),
    result: null,
  };
}

function dndOff(s: RulesState): RulesChange<null> | { none: null } {
  const frame = s.dndFrameId;
  const rule = frame === null ? undefined : s.rules.find((r) => r.timeFrameId === frame);
  if (s.dndRestore === null) {
    if (!rule || !rule.enabled) return { none: null };
    return { update: [writeOf(rule, { enabled: false })], order: ids(s.rules), result: null };
  }
  if (!rule) return { order: ids(s.rules), dndRestore: null, result: null };
  const memory = JSON.parse(s.dndRestore) as DndMemory;
  const others = ids(s.rules).filter((id) => id !== frame);
  let order: Array<string | null>;
  const before = memory.order.indexOf(frame);
  if (before < 0) {
    // It did not exist before: it stays, just above the default.
    order = aboveDefault(others, frame!);
  } else {
    // Back after the last rule (as they are now) that came before it then; first when none does.
    const predecessors = new Set(memory.order.slice(0, before));
    let at = 0;
    others.forEach((id, i) => { if (predecessors.has(id) && id !== null) at = i + 1; });
    order = [...others.slice(0, at), frame!, ...others.slice(at)];
  }
  // Its rule as it was before DND went on; a rule the switch made is left disabled.
  const was = memory.rule;
  return { update: [writeOf(rule, was ? { enabled: was.enabled && !was.actions.do_not_disturb, actions: was.actions } : { enabled: false })], order, dndRestore: null, result: null };
}
