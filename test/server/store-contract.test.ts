/**
 * The store contract, checked on both implementations: the same checks run against SQLite and
 * against PostgreSQL (paging order and cursors, atomic check-and-set under concurrency, how
 * constraint violations are reported, migrations, close).
 *
 * PostgreSQL: TEST_DATABASE_URL when set, otherwise a throwaway cluster started here when the
 * PostgreSQL binaries are installed. Without either, the PostgreSQL half is reported as a
 * skipped test named "NOT RUN", which `npm test` counts as not run (never as passed); with
 * REQUIRE_POSTGRES=1 (CI) it fails instead.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { constraintViolation } from '../../server/store/errors.js';
import { migrations } from '../../server/store/migrations.js';
import { pgMigrations } from '../../server/store/migrations-pg.js';
import { openPostgresStore } from '../../server/store/postgres.js';
import { openSqliteStore } from '../../server/store/sqlite.js';
import type { ContactFields, NewCdr, Store } from '../../server/store/types.js';
import type { Voicemail } from '../../server/voicemail/types.js';
import { api, login, startPlatform } from '../support/harness.js';
import { startThrowawayCluster, type PgCluster } from '../support/pg-cluster.js';
import { databaseUrlFor, dropDatabaseFor } from '../support/test-db.js';

/** One implementation under test: how to open a store for a key, and read its schema version behind its back. */
interface Backend {
  name: string;
  open(key: string): Promise<Store>;
  schemaVersion(key: string): Promise<number>;
  setSchemaVersion(key: string, version: number): Promise<void>;
  remove(key: string): Promise<void>;
}

const sqlite: Backend = {
  name: 'SQLite',
  async open(key) { return openSqliteStore(key); },
  async schemaVersion(key) {
    const db = new Database(path.join(key, 'switchboard.sqlite'));
    try { return db.pragma('user_version', { simple: true }) as number; } finally { db.close(); }
  },
  async setSchemaVersion(key, version) {
    const db = new Database(path.join(key, 'switchboard.sqlite'));
    try { db.pragma(`user_version = ${version}`); } finally { db.close(); }
  },
  async remove(key) { fs.rmSync(key, { recursive: true, force: true }); },
};

function postgres(serverUrl: string): Backend {
  const raw = async <T>(key: string, fn: (pool: pg.Pool) => Promise<T>): Promise<T> => {
    const pool = new pg.Pool({ connectionString: await databaseUrlFor(serverUrl, key), max: 1 });
    try { return await fn(pool); } finally { await pool.end(); }
  };
  return {
    name: 'PostgreSQL',
    async open(key) { return openPostgresStore(await databaseUrlFor(serverUrl, key), { max: 6 }); },
    schemaVersion: (key) => raw(key, async (pool) => (await pool.query('SELECT version FROM schema_version')).rows[0].version as number),
    setSchemaVersion: (key, version) => raw(key, async (pool) => { await pool.query('UPDATE schema_version SET version = $1', [version]); }),
    async remove(key) {
      fs.rmSync(key, { recursive: true, force: true });
      await dropDatabaseFor(serverUrl, key);
    },
  };
}

let cluster: PgCluster | null = null;
let pgServer = process.env.TEST_DATABASE_URL || undefined;
if (!pgServer) {
  cluster = await startThrowawayCluster().catch((err: unknown) => {
    process.stderr.write(`store-contract: could not start a PostgreSQL cluster: ${(err as Error).message}\n`);
    return null;
  });
  pgServer = cluster?.url;
}
after(async () => { await cluster?.stop(); });

const backends: Backend[] = [sqlite, ...(pgServer ? [postgres(pgServer)] : [])];

if (!pgServer) {
  describe('PostgreSQL store', () => {
    if (process.env.REQUIRE_POSTGRES === '1') {
      it('is available (REQUIRE_POSTGRES=1)', () => assert.fail('no PostgreSQL: TEST_DATABASE_URL is not set and no PostgreSQL binaries were found'));
    } else {
      it('NOT RUN: the PostgreSQL half of the store contract', { skip: 'no PostgreSQL: set TEST_DATABASE_URL or install postgresql' }, () => {});
    }
  });
}

