/**
 * SQLite implementation of the store (better-sqlite3). WAL journal with synchronous=NORMAL:
 * a committed write survives a crash of the process; only an OS crash may lose the last
 * transaction, which is the usual trade-off for an embedded store.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { migrations } from './migrations.js';
import type {
  Cdr, CdrPatch, CdrRepo, Device, DeviceRepo, Domain, DomainRepo, Page, Recording, RecordingRepo, Store,
  TokenRecord, TokenRepo, User, UserRepo,
} from './types.js';

type Row = Record<string, unknown>;

export function migrate(db: Database.Database): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new Error(`store schema version ${current} is newer than this platform (${migrations.length}); upgrade the platform`);
  }
  for (let version = current; version < migrations.length; version++) {
    db.transaction(() => {
      db.exec(migrations[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
  return migrations.length;
}

/** Opens (creating when needed) the store in `dataDir`, or in memory for ':memory:'. */
export function openSqliteStore(dataDir: string): Store {
  let file = ':memory:';
  if (dataDir !== ':memory:') {
    fs.mkdirSync(dataDir, { recursive: true });
    file = path.join(dataDir, 'switchboard.sqlite');
  }
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return {
    domains: domainRepo(db),
    users: userRepo(db),
    devices: deviceRepo(db),
    tokens: tokenRepo(db),
    cdrs: cdrRepo(db),
    recordings: recordingRepo(db),
    close: () => db.close(),
  };
}

function domainRepo(db: Database.Database): DomainRepo {
  const toDomain = (r: Row): Domain => ({
    name: r.name as string, description: r.description as string, createdAt: r.created_at as number,
  });
  const get = db.prepare('SELECT * FROM domains WHERE name = ?');
  const list = db.prepare('SELECT * FROM domains ORDER BY name');
  const insert = db.prepare('INSERT INTO domains (name, description, created_at) VALUES (?, ?, ?)');
  return {
    async get(name) { const r = get.get(name) as Row | undefined; return r && toDomain(r); },
    async list() { return (list.all() as Row[]).map(toDomain); },
    async create(d) { insert.run(d.name, d.description, d.createdAt); },
  };
}

function userRepo(db: Database.Database): UserRepo {
  const toUser = (r: Row): User => ({
    domain: r.domain as string,
    extension: r.extension as string,
    firstName: r.first_name as string,
    lastName: r.last_name as string,
    email: r.email as string,
    role: r.role as User['role'],
    passwordHash: r.password_hash as string,
    mfaSecret: (r.mfa_secret as string | null) ?? null,
    createdAt: r.created_at as number,
  });
  const get = db.prepare('SELECT * FROM users WHERE domain = ? AND extension = ?');
  const list = db.prepare('SELECT * FROM users WHERE domain = ? ORDER BY extension');
  const insert = db.prepare(`INSERT INTO users
    (domain, extension, first_name, last_name, email, role, password_hash, mfa_secret, created_at)
    VALUES (@domain, @extension, @firstName, @lastName, @email, @role, @passwordHash, @mfaSecret, @createdAt)`);
  const setPassword = db.prepare('UPDATE users SET password_hash = ? WHERE domain = ? AND extension = ?');
  const setMfa = db.prepare('UPDATE users SET mfa_secret = ? WHERE domain = ? AND extension = ?');
  const count = db.prepare('SELECT COUNT(*) AS n FROM users');
  return {
    async get(domain, extension) { const r = get.get(domain, extension) as Row | undefined; return r && toUser(r); },
    async list(domain) { return (list.all(domain) as Row[]).map(toUser); },
    async create(u) { insert.run(u); },
    async setPassword(domain, extension, hash) { return setPassword.run(hash, domain, extension).changes > 0; },
    async setMfaSecret(domain, extension, secret) { return setMfa.run(secret, domain, extension).changes > 0; },
    async count() { return (count.get() as { n: number }).n; },
  };
}

