/**
 * UserRules, the call router's view of answering rules: once read, a user's rules and frames come
 * from memory (no store query per call); invalidating a user, or a whole domain (an organisation
 * frame, its zone), makes the next read go to the store again. And the ticker: a boundary passed
 * between two ticks is told to a connected user, nothing else is.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { openSqliteStore } from '../../server/store/sqlite.js';
import type { Store } from '../../server/store/types.js';
import { UserRules } from '../../server/rules/user-rules.js';
import { ActiveRuleTicker } from '../../server/rules/active-rule-ticker.js';
import { defaultRuleActions } from '../../server/rules/types.js';
import { createLogger } from '../../server/log.js';
import type { PlatformEvents } from '../../server/events/bus.js';

const MONDAY_10 = Date.UTC(2026, 11, 7, 10, 0);
const hours = { name: 'Business Hours', kind: 'days-of-week' as const, days: ([1, 2, 3, 4, 5] as const).map((day) => ({ day, ranges: [{ start: '09:00', end: '17:00' }] })) };

/** A store whose rule, frame, user and domain reads are counted. */
async function countedStore(): Promise<{ store: Store; reads: () => number }> {
  const store = openSqliteStore(':memory:');
  await store.domains.create({ name: 'demo', description: '', createdAt: 1 });
  for (const extension of ['1001', '1002']) {
    await store.users.create({ domain: 'demo', extension, firstName: 'F', lastName: 'L', email: '', role: 'user', passwordHash: 'x', mfaSecret: null, ringNoAnswerTimeoutS: 25, createdAt: 1 });
  }
  let n = 0;
  const count = <T extends object>(repo: T, names: Array<keyof T>): T => {
    const wrapped = Object.create(repo) as T;
    for (const name of names) {
      const fn = repo[name] as unknown as (...a: unknown[]) => unknown;
      (wrapped as Record<keyof T, unknown>)[name] = (...a: unknown[]) => { n++; return fn.apply(repo, a); };
    }
    return wrapped;
  };
  const counted: Store = {
    ...store,
    answerRules: count(store.answerRules, ['list']),
    timeFrames: count(store.timeFrames, ['list', 'get']),
    users: count(store.users, ['get']),
    domains: count(store.domains, ['get']),
  };
  return { store: counted, reads: () => n };
}

describe('UserRules', () => {
  it('answers from memory once read; a write invalidates the user, an organisation change the domain', async () => {
    const { store, reads } = await countedStore();
    let now = MONDAY_10;
    const rules = new UserRules(store, () => now);
    const org = await store.timeFrames.create('demo', null, hours);
    await store.answerRules.create('demo', '1001', org.id, { ...defaultRuleActions(), enabled: true, do_not_disturb: true });

    assert.equal((await rules.activeRuleOf('demo', '1001')).rule.timeFrameId, org.id);
    const first = reads();
    for (let i = 0; i < 20; i++) await rules.activeRuleOf('demo', '1001');
    now = Date.UTC(2026, 11, 7, 18, 0);
    const evening = await rules.activeRuleOf('demo', '1001');
    assert.equal(evening.rule.timeFrameId, null, 'the clock moves the answer without a read');
    assert.equal(evening.timeZone, 'UTC');
    assert.equal(reads(), first, 'no store read for a cached user');

    // A write the cache does not know of is not seen until the user is invalidated.
    await store.users.updateSettings('demo', '1001', { timeZone: 'Asia/Tokyo' });
    assert.equal((await rules.activeRuleOf('demo', '1001')).timeZone, 'UTC');
    rules.invalidate('demo', '1001');
    const tokyo = await rules.activeRuleOf('demo', '1001', Date.UTC(2026, 11, 7, 1, 0)); // 10:00 in Tokyo
    assert.equal(tokyo.timeZone, 'Asia/Tokyo');
    assert.equal(tokyo.rule.timeFrameId, org.id);
    assert.ok(reads() > first, 'invalidated: read again');

    // An organisation change: the whole domain is read again, 1002 too.
    await rules.activeRuleOf('demo', '1002');
    const beforeDomain = reads();
    await store.timeFrames.update('demo', org.id, { ...hours, days: hours.days.map((d) => ({ ...d, ranges: [{ start: '00:00', end: '24:00' }] })) });
    rules.invalidate('demo');
    assert.equal((await rules.activeRuleOf('demo', '1001', Date.UTC(2026, 11, 7, 20, 0))).rule.timeFrameId, org.id, 'the changed frame is read');
    await rules.activeRuleOf('demo', '1002');
    assert.ok(reads() >= beforeDomain + 6, 'both users and the domain were read again');
    await store.close();
  });

  it('the ticker tells a connected user when a boundary passed between two ticks, and nobody else', async () => {
    const { store } = await countedStore();
    let now = Date.UTC(2026, 11, 7, 16, 59);
    const rules = new UserRules(store, () => now);
    const org = await store.timeFrames.create('demo', null, hours);
    for (const ext of ['1001', '1002']) await store.answerRules.create('demo', ext, org.id, { ...defaultRuleActions(), enabled: true });
    const sent: Array<PlatformEvents['user-event'][0]> = [];
    const connected = [{ domain: 'demo', extension: '1001' }, { domain: 'demo', extension: '1001' }];
    const ticker = new ActiveRuleTicker({
      rules, now: () => now, log: createLogger('silent'),
      bus: { emit: ((name: string, e: PlatformEvents['user-event'][0]) => { if (name === 'user-event') sent.push(e); return true; }) as never },
      connected: () => [...connected],
    });
    await ticker.tick();
    assert.deepEqual(sent, [], 'nothing changed');
    now = Date.UTC(2026, 11, 7, 17, 1);
    await ticker.tick();
    assert.deepEqual(sent, [{ domain: 'demo', extension: '1001', event: { type: 'answerrules', active: '*', do_not_disturb: false } }], 'once, to 1001 only');
    await ticker.tick();
    assert.equal(sent.length, 1);
    connected.push({ domain: 'demo', extension: '1002' }, { domain: 'other', extension: '1003' });
    await ticker.changed('demo');
    assert.deepEqual((sent as Array<{ extension: string }>).slice(1).map((e) => e.extension), ['1001', '1002'], 'an organisation change is told to every connected user of it');
    await store.close();
  });
});
