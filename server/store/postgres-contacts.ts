/**
 * The PostgreSQL contacts repository: the same contract as the SQLite one (sqlite.ts). Every
 * change of an owner's contacts runs in a transaction holding that owner's advisory lock, which
 * does for PostgreSQL what SQLite's single writer does: the idempotent create by client_id, the
 * compare-and-set on the version and the strictly increasing change time per owner cannot
 * interleave with another change of the same owner's contacts.
 */
import { digitsOf, searchTerms, searchTextOf } from './contact-text.js';
import type { Contact, ContactChange, ContactFields, ContactNumber, ContactRecord, ContactRepo, ContactTombstone } from './types.js';
import type { PgDb, Queryable } from './postgres-pool.js';

type Row = Record<string, unknown>;

const toRecord = (r: Row, numbers: ContactNumber[]): ContactRecord => {
  const base = {
    id: r.id as string,
    domain: r.domain as string,
    extension: r.extension as string,
    clientId: (r.client_id as string | null) ?? null,
    updatedAt: r.updated_at as number,
    version: r.version as number,
  };
  if (r.deleted) return { ...base, deleted: true };
  return {
    ...base,
    firstName: r.first_name as string,
    lastName: r.last_name as string,
    company: r.company as string,
    email: r.email as string,
    notes: r.notes as string,
    numbers,
    createdAt: r.created_at as number,
    deleted: false,
  };
};

const GET = 'SELECT * FROM contacts WHERE id = $1 AND domain = $2 AND extension = $3';

async function load(db: Queryable, r: Row): Promise<ContactRecord> {
  const { rows } = await db.query<ContactNumber>('SELECT label, number FROM contact_numbers WHERE contact_seq = $1 ORDER BY position', [r.seq]);
  return toRecord(r, rows);
}

async function getRow(db: Queryable, domain: string, extension: string, id: string): Promise<Row | undefined> {
  return (await db.query<Row>(GET, [id, domain, extension])).rows[0];
}

/** Serialises the changes of one owner's contacts until the transaction ends. */
async function lockOwner(client: Queryable, domain: string, extension: string): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock(hashtextextended('contacts' || chr(10) || $1 || chr(10) || $2, 0))", [domain, extension]);
}

/**
 * A change time later than all the owner's earlier ones (even in the same millisecond or when
 * the clock steps back), so `updated_at > since` never misses a change; under the owner's lock.
 */
async function stamp(client: Queryable, domain: string, extension: string, now: number): Promise<number> {
  const last = (await client.query<{ updated_at: number }>(
    'SELECT updated_at FROM contacts WHERE domain = $1 AND extension = $2 ORDER BY updated_at DESC LIMIT 1', [domain, extension])).rows[0];
  return last && last.updated_at >= now ? last.updated_at + 1 : now;
}

async function writeNumbers(client: Queryable, seq: number, domain: string, extension: string, numbers: ContactNumber[]): Promise<void> {
  await client.query('DELETE FROM contact_numbers WHERE contact_seq = $1', [seq]);
  if (numbers.length === 0) return;
  // One statement for all of them, in their order.
  await client.query(`INSERT INTO contact_numbers (contact_seq, position, domain, extension, label, number, digits)
    SELECT $1, n.position - 1, $2, $3, n.label, n.number, n.digits
    FROM unnest($4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS n(label, number, digits, position)`,
  [seq, domain, extension, numbers.map((n) => n.label), numbers.map((n) => n.number), numbers.map((n) => digitsOf(n.number))]);
}

type Checked = { row: Row } | { change: { kind: 'missing' } | { kind: 'deleted'; tombstone: ContactTombstone } | { kind: 'conflict'; current: Contact } };

async function check(client: Queryable, domain: string, extension: string, id: string, expectedVersion: number | undefined): Promise<Checked> {
  const row = await getRow(client, domain, extension, id);
  if (!row) return { change: { kind: 'missing' } };
  const record = await load(client, row);
  if (record.deleted) return { change: { kind: 'deleted', tombstone: record } };
  if (expectedVersion !== undefined && record.version !== expectedVersion) return { change: { kind: 'conflict', current: record } };
  return { row };
}

