/**
 * Answering rules through the REST API, on the real platform with an injected clock: CRUD,
 * reorder, exactly one `is_active` and it moves when the clock passes a frame's boundary, bad
 * input refused in words with nothing stored, the Do Not Disturb toggle (order restored, and kept
 * across a restart of the platform), who may touch whose rules, and the `answerrules` event on a
 * change and on a boundary (a short ticker).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { api, login, openEvents, startPlatform, type EventsSocket, type TestPlatform } from '../support/harness.js';
import { removeTestData } from '../support/test-db.js';

const RULES = '/api/v2/domains/~/users/~/answerrules';
const MINE = '/api/v2/domains/~/users/~/timeframes';
const ORG = '/api/v2/domains/~/timeframes';
/** Monday 7 December 2026, 10:00 UTC (the demo organisation is on UTC). */
const MONDAY_10 = Date.UTC(2026, 11, 7, 10, 0);
const MONDAY_18 = Date.UTC(2026, 11, 7, 18, 0);
const to = (extension: string) => ({ enabled: true, destination: { kind: 'user', extension } });
const always = (name: string) => ({ name, kind: 'always' });

async function businessHours(t: TestPlatform, token: string): Promise<string> {
  return (await api(t.url, 'GET', ORG, { token })).body.find((f: any) => f.name === 'Business Hours').id;
}
const activeOf = (rules: any[]) => rules.filter((r) => r.is_active).map((r) => r.time_frame_id ?? '*');

