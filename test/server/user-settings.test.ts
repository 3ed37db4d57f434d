/**
 * A user's settings (the ring timeout, for now): read on GET .../users/~, changed with PATCH by
 * the user or their domain's administrator, refused in words when out of range, kept across a
 * restart, and private: a colleague's directory entry does not carry them.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { api, login, startPlatform, type TestPlatform } from '../support/harness.js';
import { openTestStore, removeTestData } from '../support/test-db.js';
import { checkPin } from '../../server/voicemail/pin.js';

describe('user settings', () => {
  let t: TestPlatform;
  let alice: string;
  let bob: string;
  let admin: string;
  before(async () => {
    t = await startPlatform();
    [alice, bob, admin] = await Promise.all([login(t.url, '1001@demo'), login(t.url, '1002@demo'), login(t.url, '1005@demo')]);
  });
  after(() => t.close());

  it('start at the 25 s ring timeout and change with PATCH', async () => {
    const me = await api(t.url, 'GET', '/api/v2/domains/~/users/~', { token: alice });
    assert.equal(me.body.ring_no_answer_timeout_s, 25);
    const patched = await api(t.url, 'PATCH', '/api/v2/domains/~/users/~', { token: alice, body: { ring_no_answer_timeout_s: 40 } });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    assert.deepEqual(patched.body, { ring_no_answer_timeout_s: 40, voicemail_greeting_index: 0, voicemail_pin_set: false, time_zone: null, effective_time_zone: 'UTC', do_not_disturb: false });
    assert.equal((await api(t.url, 'GET', '/api/v2/domains/~/users/~', { token: alice })).body.ring_no_answer_timeout_s, 40);
  });

  it('are refused in words when out of range, of the wrong type or unknown', async () => {
    for (const [body, field] of [
      [{ ring_no_answer_timeout_s: 2 }, 'ring_no_answer_timeout_s'],
      [{ ring_no_answer_timeout_s: 301 }, 'ring_no_answer_timeout_s'],
      [{ ring_no_answer_timeout_s: '30' }, 'ring_no_answer_timeout_s'],
      [{ ring_no_answer_timeout_s: 12.5 }, 'ring_no_answer_timeout_s'],
      [{ dnd: true }, 'dnd'],
    ] as const) {
      const res = await api(t.url, 'PATCH', '/api/v2/domains/~/users/~', { token: bob, body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.body.field, field);
      assert.match(res.body.message, new RegExp(field));
    }
    assert.equal((await api(t.url, 'GET', '/api/v2/domains/~/users/~', { token: bob })).body.ring_no_answer_timeout_s, 25, 'nothing changed');
  });

  it('are private: a colleague neither reads nor changes them; the administrator does both', async () => {
    const asBob = await api(t.url, 'GET', '/api/v2/domains/~/users/1001', { token: bob });
    assert.equal(asBob.status, 200);
    assert.equal(asBob.body.ring_no_answer_timeout_s, undefined, 'not in a colleague\'s directory entry');
    const list = await api(t.url, 'GET', '/api/v2/domains/~/users', { token: bob });
    assert.ok(list.body.every((u: Record<string, unknown>) => !('ring_no_answer_timeout_s' in u)));
    assert.equal((await api(t.url, 'PATCH', '/api/v2/domains/~/users/1001', { token: bob, body: { ring_no_answer_timeout_s: 5 } })).status, 403);
    const byAdmin = await api(t.url, 'PATCH', '/api/v2/domains/~/users/1001', { token: admin, body: { ring_no_answer_timeout_s: 15 } });
    assert.equal(byAdmin.status, 200);
    assert.equal((await api(t.url, 'GET', '/api/v2/domains/~/users/1001', { token: admin })).body.ring_no_answer_timeout_s, 15);
    assert.equal((await api(t.url, 'PATCH', '/api/v2/domains/~/users/9999', { token: admin, body: { ring_no_answer_timeout_s: 15 } })).status, 404);
    assert.equal((await api(t.url, 'PATCH', '/api/v2/domains/other/users/1001', { token: admin, body: { ring_no_answer_timeout_s: 15 } })).status, 403);
  });
});

describe('the voicemail PIN setting', () => {
  let t: TestPlatform;
  let alice: string;
  let admin: string;
  before(async () => {
    t = await startPlatform();
    [alice, admin] = await Promise.all([login(t.url, '1001@demo'), login(t.url, '1005@demo')]);
  });
  after(() => t.close());

  it('is set with PATCH, never read back (only voicemail_pin_set), kept hashed, and cleared with null', async () => {
    assert.equal((await api(t.url, 'GET', '/api/v2/domains/~/users/~', { token: alice })).body.voicemail_pin_set, false);
    const set = await api(t.url, 'PATCH', '/api/v2/domains/~/users/~', { token: alice, body: { voicemail_pin: '024680' } });
    assert.equal(set.status, 200, JSON.stringify(set.body));
    assert.equal(set.body.voicemail_pin_set, true);
    assert.ok(!JSON.stringify(set.body).includes('024680'));
    const me = await api(t.url, 'GET', '/api/v2/domains/~/users/~', { token: alice });
    assert.equal(me.body.voicemail_pin_set, true);
    assert.equal(me.body.voicemail_pin, undefined);
    const stored = (await t.platform.store.users.get('demo', '1001'))!.voicemailPinHash!;
    assert.match(stored, /^scrypt\$/);
    assert.ok(!stored.includes('024680'), 'the PIN itself is not stored');
    assert.equal(await checkPin(t.platform.store.users, 'demo', '1001', '024680'), 'ok');
    assert.equal(await checkPin(t.platform.store.users, 'demo', '1001', '24680'), 'wrong', 'the leading zero counts');
    // Another setting alone leaves the PIN as it is.
    await api(t.url, 'PATCH', '/api/v2/domains/~/users/~', { token: alice, body: { ring_no_answer_timeout_s: 30 } });
    assert.equal(await checkPin(t.platform.store.users, 'demo', '1001', '024680'), 'ok');
    const cleared = await api(t.url, 'PATCH', '/api/v2/domains/~/users/~', { token: alice, body: { voicemail_pin: null } });
    assert.equal(cleared.body.voicemail_pin_set, false);
    assert.equal(await checkPin(t.platform.store.users, 'demo', '1001', '024680'), 'wrong', 'no PIN: nothing opens the box');
  });

  it('is refused in words naming the field unless it is 4 to 10 digits, and nothing changes', async () => {
    for (const pin of ['123', '12345678901', '12a4', ' 1234', 1234, true]) {
      const res = await api(t.url, 'PATCH', '/api/v2/domains/~/users/~', { token: alice, body: { voicemail_pin: pin, ring_no_answer_timeout_s: 60 } });
      assert.equal(res.status, 400, JSON.stringify(pin));
      assert.equal(res.body.field, 'voicemail_pin', JSON.stringify(res.body));
      assert.match(res.body.message, /voicemail_pin/);
    }
    const me = await api(t.url, 'GET', '/api/v2/domains/~/users/~', { token: alice });
    assert.equal(me.body.voicemail_pin_set, false);
    assert.notEqual(me.body.ring_no_answer_timeout_s, 60);
  });

  it('is set by the domain administrator too, not by a colleague', async () => {
    const bob = await login(t.url, '1002@demo');
    assert.equal((await api(t.url, 'PATCH', '/api/v2/domains/~/users/1001', { token: bob, body: { voicemail_pin: '1111' } })).status, 403);
    const byAdmin = await api(t.url, 'PATCH', '/api/v2/domains/~/users/1002', { token: admin, body: { voicemail_pin: '4321' } });
    assert.equal(byAdmin.status, 200);
    assert.equal(await checkPin(t.platform.store.users, 'demo', '1002', '4321'), 'ok');
  });
});

describe('voicemail PIN guesses', () => {
  it('lock the mailbox after too many wrong ones in a row, even parallel ones, until the lock runs out', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-pin-'));
    const store = await openTestStore(dir);
    try {
      await store.domains.create({ name: 'd', description: '', createdAt: 1 });
      await store.users.create({
        domain: 'd', extension: '1', firstName: 'A', lastName: 'B', email: '', role: 'user', passwordHash: 'x', mfaSecret: null, ringNoAnswerTimeoutS: 25, createdAt: 1,
      });
      const { hashPin } = await import('../../server/voicemail/pin.js');
      await store.users.setVoicemailPin('d', '1', await hashPin('2468'));
      const rule = { maxFailures: 3, lockMs: 60_000 };
      // Two wrong, then the right one: the count starts again.
      assert.equal(await checkPin(store.users, 'd', '1', '0000', rule, 1000), 'wrong');
      assert.equal(await checkPin(store.users, 'd', '1', '0000', rule, 1000), 'wrong');
      assert.equal(await checkPin(store.users, 'd', '1', '2468', rule, 1000), 'ok');
      // Ten guesses at once: three are checked, the rest find the box locked.
      const burst = await Promise.all(Array.from({ length: 10 }, (_, i) => checkPin(store.users, 'd', '1', String(1000 + i), rule, 2000)));
      assert.equal(burst.filter((r) => r === 'wrong').length, 3);
      assert.equal(burst.filter((r) => r === 'locked').length, 7);
      assert.equal(await checkPin(store.users, 'd', '1', '2468', rule, 2000 + 59_000), 'locked', 'the right PIN is refused while locked');
      assert.equal(await checkPin(store.users, 'd', '1', '2468', rule, 2000 + 60_000), 'ok', 'and accepted once the lock has run out');
      assert.equal(await checkPin(store.users, 'd', '9', '2468', rule, 3000), 'wrong', 'no such mailbox: just wrong');
    } finally {
      await store.close();
      await removeTestData(dir);
    }
  });
});

describe('the ring timeout column', () => {
  it('survives closing and reopening the store, and the store refuses nonsense', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-settings-'));
    try {
      let store = await openTestStore(dir);
      await store.domains.create({ name: 'd', description: '', createdAt: 1 });
      await store.users.create({
        domain: 'd', extension: '1', firstName: 'A', lastName: 'B', email: '', role: 'user', passwordHash: 'x', mfaSecret: null, ringNoAnswerTimeoutS: 25, createdAt: 1,
      });
      assert.equal(await store.users.updateSettings('d', '1', { ringNoAnswerTimeoutS: 9 }), true);
      assert.equal(await store.users.updateSettings('d', '2', { ringNoAnswerTimeoutS: 9 }), false, 'no such user');
      // SQLite says "CHECK constraint failed", PostgreSQL "violates check constraint".
      await assert.rejects(store.users.updateSettings('d', '1', { ringNoAnswerTimeoutS: 0 }), /check constraint/i);
      await store.close();
      store = await openTestStore(dir);
      assert.equal((await store.users.get('d', '1'))?.ringNoAnswerTimeoutS, 9);
      await store.close();
    } finally {
      await removeTestData(dir);
    }
  });
});
