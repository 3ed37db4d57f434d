/**
 * PostgreSQL implementation of the store (node-postgres, one pool per store), beside the
 * embedded SQLite one (sqlite.ts) and with the same contract, down to ordering, paging cursors
 * and what a concurrent loser sees. Every write is one statement or one transaction that has
 * committed when its promise resolves, so what the API acknowledged survives a kill -9 of the
 * platform (and, with PostgreSQL's default synchronous_commit, of the database server too).
 *
 * Where SQLite relies on its single writer, this store says how it is atomic: "check and set"
 * is a single conditional UPDATE (token rotation, voicemail moves), "insert unless present" is
 * INSERT ... ON CONFLICT, and multi-statement changes (contacts, greetings) run in a
 * transaction that holds a per-owner advisory lock.
 */
import pg from 'pg';
import { inTransaction, int8AsNumber, pgDb, type PgDb } from './postgres-pool.js';
import { pgMigrations } from './migrations-pg.js';
import { pgContactRepo } from './postgres-contacts.js';
import { pgGrantRepo } from './postgres-grants.js';
import { pgGreetingRepo } from './postgres-greetings.js';
import { pgMessagingRepo } from './postgres-messaging.js';
import { pgVoicemailRepo } from './postgres-voicemails.js';
import { pgAnswerRuleRepo, pgTimeFrameRepo } from './postgres-answer-rules.js';
import { toCdr, toDevice, toDomain, toRecording, toToken, toUser } from './rows.js';
import type {
  Cdr, CdrPatch, CdrRepo, Device, DeviceRepo, Domain, DomainRepo, HeartbeatRepo, Page, Recording, RecordingRepo, Store,
  TokenRecord, TokenRepo, User, UserRepo,
} from './types.js';

type Row = Record<string, unknown>;

/** The advisory lock key that serialises migrations (an arbitrary constant of this platform's). */
const MIGRATION_LOCK = 7_362_105_709_114;

/**
 * Brings the schema to the latest version, in one transaction under an advisory lock: two
 * platforms starting at once against one database do not both migrate (the second waits, then
 * finds the schema current). Returns the schema version.
 */
export async function migratePostgres(pool: pg.Pool): Promise<number> {
  return inTransaction(pool, async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query('CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)');
    const { rows } = await client.query<{ version: number }>('SELECT version FROM schema_version');
    if (rows.length === 0) await client.query('INSERT INTO schema_version (version) VALUES (0)');
    const current = rows[0]?.version ?? 0;
    if (current > pgMigrations.length) {
      throw new Error(`store schema version ${current} is newer than this platform (${pgMigrations.length}); upgrade the platform`);
    }
    for (let version = current; version < pgMigrations.length; version++) {
      await client.query(pgMigrations[version]!);
      await client.query('UPDATE schema_version SET version = $1', [version + 1]);
    }
    return pgMigrations.length;
  });
}

export interface PostgresStoreOptions {
  /** Most connections the pool opens (10). */
  max?: number;
  /** How long getting a connection may take before the statement fails (10 s). */
  connectTimeoutMs?: number;
  /** Told about errors of idle connections (the server restarted, say); the pool replaces them. */
  onError?: (err: Error) => void;
}

/** Opens the store in the database at `url` (postgres://...), migrating it first. */
export async function openPostgresStore(url: string, opts: PostgresStoreOptions = {}): Promise<Store> {
  // allowExitOnIdle: like the SQLite store, an open store alone does not keep the process alive.
  // connectionTimeoutMillis: with the server unreachable, a request fails (500) instead of waiting forever.
  const pool = new pg.Pool({
    connectionString: url, max: opts.max ?? 10, types: int8AsNumber, application_name: 'switchboard', allowExitOnIdle: true,
    connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
  });
  // Without a listener an idle connection's error would crash the process.
  pool.on('error', (err) => opts.onError?.(err));
  try {
    await migratePostgres(pool);
  } catch (err) {
    await pool.end();
    throw err;
  }
  let closed: Promise<void> | undefined;
  const db = pgDb(pool);
  return {
    domains: domainRepo(db),
    users: userRepo(db),
    devices: deviceRepo(db),
    tokens: tokenRepo(db),
    cdrs: cdrRepo(db),
    recordings: recordingRepo(db),
    contacts: pgContactRepo(db),
    heartbeat: heartbeatRepo(db),
    voicemails: pgVoicemailRepo(db),
    greetings: pgGreetingRepo(db),
    mailboxGrants: pgGrantRepo(db),
    timeFrames: pgTimeFrameRepo(db),
    answerRules: pgAnswerRuleRepo(db),
    messaging: pgMessagingRepo(db),
    close: () => (closed ??= pool.end()),
  };
}