function deviceRepo(db: Database.Database): DeviceRepo {
  const toDevice = (r: Row): Device => ({
    id: r.id as string,
    domain: r.domain as string,
    extension: r.extension as string,
    label: r.label as string,
    sipUsername: r.sip_username as string,
    ha1: r.ha1 as string,
    createdAt: r.created_at as number,
    lastSeenAt: (r.last_seen_at as number | null) ?? null,
  });
  const insert = db.prepare(`INSERT INTO devices (id, domain, extension, label, sip_username, ha1, created_at, last_seen_at)
    VALUES (@id, @domain, @extension, @label, @sipUsername, @ha1, @createdAt, @lastSeenAt)`);
  const get = db.prepare('SELECT * FROM devices WHERE id = ?');
  const bySip = db.prepare('SELECT * FROM devices WHERE sip_username = ?');
  const byUser = db.prepare('SELECT * FROM devices WHERE domain = ? AND extension = ? ORDER BY created_at');
  const del = db.prepare('DELETE FROM devices WHERE id = ?');
  const touch = db.prepare('UPDATE devices SET last_seen_at = ? WHERE id = ?');
  return {
    async create(d) { insert.run(d); },
    async get(id) { const r = get.get(id) as Row | undefined; return r && toDevice(r); },
    async getBySipUsername(u) { const r = bySip.get(u) as Row | undefined; return r && toDevice(r); },
    async listForUser(domain, extension) { return (byUser.all(domain, extension) as Row[]).map(toDevice); },
    async delete(id) { return del.run(id).changes > 0; },
    async touch(id, at) { touch.run(at, id); },
  };
}

function tokenRepo(db: Database.Database): TokenRepo {
  const toToken = (r: Row): TokenRecord => ({
    hash: r.hash as string,
    kind: r.kind as TokenRecord['kind'],
    domain: r.domain as string,
    extension: r.extension as string,
    expiresAt: r.expires_at as number,
    family: r.family as string,
    createdAt: r.created_at as number,
  });
  const insert = db.prepare(`INSERT INTO tokens (hash, kind, domain, extension, expires_at, family, created_at)
    VALUES (@hash, @kind, @domain, @extension, @expiresAt, @family, @createdAt)`);
  const get = db.prepare('SELECT * FROM tokens WHERE hash = ?');
  const del = db.prepare('DELETE FROM tokens WHERE hash = ?');
  const delFamily = db.prepare('DELETE FROM tokens WHERE family = ?');
  const purge = db.prepare('DELETE FROM tokens WHERE expires_at <= ?');
  return {
    async insert(t) { insert.run(t); },
    async get(hash) { const r = get.get(hash) as Row | undefined; return r && toToken(r); },
    async delete(hash) { del.run(hash); },
    async deleteFamily(family) { delFamily.run(family); },
    async purgeExpired(now) { return purge.run(now).changes; },
  };
}

function cdrRepo(db: Database.Database): CdrRepo {
  const toCdr = (r: Row): Cdr => ({
    id: r.id as number,
    callId: r.call_id as string,
    domain: r.domain as string,
    extension: r.extension as string,
    direction: r.direction as Cdr['direction'],
    remoteNumber: r.remote_number as string,
    remoteName: r.remote_name as string,
    startedAt: r.started_at as number,
    answeredAt: (r.answered_at as number | null) ?? null,
    endedAt: (r.ended_at as number | null) ?? null,
    disposition: r.disposition as Cdr['disposition'],
    sipStatus: (r.sip_status as number | null) ?? null,
    transferredTo: (r.transferred_to as string | null) ?? null,
    transferredFrom: (r.transferred_from as string | null) ?? null,
  });
  const insert = db.prepare(`INSERT INTO cdrs
    (call_id, domain, extension, direction, remote_number, remote_name, started_at, answered_at, ended_at, disposition, sip_status,
     transferred_to, transferred_from)
    VALUES (@callId, @domain, @extension, @direction, @remoteNumber, @remoteName, @startedAt, @answeredAt, @endedAt, @disposition, @sipStatus,
     @transferredTo, @transferredFrom)`);
  const get = db.prepare('SELECT * FROM cdrs WHERE id = ?');
  const forCall = db.prepare('SELECT * FROM cdrs WHERE call_id = ? AND domain = ? AND extension = ? ORDER BY id DESC LIMIT 1');
  const page = db.prepare(`SELECT * FROM cdrs WHERE domain = ? AND extension = ? AND id < ?
    ORDER BY id DESC LIMIT ?`);
  const columns: Record<keyof CdrPatch, string> = {
    answeredAt: 'answered_at', endedAt: 'ended_at', disposition: 'disposition', sipStatus: 'sip_status',
    transferredTo: 'transferred_to',
  };
  // One prepared statement per combination of patched columns (there are only a few).
  const updates = new Map<string, Database.Statement>();
  return {
    async insert(cdr) { return Number(insert.run(cdr).lastInsertRowid); },
    async update(id, patch) {
      const keys = (Object.keys(patch) as Array<keyof CdrPatch>).filter((k) => k in columns).sort();
      if (keys.length === 0) return;
      const signature = keys.join(',');
      let stmt = updates.get(signature);
      if (!stmt) {
        stmt = db.prepare(`UPDATE cdrs SET ${keys.map((k) => `${columns[k]} = @${k}`).join(', ')} WHERE id = @id`);
        updates.set(signature, stmt);
      }
      stmt.run({ ...patch, id });
    },
    async get(id) { const r = get.get(id) as Row | undefined; return r && toCdr(r); },
    async findForCall(domain, extension, callId) {
      const r = forCall.get(callId, domain, extension) as Row | undefined;
      return r && toCdr(r);
    },
    async listForUser(domain, extension, { before, limit }): Promise<Page<Cdr>> {
      // Keyset paging on the id: stable under inserts and O(limit) however deep the page.
      const rows = page.all(domain, extension, before ?? Number.MAX_SAFE_INTEGER, limit + 1) as Row[];
      const items = rows.slice(0, limit).map(toCdr);
      const nextCursor = rows.length > limit ? items[items.length - 1]!.id : null;
      return { items, nextCursor };
    },
  };
}

