/**
 * A platform killed during a call (kill -9: no shutdown code runs) leaves that call's records
 * open. The next start closes them at the last moment the platform was known alive. What the
 * API acknowledged before the kill is still there (on either store).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/log.js';
import { createPlatform } from '../../server/platform.js';
import { api, eventually, login, phone, type TestPlatform } from '../support/harness.js';
import { openTestStore, removeTestData, testStoreEnv } from '../support/test-db.js';

const root = path.resolve(import.meta.dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

describe('crash recovery', { timeout: 60_000 }, () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-crash-'));
  let child: ChildProcess | undefined;
  after(async () => {
    child?.kill('SIGKILL');
    await removeTestData(dataDir);
  });

  it('closes a call that was live when the platform was killed, at its last heartbeat, as interrupted', async () => {
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server', 'main.ts')], {
      cwd: root,
      env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', SWITCHBOARD_DATA: dataDir, LOG_LEVEL: 'error', SWITCHBOARD_WEB_ROOT: path.join(dataDir, 'no-web'),
        ...(await testStoreEnv(dataDir)) },
      stdio: 'ignore',
    });
    const url = `http://127.0.0.1:${port}`;
    await eventually(() => fetch(`${url}/api/v2/status`).then((r) => r.ok, () => false), 20_000);
    const first = { url, wsUrl: `ws://127.0.0.1:${port}/sip` } as TestPlatform;
    const alice = await phone(first, '1001');
    const bob = await phone(first, '1002');
    const incoming = bob.ua.nextInvite();
    const out = alice.ua.call('sip:1002@demo');
    (await incoming).answer();
    assert.equal((await out.final).status, 200);
    // The call recorder writes "answered" just after the 200 is forwarded, not before: on
    // PostgreSQL that is a round trip later, so wait for the record to say so.
    await eventually(async () => (await api(url, 'GET', '/api/v2/domains/~/users/~/cdrs', { token: alice.token })).body.items[0]?.disposition === 'answered', 5000);

    // Writes the API acknowledged just before the kill: a contact and a device's new label.
    const contact = await api(url, 'POST', '/api/v2/domains/~/users/~/contacts', { token: alice.token, body: { first_name: 'Ada', last_name: 'Lovelace' } });
    assert.equal(contact.status, 201);
    const renamed = await api(url, 'PATCH', `/api/v2/domains/~/users/~/devices/${alice.deviceId}`, { token: alice.token, body: { label: 'Renamed before the kill' } });
    assert.equal(renamed.status, 200, JSON.stringify(renamed.body));

    const killedAt = Date.now();
    child.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));
    await Promise.all([alice.ua.close(), bob.ua.close()]);

    const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', SWITCHBOARD_DATA: dataDir, LOG_LEVEL: 'silent', SWITCHBOARD_WEB_ROOT: path.join(dataDir, 'no-web'),
      ...(await testStoreEnv(dataDir)) });
    const second = await createPlatform({ config, log: createLogger('silent') });
    await second.listen();
    try {
      for (const ext of ['1001', '1002']) {
        const token = await login(second.url(), `${ext}@demo`);
        const [record] = (await api(second.url(), 'GET', '/api/v2/domains/~/users/~/cdrs', { token })).body.items;
        assert.equal(record.disposition, 'interrupted', `${ext}'s record says the platform stopped`);
        assert.ok(record.ended_at, 'the record has an end time');
        const ended = Date.parse(record.ended_at);
        assert.ok(ended >= Date.parse(record.answered_at) && ended <= killedAt, 'it ended at the last heartbeat (never before it was answered), before the kill');
      }
      const token = await login(second.url(), '1001@demo');
      const kept = await api(second.url(), 'GET', `/api/v2/domains/~/users/~/contacts/${contact.body.id}`, { token });
      assert.equal(kept.body.first_name, 'Ada', 'an acknowledged create survives the kill');
      const devices = await api(second.url(), 'GET', '/api/v2/domains/~/users/~/devices', { token });
      assert.ok(devices.body.some((d: { label: string }) => d.label === 'Renamed before the kill'), 'an acknowledged change survives the kill');
    } finally {
      await second.close();
    }
  });
});

describe('closing interrupted call records', { timeout: 10_000 }, () => {
  it('makes ringing inbound records missed and ringing outbound ones failed, and leaves ended ones alone', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-close-'));
    const store = await openTestStore(dir);
    const base = { callId: 'c1', domain: 'demo', remoteNumber: '1002', remoteName: 'Bob', startedAt: 1000, answeredAt: null, endedAt: null, sipStatus: null, transferredTo: null, transferredFrom: null, routedTo: null };
    const out = await store.cdrs.insert({ ...base, extension: '1001', direction: 'outbound', disposition: 'ringing' });
    const inb = await store.cdrs.insert({ ...base, extension: '1002', direction: 'inbound', disposition: 'ringing' });
    const done = await store.cdrs.insert({ ...base, extension: '1003', direction: 'inbound', disposition: 'missed', endedAt: 1500 });
    assert.equal(await store.cdrs.closeInterrupted(5000), 2);
    assert.deepEqual([(await store.cdrs.get(out))!.disposition, (await store.cdrs.get(out))!.endedAt], ['failed', 5000]);
    assert.equal((await store.cdrs.get(inb))!.disposition, 'missed');
    assert.deepEqual([(await store.cdrs.get(done))!.disposition, (await store.cdrs.get(done))!.endedAt], ['missed', 1500]);
    await store.close();
    await removeTestData(dir);
  });
});