export function pgContactRepo(db: PgDb): ContactRepo {
  return {
    create: (c) => db.transaction(async (client) => {
      await lockOwner(client, c.domain, c.extension);
      if (c.clientId) {
        const earlier = (await client.query<Row>('SELECT * FROM contacts WHERE domain = $1 AND extension = $2 AND client_id = $3',
          [c.domain, c.extension, c.clientId])).rows[0];
        if (earlier) return { created: false, record: await load(client, earlier) };
      }
      const f = c.fields;
      const updatedAt = await stamp(client, c.domain, c.extension, c.now);
      const row = (await client.query<Row>(`INSERT INTO contacts
        (id, domain, extension, client_id, first_name, last_name, company, email, notes, search, created_at, updated_at, version)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1) RETURNING *`,
      [c.id, c.domain, c.extension, c.clientId, f.firstName, f.lastName, f.company, f.email, f.notes, searchTextOf(f), c.now, updatedAt])).rows[0]!;
      await writeNumbers(client, row.seq as number, c.domain, c.extension, f.numbers);
      return { created: true, record: await load(client, row) };
    }),

    async get(domain, extension, id) {
      const r = await getRow(db, domain, extension, id);
      return r && load(db, r);
    },

    update: (domain, extension, id, fields: ContactFields, expectedVersion, now) => db.transaction(async (client): Promise<ContactChange> => {
      await lockOwner(client, domain, extension);
      const checked = await check(client, domain, extension, id, expectedVersion);
      if ('change' in checked) return checked.change;
      const seq = checked.row.seq as number;
      const row = (await client.query<Row>(`UPDATE contacts SET first_name = $1, last_name = $2, company = $3, email = $4, notes = $5,
        search = $6, updated_at = $7, version = version + 1 WHERE seq = $8 RETURNING *`,
      [fields.firstName, fields.lastName, fields.company, fields.email, fields.notes, searchTextOf(fields),
        await stamp(client, domain, extension, now), seq])).rows[0]!;
      await writeNumbers(client, seq, domain, extension, fields.numbers);
      return { kind: 'ok', contact: (await load(client, row)) as Contact };
    }),

    delete: (domain, extension, id, expectedVersion, now) => db.transaction(async (client): Promise<ContactChange<ContactTombstone>> => {
      await lockOwner(client, domain, extension);
      const checked = await check(client, domain, extension, id, expectedVersion);
      if ('change' in checked) return checked.change;
      const seq = checked.row.seq as number;
      // A tombstone keeps the id, client_id, version and time of the delete, nothing personal.
      const row = (await client.query<Row>(`UPDATE contacts SET first_name = '', last_name = '', company = '', email = '', notes = '',
        search = '', deleted = true, updated_at = $1, version = version + 1 WHERE seq = $2 RETURNING *`,
      [await stamp(client, domain, extension, now), seq])).rows[0]!;
      await client.query('DELETE FROM contact_numbers WHERE contact_seq = $1', [seq]);
      return { kind: 'ok', contact: toRecord(row, []) as ContactTombstone };
    }),

    async list(domain, extension, { q, updatedSince, cursor, limit }) {
      const sync = updatedSince !== undefined;
      const terms = searchTerms(q ?? '');
      const params: unknown[] = [];
      const p = (value: unknown) => `$${params.push(value)}`;
      const owner = { domain: p(domain), extension: p(extension) };
      const where = [`c.domain = ${owner.domain}`, `c.extension = ${owner.extension}`];
      // Tombstones only matter to a sync; they match no words.
      if (!sync || terms.length > 0) where.push('c.deleted = false');
      if (sync) where.push(`c.updated_at > ${p(updatedSince)}`);
      if (cursor) {
        // Keyset: a sync reads oldest change first, a listing newest change first.
        const at = p(cursor.updatedAt);
        const seq = p(cursor.seq);
        where.push(sync ? `(c.updated_at, c.seq) > (${at}, ${seq})` : `(c.updated_at, c.seq) < (${at}, ${seq})`);
      }
      for (const term of terms) {
        const text = p(term.text);
        if (!term.digits) {
          where.push(`strpos(c.search, ${text}) > 0`);
          continue;
        }
        where.push(`(strpos(c.search, ${text}) > 0 OR c.seq IN (SELECT n.contact_seq FROM contact_numbers n
          WHERE n.domain = ${owner.domain} AND n.extension = ${owner.extension} AND strpos(n.digits, ${p(term.digits)}) > 0))`);
      }
      const order = sync ? 'c.updated_at ASC, c.seq ASC' : 'c.updated_at DESC, c.seq DESC';
      const { rows } = await db.query<Row>(`SELECT * FROM contacts c WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT ${p(limit + 1)}`, params);
      const page = rows.slice(0, limit);
      const numbers = new Map<number, ContactNumber[]>();
      const live = page.filter((r) => !r.deleted).map((r) => r.seq as number);
      if (live.length > 0) {
        const found = await db.query<ContactNumber & { contact_seq: number }>(`SELECT contact_seq, label, number FROM contact_numbers
          WHERE contact_seq = ANY($1::bigint[]) ORDER BY contact_seq, position`, [live]);
        for (const n of found.rows) {
          const list = numbers.get(n.contact_seq) ?? [];
          list.push({ label: n.label, number: n.number });
          numbers.set(n.contact_seq, list);
        }
      }
      const last = page[page.length - 1];
      return {
        items: page.map((r) => toRecord(r, numbers.get(r.seq as number) ?? [])),
        nextCursor: rows.length > limit && last ? { updatedAt: last.updated_at as number, seq: last.seq as number } : null,
      };
    },
  };
}