const one = async (db: PgDb, text: string, values: unknown[]): Promise<Row | undefined> =>
  (await db.query<Row>(text, values)).rows[0];
const all = async (db: PgDb, text: string, values: unknown[]): Promise<Row[]> => (await db.query<Row>(text, values)).rows;
const changes = async (db: PgDb, text: string, values: unknown[]): Promise<number> => (await db.query(text, values)).rowCount ?? 0;

function domainRepo(db: PgDb): DomainRepo {
  return {
    async get(name) { const r = await one(db, 'SELECT * FROM domains WHERE name = $1', [name]); return r && toDomain(r); },
    // COLLATE "C": byte order, as SQLite sorts text, whatever the database's locale.
    async list() { return (await all(db, 'SELECT * FROM domains ORDER BY name COLLATE "C"', [])).map(toDomain); },
    async create(d) {
      await db.query('INSERT INTO domains (name, description, created_at, time_zone) VALUES ($1, $2, $3, $4)',
        [d.name, d.description, d.createdAt, d.timeZone ?? 'UTC']);
    },
    async setTimeZone(name, timeZone) {
      return (await changes(db, 'UPDATE domains SET time_zone = $1 WHERE name = $2', [timeZone, name])) > 0;
    },
  };
}

function userRepo(db: PgDb): UserRepo {
  const get = 'SELECT * FROM users WHERE domain = $1 AND extension = $2';
  return {
    async get(domain, extension) { const r = await one(db, get, [domain, extension]); return r && toUser(r); },
    async list(domain) {
      return (await all(db, 'SELECT * FROM users WHERE domain = $1 ORDER BY extension COLLATE "C"', [domain])).map(toUser);
    },
    async create(u) {
      await db.query(`INSERT INTO users
        (domain, extension, first_name, last_name, email, role, password_hash, mfa_secret, ring_no_answer_timeout_s, created_at, time_zone)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [u.domain, u.extension, u.firstName, u.lastName, u.email, u.role, u.passwordHash, u.mfaSecret, u.ringNoAnswerTimeoutS, u.createdAt, u.timeZone ?? null]);
    },
    async setPassword(domain, extension, hash) {
      return (await changes(db, 'UPDATE users SET password_hash = $1 WHERE domain = $2 AND extension = $3', [hash, domain, extension])) > 0;
    },
    async setMfaSecret(domain, extension, secret) {
      return (await changes(db, 'UPDATE users SET mfa_secret = $1 WHERE domain = $2 AND extension = $3', [secret, domain, extension])) > 0;
    },
    async updateSettings(domain, extension, settings) {
      // One statement: each setting given is changed, the others kept (CASE on whether it was given).
      return (await changes(db, `UPDATE users SET
          ring_no_answer_timeout_s = CASE WHEN $3::boolean THEN $4::integer ELSE ring_no_answer_timeout_s END,
          time_zone = CASE WHEN $5::boolean THEN $6::text ELSE time_zone END
        WHERE domain = $1 AND extension = $2`,
      [domain, extension, settings.ringNoAnswerTimeoutS !== undefined, settings.ringNoAnswerTimeoutS ?? null,
        settings.timeZone !== undefined, settings.timeZone ?? null])) > 0;
    },
    async setVoicemailPin(domain, extension, pinHash) {
      return (await changes(db, `UPDATE users SET voicemail_pin_hash = $1, voicemail_pin_failures = 0, voicemail_pin_locked_until = NULL
        WHERE domain = $2 AND extension = $3`, [pinHash, domain, extension])) > 0;
    },
    async reserveVoicemailPinAttempt(domain, extension, now, rule) {
      // Check the lock and count the guess in one statement (SET reads the row as it was): a
      // concurrent guess waits for this row lock and re-checks the lock on the row as left.
      const admitted = await one(db, `UPDATE users SET
          voicemail_pin_failures = CASE WHEN voicemail_pin_failures + 1 >= $3 THEN 0 ELSE voicemail_pin_failures + 1 END,
          voicemail_pin_locked_until = CASE WHEN voicemail_pin_failures + 1 >= $3 THEN $4::bigint + $5::bigint ELSE NULL END
        WHERE domain = $1 AND extension = $2 AND (voicemail_pin_locked_until IS NULL OR voicemail_pin_locked_until <= $4)
        RETURNING voicemail_pin_hash`, [domain, extension, rule.maxFailures, now, rule.lockMs]);
      if (admitted) return { ok: true, pinHash: (admitted.voicemail_pin_hash as string | null) ?? null };
      const locked = await one(db, 'SELECT voicemail_pin_locked_until FROM users WHERE domain = $1 AND extension = $2', [domain, extension]);
      if (!locked) return undefined;
      return { ok: false, lockedUntil: (locked.voicemail_pin_locked_until as number | null) ?? now };
    },
    async voicemailPinSucceeded(domain, extension) {
      await db.query('UPDATE users SET voicemail_pin_failures = 0, voicemail_pin_locked_until = NULL WHERE domain = $1 AND extension = $2', [domain, extension]);
    },
    async count() { return (await one(db, 'SELECT COUNT(*) AS n FROM users', []))!.n as number; },
  };
}

function deviceRepo(db: PgDb): DeviceRepo {
  return {
    async create(d) {
      await db.query(`INSERT INTO devices (id, domain, extension, label, sip_username, ha1, created_at, last_seen_at, login_family)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [d.id, d.domain, d.extension, d.label, d.sipUsername, d.ha1, d.createdAt, d.lastSeenAt, d.loginFamily]);
    },
    async get(id) { const r = await one(db, 'SELECT * FROM devices WHERE id = $1', [id]); return r && toDevice(r); },
    async getBySipUsername(u) { const r = await one(db, 'SELECT * FROM devices WHERE sip_username = $1', [u]); return r && toDevice(r); },
    // Ties in created_at in insert order, as SQLite's rowid gives them.
    async listForUser(domain, extension) {
      return (await all(db, 'SELECT * FROM devices WHERE domain = $1 AND extension = $2 ORDER BY created_at, seq', [domain, extension])).map(toDevice);
    },
    async listForLogin(family) {
      return (await all(db, 'SELECT * FROM devices WHERE login_family = $1 ORDER BY seq', [family])).map(toDevice);
    },
    async delete(id) { return (await changes(db, 'DELETE FROM devices WHERE id = $1', [id])) > 0; },
    async touch(id, at) { await db.query('UPDATE devices SET last_seen_at = $1 WHERE id = $2', [at, id]); },
    async rename(id, label) { return (await changes(db, 'UPDATE devices SET label = $1 WHERE id = $2', [label, id])) > 0; },
  };
}

