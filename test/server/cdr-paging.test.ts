/**
 * Call history paging: GET .../cdrs?limit=2&before=<next_cursor> walks every record exactly
 * once, newest first, over real calls through the platform.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { api, login, registeredUa, startPlatform, type TestPlatform } from '../support/harness.js';
import type { SipUa } from '../support/sip-ua.js';

const CALLS = 5;

describe('call history paging', { timeout: 60_000 }, () => {
  let t: TestPlatform;
  let alice: SipUa;
  let bob: SipUa;
  let erin: SipUa;
  before(async () => {
    t = await startPlatform();
    alice = await registeredUa(t, '1001');
    bob = await registeredUa(t, '1002');
    for (let i = 0; i < CALLS; i++) {
      const incoming = bob.nextInvite(3000);
      const call = alice.call('sip:1002@demo');
      (await incoming).reject(i % 2 ? 486 : 603);
      const final = await call.final;
      assert.ok(final.status >= 400, `call ${i} ended`);
    }
    // Calls to a number nobody has write only the caller's record: 1005's ids are consecutive,
    // so a cursor one off lands on one of 1005's own records.
    erin = await registeredUa(t, '1005');
    for (let i = 0; i < CALLS; i++) assert.equal((await erin.call('sip:1999@demo').final).status, 404);
    await t.platform.recorder.flush();
  });
  after(async () => {
    await Promise.all([alice?.close(), bob?.close(), erin?.close()]);
    await t.close();
  });

  for (const extension of ['1001', '1002', '1005']) {
    it(`pages of 2 through ${extension}'s history see every record exactly once`, async () => {
      const token = await login(t.url, `${extension}@demo`);
      const all = await api(t.url, 'GET', '/api/v2/domains/~/users/~/cdrs?limit=500', { token });
      assert.equal(all.status, 200);
      const expected = (all.body.items as Array<{ id: number }>).map((c) => c.id);
      assert.equal(expected.length, CALLS, `${CALLS} records in one page`);
      assert.equal(all.body.next_cursor, null, 'one page holds everything: no cursor');

      const seen: number[] = [];
      let cursor: number | null = null;
      for (let pages = 0; pages < 10; pages++) {
        const res: { status: number; body: { items: Array<{ id: number }>; next_cursor: number | null } } = await api(t.url, 'GET', `/api/v2/domains/~/users/~/cdrs?limit=2${cursor !== null ? `&before=${cursor}` : ''}`, { token });
        assert.equal(res.status, 200);
        const items = res.body.items as Array<{ id: number }>;
        assert.ok(items.length <= 2, 'a page holds at most limit records');
        seen.push(...items.map((c) => c.id));
        cursor = res.body.next_cursor;
        if (cursor === null) break;
      }
      assert.equal(cursor, null, 'the walk ends');
      assert.deepEqual(seen, expected, 'every record once, newest first, none dropped or repeated');
    });
  }
});
