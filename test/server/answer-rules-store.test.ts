/**
 * The time frame and answering rule repositories, on both stores (as store-contract.test.ts):
 * frames per user and per organisation, rules in a dense priority order with the default last,
 * one rule per frame (the default included), reorder in one transaction, concurrent creates
 * never sharing a priority, a frame in use refused by the database, the Do Not Disturb toggle
 * (its remembered order outlives reopening the store), and the time zone settings.
 *
 * PostgreSQL: TEST_DATABASE_URL when set, otherwise a throwaway cluster when the binaries are
 * installed; without either the PostgreSQL half is reported as NOT RUN (REQUIRE_POSTGRES=1: fails).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { constraintViolation } from '../../server/store/errors.js';
import type { Store } from '../../server/store/types.js';
import { defaultRuleActions, TimeFrameInUseError } from '../../server/rules/types.js';
import type { TimeFrameInput } from '../../src/data/wire.js';
import { storeBackends } from '../support/store-backends.js';

const backends = await storeBackends('answering rules store');

const D = 'demo';
const user = (extension: string) => ({
  domain: D, extension, firstName: 'F', lastName: extension, email: '', role: 'user' as const, passwordHash: 'x', mfaSecret: null, ringNoAnswerTimeoutS: 25, createdAt: 1,
});
const weekdays: TimeFrameInput = { name: 'Business Hours', kind: 'days-of-week', days: [1, 2, 3, 4, 5].map((d) => ({ day: d as 1, ranges: [{ start: '09:00', end: '17:00' }] })) };
const frame = (name: string): TimeFrameInput => ({ name, kind: 'always' });
const rule = (enabled = true) => ({ ...defaultRuleActions(), enabled });
const orderOf = (rules: Array<{ timeFrameId: string | null; order: number }>) => rules.map((r) => [r.timeFrameId, r.order]);

for (const backend of backends) {
  describe(`${backend.name}: time frames and answering rules`, { timeout: 60_000 }, () => {
    const keys: string[] = [];
    const stores: Store[] = [];
    const newKey = () => { const k = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-rules-')); keys.push(k); return k; };
    const fresh = async (key = newKey()): Promise<Store> => {
      const store = await backend.open(key);
      stores.push(store);
      if (!(await store.domains.get(D))) {
        await store.domains.create({ name: D, description: '', createdAt: 1 });
        for (const e of ['1001', '1002']) await store.users.create(user(e));
      }
      return store;
    };
    after(async () => {
      await Promise.all(stores.map((s) => s.close().catch(() => {})));
      for (const k of keys) await backend.remove(k);
    });

    it('keeps frames per user and per organisation, with their kind and spec; names are unique per owner', async () => {
      const s = await fresh();
      const org = await s.timeFrames.create(D, null, weekdays);
      const mine = await s.timeFrames.create(D, '1001', { name: 'Holidays', kind: 'holidays', holidays: [{ name: 'Christmas Day', date: '2026-12-25' }], yearly: true });
      await s.timeFrames.create(D, '1002', weekdays); // the same name for another owner
      assert.deepEqual(await s.timeFrames.get(D, org.id), { ...weekdays, id: org.id, domain: D, owner: null });
      assert.deepEqual((await s.timeFrames.list(D, '1001')).map((f) => f.name), ['Holidays']);
      assert.deepEqual((await s.timeFrames.list(D, null)).map((f) => f.id), [org.id]);
      assert.equal((await s.timeFrames.get(D, mine.id))?.yearly, true);
      await assert.rejects(s.timeFrames.create(D, null, weekdays), (err) => constraintViolation(err) === 'unique');
      const changed = await s.timeFrames.update(D, mine.id, { name: 'Days off', kind: 'dates', dates: [{ start: '2026-08-01T00:00', end: '2026-08-15T00:00' }] });
      assert.equal(changed?.kind, 'dates');
      assert.equal(changed?.holidays, undefined);
      assert.equal(await s.timeFrames.update(D, 'nope', weekdays), null);
      assert.equal(await s.timeFrames.get('other', org.id), null, 'another domain does not see it');
      assert.equal(await s.timeFrames.delete(D, mine.id), true);
      assert.equal(await s.timeFrames.delete(D, mine.id), false);
    });

    it('a user has the default rule from the first read; new rules go above it; priorities stay dense', async () => {
      const s = await fresh();
      assert.deepEqual(orderOf(await s.answerRules.list(D, '1001')), [[null, 1]]);
      const [a, b, c] = [await s.timeFrames.create(D, '1001', frame('A')), await s.timeFrames.create(D, '1001', frame('B')), await s.timeFrames.create(D, null, frame('C'))];
      await s.answerRules.create(D, '1001', a.id, rule());
      const created = await s.answerRules.create(D, '1001', b.id, { ...rule(false), forward_always: { enabled: true, destination: { kind: 'user', extension: '1002' } } });
      assert.equal(created.order, 2);
      assert.equal(created.enabled, false);
      assert.deepEqual(created.forward_always, { enabled: true, destination: { kind: 'user', extension: '1002' } });
      await s.answerRules.create(D, '1001', c.id, rule());
      assert.deepEqual(orderOf(await s.answerRules.list(D, '1001')), [[a.id, 1], [b.id, 2], [c.id, 3], [null, 4]]);
      await assert.rejects(s.answerRules.create(D, '1001', a.id, rule()), (err) => constraintViolation(err) === 'unique');
      assert.equal(await s.answerRules.delete(D, '1001', b.id), true);
      assert.equal(await s.answerRules.delete(D, '1001', b.id), false);
      assert.deepEqual(orderOf(await s.answerRules.list(D, '1001')), [[a.id, 1], [c.id, 2], [null, 3]]);
      const updated = await s.answerRules.update(D, '1001', null, { ...rule(), do_not_disturb: true });
      assert.equal(updated?.do_not_disturb, true);
      assert.equal(updated?.order, 3);
      assert.equal(await s.answerRules.update(D, '1001', b.id, rule()), null);
      assert.deepEqual(orderOf(await s.answerRules.list(D, '1002')), [[null, 1]], 'another user has only their default');
    });

    it('reorder lists every rule once, the default last, else changes nothing', async () => {
      const s = await fresh();
      const [a, b] = [await s.timeFrames.create(D, '1001', frame('A')), await s.timeFrames.create(D, '1001', frame('B'))];
      await s.answerRules.create(D, '1001', a.id, rule());
      await s.answerRules.create(D, '1001', b.id, rule());
      assert.deepEqual(orderOf(await s.answerRules.reorder(D, '1001', [b.id, a.id, null])), [[b.id, 1], [a.id, 2], [null, 3]]);
      for (const bad of [[a.id, null], [a.id, b.id], [null, a.id, b.id], [a.id, a.id, b.id, null], [a.id, b.id, 'x', null]]) {
        await assert.rejects(s.answerRules.reorder(D, '1001', bad), Error);
      }
      assert.deepEqual(orderOf(await s.answerRules.list(D, '1001')), [[b.id, 1], [a.id, 2], [null, 3]]);
    });

    it('concurrent creates never share a priority', async () => {
      const s = await fresh();
      const frames = await Promise.all(Array.from({ length: 8 }, (_, i) => s.timeFrames.create(D, '1002', frame(`F${i}`))));
      await Promise.all(frames.map((f) => s.answerRules.create(D, '1002', f.id, rule())));
      const rules = await s.answerRules.list(D, '1002');
      assert.deepEqual(rules.map((r) => r.order), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
      assert.equal(rules[8]!.timeFrameId, null);
    });

    it('a frame in use cannot be deleted: the error names the rule\'s user; nothing is deleted', async () => {
      const s = await fresh();
      const org = await s.timeFrames.create(D, null, weekdays);
      await s.answerRules.create(D, '1002', org.id, rule());
      await assert.rejects(s.timeFrames.delete(D, org.id), (err) => err instanceof TimeFrameInUseError && err.extension === '1002' && err.frameName === 'Business Hours');
      assert.ok(await s.timeFrames.get(D, org.id));
      await s.answerRules.delete(D, '1002', org.id);
      assert.equal(await s.timeFrames.delete(D, org.id), true);
    });

    it('Do Not Disturb: on puts its rule first, off restores the order (outliving a reopen); both idempotent', async () => {
      const key = newKey();
      let s = await fresh(key);
      const [a, b] = [await s.timeFrames.create(D, '1001', frame('A')), await s.timeFrames.create(D, '1001', frame('B'))];
      await s.answerRules.create(D, '1001', a.id, rule());
      await s.answerRules.create(D, '1001', b.id, rule());
      const on = await s.answerRules.setDoNotDisturb(D, '1001', true, 'Do Not Disturb', 1);
      const dnd = on[0]!;
      assert.equal(dnd.do_not_disturb, true);
      assert.equal(dnd.enabled, true);
      assert.deepEqual(orderOf(on), [[dnd.timeFrameId, 1], [a.id, 2], [b.id, 3], [null, 4]]);
      assert.deepEqual(orderOf(await s.answerRules.setDoNotDisturb(D, '1001', true, 'Do Not Disturb', 2)), orderOf(on), 'on again changes nothing');
      assert.equal(await s.answerRules.doNotDisturbOn(D, '1001'), true);
      assert.equal((await s.timeFrames.list(D, '1001')).filter((f) => f.name === 'Do Not Disturb').length, 1);
      await s.close();
      s = await fresh(key);
      const off = await s.answerRules.setDoNotDisturb(D, '1001', false, 'Do Not Disturb', 3);
      assert.deepEqual(orderOf(off), [[a.id, 1], [b.id, 2], [dnd.timeFrameId, 3], [null, 4]], 'a new DND rule ends above the default');
      assert.equal(off[2]!.enabled, false);
      assert.equal(await s.answerRules.doNotDisturbOn(D, '1001'), false);
      assert.deepEqual(orderOf(await s.answerRules.setDoNotDisturb(D, '1001', false, 'Do Not Disturb', 4)), orderOf(off), 'off again changes nothing');

      // Its rule had a place: on, a rule created meanwhile, off: back to that place, the new rule kept.
      await s.answerRules.reorder(D, '1001', [a.id, dnd.timeFrameId, b.id, null]);
      await s.answerRules.setDoNotDisturb(D, '1001', true, 'Do Not Disturb', 5);
      const c = await s.timeFrames.create(D, '1001', frame('C'));
      await s.answerRules.create(D, '1001', c.id, rule());
      const back = await s.answerRules.setDoNotDisturb(D, '1001', false, 'Do Not Disturb', 6);
      assert.deepEqual(back.map((r) => r.timeFrameId), [a.id, dnd.timeFrameId, b.id, c.id, null]);
      assert.deepEqual(back.map((r) => r.order), [1, 2, 3, 4, 5]);
    });

    it('Do Not Disturb on again puts right a DND rule edited or deleted meanwhile; off gives back the rule it changed', async () => {
      const s = await fresh();
      const on = await s.answerRules.setDoNotDisturb(D, '1001', true, 'Do Not Disturb', 1);
      const frameId = on[0]!.timeFrameId!;
      // Disabled in the form while DND was on: on again turns it back on, first.
      await s.answerRules.update(D, '1001', frameId, { ...rule(), enabled: false, do_not_disturb: true });
      let again = await s.answerRules.setDoNotDisturb(D, '1001', true, 'Do Not Disturb', 2);
      assert.deepEqual([again[0]!.timeFrameId, again[0]!.enabled, again[0]!.do_not_disturb], [frameId, true, true]);
      // Deleted in the form: on again makes it anew.
      await s.answerRules.delete(D, '1001', frameId);
      again = await s.answerRules.setDoNotDisturb(D, '1001', true, 'Do Not Disturb', 3);
      assert.deepEqual([again[0]!.timeFrameId, again[0]!.enabled, again[0]!.do_not_disturb], [frameId, true, true]);
      await s.answerRules.setDoNotDisturb(D, '1001', false, 'Do Not Disturb', 4);

      // The user's own rule on that frame forwarded always: DND turns the forward off (the two
      // cannot both be on), off gives the rule back as it was.
      const forward = { enabled: true, destination: { kind: 'user' as const, extension: '1002' } };
      await s.answerRules.update(D, '1001', frameId, { ...rule(), enabled: true, forward_always: forward });
      const dnd = (await s.answerRules.setDoNotDisturb(D, '1001', true, 'Do Not Disturb', 5))[0]!;
      assert.deepEqual([dnd.do_not_disturb, dnd.forward_always.enabled], [true, false]);
      const back = (await s.answerRules.setDoNotDisturb(D, '1001', false, 'Do Not Disturb', 6)).find((r) => r.timeFrameId === frameId)!;
      assert.deepEqual([back.enabled, back.do_not_disturb, back.forward_always], [true, false, forward]);
    });

    it('time zones: the organisation\'s (UTC unless set) and the user\'s own (null: the organisation\'s)', async () => {
      const s = await fresh();
      assert.equal((await s.domains.get(D))?.timeZone, 'UTC');
      assert.equal(await s.domains.setTimeZone(D, 'America/New_York'), true);
      assert.equal(await s.domains.setTimeZone('nowhere', 'UTC'), false);
      assert.equal((await s.domains.get(D))?.timeZone, 'America/New_York');
      assert.equal((await s.users.get(D, '1001'))?.timeZone, null);
      assert.equal(await s.users.updateSettings(D, '1001', { timeZone: 'Europe/Paris' }), true);
      assert.equal((await s.users.get(D, '1001'))?.timeZone, 'Europe/Paris');
      assert.equal(await s.users.updateSettings(D, '1001', { ringNoAnswerTimeoutS: 30 }), true);
      const u = await s.users.get(D, '1001');
      assert.equal(u?.timeZone, 'Europe/Paris', 'kept when not given');
      assert.equal(u?.ringNoAnswerTimeoutS, 30);
      assert.equal(await s.users.updateSettings(D, '1001', { timeZone: null }), true);
      assert.equal((await s.users.get(D, '1001'))?.timeZone, null);
      assert.equal(await s.users.updateSettings(D, '9999', { timeZone: 'UTC' }), false);
    });
  });
}
