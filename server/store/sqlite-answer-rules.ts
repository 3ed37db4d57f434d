/**
 * The SQLite time frame and answering rule repositories (see rules/types.ts for the contract and
 * answer-rule-changes.ts for how a change of the rules is planned). A change runs in one
 * better-sqlite3 transaction, which SQLite's single writer makes atomic.
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { defaultRuleActions, TimeFrameInUseError, type AnswerRuleRecord, type TimeFrameRepo } from '../rules/types.js';
import { answerRuleStore, type RulesBackend, type RulesChange, type RulesPlan, type RulesState } from './answer-rule-changes.js';
import { constraintViolation } from './errors.js';
import { ruleActionsJson, timeFrameSpec, toAnswerRule, toTimeFrame } from './rows.js';
import type { AnswerRuleStore } from './types.js';

type Row = Record<string, unknown>;

export function sqliteTimeFrameRepo(db: Database.Database): TimeFrameRepo {
  const list = db.prepare('SELECT * FROM time_frames WHERE domain = ? AND owner IS ? ORDER BY name, id');
  const get = db.prepare('SELECT * FROM time_frames WHERE domain = ? AND id = ?');
  const insert = db.prepare(`INSERT INTO time_frames (id, domain, owner, name, kind, spec, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`);
  const update = db.prepare('UPDATE time_frames SET name = ?, kind = ?, spec = ? WHERE domain = ? AND id = ? RETURNING *');
  const del = db.prepare('DELETE FROM time_frames WHERE domain = ? AND id = ?');
  const user = db.prepare('SELECT extension FROM answer_rules WHERE time_frame_id = ? ORDER BY extension LIMIT 1');
  return {
    async list(domain, owner) { return (list.all(domain, owner) as Row[]).map(toTimeFrame); },
    async get(domain, id) {
      const r = get.get(domain, id) as Row | undefined;
      return r ? toTimeFrame(r) : null;
    },
    async create(domain, owner, f) {
      return toTimeFrame(insert.get(randomUUID(), domain, owner, f.name, f.kind, timeFrameSpec(f), Date.now()) as Row);
    },
    async update(domain, id, f) {
      const r = update.get(f.name, f.kind, timeFrameSpec(f), domain, id) as Row | undefined;
      return r ? toTimeFrame(r) : null;
    },
    async delete(domain, id) {
      try {
        return del.run(domain, id).changes > 0;
      } catch (err) {
        // ON DELETE RESTRICT: a rule uses it (the database refused; nothing was deleted). SQLite
        // reports a RESTRICT action as SQLITE_CONSTRAINT_TRIGGER, a deferred check as FOREIGNKEY.
        const code = (err as { code?: unknown }).code;
        if (constraintViolation(err) !== 'foreign-key' && code !== 'SQLITE_CONSTRAINT_TRIGGER') throw err;
        const frame = get.get(domain, id) as Row | undefined;
        const by = user.get(id) as { extension: string } | undefined;
        throw new TimeFrameInUseError(by?.extension ?? '?', (frame?.name as string | undefined) ?? id);
      }
    },
  };
}

export function sqliteAnswerRuleRepo(db: Database.Database): AnswerRuleStore {
  const list = db.prepare(`SELECT * FROM answer_rules WHERE domain = ? AND extension = ?
    ORDER BY time_frame_id IS NULL, priority`);
  // Only for a user who exists, and only once (the unique index on the frame, '*' for none).
  const ensureDefault = db.prepare(`INSERT INTO answer_rules (domain, extension, time_frame_id, enabled, priority, actions)
    SELECT u.domain, u.extension, NULL, 1,
      COALESCE((SELECT MAX(priority) FROM answer_rules WHERE domain = @domain AND extension = @extension), 0) + 1, @actions
    FROM users u WHERE u.domain = @domain AND u.extension = @extension
    ON CONFLICT DO NOTHING`);
  const dndOf = db.prepare('SELECT dnd_restore FROM users WHERE domain = ? AND extension = ?');
  const setDnd = db.prepare('UPDATE users SET dnd_restore = ? WHERE domain = ? AND extension = ?');
  const dndFrame = db.prepare("SELECT id FROM time_frames WHERE domain = ? AND owner = ? AND name = ? AND kind = 'always'");
  const insertFrame = db.prepare(`INSERT INTO time_frames (id, domain, owner, name, kind, spec, created_at)
    VALUES (?, ?, ?, ?, 'always', '{}', ?)`);
  const insert = db.prepare(`INSERT INTO answer_rules (domain, extension, time_frame_id, enabled, priority, actions)
    VALUES (?, ?, ?, ?, ?, ?)`);
  const update = db.prepare(`UPDATE answer_rules SET enabled = ?, actions = ?
    WHERE domain = ? AND extension = ? AND COALESCE(time_frame_id, '*') = ?`);
  const del = db.prepare('DELETE FROM answer_rules WHERE domain = ? AND extension = ? AND time_frame_id = ?');
  const setPriority = db.prepare(`UPDATE answer_rules SET priority = ?
    WHERE domain = ? AND extension = ? AND COALESCE(time_frame_id, '*') = ?`);

  const rulesOf = (domain: string, extension: string): AnswerRuleRecord[] => (list.all(domain, extension) as Row[]).map(toAnswerRule);

  const change = db.transaction(<R>(domain: string, extension: string, opts: Parameters<RulesBackend['change']>[2], plan: RulesPlan<R>) => {
    ensureDefault.run({ domain, extension, actions: ruleActionsJson(defaultRuleActions()) });
    let dndFrameId: string | null = null;
    if (opts.dndFrame) {
      dndFrameId = (dndFrame.get(domain, extension, opts.dndFrame.name) as { id: string } | undefined)?.id ?? null;
      if (!dndFrameId && opts.dndFrame.create) {
        dndFrameId = randomUUID();
        insertFrame.run(dndFrameId, domain, extension, opts.dndFrame.name, opts.dndFrame.now);
      }
    }
    const state: RulesState = {
      rules: rulesOf(domain, extension),
      dndRestore: ((dndOf.get(domain, extension) as Row | undefined)?.dnd_restore as string | null | undefined) ?? null,
      dndFrameId,
    };
    const planned = plan(state);
    if ('none' in planned) return { result: planned.none, rules: state.rules };
    const c: RulesChange<R> = planned;
    for (const id of c.delete ?? []) del.run(domain, extension, id);
    // A new rule's priority is set with the others' just below; 1 + n keeps the CHECK meanwhile.
    for (const w of c.insert ?? []) insert.run(domain, extension, w.timeFrameId, w.enabled ? 1 : 0, state.rules.length + 1, ruleActionsJson(w.actions));
    for (const w of c.update ?? []) update.run(w.enabled ? 1 : 0, ruleActionsJson(w.actions), domain, extension, w.timeFrameId ?? '*');
    c.order.forEach((id, i) => setPriority.run(i + 1, domain, extension, id ?? '*'));
    if (c.dndRestore !== undefined) setDnd.run(c.dndRestore, domain, extension);
    return { result: c.result, rules: rulesOf(domain, extension) };
  });

  return answerRuleStore({
    async list(domain, extension) { return rulesOf(domain, extension); },
    async change<R>(domain: string, extension: string, opts: Parameters<RulesBackend['change']>[2], plan: RulesPlan<R>) {
      return change(domain, extension, opts, plan) as { result: R; rules: AnswerRuleRecord[] };
    },
    async dndRestore(domain, extension) {
      return ((dndOf.get(domain, extension) as Row | undefined)?.dnd_restore as string | null | undefined) ?? null;
    },
  });
}
