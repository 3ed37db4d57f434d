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
    assert.deepEqual(patched.body, { ring_no_answer_timeout_s: 40, voicemail_greeting_index: 0 });
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
