import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { runAdmin } from '../../server/admin.js';
import { verifyPassword } from '../../server/auth/passwords.js';
import { ConfigError, loadConfig } from '../../server/config.js';
import { migrations } from '../../server/store/migrations.js';
import { describeStore } from '../../server/store/open.js';
import { openSqliteStore } from '../../server/store/sqlite.js';
import { api, login, startPlatform } from '../support/harness.js';
import { openTestStore, removeTestData, testStoreEnv } from '../support/test-db.js';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-unit-'));

describe('configuration', () => {
  it('has working defaults', () => {
    const c = loadConfig({}, '/srv/app');
    assert.equal(c.port, 8080);
    assert.equal(c.dataDir, '/srv/app/data');
    assert.equal(c.tls, undefined);
  });

  it('fails fast, naming the variable', () => {
    assert.throws(() => loadConfig({ PORT: 'eighty' }), (e: Error) => e instanceof ConfigError && /PORT/.test(e.message));
    assert.throws(() => loadConfig({ PORT: '70000' }), /PORT must be between/);
    assert.throws(() => loadConfig({ TLS_CERT: '/x.pem' }), /TLS_CERT and TLS_KEY/);
    assert.throws(() => loadConfig({ TLS_CERT: '/nope.pem', TLS_KEY: '/nope.key' }), /cannot read TLS_CERT/);
    assert.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL/);
    assert.throws(() => loadConfig({ DATABASE_URL: 'mysql://db/x' }), /DATABASE_URL must be a postgres:\/\/ URL/);
    assert.throws(() => loadConfig({ DATABASE_URL: 'not a url' }), /DATABASE_URL/);
  });

  it('names a PostgreSQL store by DATABASE_URL, and never prints its password', () => {
    assert.equal(loadConfig({}).databaseUrl, undefined, 'SQLite by default');
    const c = loadConfig({ DATABASE_URL: 'postgresql://sb:s3cret@db.example:5433/switchboard' });
    assert.equal(c.databaseUrl, 'postgresql://sb:s3cret@db.example:5433/switchboard');
    assert.equal(describeStore(c), 'postgresql://sb:***@db.example:5433/switchboard');
    assert.equal(describeStore(loadConfig({}, '/srv/app')), '/srv/app/data');
  });
});

// The SQLite file's own checks; store-contract.test.ts checks the same on PostgreSQL.
describe('store', () => {
  it('migrates a new database to the latest schema version', () => {
    const dir = tmp();
    void openSqliteStore(dir).close();
    const db = new Database(path.join(dir, 'switchboard.sqlite'));
    assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
    db.close();
  });

  it('upgrades a version 1 database in place: call records keep their data and gain the transfer columns', async () => {
    const dir = tmp();
    const db = new Database(path.join(dir, 'switchboard.sqlite'));
    db.exec(migrations[0]!);
    db.pragma('user_version = 1');
    db.prepare(`INSERT INTO cdrs (call_id, domain, extension, direction, remote_number, started_at, disposition)
      VALUES ('old-call', 'demo', '1001', 'outbound', '1002', 1000, 'answered')`).run();
    db.close();
    const store = openSqliteStore(dir);
    try {
      const cdr = await store.cdrs.findForCall('demo', '1001', 'old-call');
      assert.equal(cdr?.remoteNumber, '1002');
      assert.equal(cdr?.transferredTo, null);
      assert.equal(cdr?.transferredFrom, null);
      assert.deepEqual((await store.recordings.listForUser('demo', '1001', { limit: 10 })).items, []);
    } finally {
      store.close();
    }
  });

  it('refuses a database from a newer platform instead of damaging it', () => {
    const dir = tmp();
    void openSqliteStore(dir).close();
    const db = new Database(path.join(dir, 'switchboard.sqlite'));
    db.pragma(`user_version = ${migrations.length + 1}`);
    db.close();
    assert.throws(() => openSqliteStore(dir), /newer than this platform/);
  });

  it('keeps what users saved across a restart, and does not seed the demo twice', async () => {
    const dataDir = tmp();
    const env = { SWITCHBOARD_DATA: dataDir };
    let t = await startPlatform({ env });
    assert.equal(t.platform.seeded, true);
    const token = await login(t.url, '1001@demo');
    const created = await api(t.url, 'POST', '/api/v2/domains/~/users/~/devices', { token, body: { label: 'Desk phone' } });
    assert.equal(created.status, 201);
    await t.platform.close();

    t = await startPlatform({ env });
    try {
      assert.equal(t.platform.seeded, false);
      const token2 = await login(t.url, '1001@demo');
      const list = await api(t.url, 'GET', '/api/v2/domains/~/users/~/devices', { token: token2 });
      assert.deepEqual(list.body.map((d: { label: string }) => d.label), ['Desk phone']);
    } finally {
      await t.close();
      await removeTestData(dataDir);
    }
  });
});

describe('admin command', () => {
  it('adds a domain and a user who can then log in; resets a password', async () => {
    const dir = tmp();
    const store = await openTestStore(dir);
    const out: string[] = [];
    await runAdmin(['add-domain', 'acme.example', 'Acme Ltd'], store, (l) => out.push(l));
    await runAdmin(['add-user', '2001@acme.example', '--name', 'Pat Lee', '--password', 'correct horse', '--admin'], store, (l) => out.push(l));
    const pat = await store.users.get('acme.example', '2001');
    assert.equal(pat?.firstName, 'Pat');
    assert.equal(pat?.lastName, 'Lee');
    assert.equal(pat?.role, 'admin');
    assert.ok(await verifyPassword('correct horse', pat!.passwordHash));
    await runAdmin(['reset-password', '2001@acme.example'], store, (l) => out.push(l));
    const generated = /reset to (\S+)/.exec(out.at(-1)!)?.[1];
    assert.ok(generated);
    assert.ok(await verifyPassword(generated, (await store.users.get('acme.example', '2001'))!.passwordHash));
    await assert.rejects(runAdmin(['add-user', '2001@acme.example', '--name', 'Again'], store, () => {}), /already exists/);
    await assert.rejects(runAdmin(['add-user', '2002@nowhere', '--name', 'X Y'], store, () => {}), /no domain/);
    await assert.rejects(runAdmin(['frobnicate'], store, () => {}), /unknown command/);
    await store.close();
    await removeTestData(dir);
  });
});

describe('process lifecycle', () => {
  it('npm start\'s server shuts down cleanly on SIGTERM', async () => {
    const dataDir = tmp();
    const root = path.resolve(import.meta.dirname, '../..');
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root, env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SWITCHBOARD_DATA: dataDir, LOG_LEVEL: 'error', SWITCHBOARD_WEB_ROOT: dataDir,
        ...(await testStoreEnv(dataDir)) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    await new Promise<void>((resolve) => child.stdout.on('data', () => out.includes('running at') && resolve()));
    assert.match(out, /1003@demo {2}Carol Chen {2}\(MFA: TOTP secret/);
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.once('exit', r));
    assert.equal(code, 0);
  });

  it('refuses to start with a bad setting and says which', async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      cwd: root, env: { ...process.env, PORT: 'abc' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise((r) => child.once('exit', r));
    assert.equal(code, 2);
    assert.match(err, /PORT must be a whole number/);
  });
});
