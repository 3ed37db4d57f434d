/**
 * The PostgreSQL greetings repository (see voicemail/greeting-types.ts for the contract). SQLite
 * takes the next index in one INSERT ... SELECT MAX(idx) + 1 and switches the active greeting in
 * one transaction, both safe under its single writer; here two such statements at once would
 * read the same MAX (one then fails on the primary key) or both clear and set (one fails on the
 * one-active index), so every change of a user's greetings holds that user's advisory lock.
 */
import type { Greeting, GreetingRepo } from '../voicemail/greeting-types.js';
import type { PgDb, Queryable } from './postgres-pool.js';
import { toGreeting } from './rows.js';

type Row = Record<string, unknown>;


async function lockOwner(tx: Queryable, domain: string, extension: string): Promise<void> {
  await tx.query("SELECT pg_advisory_xact_lock(hashtextextended('greetings' || chr(10) || $1 || chr(10) || $2, 0))", [domain, extension]);
}

const GET = 'SELECT * FROM greetings WHERE domain = $1 AND extension = $2 AND idx = $3';

export function pgGreetingRepo(db: PgDb): GreetingRepo {
  return {
    async list(domain, extension) {
      return (await db.query<Row>('SELECT * FROM greetings WHERE domain = $1 AND extension = $2 ORDER BY idx', [domain, extension])).rows.map(toGreeting);
    },
    async get(domain, extension, index) {
      const r = (await db.query<Row>(GET, [domain, extension, index])).rows[0];
      return r && toGreeting(r);
    },
    create: (g) => db.transaction(async (tx) => {
      await lockOwner(tx, g.domain, g.extension);
      const { rows } = await tx.query<Row>(`INSERT INTO greetings (domain, extension, idx, name, source, text, duration_s, bytes, file_id, created_at, updated_at)
        SELECT $1, $2, COALESCE(MAX(idx), 0) + 1, $3, $4, $5, $6, $7, $8, $9, $9
        FROM greetings WHERE domain = $1 AND extension = $2 RETURNING *`,
      [g.domain, g.extension, g.name, g.source, g.text, g.durationS, g.bytes, g.fileId, g.createdAt]);
      return toGreeting(rows[0]!);
    }),
    async rename(domain, extension, index, name, at) {
      const r = (await db.query<Row>('UPDATE greetings SET name = $1, updated_at = $2 WHERE domain = $3 AND extension = $4 AND idx = $5 RETURNING *',
        [name, at, domain, extension, index])).rows[0];
      return r && toGreeting(r);
    },
    activate: (domain, extension, index) => db.transaction(async (tx) => {
      await lockOwner(tx, domain, extension);
      if (index !== 0 && (await tx.query(GET, [domain, extension, index])).rows.length === 0) return false;
      await tx.query('UPDATE greetings SET active = false WHERE domain = $1 AND extension = $2 AND active', [domain, extension]);
      if (index !== 0) await tx.query('UPDATE greetings SET active = true WHERE domain = $1 AND extension = $2 AND idx = $3', [domain, extension, index]);
      return true;
    }),
    async delete(domain, extension, index) {
      return ((await db.query('DELETE FROM greetings WHERE domain = $1 AND extension = $2 AND idx = $3', [domain, extension, index])).rowCount ?? 0) > 0;
    },
    async active(domain, extension) {
      const r = (await db.query<Row>('SELECT * FROM greetings WHERE domain = $1 AND extension = $2 AND active', [domain, extension])).rows[0];
      return r && toGreeting(r);
    },
  };
}
