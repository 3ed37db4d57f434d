/**
 * SQLite implementation of the store (better-sqlite3). WAL journal with synchronous=NORMAL:
 * a committed write survives a crash of the process; only an OS crash may lose the last
 * transaction, which is the usual trade-off for an embedded store.
 */
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { migrations } from './migrations.js';
import { sqliteVoicemailRepo } from './sqlite-voicemails.js';
import { sqliteGreetingRepo } from './sqlite-greetings.js';
import { sqliteMessagingRepo } from './sqlite-messaging.js';
import { sqliteGrantRepo } from './sqlite-grants.js';
import { sqliteAnswerRuleRepo, sqliteTimeFrameRepo } from './sqlite-answer-rules.js';
import { digitsOf, searchTerms, searchTextOf } from './contact-text.js';
import { toCdr, toDevice, toDomain, toRecording, toToken, toUser } from './rows.js';
import type {
  Cdr, CdrPatch, CdrRepo, Contact, ContactFields, ContactNumber, ContactRecord, ContactRepo, ContactTombstone, Device,
  DeviceRepo, Domain, DomainRepo, HeartbeatRepo, Page, Recording, RecordingRepo, Store, TokenRecord, TokenRepo, User, UserRepo, UserSettings,
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
    contacts: contactRepo(db),
    heartbeat: heartbeatRepo(db),
    voicemails: sqliteVoicemailRepo(db),
    greetings: sqliteGreetingRepo(db),
    mailboxGrants: sqliteGrantRepo(db),
    timeFrames: sqliteTimeFrameRepo(db),
    answerRules: sqliteAnswerRuleRepo(db),
    messaging: sqliteMessagingRepo(db),
    close: async () => { db.close(); },
  };
}

function domainRepo(db: Database.Database): DomainRepo {
  const get = db.prepare('SELECT * FROM domains WHERE name = ?');
  const list = db.prepare('SELECT * FROM domains ORDER BY name');
  const insert = db.prepare('INSERT INTO domains (name, description, created_at, time_zone) VALUES (?, ?, ?, ?)');
  const setZone = db.prepare('UPDATE domains SET time_zone = ? WHERE name = ?');
  return {
    async get(name) { const r = get.get(name) as Row | undefined; return r && toDomain(r); },
    async list() { return (list.all() as Row[]).map(toDomain); },
    async create(d) { insert.run(d.name, d.description, d.createdAt, d.timeZone ?? 'UTC'); },
    async setTimeZone(name, timeZone) { return setZone.run(timeZone, name).changes > 0; },
  };
}