const DOMAIN = 'demo';
const user = (extension: string, domain = DOMAIN) => ({
  domain, extension, firstName: 'F', lastName: extension, email: '', role: 'user' as const, passwordHash: 'x', mfaSecret: null, ringNoAnswerTimeoutS: 25, createdAt: 1,
});
const cdr = (extension: string, n: number): NewCdr => ({
  callId: `call-${n}`, domain: DOMAIN, extension, direction: 'outbound', remoteNumber: String(2000 + n), remoteName: `R${n}`, startedAt: 1_700_000_000_000 + n,
  answeredAt: null, endedAt: null, disposition: 'ringing', sipStatus: null, transferredTo: null, transferredFrom: null, routedTo: null,
});
const fields = (firstName: string, numbers: ContactFields['numbers'] = []): ContactFields => ({
  firstName, lastName: 'Doe', company: '', email: '', notes: '', numbers,
});
const voicemail = (id: string, receivedAt: number): Voicemail => ({
  id, domain: DOMAIN, extension: '1001', callerNumber: '1002', callerName: 'Bob', callId: `vm-${id}`, receivedAt, durationS: 2.5, folder: 'new', bytes: 1000,
  transcription: null, transcriptionStatus: 'pending', movedBy: null, movedAt: null,
});

/** Reads every page of a keyset-paged listing. */
async function allPages<T>(read: (before: number | undefined) => Promise<{ items: T[]; nextCursor: number | null }>): Promise<T[][]> {
  const pages: T[][] = [];
  let before: number | undefined;
  for (;;) {
    const page = await read(before);
    pages.push(page.items);
    if (page.nextCursor === null) return pages;
    before = page.nextCursor;
  }
}

it('both stores have the same number of schema steps (version N is the same schema on either)', () => {
  assert.equal(pgMigrations.length, migrations.length);
});