function tokenRepo(db: PgDb): TokenRepo {
  return {
    async insert(t) {
      await db.query(`INSERT INTO tokens (hash, kind, domain, extension, expires_at, family, created_at, used_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [t.hash, t.kind, t.domain, t.extension, t.expiresAt, t.family, t.createdAt, t.usedAt]);
    },
    async get(hash) { const r = await one(db, 'SELECT * FROM tokens WHERE hash = $1', [hash]); return r && toToken(r); },
    async delete(hash) { await db.query('DELETE FROM tokens WHERE hash = $1', [hash]); },
    async deleteFamily(family) { await db.query('DELETE FROM tokens WHERE family = $1', [family]); },
    // One conditional UPDATE: of two concurrent rotations the second waits for the first's row
    // lock, re-reads used_at (no longer NULL) and changes nothing.
    async markUsed(hash, at) {
      return (await changes(db, 'UPDATE tokens SET used_at = $1 WHERE hash = $2 AND used_at IS NULL', [at, hash])) === 1;
    },
    async purgeExpired(now) { return changes(db, 'DELETE FROM tokens WHERE expires_at <= $1', [now]); },
  };
}

function cdrRepo(db: PgDb): CdrRepo {
  const columns: Record<keyof CdrPatch, string> = {
    answeredAt: 'answered_at', endedAt: 'ended_at', disposition: 'disposition', sipStatus: 'sip_status',
    transferredTo: 'transferred_to', routedTo: 'routed_to',
  };
  return {
    async insert(c) {
      const r = await one(db, `INSERT INTO cdrs
        (call_id, domain, extension, direction, remote_number, remote_name, started_at, answered_at, ended_at, disposition, sip_status,
         transferred_to, transferred_from, routed_to)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
      [c.callId, c.domain, c.extension, c.direction, c.remoteNumber, c.remoteName, c.startedAt, c.answeredAt, c.endedAt, c.disposition,
        c.sipStatus, c.transferredTo, c.transferredFrom, c.routedTo]);
      return r!.id as number;
    },
    async update(id, patch) {
      const keys = (Object.keys(patch) as Array<keyof CdrPatch>).filter((k) => k in columns).sort();
      if (keys.length === 0) return;
      await db.query(`UPDATE cdrs SET ${keys.map((k, i) => `${columns[k]} = $${i + 2}`).join(', ')} WHERE id = $1`,
        [id, ...keys.map((k) => patch[k] ?? null)]);
    },
    async get(id) { const r = await one(db, 'SELECT * FROM cdrs WHERE id = $1', [id]); return r && toCdr(r); },
    async findForCall(domain, extension, callId) {
      const r = await one(db, 'SELECT * FROM cdrs WHERE call_id = $1 AND domain = $2 AND extension = $3 ORDER BY id DESC LIMIT 1',
        [callId, domain, extension]);
      return r && toCdr(r);
    },
    async listForUser(domain, extension, { before, limit }): Promise<Page<Cdr>> {
      // Keyset paging on the id, as in SQLite.
      const rows = await all(db, 'SELECT * FROM cdrs WHERE domain = $1 AND extension = $2 AND id < $3 ORDER BY id DESC LIMIT $4',
        [domain, extension, before ?? Number.MAX_SAFE_INTEGER, limit + 1]);
      const items = rows.slice(0, limit).map(toCdr);
      const nextCursor = rows.length > limit ? items[items.length - 1]!.id : null;
      return { items, nextCursor };
    },
    async closeInterrupted(at) {
      // Never before the call's own start or answer: the last beat may predate a short call.
      return changes(db, `UPDATE cdrs SET ended_at = GREATEST($1::bigint, COALESCE(answered_at, started_at)),
        disposition = CASE WHEN answered_at IS NOT NULL THEN 'interrupted' WHEN direction = 'inbound' THEN 'missed' ELSE 'failed' END
        WHERE ended_at IS NULL`, [at]);
    },
  };
}