describe('answering rules API', { timeout: 60_000 }, () => {
  let t: TestPlatform;
  let clock = MONDAY_10;
  let alice: string; let bob: string; let erin: string;
  const sockets: EventsSocket[] = [];
  before(async () => {
    t = await startPlatform({ now: () => clock, activeRuleTickMs: 50 });
    [alice, bob, erin] = [await login(t.url, '1001@demo'), await login(t.url, '1002@demo'), await login(t.url, '1005@demo')];
  });
  after(async () => { sockets.forEach((s) => s.close()); await t.close(); });

  it('a new user has the default rule only, active; a Business Hours rule forwarding to 1003 is active in business hours only', async () => {
    const first = await api(t.url, 'GET', RULES, { token: bob });
    assert.equal(first.status, 200);
    assert.equal(first.body.length, 1);
    assert.deepEqual([first.body[0].time_frame_id, first.body[0].time_frame_name, first.body[0].order, first.body[0].is_active], [null, 'Always', 1, true]);

    const hours = await businessHours(t, bob);
    const created = await api(t.url, 'POST', RULES, { token: bob, body: { time_frame_id: hours, forward_always: to('1003') } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual([created.body.time_frame_name, created.body.order, created.body.is_active, created.body.enabled], ['Business Hours', 1, true, true]);
    assert.deepEqual(created.body.forward_always, to('1003'));
    assert.deepEqual(activeOf((await api(t.url, 'GET', RULES, { token: bob })).body), [hours]);
    clock = MONDAY_18;
    assert.deepEqual(activeOf((await api(t.url, 'GET', RULES, { token: bob })).body), ['*'], 'after 17:00 the default is active');
    const rule = await t.platform.rules.activeRuleOf('demo', '1002');
    assert.equal(rule.rule.timeFrameId, null);
    clock = MONDAY_10;
    assert.equal((await t.platform.rules.activeRuleOf('demo', '1002')).rule.timeFrameId, hours);

    assert.equal((await api(t.url, 'POST', RULES, { token: bob, body: { time_frame_id: hours } })).status, 409, 'one rule per frame');
    const off = await api(t.url, 'PUT', `${RULES}/${hours}`, { token: bob, body: { enabled: false, forward_always: to('1003') } });
    assert.equal(off.status, 200);
    assert.deepEqual([off.body.enabled, off.body.is_active], [false, false]);
    assert.deepEqual((await api(t.url, 'GET', `${RULES}/*`, { token: bob })).body.is_active, true);
    assert.equal((await api(t.url, 'DELETE', `${RULES}/*`, { token: bob })).status, 400, 'the default stays');
    assert.equal((await api(t.url, 'DELETE', `${RULES}/${hours}`, { token: bob })).status, 204);
    assert.equal((await api(t.url, 'GET', `${RULES}/${hours}`, { token: bob })).status, 404);
  });

  it('reorder: every rule once, the default last; the active rule is the first enabled one that matches', async () => {
    const hours = await businessHours(t, alice);
    const mine = (await api(t.url, 'POST', MINE, { token: alice, body: always('All the time') })).body.id as string;
    await api(t.url, 'POST', RULES, { token: alice, body: { time_frame_id: hours, forward_always: to('1003') } });
    await api(t.url, 'POST', RULES, { token: alice, body: { time_frame_id: mine, forward_no_answer: { enabled: true, destination: { kind: 'voicemail', extension: '1001' } } } });
    let rules = (await api(t.url, 'GET', RULES, { token: alice })).body;
    assert.deepEqual(rules.map((r: any) => [r.time_frame_id, r.order]), [[hours, 1], [mine, 2], [null, 3]]);
    assert.deepEqual(activeOf(rules), [hours]);
    const moved = await api(t.url, 'PUT', `${RULES}/reorder`, { token: alice, body: { order: [mine, hours, '*'] } });
    assert.equal(moved.status, 200, JSON.stringify(moved.body));
    assert.deepEqual(moved.body.map((r: any) => [r.time_frame_id, r.order]), [[mine, 1], [hours, 2], [null, 3]]);
    assert.deepEqual(activeOf(moved.body), [mine]);

    for (const order of [[mine, '*'], [mine, hours], ['*', mine, hours], [mine, mine, hours, '*'], [mine, hours, 'nope', '*']]) {
      const res = await api(t.url, 'PUT', `${RULES}/reorder`, { token: alice, body: { order } });
      assert.equal(res.status, 400, JSON.stringify(order));
      assert.equal(res.body.field, 'order');
      assert.ok(res.body.message.length > 10, res.body.message);
    }
    rules = (await api(t.url, 'GET', RULES, { token: alice })).body;
    assert.deepEqual(rules.map((r: any) => r.time_frame_id), [mine, hours, null], 'a refused reorder changed nothing');
    // Tidy for the tests below.
    await api(t.url, 'DELETE', `${RULES}/${mine}`, { token: alice });
    await api(t.url, 'DELETE', `${RULES}/${hours}`, { token: alice });
  });

  it('rules created at once get distinct, dense priorities', async () => {
    const frames = await Promise.all(Array.from({ length: 6 }, async (_, i) => (await api(t.url, 'POST', MINE, { token: erin, body: always(`Parallel ${i}`) })).body.id as string));
    const made = await Promise.all(frames.map((id) => api(t.url, 'POST', RULES, { token: erin, body: { time_frame_id: id } })));
    assert.deepEqual(made.map((r) => r.status), [201, 201, 201, 201, 201, 201]);
    const rules = (await api(t.url, 'GET', RULES, { token: erin })).body;
    assert.deepEqual(rules.map((r: any) => r.order), [1, 2, 3, 4, 5, 6, 7]);
    assert.equal(rules[6].time_frame_id, null);
    assert.equal(activeOf(rules).length, 1);
    await Promise.all(frames.map((id) => api(t.url, 'DELETE', `${RULES}/${id}`, { token: erin })));
    assert.deepEqual((await api(t.url, 'GET', RULES, { token: erin })).body.map((r: any) => r.order), [1]);
  });

  it('bad rules are refused naming the problem, and nothing is stored', async () => {
    const hours = await businessHours(t, bob);
    const before = (await api(t.url, 'GET', RULES, { token: bob })).body;
    const bad: Array<[unknown, string, RegExp]> = [
      [{ time_frame_id: hours, forward_on_busy: { enabled: true, destination: { kind: 'user', extension: '1099' } } }, 'forward_on_busy', /^Forward on busy: there is no extension 1099$/],
      [{ time_frame_id: hours, forward_no_answer: { enabled: true, destination: { kind: 'queue', extension: '5000' } } }, 'forward_no_answer', /^Call queues are not set up on this phone system$/],
      [{ time_frame_id: hours, forward_always: to('1002') }, 'forward_always', /own extension/],
      [{ time_frame_id: hours, forward_on_busy: { enabled: true } }, 'forward_on_busy', /needs a destination/],
      [{ time_frame_id: hours, simultaneous_ring: { enabled: true, targets: [{ destination: { kind: 'voicemail', extension: '1003' }, delay_s: 0 }] } },
        'simultaneous_ring.targets[0].destination.kind', /rings people, not a voicemail box/],
      [{ forward_always: to('1003') }, 'time_frame_id', /time frame/],
      [{ time_frame_id: 'no-such-frame' }, 'time_frame_id', /no time frame/],
    ];
    for (const [body, field, message] of bad) {
      const res = await api(t.url, 'POST', RULES, { token: bob, body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(String(res.body.field).startsWith(field), `${res.body.field} names ${field}`);
      assert.match(res.body.message, message);
    }
    const alicesFrame = (await api(t.url, 'POST', MINE, { token: alice, body: always('Alice frame') })).body.id;
    const foreign = await api(t.url, 'POST', RULES, { token: bob, body: { time_frame_id: alicesFrame } });
    assert.deepEqual([foreign.status, foreign.body.field], [400, 'time_frame_id'], 'another user\'s frame is not his to use');
    const defaultOff = await api(t.url, 'PUT', `${RULES}/*`, { token: bob, body: { enabled: false } });
    assert.equal(defaultOff.status, 400);
    const putBad = await api(t.url, 'PUT', `${RULES}/*`, { token: bob, body: { forward_when_unregistered: { enabled: true, destination: { kind: 'voicemail', extension: '1099' } } } });
    assert.equal(putBad.status, 400);
    assert.match(putBad.body.message, /there is no extension 1099/);
    const number = await api(t.url, 'PUT', `${RULES}/*`, { token: bob, body: { forward_when_unregistered: { enabled: true, destination: { kind: 'number', number: '+1 555 0100' } } } });
    assert.equal(number.status, 200, 'an outside number is stored (not refused)');
    assert.deepEqual(number.body.forward_when_unregistered.destination, { kind: 'number', number: '+15550100' }, 'as the validator normalised it');
    await api(t.url, 'PUT', `${RULES}/*`, { token: bob, body: {} });
    assert.deepEqual((await api(t.url, 'GET', RULES, { token: bob })).body, before);
  });

  it('Do Not Disturb: on puts its rule first, off restores the order; idempotent; it outlives a restart', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-dnd-'));
    let clockHere = MONDAY_10;
    let p = await startPlatform({ dataDir, now: () => clockHere });
    try {
      let token = await login(p.url, '1004@demo');
      const hours = await businessHours(p, token);
      const mine = (await api(p.url, 'POST', MINE, { token, body: always('Mine') })).body.id;
      await api(p.url, 'POST', RULES, { token, body: { time_frame_id: hours, forward_always: to('1003') } });
      await api(p.url, 'POST', RULES, { token, body: { time_frame_id: mine } });
      const order = (await api(p.url, 'GET', RULES, { token })).body.map((r: any) => r.time_frame_id);
      assert.equal((await api(p.url, 'GET', '/api/v2/domains/~/users/~', { token })).body.do_not_disturb, false);

      const on = await api(p.url, 'PUT', '/api/v2/domains/~/users/~/dnd', { token, body: { enabled: true } });
      assert.equal(on.status, 200, JSON.stringify(on.body));
      assert.deepEqual([on.body[0].time_frame_name, on.body[0].do_not_disturb, on.body[0].enabled, on.body[0].is_active, on.body[0].order], ['Do Not Disturb', true, true, true, 1]);
      assert.deepEqual(on.body.slice(1).map((r: any) => r.time_frame_id), order);
      const again = await api(p.url, 'PUT', '/api/v2/domains/~/users/~/dnd', { token, body: { enabled: true } });
      assert.deepEqual(again.body, on.body, 'on twice is on once');
      assert.equal((await api(p.url, 'GET', '/api/v2/domains/~/users/~', { token })).body.do_not_disturb, true);
      assert.equal((await p.platform.rules.activeRuleOf('demo', '1004')).rule.do_not_disturb, true);

      await p.close();
      p = await startPlatform({ dataDir, now: () => clockHere });
      token = await login(p.url, '1004@demo');
      assert.equal((await api(p.url, 'GET', '/api/v2/domains/~/users/~', { token })).body.do_not_disturb, true, 'still on after the restart');
      const off = await api(p.url, 'PUT', '/api/v2/domains/~/users/~/dnd', { token, body: { enabled: false } });
      assert.equal(off.status, 200);
      const dnd = on.body[0].time_frame_id;
      assert.deepEqual(off.body.map((r: any) => r.time_frame_id), [...order.slice(0, -1), dnd, null], 'the order before, the new DND rule above the default');
      assert.equal(off.body.find((r: any) => r.time_frame_id === dnd).enabled, false);
      assert.deepEqual(activeOf(off.body), [hours]);
      assert.deepEqual((await api(p.url, 'PUT', '/api/v2/domains/~/users/~/dnd', { token, body: { enabled: false } })).body, off.body, 'off twice is off once');
      assert.equal((await api(p.url, 'GET', '/api/v2/domains/~/users/~', { token })).body.do_not_disturb, false);
      clockHere = MONDAY_18;
      assert.deepEqual(activeOf((await api(p.url, 'GET', RULES, { token })).body), [mine]);
      assert.equal((await api(p.url, 'PUT', '/api/v2/domains/~/users/~/dnd', { token, body: { enabled: 'yes' } })).status, 400);
    } finally {
      await p.close();
      await removeTestData(dataDir);
    }
  });

  it('the switch cannot turn off a DND that another rule says: 409 naming that rule', async () => {
    const dan = await login(t.url, '1004@demo');
    const rule = (await api(t.url, 'GET', `${RULES}/*`, { token: dan })).body;
    assert.equal((await api(t.url, 'PUT', `${RULES}/*`, { token: dan, body: { ...rule, do_not_disturb: true, time_frame_id: undefined, time_frame_name: undefined, order: undefined, is_active: undefined } })).status, 200);
    try {
      const off = await api(t.url, 'PUT', '/api/v2/domains/~/users/~/dnd', { token: dan, body: { enabled: false } });
      assert.equal(off.status, 409);
      assert.match(off.body.message, /Do Not Disturb comes from your answering rule "Always"/);
    } finally {
      await api(t.url, 'PUT', `${RULES}/*`, { token: dan, body: { ...rule, time_frame_id: undefined, time_frame_name: undefined, order: undefined, is_active: undefined } });
    }
  });

  it('nobody reaches another user\'s rules, except the domain\'s administrator', async () => {
    const path1001 = '/api/v2/domains/~/users/1001/answerrules';
    assert.equal((await api(t.url, 'GET', path1001, { token: bob })).status, 403);
    assert.equal((await api(t.url, 'GET', `${path1001}/*`, { token: bob })).status, 403);
    assert.equal((await api(t.url, 'PUT', `${path1001}/*`, { token: bob, body: { do_not_disturb: true } })).status, 403);
    assert.equal((await api(t.url, 'PUT', `${path1001}/reorder`, { token: bob, body: { order: ['*'] } })).status, 403);
    assert.equal((await api(t.url, 'POST', path1001, { token: bob, body: { time_frame_id: await businessHours(t, bob) } })).status, 403);
    assert.equal((await api(t.url, 'PUT', '/api/v2/domains/~/users/1001/dnd', { token: bob, body: { enabled: true } })).status, 403);
    assert.equal((await api(t.url, 'GET', path1001, { token: erin })).status, 200);
    assert.equal((await api(t.url, 'GET', '/api/v2/domains/~/users/1099/answerrules', { token: erin })).status, 404);
    assert.equal((await api(t.url, 'GET', '/api/v2/domains/demo/users/1001/answerrules', { token: alice })).status, 200);
  });

  it('the answerrules event reaches the user on a change and when a boundary passes', async () => {
    const events = await openEvents(t, alice);
    sockets.push(events);
    const hours = await businessHours(t, alice);
    clock = MONDAY_10;
    await api(t.url, 'POST', RULES, { token: alice, body: { time_frame_id: hours, do_not_disturb: true } });
    const changed = await events.next((e) => e.type === 'answerrules');
    assert.deepEqual(changed, { type: 'answerrules', active: hours, do_not_disturb: true });
    clock = Date.UTC(2026, 11, 7, 17, 0, 1); // business hours end at 17:00
    const boundary = await events.next((e) => e.type === 'answerrules');
    assert.deepEqual(boundary, { type: 'answerrules', active: '*', do_not_disturb: false });
    // An organisation frame changed: every user of the domain hears of it.
    const bobEvents = await openEvents(t, bob);
    sockets.push(bobEvents);
    const made = await api(t.url, 'POST', ORG, { token: erin, body: always('Company event') });
    assert.equal(made.status, 201);
    await bobEvents.next((e) => e.type === 'answerrules');
    await api(t.url, 'DELETE', `${RULES}/${hours}`, { token: alice });
    await api(t.url, 'DELETE', `${ORG}/${made.body.id}`, { token: erin });
    clock = MONDAY_10;
  });
});