for (const backend of backends) {
  describe(`${backend.name} store`, { timeout: 60_000 }, () => {
    const keys: string[] = [];
    const newKey = () => {
      const key = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-contract-'));
      keys.push(key);
      return key;
    };
    const stores: Store[] = [];
    /** A new, empty store with the demo domain and users 1001, 1002. */
    const fresh = async (): Promise<Store> => {
      const store = await backend.open(newKey());
      stores.push(store);
      await store.domains.create({ name: DOMAIN, description: '', createdAt: 1 });
      await store.users.create(user('1001'));
      await store.users.create(user('1002'));
      return store;
    };
    after(async () => {
      await Promise.all(stores.map((s) => s.close()));
      for (const key of keys) await backend.remove(key);
    });

    describe('migrations', () => {
      it('bring a new store to the latest version; opening it again keeps the data and changes nothing', async () => {
        const key = newKey();
        let store = await backend.open(key);
        await store.domains.create({ name: 'kept', description: 'd', createdAt: Date.now() });
        await store.close();
        assert.equal(await backend.schemaVersion(key), migrations.length);
        store = await backend.open(key);
        assert.deepEqual((await store.domains.list()).map((d) => d.name), ['kept']);
        await store.close();
        assert.equal(await backend.schemaVersion(key), migrations.length);
      });

      it('are safe when two processes open a new store at once', async () => {
        const key = newKey();
        const [a, b] = await Promise.all([backend.open(key), backend.open(key)]);
        await a.domains.create({ name: 'one', description: '', createdAt: 1 });
        assert.equal((await b.domains.get('one'))?.name, 'one');
        await Promise.all([a.close(), b.close()]);
        assert.equal(await backend.schemaVersion(key), migrations.length);
      });

      it('refuse a store from a newer platform instead of damaging it', async () => {
        const key = newKey();
        await (await backend.open(key)).close();
        await backend.setSchemaVersion(key, migrations.length + 1);
        await assert.rejects(backend.open(key), /newer than this platform/);
        assert.equal(await backend.schemaVersion(key), migrations.length + 1);
      });
    });

    describe('close', () => {
      it('resolves once closed, twice is harmless, and the store is unusable afterwards', async () => {
        const store = await backend.open(newKey());
        await store.domains.create({ name: 'x', description: '', createdAt: 1 });
        await store.close();
        await store.close();
        await assert.rejects(store.domains.list());
      });
    });

    describe('ordering and paging', () => {
      it('lists domains and users in byte order of their names, as SQLite compares text', async () => {
        const store = await fresh();
        for (const name of ['b.example', 'B.example', 'a.example', 'Ä.example', '_x.example']) await store.domains.create({ name, description: '', createdAt: 1 });
        assert.deepEqual((await store.domains.list()).map((d) => d.name), ['B.example', '_x.example', 'a.example', 'b.example', 'demo', 'Ä.example']);
        for (const ext of ['9', '10', '100', 'a', 'B']) await store.users.create(user(ext));
        assert.deepEqual((await store.users.list(DOMAIN)).map((u) => u.extension), ['10', '100', '1001', '1002', '9', 'B', 'a']);
        assert.equal(await store.users.count(), 7);
      });

      it('lists a user\'s devices oldest first, ties in the order they were added', async () => {
        const store = await fresh();
        const device = (id: string, createdAt: number) => ({
          id, domain: DOMAIN, extension: '1001', label: id, sipUsername: `sip-${id}`, ha1: 'h', createdAt, lastSeenAt: null, loginFamily: 'login-1',
        });
        for (const [id, at] of [['z', 5], ['m', 5], ['a', 3], ['q', 5]] as const) await store.devices.create(device(id, at));
        assert.deepEqual((await store.devices.listForUser(DOMAIN, '1001')).map((d) => d.id), ['a', 'z', 'm', 'q']);
        assert.deepEqual((await store.devices.listForLogin('login-1')).map((d) => d.id), ['z', 'm', 'a', 'q']);
        await store.devices.touch('m', 1_700_000_000_123);
        assert.equal((await store.devices.getBySipUsername('sip-m'))?.lastSeenAt, 1_700_000_000_123);
        assert.equal(await store.devices.rename('m', 'Desk'), true);
        assert.equal(await store.devices.rename('nope', 'Desk'), false);
        assert.equal(await store.devices.delete('m'), true);
        assert.equal(await store.devices.delete('m'), false);
      });

      it('pages call records newest first; the cursor neither skips nor repeats while records are added', async () => {
        const store = await fresh();
        const ids: number[] = [];
        for (let n = 0; n < 25; n++) ids.push(await store.cdrs.insert(cdr(n % 5 === 0 ? '1002' : '1001', n)));
        const mine = ids.filter((_, n) => n % 5 !== 0);
        const pages: number[][] = [];
        let before: number | undefined;
        for (;;) {
          const page = await store.cdrs.listForUser(DOMAIN, '1001', { before, limit: 7 });
          pages.push(page.items.map((c) => c.id));
          // New calls while paging land on the first page, not in the ones still to read.
          await store.cdrs.insert(cdr('1001', 100 + pages.length));
          if (page.nextCursor === null) break;
          before = page.nextCursor;
        }
        assert.deepEqual(pages.map((p) => p.length), [7, 7, 6]);
        assert.deepEqual(pages.flat(), [...mine].reverse());
        const last = await store.cdrs.listForUser(DOMAIN, '1001', { limit: 1 });
        assert.equal(last.items[0]!.callId, 'call-103');
        assert.equal(last.items[0]!.startedAt, 1_700_000_000_103, 'a time in ms comes back as the same number');
      });

      it('patches call records, finds a call\'s newest record, and closes the ones left open', async () => {
        const store = await fresh();
        const first = await store.cdrs.insert(cdr('1001', 1));
        const second = await store.cdrs.insert({ ...cdr('1001', 1), startedAt: 1_700_000_000_050 });
        const ended = await store.cdrs.insert({ ...cdr('1002', 2), endedAt: 1_700_000_000_060, disposition: 'missed' });
        await store.cdrs.update(second, { answeredAt: 1_700_000_000_070, disposition: 'answered', transferredTo: '1003' });
        await store.cdrs.update(second, {});
        assert.equal((await store.cdrs.findForCall(DOMAIN, '1001', 'call-1'))?.id, second);
        assert.equal(await store.cdrs.findForCall(DOMAIN, '1002', 'call-1'), undefined);
        assert.equal(await store.heartbeat.last(), null);
        await store.heartbeat.beat(1_700_000_000_010);
        await store.heartbeat.beat(1_700_000_000_060);
        assert.equal(await store.heartbeat.last(), 1_700_000_000_060);
        assert.equal(await store.cdrs.closeInterrupted(1_700_000_000_060), 2);
        assert.deepEqual([(await store.cdrs.get(first))!.disposition, (await store.cdrs.get(first))!.endedAt], ['failed', 1_700_000_000_060]);
        const answered = (await store.cdrs.get(second))!;
        assert.deepEqual([answered.disposition, answered.endedAt, answered.transferredTo], ['interrupted', 1_700_000_000_070, '1003'],
          'never ended before it was answered');
        assert.equal((await store.cdrs.get(ended))!.endedAt, 1_700_000_000_060);
        assert.equal(await store.cdrs.get(999_999), undefined);
      });

      it('pages recordings newest first, per user and per domain, with the call\'s other party', async () => {
        const store = await fresh();
        const cdrId = await store.cdrs.insert(cdr('1001', 7));
        const rec = (id: string, extension: string, bytes: number) => ({
          id, domain: DOMAIN, extension, callId: 'call-7', cdrId: extension === '1001' ? cdrId : null, contentType: 'audio/webm', bytes, durationS: 1.5,
          startedAt: 1_700_000_000_000, createdAt: 1_700_000_000_001,
        });
        for (let n = 0; n < 7; n++) assert.equal(await store.recordings.insert(rec(`r${n}`, n % 3 === 0 ? '1002' : '1001', 1000 + n)), true);
        assert.equal(await store.recordings.insert(rec('r1', '1002', 5)), false, 'an id that exists changes nothing');
        const mine = await allPages((before) => store.recordings.listForUser(DOMAIN, '1001', { before, limit: 2 }));
        assert.deepEqual(mine.map((p) => p.map((r) => r.id)), [['r5', 'r4'], ['r2', 'r1']]);
        assert.equal(mine[0]![0]!.remoteNumber, '2007');
        assert.equal(mine[0]![0]!.durationS, 1.5);
        const all = await allPages((before) => store.recordings.listForDomain(DOMAIN, { before, limit: 3 }));
        assert.deepEqual(all.flat().map((r) => r.id), ['r6', 'r5', 'r4', 'r3', 'r2', 'r1', 'r0']);
        assert.equal(await store.recordings.bytesForUser(DOMAIN, '1001'), 1001 + 1002 + 1004 + 1005);
        assert.equal(await store.recordings.bytesForUser(DOMAIN, '1003'), 0);
        assert.equal((await store.recordings.get('r6'))?.remoteNumber, null);
        assert.equal(await store.recordings.delete('r6'), true);
        assert.equal(await store.recordings.get('r6'), undefined);
      });

      it('pages voicemails newest first per folder, moves, counts and finds pending transcriptions', async () => {
        const store = await fresh();
        for (let n = 0; n < 5; n++) await store.voicemails.insert(voicemail(`v${n}`, 1_700_000_000_000 + n));
        const pages = await allPages((before) => store.voicemails.list(DOMAIN, '1001', 'new', { before, limit: 2 }));
        assert.deepEqual(pages.map((p) => p.map((v) => v.id)), [['v4', 'v3'], ['v2', 'v1'], ['v0']]);
        const moved = await store.voicemails.move(DOMAIN, '1001', 'v3', 'save', '1002', 1_700_000_000_999);
        assert.deepEqual([moved?.folder, moved?.movedBy, moved?.movedAt], ['save', '1002', 1_700_000_000_999]);
        assert.equal(await store.voicemails.move(DOMAIN, '1002', 'v3', 'trash', '1002', 1), undefined, 'another mailbox\'s message');
        assert.deepEqual(await store.voicemails.counts(DOMAIN, '1001'), { new: 4, save: 1, trash: 0 });
        await store.voicemails.setTranscription('v0', 'done', 'hello');
        assert.deepEqual((await store.voicemails.pendingTranscriptions()).map((v) => v.id), ['v1', 'v2', 'v3', 'v4']);
        assert.equal((await store.voicemails.get(DOMAIN, '1001', 'v0'))?.transcription, 'hello');
        assert.equal(await store.voicemails.delete(DOMAIN, '1001', 'v0'), true);
        assert.equal(await store.voicemails.delete(DOMAIN, '1001', 'v0'), false);
      });

      it('lists contacts newest change first and syncs oldest change first, tombstones included, by cursor', async () => {
        const store = await fresh();
        const made: string[] = [];
        for (let n = 0; n < 6; n++) {
          await store.contacts.create({ id: `c${n}`, domain: DOMAIN, extension: '1001', clientId: null, fields: fields(`N${n}`), now: 1000 });
          made.push(`c${n}`);
        }
        // Six creates in one millisecond still get six distinct, increasing change times.
        const stamps = (await Promise.all(made.map((id) => store.contacts.get(DOMAIN, '1001', id)))).map((c) => c!.updatedAt);
        assert.deepEqual(stamps, [1000, 1001, 1002, 1003, 1004, 1005]);
        const deleted = await store.contacts.delete(DOMAIN, '1001', 'c2', undefined, 1000);
        assert.equal(deleted.kind, 'ok');
        const listing: string[][] = [];
        let cursor;
        do {
          const page = await store.contacts.list(DOMAIN, '1001', { cursor, limit: 2 });
          listing.push(page.items.map((c) => c.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        assert.deepEqual(listing, [['c5', 'c4'], ['c3', 'c1'], ['c0']]);
        const synced: Array<[string, boolean]> = [];
        cursor = undefined;
        do {
          const page = await store.contacts.list(DOMAIN, '1001', { updatedSince: 1001, cursor, limit: 2 });
          synced.push(...page.items.map((c): [string, boolean] => [c.id, c.deleted]));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        assert.deepEqual(synced, [['c3', false], ['c4', false], ['c5', false], ['c2', true]]);
        assert.deepEqual((await store.contacts.list(DOMAIN, '1002', { limit: 10 })).items, [], 'another user sees none of them');
      });

      it('finds contacts by folded words and by digits of their numbers', async () => {
        const store = await fresh();
        await store.contacts.create({ id: 'jose', domain: DOMAIN, extension: '1001', clientId: null, now: 1,
          fields: { ...fields('José'), company: 'Acme', numbers: [{ label: 'work', number: '+1 (415) 555-0142' }, { label: 'home', number: '020 7946' }] } });
        await store.contacts.create({ id: 'ann', domain: DOMAIN, extension: '1001', clientId: null, now: 2, fields: fields('Ann', [{ label: 'mobile', number: '0142' }]) });
        await store.contacts.create({ id: 'other', domain: DOMAIN, extension: '1002', clientId: null, now: 3, fields: fields('Jose', [{ label: 'mobile', number: '4155550142' }]) });
        const ids = async (q: string) => (await store.contacts.list(DOMAIN, '1001', { q, limit: 10 })).items.map((c) => c.id);
        assert.deepEqual(await ids('JOSE acme'), ['jose']);
        assert.deepEqual(await ids('415 555'), ['jose']);
        assert.deepEqual(await ids('0142'), ['ann', 'jose']);
        assert.deepEqual(await ids('doe'), ['ann', 'jose']);
        assert.deepEqual(await ids('nobody'), []);
        const jose = await store.contacts.get(DOMAIN, '1001', 'jose');
        assert.deepEqual(jose && !jose.deleted && jose.numbers.map((n) => n.label), ['work', 'home'], 'numbers in their order');
      });
    });

    describe('atomic changes under concurrency', () => {
      it('rotates a refresh token once, however many requests race to rotate it', async () => {
        const store = await fresh();
        await store.tokens.insert({ hash: 'h1', kind: 'refresh', domain: DOMAIN, extension: '1001', expiresAt: Date.now() + 60_000, family: 'f1', createdAt: Date.now(), usedAt: null });
        const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.tokens.markUsed('h1', 1_700_000_000_000 + i)));
        assert.equal(results.filter(Boolean).length, 1);
        const winner = 1_700_000_000_000 + results.indexOf(true);
        assert.equal((await store.tokens.get('h1'))?.usedAt, winner);
        assert.equal(await store.tokens.markUsed('h1', 1), false);
        assert.equal(await store.tokens.markUsed('no-such-token', 1), false);
        await store.tokens.insert({ hash: 'h2', kind: 'access', domain: DOMAIN, extension: '1001', expiresAt: 10, family: 'f1', createdAt: 1, usedAt: null });
        await store.tokens.insert({ hash: 'h3', kind: 'access', domain: DOMAIN, extension: '1001', expiresAt: 10, family: 'f2', createdAt: 1, usedAt: null });
        assert.equal(await store.tokens.purgeExpired(10), 2);
        await store.tokens.deleteFamily('f1');
        assert.equal(await store.tokens.get('h1'), undefined);
      });

      it('creates a contact once for a client id, however many retries race', async () => {
        const store = await fresh();
        const results = await Promise.all(Array.from({ length: 12 }, (_, i) => store.contacts.create({
          id: `race-${i}`, domain: DOMAIN, extension: '1001', clientId: 'client-1', fields: fields(`Try ${i}`), now: 5000,
        })));
        assert.equal(results.filter((r) => r.created).length, 1);
        assert.equal(new Set(results.map((r) => r.record.id)).size, 1, 'every retry gets the one contact');
        assert.equal((await store.contacts.list(DOMAIN, '1001', { limit: 50 })).items.length, 1);
        // Another owner may use the same client id.
        assert.equal((await store.contacts.create({ id: 'b', domain: DOMAIN, extension: '1002', clientId: 'client-1', fields: fields('B'), now: 1 })).created, true);
      });

      it('lets one of several updates from the same version win; the others see a conflict', async () => {
        const store = await fresh();
        await store.contacts.create({ id: 'c', domain: DOMAIN, extension: '1001', clientId: null, fields: fields('Start'), now: 1 });
        const results = await Promise.all(Array.from({ length: 10 }, (_, i) =>
          store.contacts.update(DOMAIN, '1001', 'c', fields(`Edit ${i}`, [{ label: 'work', number: String(i) }]), 1, 2)));
        assert.equal(results.filter((r) => r.kind === 'ok').length, 1);
        assert.ok(results.every((r) => r.kind === 'ok' || r.kind === 'conflict'));
        const now = await store.contacts.get(DOMAIN, '1001', 'c');
        assert.equal(now?.version, 2);
        const winner = results.find((r) => r.kind === 'ok');
        assert.deepEqual(now, winner && winner.kind === 'ok' ? winner.contact : null);
        assert.equal((await store.contacts.update(DOMAIN, '1002', 'c', fields('X'), undefined, 3)).kind, 'missing');
        // Concurrent deletes: one tombstone, the rest learn it was deleted.
        const deletes = await Promise.all(Array.from({ length: 5 }, () => store.contacts.delete(DOMAIN, '1001', 'c', undefined, 4)));
        assert.deepEqual(deletes.map((d) => d.kind).sort(), ['deleted', 'deleted', 'deleted', 'deleted', 'ok']);
        assert.equal((await store.contacts.get(DOMAIN, '1001', 'c'))?.version, 3);
      });

      it('gives concurrent changes of one owner\'s contacts distinct, increasing change times', async () => {
        const store = await fresh();
        await Promise.all(Array.from({ length: 15 }, (_, i) => store.contacts.create({
          id: `p${i}`, domain: DOMAIN, extension: '1001', clientId: null, fields: fields(`P${i}`), now: 7000,
        })));
        const items = (await store.contacts.list(DOMAIN, '1001', { updatedSince: 0, limit: 50 })).items;
        assert.deepEqual(items.map((c) => c.updatedAt), Array.from({ length: 15 }, (_, i) => 7000 + i));
      });

      it('numbers concurrent greetings 1, 2, 3, ... and keeps exactly one active, however activations race', async () => {
        const store = await fresh();
        const greeting = (name: string) => ({
          domain: DOMAIN, extension: '1001', name, source: 'spoken' as const, text: name, durationS: 1.25, bytes: 100, fileId: `f-${name}`, createdAt: 1_700_000_000_000,
        });
        const made = await Promise.all(Array.from({ length: 8 }, (_, i) => store.greetings.create(greeting(`g${i}`))));
        assert.deepEqual(made.map((g) => g.index).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6, 7, 8]);
        assert.deepEqual((await store.greetings.list(DOMAIN, '1001')).map((g) => g.index), [1, 2, 3, 4, 5, 6, 7, 8]);
        assert.equal((await store.greetings.create({ ...greeting('other'), extension: '1002' })).index, 1, 'numbered per user');
        const results = await Promise.all([1, 2, 3, 4, 5, 6, 7, 8, 0, 99].map((i) => store.greetings.activate(DOMAIN, '1001', i)));
        assert.deepEqual(results, [true, true, true, true, true, true, true, true, true, false]);
        assert.ok((await store.greetings.list(DOMAIN, '1001')).filter((g) => g.active).length <= 1);
        assert.equal(await store.greetings.activate(DOMAIN, '1001', 3), true);
        assert.deepEqual((await store.greetings.list(DOMAIN, '1001')).filter((g) => g.active).map((g) => g.index), [3]);
        assert.equal((await store.greetings.active(DOMAIN, '1001'))?.durationS, 1.25);
        const renamed = await store.greetings.rename(DOMAIN, '1001', 3, 'Away', 1_700_000_000_500);
        assert.deepEqual([renamed?.name, renamed?.updatedAt, renamed?.active], ['Away', 1_700_000_000_500, true]);
        assert.equal(await store.greetings.rename(DOMAIN, '1001', 42, 'x', 1), undefined);
        assert.equal(await store.greetings.delete(DOMAIN, '1001', 3), true);
        assert.equal(await store.greetings.active(DOMAIN, '1001'), undefined, 'the default answers once the active one is gone');
        assert.equal(await store.greetings.activate(DOMAIN, '1001', 0), true);
        assert.equal((await store.greetings.create(greeting('next'))).index, 9);
      });

      it('counts racing voicemail PIN guesses against the limit exactly, and locks the mailbox', async () => {
        const store = await fresh();
        assert.equal(await store.users.setVoicemailPin(DOMAIN, '1001', 'pin-hash'), true);
        assert.equal(await store.users.setVoicemailPin(DOMAIN, '9999', 'pin-hash'), false);
        assert.equal((await store.users.get(DOMAIN, '1001'))?.voicemailPinHash, 'pin-hash');
        const rule = { maxFailures: 3, lockMs: 60_000 };
        const now = 1_700_000_000_000;
        const attempts = await Promise.all(Array.from({ length: 10 }, () => store.users.reserveVoicemailPinAttempt(DOMAIN, '1001', now, rule)));
        assert.equal(attempts.filter((a) => a?.ok).length, 3, 'three guesses are checked');
        assert.ok(attempts.every((a) => a && (a.ok ? a.pinHash === 'pin-hash' : a.lockedUntil === now + 60_000)), 'the rest find the box locked');
        assert.deepEqual(await store.users.reserveVoicemailPinAttempt(DOMAIN, '1001', now + 59_999, rule), { ok: false, lockedUntil: now + 60_000 });
        assert.deepEqual(await store.users.reserveVoicemailPinAttempt(DOMAIN, '1001', now + 60_000, rule), { ok: true, pinHash: 'pin-hash' });
        await store.users.voicemailPinSucceeded(DOMAIN, '1001');
        for (let i = 0; i < 2; i++) assert.equal((await store.users.reserveVoicemailPinAttempt(DOMAIN, '1001', now + 70_000, rule))?.ok, true);
        assert.equal(await store.users.reserveVoicemailPinAttempt(DOMAIN, '9999', now, rule), undefined, 'no such user');
      });

      it('grants a mailbox once, lists grants in byte order, and revokes', async () => {
        const store = await fresh();
        for (const ext of ['2000', 'B', 'a']) await store.users.create(user(ext));
        const grant = (mailbox: string, grantee: string) => store.mailboxGrants.grant({ domain: DOMAIN, mailbox, grantee, grantedBy: '1002', grantedAt: 1_700_000_000_000 });
        const racing = await Promise.all(Array.from({ length: 5 }, () => grant('2000', '1001')));
        assert.equal(racing.filter(Boolean).length, 1, 'a grant that is there already is not made again');
        assert.equal(await grant('a', '1001'), true);
        assert.equal(await grant('B', '1001'), true);
        assert.equal(await grant('2000', 'a'), true);
        assert.deepEqual((await store.mailboxGrants.forGrantee(DOMAIN, '1001')).map((g) => g.mailbox), ['2000', 'B', 'a']);
        assert.deepEqual((await store.mailboxGrants.forMailbox(DOMAIN, '2000')).map((g) => [g.grantee, g.grantedAt]), [['1001', 1_700_000_000_000], ['a', 1_700_000_000_000]]);
        assert.equal(await store.mailboxGrants.has(DOMAIN, '2000', '1001'), true);
        assert.equal(await store.mailboxGrants.revoke(DOMAIN, '2000', '1001'), true);
        assert.equal(await store.mailboxGrants.revoke(DOMAIN, '2000', '1001'), false);
        assert.equal(await store.mailboxGrants.has(DOMAIN, '2000', '1001'), false);
        await assert.rejects(grant('2000', 'nobody'), (err) => constraintViolation(err) === 'foreign-key');
      });

      it('stores a recording once when two uploads of one id race', async () => {
        const store = await fresh();
        const rec = { id: 'same', domain: DOMAIN, extension: '1001', callId: 'x', cdrId: null, contentType: 'audio/ogg', bytes: 3, durationS: null, startedAt: 1, createdAt: 1 };
        const results = await Promise.all(Array.from({ length: 8 }, () => store.recordings.insert(rec)));
        assert.equal(results.filter(Boolean).length, 1);
      });
    });

    describe('text', () => {
      it('looks up names with U+0000 in them without an error, finding nothing (PostgreSQL text cannot hold it)', async () => {
        const store = await fresh();
        assert.equal(await store.users.get(DOMAIN, '10\u000001'), undefined);
        assert.equal(await store.devices.get('\u0000'), undefined);
        assert.equal(await store.tokens.markUsed('h\u0000', 1), false);
        await store.contacts.create({ id: 'c', domain: DOMAIN, extension: '1001', clientId: null, fields: fields('Ann'), now: 1 });
        assert.deepEqual((await store.contacts.list(DOMAIN, '1001', { q: 'ann\u0000', limit: 5 })).items, []);
        // Kept rather than refused; PostgreSQL keeps U+FFFD in its place.
        await store.domains.create({ name: 'nul.example', description: 'a\u0000b', createdAt: 1 });
        assert.match((await store.domains.get('nul.example'))!.description, /^a[\u0000\uFFFD]b$/);
      });
    });

    describe('constraint violations', () => {
      it('are reported so that the API can answer 409: duplicates, missing references, bad values', async () => {
        const store = await fresh();
        const kind = async (p: Promise<unknown>) => {
          try {
            await p;
          } catch (err) {
            return constraintViolation(err);
          }
          return 'accepted';
        };
        assert.equal(await kind(store.domains.create({ name: DOMAIN, description: '', createdAt: 1 })), 'unique');
        assert.equal(await kind(store.users.create(user('1001'))), 'unique');
        const device = { id: 'd1', domain: DOMAIN, extension: '1001', label: 'x', sipUsername: 'same', ha1: 'h', createdAt: 1, lastSeenAt: null, loginFamily: null };
        await store.devices.create(device);
        assert.equal(await kind(store.devices.create({ ...device, id: 'd2' })), 'unique', 'a SIP username is unique');
        assert.equal(await kind(store.users.create(user('1', 'no-such-domain'))), 'foreign-key');
        assert.equal(await kind(store.devices.create({ ...device, id: 'd3', sipUsername: 'other', extension: '9999' })), 'foreign-key');
        assert.equal(await kind(store.users.updateSettings(DOMAIN, '1001', { ringNoAnswerTimeoutS: 0 })), 'other');
        assert.equal(constraintViolation(new Error('not a store error')), null);
        assert.equal(constraintViolation(Object.assign(new Error('x'), { code: '23505' })), null, 'a code alone is not a PostgreSQL reply');
        // Nothing of a refused change was kept.
        assert.deepEqual((await store.devices.listForUser(DOMAIN, '1001')).map((d) => d.id), ['d1']);
        assert.equal((await store.users.get(DOMAIN, '1001'))?.ringNoAnswerTimeoutS, 25);
      });

      it('reach the API as 409 conflict, with no SQL in the answer', async () => {
        // A route that let a duplicate through: every new device gets the same SIP username.
        const store = await backend.open(newKey());
        const create = store.devices.create.bind(store.devices);
        store.devices.create = (d) => create({ ...d, sipUsername: 'always-the-same' });
        const t = await startPlatform({ store });
        try {
          const token = await login(t.url, '1001@demo');
          const devices = '/api/v2/domains/~/users/~/devices';
          assert.equal((await api(t.url, 'POST', devices, { token, body: { label: 'first' } })).status, 201);
          const second = await api(t.url, 'POST', devices, { token, body: { label: 'second' } });
          assert.equal(second.status, 409);
          assert.deepEqual(second.body, { code: 'conflict', message: 'The change would duplicate something that already exists' });
        } finally {
          await t.close();
        }
      });
    });
  });
}