function heartbeatRepo(db: PgDb): HeartbeatRepo {
  return {
    async beat(at) {
      await db.query('INSERT INTO heartbeat (id, at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET at = excluded.at', [at]);
    },
    async last() { return ((await one(db, 'SELECT at FROM heartbeat WHERE id = 1', []))?.at as number | undefined) ?? null; },
  };
}

function recordingRepo(db: PgDb): RecordingRepo {
  // The linked call record says who the other party was.
  const select = 'SELECT r.*, c.remote_number, c.remote_name FROM recordings r LEFT JOIN cdrs c ON c.id = r.cdr_id';
  const page = (rows: Row[], limit: number): Page<Recording> => {
    const items = rows.map(toRecording).slice(0, limit);
    const nextCursor = rows.length > limit ? items[items.length - 1]!.seq : null;
    return { items: items.map(({ seq: _seq, ...rec }) => rec), nextCursor };
  };
  return {
    async insert(rec) {
      return (await changes(db, `INSERT INTO recordings
        (id, domain, extension, call_id, cdr_id, content_type, bytes, duration_s, started_at, created_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING`,
      [rec.id, rec.domain, rec.extension, rec.callId, rec.cdrId, rec.contentType, rec.bytes, rec.durationS, rec.startedAt, rec.createdAt])) > 0;
    },
    async get(id) {
      const r = await one(db, `${select} WHERE r.id = $1`, [id]);
      if (!r) return undefined;
      const { seq: _seq, ...rec } = toRecording(r);
      return rec;
    },
    async listForUser(domain, extension, { before, limit }) {
      return page(await all(db, `${select} WHERE r.domain = $1 AND r.extension = $2 AND r.seq < $3 ORDER BY r.seq DESC LIMIT $4`,
        [domain, extension, before ?? Number.MAX_SAFE_INTEGER, limit + 1]), limit);
    },
    async listForDomain(domain, { before, limit }) {
      return page(await all(db, `${select} WHERE r.domain = $1 AND r.seq < $2 ORDER BY r.seq DESC LIMIT $3`,
        [domain, before ?? Number.MAX_SAFE_INTEGER, limit + 1]), limit);
    },
    async bytesForUser(domain, extension) {
      return (await one(db, 'SELECT COALESCE(SUM(bytes), 0)::bigint AS n FROM recordings WHERE domain = $1 AND extension = $2',
        [domain, extension]))!.n as number;
    },
    async delete(id) { return (await changes(db, 'DELETE FROM recordings WHERE id = $1', [id])) > 0; },
  };
}