function userRepo(db: Database.Database): UserRepo {
  const get = db.prepare('SELECT * FROM users WHERE domain = ? AND extension = ?');
  const list = db.prepare('SELECT * FROM users WHERE domain = ? ORDER BY extension');
  const insert = db.prepare(`INSERT INTO users
    (domain, extension, first_name, last_name, email, role, password_hash, mfa_secret, ring_no_answer_timeout_s, created_at, time_zone)
    VALUES (@domain, @extension, @firstName, @lastName, @email, @role, @passwordHash, @mfaSecret, @ringNoAnswerTimeoutS, @createdAt, @timeZone)`);
  const setRingTimeout = db.prepare('UPDATE users SET ring_no_answer_timeout_s = ? WHERE domain = ? AND extension = ?');
  const setTimeZone = db.prepare('UPDATE users SET time_zone = ? WHERE domain = ? AND extension = ?');
  const updateSettings = db.transaction((domain: string, extension: string, settings: Partial<UserSettings>): boolean => {
    if (!get.get(domain, extension)) return false;
    if (settings.ringNoAnswerTimeoutS !== undefined) setRingTimeout.run(settings.ringNoAnswerTimeoutS, domain, extension);
    if (settings.timeZone !== undefined) setTimeZone.run(settings.timeZone, domain, extension);
    return true;
  });
  const setPassword = db.prepare('UPDATE users SET password_hash = ? WHERE domain = ? AND extension = ?');
  const setMfa = db.prepare('UPDATE users SET mfa_secret = ? WHERE domain = ? AND extension = ?');
  const count = db.prepare('SELECT COUNT(*) AS n FROM users');
  const setPin = db.prepare(`UPDATE users SET voicemail_pin_hash = ?, voicemail_pin_failures = 0, voicemail_pin_locked_until = NULL
    WHERE domain = ? AND extension = ?`);
  // Check the lock and count the guess in one statement (SET reads the row as it was).
  const reservePin = db.prepare(`UPDATE users SET
      voicemail_pin_failures = CASE WHEN voicemail_pin_failures + 1 >= @max THEN 0 ELSE voicemail_pin_failures + 1 END,
      voicemail_pin_locked_until = CASE WHEN voicemail_pin_failures + 1 >= @max THEN @now + @lockMs ELSE NULL END
    WHERE domain = @domain AND extension = @extension AND (voicemail_pin_locked_until IS NULL OR voicemail_pin_locked_until <= @now)
    RETURNING voicemail_pin_hash`);
  const pinLock = db.prepare('SELECT voicemail_pin_locked_until FROM users WHERE domain = ? AND extension = ?');
  const pinOk = db.prepare('UPDATE users SET voicemail_pin_failures = 0, voicemail_pin_locked_until = NULL WHERE domain = ? AND extension = ?');
  return {
    async get(domain, extension) { const r = get.get(domain, extension) as Row | undefined; return r && toUser(r); },
    async list(domain) { return (list.all(domain) as Row[]).map(toUser); },
    async create(u) {
      const { domain, extension, firstName, lastName, email, role, passwordHash, mfaSecret, ringNoAnswerTimeoutS, createdAt } = u;
      insert.run({ domain, extension, firstName, lastName, email, role, passwordHash, mfaSecret, ringNoAnswerTimeoutS, createdAt, timeZone: u.timeZone ?? null });
    },
    async setPassword(domain, extension, hash) { return setPassword.run(hash, domain, extension).changes > 0; },
    async setMfaSecret(domain, extension, secret) { return setMfa.run(secret, domain, extension).changes > 0; },
    async updateSettings(domain, extension, settings) { return updateSettings(domain, extension, settings); },
    async setVoicemailPin(domain, extension, pinHash) { return setPin.run(pinHash, domain, extension).changes > 0; },
    async reserveVoicemailPinAttempt(domain, extension, now, rule) {
      const admitted = reservePin.get({ domain, extension, now, max: rule.maxFailures, lockMs: rule.lockMs }) as Row | undefined;
      if (admitted) return { ok: true, pinHash: (admitted.voicemail_pin_hash as string | null) ?? null };
      const locked = pinLock.get(domain, extension) as Row | undefined;
      if (!locked) return undefined;
      return { ok: false, lockedUntil: (locked.voicemail_pin_locked_until as number | null) ?? now };
    },
    async voicemailPinSucceeded(domain, extension) { pinOk.run(domain, extension); },
    async count() { return (count.get() as { n: number }).n; },
  };
}

function deviceRepo(db: Database.Database): DeviceRepo {
  const insert = db.prepare(`INSERT INTO devices (id, domain, extension, label, sip_username, ha1, created_at, last_seen_at, login_family)
    VALUES (@id, @domain, @extension, @label, @sipUsername, @ha1, @createdAt, @lastSeenAt, @loginFamily)`);
  const get = db.prepare('SELECT * FROM devices WHERE id = ?');
  const bySip = db.prepare('SELECT * FROM devices WHERE sip_username = ?');
  const byUser = db.prepare('SELECT * FROM devices WHERE domain = ? AND extension = ? ORDER BY created_at');
  const byLogin = db.prepare('SELECT * FROM devices WHERE login_family = ?');
  const del = db.prepare('DELETE FROM devices WHERE id = ?');
  const touch = db.prepare('UPDATE devices SET last_seen_at = ? WHERE id = ?');
  const rename = db.prepare('UPDATE devices SET label = ? WHERE id = ?');
  return {
    async create(d) { insert.run(d); },
    async get(id) { const r = get.get(id) as Row | undefined; return r && toDevice(r); },
    async getBySipUsername(u) { const r = bySip.get(u) as Row | undefined; return r && toDevice(r); },
    async listForUser(domain, extension) { return (byUser.all(domain, extension) as Row[]).map(toDevice); },
    async listForLogin(family) { return (byLogin.all(family) as Row[]).map(toDevice); },
    async delete(id) { return del.run(id).changes > 0; },
    async touch(id, at) { touch.run(at, id); },
    async rename(id, label) { return rename.run(label, id).changes > 0; },
  };
}

