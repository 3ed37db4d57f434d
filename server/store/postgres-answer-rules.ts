/**
 * The PostgreSQL time frame and answering rule repositories (see rules/types.ts for the contract
 * and answer-rule-changes.ts for how a change of the rules is planned). Every change of a user's
 * rules is one transaction holding that user's advisory lock from its first read: two at once
 * (two creates, a create and a reorder) run one after the other, never on the same priorities.
 * Deleting a frame a rule uses is refused by the database itself (ON DELETE RESTRICT), in its
 * one statement, whatever raced it.
 */
import { randomUUID } from 'node:crypto';
import { defaultRuleActions, TimeFrameInUseError, type AnswerRuleRecord, type TimeFrameRepo } from '../rules/types.js';
import { answerRuleStore, type RulesState } from './answer-rule-changes.js';
import { constraintViolation } from './errors.js';
import type { PgDb, Queryable } from './postgres-pool.js';
import { ruleActionsJson, timeFrameSpec, toAnswerRule, toTimeFrame } from './rows.js';
import type { AnswerRuleStore } from './types.js';

type Row = Record<string, unknown>;

export function pgTimeFrameRepo(db: PgDb): TimeFrameRepo {
  const GET = 'SELECT * FROM time_frames WHERE domain = $1 AND id = $2';
  return {
    async list(domain, owner) {
      // COLLATE "C": byte order, as SQLite sorts text.
      return (await db.query<Row>('SELECT * FROM time_frames WHERE domain = $1 AND owner IS NOT DISTINCT FROM $2 ORDER BY name COLLATE "C", id COLLATE "C"',
        [domain, owner])).rows.map(toTimeFrame);
    },
    async get(domain, id) {
      const r = (await db.query<Row>(GET, [domain, id])).rows[0];
      return r ? toTimeFrame(r) : null;
    },
    async create(domain, owner, f) {
      const { rows } = await db.query<Row>(`INSERT INTO time_frames (id, domain, owner, name, kind, spec, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`, [randomUUID(), domain, owner, f.name, f.kind, timeFrameSpec(f), Date.now()]);
      return toTimeFrame(rows[0]!);
    },
    async update(domain, id, f) {
      const r = (await db.query<Row>('UPDATE time_frames SET name = $1, kind = $2, spec = $3 WHERE domain = $4 AND id = $5 RETURNING *',
        [f.name, f.kind, timeFrameSpec(f), domain, id])).rows[0];
      return r ? toTimeFrame(r) : null;
    },
    async delete(domain, id) {
      try {
        return ((await db.query('DELETE FROM time_frames WHERE domain = $1 AND id = $2', [domain, id])).rowCount ?? 0) > 0;
      } catch (err) {
        if (constraintViolation(err) !== 'foreign-key') throw err;
        const frame = (await db.query<Row>(GET, [domain, id])).rows[0];
        const by = (await db.query<Row>('SELECT extension FROM answer_rules WHERE time_frame_id = $1 ORDER BY extension COLLATE "C" LIMIT 1', [id])).rows[0];
        throw new TimeFrameInUseError((by?.extension as string | undefined) ?? '?', (frame?.name as string | undefined) ?? id);
      }
    },
  };
}

const LIST = `SELECT * FROM answer_rules WHERE domain = $1 AND extension = $2 ORDER BY time_frame_id IS NULL, priority`;

async function rulesOf(q: Queryable, domain: string, extension: string): Promise<AnswerRuleRecord[]> {
  return (await q.query<Row>(LIST, [domain, extension])).rows.map(toAnswerRule);
}

async function dndRestoreOf(q: Queryable, domain: string, extension: string): Promise<string | null> {
  const r = (await q.query<Row>('SELECT dnd_restore FROM users WHERE domain = $1 AND extension = $2', [domain, extension])).rows[0];
  return (r?.dnd_restore as string | null | undefined) ?? null;
}

export function pgAnswerRuleRepo(db: PgDb): AnswerRuleStore {
  return answerRuleStore({
    list: (domain, extension) => rulesOf(db, domain, extension),
    dndRestore: (domain, extension) => dndRestoreOf(db, domain, extension),
    change: (domain, extension, opts, plan) => db.transaction(async (tx) => {
      await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('answerrules' || chr(10) || $1 || chr(10) || $2, 0))", [domain, extension]);
      await tx.query(`INSERT INTO answer_rules (domain, extension, time_frame_id, enabled, priority, actions)
        SELECT u.domain, u.extension, NULL, true,
          COALESCE((SELECT MAX(priority) FROM answer_rules WHERE domain = $1 AND extension = $2), 0) + 1, $3
        FROM users u WHERE u.domain = $1 AND u.extension = $2
        ON CONFLICT DO NOTHING`, [domain, extension, ruleActionsJson(defaultRuleActions())]);
      let dndFrameId: string | null = null;
      if (opts.dndFrame) {
        const found = (await tx.query<Row>("SELECT id FROM time_frames WHERE domain = $1 AND owner = $2 AND name = $3 AND kind = 'always'",
          [domain, extension, opts.dndFrame.name])).rows[0];
        dndFrameId = (found?.id as string | undefined) ?? null;
        if (!dndFrameId && opts.dndFrame.create) {
          dndFrameId = randomUUID();
          await tx.query(`INSERT INTO time_frames (id, domain, owner, name, kind, spec, created_at) VALUES ($1, $2, $3, $4, 'always', '{}', $5)`,
            [dndFrameId, domain, extension, opts.dndFrame.name, opts.dndFrame.now]);
        }
      }
      const state: RulesState = { rules: await rulesOf(tx, domain, extension), dndRestore: await dndRestoreOf(tx, domain, extension), dndFrameId };
      const planned = plan(state);
      if ('none' in planned) return { result: planned.none, rules: state.rules };
      for (const id of planned.delete ?? []) {
        await tx.query('DELETE FROM answer_rules WHERE domain = $1 AND extension = $2 AND time_frame_id = $3', [domain, extension, id]);
      }
      for (const w of planned.insert ?? []) {
        await tx.query(`INSERT INTO answer_rules (domain, extension, time_frame_id, enabled, priority, actions) VALUES ($1, $2, $3, $4, $5, $6)`,
          [domain, extension, w.timeFrameId, w.enabled, state.rules.length + 1, ruleActionsJson(w.actions)]);
      }
      for (const w of planned.update ?? []) {
        await tx.query(`UPDATE answer_rules SET enabled = $1, actions = $2 WHERE domain = $3 AND extension = $4 AND COALESCE(time_frame_id, '*') = $5`,
          [w.enabled, ruleActionsJson(w.actions), domain, extension, w.timeFrameId ?? '*']);
      }
      // Every priority in one statement: the position of each frame id in the order.
      const keys = planned.order.map((id) => id ?? '*');
      await tx.query(`UPDATE answer_rules r SET priority = o.n FROM unnest($3::text[]) WITH ORDINALITY AS o(key, n)
        WHERE r.domain = $1 AND r.extension = $2 AND COALESCE(r.time_frame_id, '*') = o.key`, [domain, extension, keys]);
      if (planned.dndRestore !== undefined) {
        await tx.query('UPDATE users SET dnd_restore = $1 WHERE domain = $2 AND extension = $3', [planned.dndRestore, domain, extension]);
      }
      return { result: planned.result, rules: await rulesOf(tx, domain, extension) };
    }),
  });
}