function recordingRepo(db: Database.Database): RecordingRepo {
  const toRecording = (r: Row): Recording & { seq: number } => ({
    seq: r.seq as number,
    id: r.id as string,
    domain: r.domain as string,
    extension: r.extension as string,
    callId: r.call_id as string,
    cdrId: (r.cdr_id as number | null) ?? null,
    contentType: r.content_type as string,
    bytes: r.bytes as number,
    durationS: (r.duration_s as number | null) ?? null,
    startedAt: r.started_at as number,
    createdAt: r.created_at as number,
    remoteNumber: (r.remote_number as string | null) ?? null,
    remoteName: (r.remote_name as string | null) ?? null,
  });
  // The linked call record says who the other party was.
  const select = `SELECT r.*, c.remote_number, c.remote_name FROM recordings r LEFT JOIN cdrs c ON c.id = r.cdr_id`;
  const insert = db.prepare(`INSERT INTO recordings
    (id, domain, extension, call_id, cdr_id, content_type, bytes, duration_s, started_at, created_at)
    VALUES (@id, @domain, @extension, @callId, @cdrId, @contentType, @bytes, @durationS, @startedAt, @createdAt)
    ON CONFLICT (id) DO NOTHING`);
  const get = db.prepare(`${select} WHERE r.id = ?`);
  const byUser = db.prepare(`${select} WHERE r.domain = ? AND r.extension = ? AND r.seq < ? ORDER BY r.seq DESC LIMIT ?`);
  const byDomain = db.prepare(`${select} WHERE r.domain = ? AND r.seq < ? ORDER BY r.seq DESC LIMIT ?`);
  const del = db.prepare('DELETE FROM recordings WHERE id = ?');
  const page = (rows: Row[], limit: number): Page<Recording> => {
    const all = rows.map(toRecording);
    const items = all.slice(0, limit);
    const nextCursor = all.length > limit ? items[items.length - 1]!.seq : null;
    return { items: items.map(({ seq: _seq, ...rec }) => rec), nextCursor };
  };
  return {
    async insert(rec) { return insert.run(rec).changes > 0; },
    async get(id) {
      const r = get.get(id) as Row | undefined;
      if (!r) return undefined;
      const { seq: _seq, ...rec } = toRecording(r);
      return rec;
    },
    async listForUser(domain, extension, { before, limit }) {
      return page(byUser.all(domain, extension, before ?? Number.MAX_SAFE_INTEGER, limit + 1) as Row[], limit);
    },
    async listForDomain(domain, { before, limit }) {
      return page(byDomain.all(domain, before ?? Number.MAX_SAFE_INTEGER, limit + 1) as Row[], limit);
    },
    async delete(id) { return del.run(id).changes > 0; },
  };
}