function tokenRepo(db: Database.Database): TokenRepo {
  const insert = db.prepare(`INSERT INTO tokens (hash, kind, domain, extension, expires_at, family, created_at, used_at)
    VALUES (@hash, @kind, @domain, @extension, @expiresAt, @family, @createdAt, @usedAt)`);
  const markUsed = db.prepare('UPDATE tokens SET used_at = ? WHERE hash = ? AND used_at IS NULL');
  const get = db.prepare('SELECT * FROM tokens WHERE hash = ?');
  const del = db.prepare('DELETE FROM tokens WHERE hash = ?');
  const delFamily = db.prepare('DELETE FROM tokens WHERE family = ?');
  const purge = db.prepare('DELETE FROM tokens WHERE expires_at <= ?');
  return {
    async insert(t) { insert.run(t); },
    async get(hash) { const r = get.get(hash) as Row | undefined; return r && toToken(r); },
    async delete(hash) { del.run(hash); },
    async deleteFamily(family) { delFamily.run(family); },
    async markUsed(hash, at) { return markUsed.run(at, hash).changes === 1; },
    async purgeExpired(now) { return purge.run(now).changes; },
  };
}

function cdrRepo(db: Database.Database): CdrRepo {
  const insert = db.prepare(`INSERT INTO cdrs
    (call_id, domain, extension, direction, remote_number, remote_name, started_at, answered_at, ended_at, disposition, sip_status,
     transferred_to, transferred_from, routed_to)
    VALUES (@callId, @domain, @extension, @direction, @remoteNumber, @remoteName, @startedAt, @answeredAt, @endedAt, @disposition, @sipStatus,
     @transferredTo, @transferredFrom, @routedTo)`);
  const get = db.prepare('SELECT * FROM cdrs WHERE id = ?');
  const forCall = db.prepare('SELECT * FROM cdrs WHERE call_id = ? AND domain = ? AND extension = ? ORDER BY id DESC LIMIT 1');
  const page = db.prepare(`SELECT * FROM cdrs WHERE domain = ? AND extension = ? AND id < ?
    ORDER BY id DESC LIMIT ?`);
  // Never before the call's own start or answer: the last beat may predate a short call.
  const closeOpen = db.prepare(`UPDATE cdrs SET ended_at = MAX(@at, COALESCE(answered_at, started_at)),
    disposition = CASE WHEN answered_at IS NOT NULL THEN 'interrupted' WHEN direction = 'inbound' THEN 'missed' ELSE 'failed' END
    WHERE ended_at IS NULL`);
  const columns: Record<keyof CdrPatch, string> = {
    answeredAt: 'answered_at', endedAt: 'ended_at', disposition: 'disposition', sipStatus: 'sip_status',
    transferredTo: 'transferred_to', routedTo: 'routed_to',
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
    async closeInterrupted(at) { return closeOpen.run({ at }).changes; },
  };
}

function heartbeatRepo(db: Database.Database): HeartbeatRepo {
  const beat = db.prepare('INSERT INTO heartbeat (id, at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET at = excluded.at');
  const last = db.prepare('SELECT at FROM heartbeat WHERE id = 1');
  return {
    async beat(at) { beat.run(at); },
    async last() { return (last.get() as { at: number } | undefined)?.at ?? null; },
  };
}

function recordingRepo(db: Database.Database): RecordingRepo {
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
  const bytesOf = db.prepare('SELECT COALESCE(SUM(bytes), 0) AS n FROM recordings WHERE domain = ? AND extension = ?');
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
    async bytesForUser(domain, extension) { return (bytesOf.get(domain, extension) as { n: number }).n; },
    async delete(id) { return del.run(id).changes > 0; },
  };
}

