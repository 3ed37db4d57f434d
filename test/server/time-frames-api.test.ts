/**
 * Time frames through the REST API, on the real platform with an injected clock: a user's own
 * frames (CRUD, matches_now in their zone), the organisation's (seeded Business Hours and
 * Holidays; read by its users, written by its administrators), a frame in use refused (409 naming
 * the rule's user, nothing deleted), bad input refused in words with nothing stored, time zones
 * (a user's, the organisation's), and who may touch what.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { api, login, startPlatform, type TestPlatform } from '../support/harness.js';
import { hashPassword } from '../../server/auth/passwords.js';
import { ConfigError, loadConfig } from '../../server/config.js';

const MINE = '/api/v2/domains/~/users/~/timeframes';
const ORG = '/api/v2/domains/~/timeframes';
/** Monday 7 December 2026, 10:00 UTC. */
const MONDAY_10 = Date.UTC(2026, 11, 7, 10, 0);
const lunch = { name: 'Lunch', kind: 'days-of-week', days: [{ day: 1, ranges: [{ start: '12:00', end: '13:00' }] }] };

describe('time frames API', { timeout: 60_000 }, () => {
  let t: TestPlatform;
  let clock = MONDAY_10;
  let alice: string; let bob: string; let erin: string; let otherAdmin: string;
  before(async () => {
    t = await startPlatform({ now: () => clock });
    [alice, bob, erin] = [await login(t.url, '1001@demo'), await login(t.url, '1002@demo'), await login(t.url, '1005@demo')];
    await t.platform.store.domains.create({ name: 'other', description: '', createdAt: 1 });
    await t.platform.store.users.create({
      domain: 'other', extension: '100', firstName: 'O', lastName: 'Admin', email: '', role: 'admin', passwordHash: await hashPassword('switchboard'),
      mfaSecret: null, ringNoAnswerTimeoutS: 25, createdAt: 1,
    });
    otherAdmin = await login(t.url, '100@other');
  });
  after(async () => { await t.close(); });

  it('the organisation has the seeded Business Hours and Holidays, read by its users, matching by the injected clock', async () => {
    const res = await api(t.url, 'GET', ORG, { token: bob });
    assert.equal(res.status, 200);
    const hours = res.body.find((f: any) => f.name === 'Business Hours');
    assert.equal(hours.scope, 'domain');
    assert.equal(hours.kind, 'days-of-week');
    assert.deepEqual(hours.days.map((d: any) => d.day), [1, 2, 3, 4, 5]);
    assert.deepEqual(hours.days[0].ranges, [{ start: '09:00', end: '17:00' }]);
    assert.equal(hours.matches_now, true);
    const holidays = res.body.find((f: any) => f.name === 'Holidays');
    assert.equal(holidays.yearly, true);
    assert.deepEqual(holidays.holidays.map((h: any) => h.date).sort(), ['2026-12-25', '2027-01-01', '2027-07-04']);
    assert.equal(holidays.matches_now, false);
    clock = Date.UTC(2026, 11, 25, 12, 0);
    assert.equal((await api(t.url, 'GET', `${ORG}/${holidays.id}`, { token: bob })).body.matches_now, true);
    clock = MONDAY_10;
  });

  it('a user creates, reads, changes and deletes their own frames; matches_now follows their zone', async () => {
    const created = await api(t.url, 'POST', MINE, { token: bob, body: lunch });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.scope, 'user');
    assert.equal(created.body.matches_now, false);
    const id = created.body.id as string;
    assert.deepEqual((await api(t.url, 'GET', MINE, { token: bob })).body.map((f: any) => f.name), ['Lunch']);
    assert.deepEqual((await api(t.url, 'GET', MINE, { token: alice })).body, [], 'Alice has none');
    // 10:00 UTC is 12:00 in Athens (EET, UTC+2 in December): lunch there.
    assert.equal((await api(t.url, 'PATCH', '/api/v2/domains/~/users/~', { token: bob, body: { time_zone: 'Europe/Athens' } })).status, 200);
    assert.equal((await api(t.url, 'GET', `${MINE}/${id}`, { token: bob })).body.matches_now, true);
    const me = await api(t.url, 'GET', '/api/v2/domains/~/users/~', { token: bob });
    assert.equal(me.body.time_zone, 'Europe/Athens');
    assert.equal(me.body.effective_time_zone, 'Europe/Athens');
    await api(t.url, 'PATCH', '/api/v2/domains/~/users/~', { token: bob, body: { time_zone: null } });
    assert.equal((await api(t.url, 'GET', '/api/v2/domains/~/users/~', { token: bob })).body.effective_time_zone, 'UTC');

    const changed = await api(t.url, 'PUT', `${MINE}/${id}`, { token: bob, body: { name: 'Away', kind: 'dates', dates: [{ start: '2026-12-07T09:00', end: '2026-12-07T11:00' }] } });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(changed.body.kind, 'dates');
    assert.equal(changed.body.days, undefined);
    assert.equal(changed.body.matches_now, true);
    assert.equal((await api(t.url, 'POST', MINE, { token: bob, body: { ...lunch, name: 'Away' } })).status, 409, 'names are unique per owner');
    assert.equal((await api(t.url, 'DELETE', `${MINE}/${id}`, { token: bob })).status, 204);
    assert.equal((await api(t.url, 'GET', `${MINE}/${id}`, { token: bob })).status, 404);
  });

  it('bad input is refused in words, naming the field, and nothing is stored', async () => {
    const before = (await api(t.url, 'GET', MINE, { token: alice })).body;
    const bad: Array<[unknown, string, RegExp]> = [
      [{ name: 'Split', kind: 'days-of-week', days: [{ day: 1, ranges: [{ start: '09:00', end: '12:30' }, { start: '12:00', end: '17:00' }] }] }, 'days[0].ranges', /overlap/],
      [{ name: 'Backwards', kind: 'dates', dates: [{ start: '2026-12-10T10:00', end: '2026-12-09T10:00' }] }, 'dates', /end|before|after/i],
      [{ name: 'Nothing', kind: 'sometimes' }, 'kind', /kind/i],
      [{ kind: 'always' }, 'name', /name/i],
    ];
    for (const [body, field, message] of bad) {
      const res = await api(t.url, 'POST', MINE, { token: alice, body });
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.ok(String(res.body.field).startsWith(field), `${res.body.field} names ${field}`);
      assert.match(res.body.message, message);
    }
    const zone = await api(t.url, 'PATCH', '/api/v2/domains/~/users/~', { token: alice, body: { time_zone: 'Mars/Olympus', ring_no_answer_timeout_s: 40 } });
    assert.equal(zone.status, 400);
    assert.deepEqual([zone.body.field, zone.body.message], ['time_zone', '"Mars/Olympus" is not a time zone']);
    const me = (await api(t.url, 'GET', '/api/v2/domains/~/users/~', { token: alice })).body;
    assert.equal(me.time_zone, null);
    assert.equal(me.ring_no_answer_timeout_s, 25, 'nothing else in the body was stored either');
    assert.deepEqual((await api(t.url, 'GET', MINE, { token: alice })).body, before);
  });

  it('a frame in use by a rule cannot be deleted: 409 naming the rule\'s user, and it stays', async () => {
    const hours = (await api(t.url, 'GET', ORG, { token: bob })).body.find((f: any) => f.name === 'Business Hours');
    const rule = await api(t.url, 'POST', '/api/v2/domains/~/users/~/answerrules', { token: bob, body: { time_frame_id: hours.id, do_not_disturb: true } });
    assert.equal(rule.status, 201, JSON.stringify(rule.body));
    const refused = await api(t.url, 'DELETE', `${ORG}/${hours.id}`, { token: erin });
    assert.equal(refused.status, 409);
    assert.equal(refused.body.message, 'The time frame "Business Hours" is used by the answering rule of 1002');
    assert.ok(refused.body.code);
    assert.equal((await api(t.url, 'GET', `${ORG}/${hours.id}`, { token: bob })).status, 200);
    assert.equal((await api(t.url, 'DELETE', `/api/v2/domains/~/users/~/answerrules/${hours.id}`, { token: bob })).status, 204);
  });

  it('the organisation\'s frames and zone are written by its administrators only', async () => {
    assert.equal((await api(t.url, 'POST', ORG, { token: bob, body: lunch })).status, 403);
    const made = await api(t.url, 'POST', ORG, { token: erin, body: { ...lunch, name: 'Team lunch' } });
    assert.equal(made.status, 201);
    assert.equal((await api(t.url, 'PUT', `${ORG}/${made.body.id}`, { token: bob, body: lunch })).status, 403);
    assert.equal((await api(t.url, 'DELETE', `${ORG}/${made.body.id}`, { token: bob })).status, 403);
    assert.ok((await api(t.url, 'GET', ORG, { token: alice })).body.some((f: any) => f.id === made.body.id), 'users read it');
    assert.equal((await api(t.url, 'GET', `${MINE}/${made.body.id}`, { token: erin })).status, 404, 'an organisation frame is nobody\'s own');
    assert.equal((await api(t.url, 'DELETE', `${ORG}/${made.body.id}`, { token: erin })).status, 204);

    assert.equal((await api(t.url, 'PATCH', '/api/v2/domains/~', { token: bob, body: { time_zone: 'Europe/Paris' } })).status, 403);
    const bad = await api(t.url, 'PATCH', '/api/v2/domains/~', { token: erin, body: { time_zone: 'Mars/Olympus' } });
    assert.deepEqual([bad.status, bad.body.field], [400, 'time_zone']);
    const set = await api(t.url, 'PATCH', '/api/v2/domains/~', { token: erin, body: { time_zone: 'America/New_York' } });
    assert.equal(set.body.time_zone, 'America/New_York');
    assert.equal((await api(t.url, 'GET', '/api/v2/domains/~/users/~', { token: alice })).body.effective_time_zone, 'America/New_York');
    // 10:00 UTC is 05:00 in New York: outside business hours.
    const hours = (await api(t.url, 'GET', ORG, { token: alice })).body.find((f: any) => f.name === 'Business Hours');
    assert.equal(hours.matches_now, false);
    await api(t.url, 'PATCH', '/api/v2/domains/~', { token: erin, body: { time_zone: 'UTC' } });
  });

  it('nobody reaches another user\'s frames, nor another domain\'s', async () => {
    const own = await api(t.url, 'POST', MINE, { token: alice, body: { ...lunch, name: 'Alice only' } });
    const path = `/api/v2/domains/~/users/1001/timeframes`;
    assert.equal((await api(t.url, 'GET', path, { token: bob })).status, 403);
    assert.equal((await api(t.url, 'POST', path, { token: bob, body: lunch })).status, 403);
    assert.equal((await api(t.url, 'GET', `${path}/${own.body.id}`, { token: bob })).status, 403);
    assert.equal((await api(t.url, 'DELETE', `${path}/${own.body.id}`, { token: bob })).status, 403);
    assert.equal((await api(t.url, 'GET', `${MINE}/${own.body.id}`, { token: bob })).status, 404, 'not as his own either');
    assert.equal((await api(t.url, 'GET', `${path}/${own.body.id}`, { token: erin })).status, 200, 'the domain\'s administrator does');
    const hours = (await api(t.url, 'GET', ORG, { token: bob })).body.find((f: any) => f.name === 'Business Hours');
    for (const [method, p] of [['GET', '/api/v2/domains/demo/timeframes'], ['DELETE', `/api/v2/domains/demo/timeframes/${hours.id}`], ['PATCH', '/api/v2/domains/demo'],
      ['GET', '/api/v2/domains/demo/users/1001/timeframes']] as const) {
      const res = await api(t.url, method, p, { token: otherAdmin, ...(method === 'PATCH' ? { body: { time_zone: 'UTC' } } : {}) });
      assert.equal(res.status, 403, `${method} ${p}`);
    }
    assert.equal((await api(t.url, 'GET', `/api/v2/domains/~/timeframes/${hours.id}`, { token: otherAdmin })).status, 404, 'in their own domain it is no frame');
  });
});

describe('the demo organisation\'s time zone', { timeout: 30_000 }, () => {
  it('is SWITCHBOARD_DEMO_TIME_ZONE when given (UTC otherwise); a zone that does not exist stops the start', async () => {
    const t = await startPlatform({ env: { SWITCHBOARD_DEMO_TIME_ZONE: 'Europe/Berlin' } });
    try {
      const token = await login(t.url, '1001@demo');
      assert.equal((await api(t.url, 'GET', '/api/v2/domains/~', { token })).body.time_zone, 'Europe/Berlin');
      assert.equal((await api(t.url, 'GET', '/api/v2/domains/~/users/~', { token })).body.effective_time_zone, 'Europe/Berlin');
      assert.deepEqual((await api(t.url, 'GET', '/api/v2/domains/~/users/~/answerrules', { token })).body.map((r: any) => r.time_frame_id), [null], 'no rule is seeded');
    } finally {
      await t.close();
    }
    assert.throws(() => loadConfig({ SWITCHBOARD_DEMO_TIME_ZONE: 'Mars/Olympus' }), (err) => err instanceof ConfigError && /Mars\/Olympus/.test(err.message));
  });
});