function contactRepo(db: Database.Database): ContactRepo {
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
  const get = db.prepare('SELECT * FROM contacts WHERE id = ? AND domain = ? AND extension = ?');
  const byClientId = db.prepare('SELECT * FROM contacts WHERE domain = ? AND extension = ? AND client_id = ?');
  const numbersOf = db.prepare('SELECT label, number FROM contact_numbers WHERE contact_seq = ? ORDER BY position');
  const numbersOfMany = db.prepare(`SELECT contact_seq, label, number FROM contact_numbers
    WHERE contact_seq IN (SELECT value FROM json_each(?)) ORDER BY contact_seq, position`);
  const lastStamp = db.prepare('SELECT updated_at FROM contacts WHERE domain = ? AND extension = ? ORDER BY updated_at DESC LIMIT 1');
  const insert = db.prepare(`INSERT INTO contacts
    (id, domain, extension, client_id, first_name, last_name, company, email, notes, search, created_at, updated_at, version)
    VALUES (@id, @domain, @extension, @clientId, @firstName, @lastName, @company, @email, @notes, @search, @now, @updatedAt, 1)`);
  const update = db.prepare(`UPDATE contacts SET first_name = @firstName, last_name = @lastName, company = @company,
    email = @email, notes = @notes, search = @search, updated_at = @updatedAt, version = version + 1 WHERE seq = @seq`);
  // A tombstone keeps the id, client_id, version and time of the delete, nothing personal.
  const bury = db.prepare(`UPDATE contacts SET first_name = '', last_name = '', company = '', email = '', notes = '',
    search = '', deleted = 1, updated_at = @updatedAt, version = version + 1 WHERE seq = @seq`);
  const insertNumber = db.prepare(`INSERT INTO contact_numbers (contact_seq, position, domain, extension, label, number, digits)
    VALUES (?, ?, ?, ?, ?, ?, ?)`);
  const deleteNumbers = db.prepare('DELETE FROM contact_numbers WHERE contact_seq = ?');

  const load = (r: Row) => toRecord(r, numbersOf.all(r.seq) as ContactNumber[]);
  /**
   * Every change of an owner's contacts gets a time later than all their earlier ones (even
   * when two land in the same millisecond or the clock steps back), so `updated_at > since`
   * never misses a change that a client has not seen.
   */
  const stamp = (domain: string, extension: string, now: number): number => {
    const last = lastStamp.get(domain, extension) as { updated_at: number } | undefined;
    return last && last.updated_at >= now ? last.updated_at + 1 : now;
  };
  const writeNumbers = (seq: number, domain: string, extension: string, numbers: ContactNumber[]) => {
    deleteNumbers.run(seq);
    numbers.forEach((n, i) => insertNumber.run(seq, i, domain, extension, n.label, n.number, digitsOf(n.number)));
  };
  const fieldParams = (f: ContactFields) => ({
    firstName: f.firstName, lastName: f.lastName, company: f.company, email: f.email, notes: f.notes, search: searchTextOf(f),
  });

  const create = db.transaction((c: Parameters<ContactRepo['create']>[0]): { created: boolean; record: ContactRecord } => {
    if (c.clientId) {
      const earlier = byClientId.get(c.domain, c.extension, c.clientId) as Row | undefined;
      if (earlier) return { created: false, record: load(earlier) };
    }
    const updatedAt = stamp(c.domain, c.extension, c.now);
    const seq = Number(insert.run({ ...fieldParams(c.fields), id: c.id, domain: c.domain, extension: c.extension,
      clientId: c.clientId, now: c.now, updatedAt }).lastInsertRowid);
    writeNumbers(seq, c.domain, c.extension, c.fields.numbers);
    return { created: true, record: load(get.get(c.id, c.domain, c.extension) as Row) };
  });

  type Checked = { row: Row } | { change: { kind: 'missing' } | { kind: 'deleted'; tombstone: ContactTombstone } | { kind: 'conflict'; current: Contact } };
  const check = (domain: string, extension: string, id: string, expectedVersion: number | undefined): Checked => {
    const row = get.get(id, domain, extension) as Row | undefined;
    if (!row) return { change: { kind: 'missing' } };
    const record = load(row);
    if (record.deleted) return { change: { kind: 'deleted', tombstone: record } };
    if (expectedVersion !== undefined && record.version !== expectedVersion) return { change: { kind: 'conflict', current: record } };
    return { row };
  };

  const updateTx = db.transaction((domain: string, extension: string, id: string, fields: ContactFields, expectedVersion: number | undefined, now: number) => {
    const checked = check(domain, extension, id, expectedVersion);
    if ('change' in checked) return checked.change;
    const seq = checked.row.seq as number;
    update.run({ ...fieldParams(fields), updatedAt: stamp(domain, extension, now), seq });
    writeNumbers(seq, domain, extension, fields.numbers);
    return { kind: 'ok' as const, contact: load(get.get(id, domain, extension) as Row) as Contact };
  });

  const deleteTx = db.transaction((domain: string, extension: string, id: string, expectedVersion: number | undefined, now: number) => {
    const checked = check(domain, extension, id, expectedVersion);
    if ('change' in checked) return checked.change;
    const seq = checked.row.seq as number;
    bury.run({ updatedAt: stamp(domain, extension, now), seq });
    deleteNumbers.run(seq);
    return { kind: 'ok' as const, contact: load(get.get(id, domain, extension) as Row) as ContactTombstone };
  });

  // Listing statements differ by mode and number of search words; each shape is prepared once.
  const listStatements = new Map<string, Database.Statement>();
  const listStatement = (sql: string) => {
    let stmt = listStatements.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql);
      listStatements.set(sql, stmt);
    }
    return stmt;
  };

  return {
    async create(c) { return create(c); },
    async get(domain, extension, id) {
      const r = get.get(id, domain, extension) as Row | undefined;
      return r && load(r);
    },
    async update(domain, extension, id, fields, expectedVersion, now) { return updateTx(domain, extension, id, fields, expectedVersion, now); },
    async delete(domain, extension, id, expectedVersion, now) { return deleteTx(domain, extension, id, expectedVersion, now); },
    async list(domain, extension, { q, updatedSince, cursor, limit }) {
      const sync = updatedSince !== undefined;
      const terms = searchTerms(q ?? '');
      const params: Record<string, unknown> = { domain, extension, limit: limit + 1 };
      const where = ['c.domain = @domain', 'c.extension = @extension'];
      // Tombstones only matter to a sync; they match no words.
      if (!sync || terms.length > 0) where.push('c.deleted = 0');
      if (sync) {
        where.push('c.updated_at > @since');
        params.since = updatedSince;
      }
      if (cursor) {
        // Keyset: a sync reads oldest change first (a change made while it pages moves to the
        // end, so it is still seen); a listing reads newest change first.
        where.push(sync ? '(c.updated_at, c.seq) > (@cursorAt, @cursorSeq)' : '(c.updated_at, c.seq) < (@cursorAt, @cursorSeq)');
        params.cursorAt = cursor.updatedAt;
        params.cursorSeq = cursor.seq;
      }
      terms.forEach((term, i) => {
        params[`t${i}`] = term.text;
        if (!term.digits) {
          where.push(`instr(c.search, @t${i}) > 0`);
          return;
        }
        params[`d${i}`] = term.digits;
        // Uncorrelated, so SQLite runs it once over the covering index of the owner's digits.
        where.push(`(instr(c.search, @t${i}) > 0 OR c.seq IN (SELECT n.contact_seq FROM contact_numbers n
          WHERE n.domain = @domain AND n.extension = @extension AND instr(n.digits, @d${i}) > 0))`);
      });
      const order = sync ? 'c.updated_at ASC, c.seq ASC' : 'c.updated_at DESC, c.seq DESC';
      const rows = listStatement(`SELECT * FROM contacts c WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT @limit`).all(params) as Row[];
      const page = rows.slice(0, limit);
      const numbers = new Map<number, ContactNumber[]>();
      const live = page.filter((r) => !r.deleted).map((r) => r.seq as number);
      if (live.length > 0) {
        for (const n of numbersOfMany.all(JSON.stringify(live)) as Array<ContactNumber & { contact_seq: number }>) {
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
