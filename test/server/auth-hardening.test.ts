/**
 * The login holes an attacker tries first: parallel guesses against the throttle, a burst that
 * starves everyone else, a stolen refresh token used after its owner rotated it, and a logout
 * that leaves the login's sockets and SIP device alive.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { api, eventually, login, openEvents, registeredUa, startPlatform, type TestPlatform } from '../support/harness.js';
import { SipUa } from '../support/sip-ua.js';

const grant = (username: string, password: string) => ({ body: { grant_type: 'password', username, password } });
const tokens = (t: TestPlatform, body: unknown) => api(t.url, 'POST', '/api/v2/tokens', { body });

describe('login throttle under a burst', { timeout: 60_000 }, () => {
  let t: TestPlatform;
  // The platform's default rules: 5 failures per account, 30 per address.
  before(async () => { t = await startPlatform(); });
  after(() => t.close());

  it('checks at most the account limit of 200 parallel guesses, and the right password among them gets no token', async () => {
    const guesses = Array.from({ length: 200 }, (_, i) => tokens(t, grant('1004@demo', i === 199 ? 'switchboard' : `wrong-${i}`).body));
    const answers = await Promise.all(guesses);
    const checked = answers.filter((r) => r.status === 401).length;
    const refused = answers.filter((r) => r.status === 429);
    assert.equal(answers.filter((r) => r.status === 200).length, 0, 'no guess of the burst may get a token');
    assert.ok(checked <= 5, `${checked} passwords were checked; the limit is 5`);
    assert.equal(checked + refused.length, 200);
    for (const r of refused) assert.ok(Number(r.headers.get('retry-after')) > 0, 'a 429 says when to retry');
  });
});

describe('password hashing is bounded', { timeout: 60_000 }, () => {
  let t: TestPlatform;
  before(async () => {
    t = await startPlatform({ throttle: { account: { maxFailures: 1000, windowMs: 60_000 }, address: { maxFailures: 10_000, windowMs: 60_000 } } });
  });
  after(() => t.close());

  it('answers 429 busy with Retry-After beyond the hashes it can run, and keeps serving others', async () => {
    const burst = Promise.all(Array.from({ length: 100 }, (_, i) => tokens(t, grant(`${5000 + i}@demo`, 'guess').body)));
    const status = await api(t.url, 'GET', '/api/v2/status');
    assert.equal(status.status, 200);
    const answers = await burst;
    const busy = answers.filter((r) => r.status === 429);
    assert.ok(busy.length > 0, 'a burst beyond the gate is refused, not queued without bound');
    for (const r of busy) {
      assert.equal(r.body.code, 'busy');
      assert.ok(Number(r.headers.get('retry-after')) >= 1);
    }
    assert.equal(answers.filter((r) => r.status === 401).length + busy.length, 100);
    // Refused attempts were not counted: the account is not locked by the burst.
    assert.equal((await tokens(t, grant('1001@demo', 'switchboard').body)).status, 200);
  });
});

describe('refresh token rotation', { timeout: 30_000 }, () => {
  let t: TestPlatform;
  before(async () => { t = await startPlatform(); });
  after(() => t.close());

  it('revokes the whole login when a rotated refresh token is used again', async () => {
    const first = (await tokens(t, grant('1002@demo', 'switchboard').body)).body;
    const rotated = await tokens(t, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    assert.equal(rotated.status, 200);
    const me = () => api(t.url, 'GET', '/api/v2/domains/~/users/~', { token: rotated.body.access_token });
    assert.equal((await me()).status, 200);

    // The old token comes back (a thief, or the victim after the thief rotated it).
    const replay = await tokens(t, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    assert.equal(replay.status, 401);
    assert.equal(replay.body.code, 'invalid_token');
    // Everything of that login is dead: the new refresh token and the new access token.
    assert.equal((await tokens(t, { grant_type: 'refresh_token', refresh_token: rotated.body.refresh_token })).status, 401);
    assert.equal((await me()).status, 401);
    // Other logins of the same user are untouched.
    assert.equal((await tokens(t, grant('1002@demo', 'switchboard').body)).status, 200);
  });

  it('lets only one of two concurrent uses of a refresh token rotate it', async () => {
    const first = (await tokens(t, grant('1001@demo', 'switchboard').body)).body;
    const both = await Promise.all([0, 1].map(() => tokens(t, { grant_type: 'refresh_token', refresh_token: first.refresh_token })));
    assert.ok(both.filter((r) => r.status === 200).length <= 1, 'two parallel uses must not both get tokens');
  });
});

describe('login body errors name the missing field', { timeout: 30_000 }, () => {
  let t: TestPlatform;
  before(async () => { t = await startPlatform(); });
  after(() => t.close());

  it('says grant_type is required when it is missing', async () => {
    const res = await tokens(t, { username: '1001@demo', password: 'switchboard' });
    assert.equal(res.status, 400);
    assert.equal(res.body.field, 'grant_type');
    assert.match(res.body.message, /grant_type/);
  });

  it('names the grant\'s own missing field', async () => {
    const res = await tokens(t, { grant_type: 'password', username: '1001@demo' });
    assert.equal(res.status, 400);
    assert.equal(res.body.field, 'password');
  });
});

describe('logout ends everything of that login', { timeout: 30_000 }, () => {
  let t: TestPlatform;
  before(async () => { t = await startPlatform(); });
  after(() => t.close());

  it('closes its events sockets, unregisters and closes its SIP flow, and removes its web phone device', async () => {
    const token = await login(t.url, '1001@demo');
    const created = await api(t.url, 'POST', '/api/v2/domains/~/users/~/devices', { token, body: { label: 'Web phone', login_scoped: true } });
    assert.equal(created.status, 201);
    const sip = created.body.sip;
    const ua = new SipUa(t.wsUrl, { uri: sip.uri, authorizationUser: sip.authorization_user, password: sip.password });
    await ua.connect();
    assert.equal((await ua.register()).status, 200);
    const events = await openEvents(t, token, created.body.id);
    const eventsClosed = new Promise<number>((r) => events.ws.once('close', (code) => r(code)));
    const sipClosed = new Promise<void>((r) => (ua as unknown as { ws: WebSocket }).ws.once('close', () => r()));

    assert.equal((await api(t.url, 'DELETE', '/api/v2/tokens', { token })).status, 204);
    assert.equal(await eventsClosed, 4401);
    await sipClosed;

    // 1001's device does not ring any more: a call to 1001 finds nobody.
    const caller = await registeredUa(t, '1002');
    const call = caller.call('sip:1001@demo');
    assert.equal((await call.final).status, 480);
    // The device is gone from 1001's list (seen from another login).
    const other = await login(t.url, '1001@demo');
    const list = await api(t.url, 'GET', '/api/v2/domains/~/users/~/devices', { token: other });
    assert.ok(!list.body.some((d: { id: string }) => d.id === created.body.id));
    await caller.close();
  });

  it('keeps a device that was not created for the login (a desk phone) but ends its sockets', async () => {
    const token = await login(t.url, '1004@demo');
    const desk = await api(t.url, 'POST', '/api/v2/domains/~/users/~/devices', { token, body: { label: 'Desk phone' } });
    const events = await openEvents(t, token);
    const closed = new Promise<number>((r) => events.ws.once('close', (code) => r(code)));
    await api(t.url, 'DELETE', '/api/v2/tokens', { token });
    assert.equal(await closed, 4401);
    const other = await login(t.url, '1004@demo');
    const list = await api(t.url, 'GET', '/api/v2/domains/~/users/~/devices', { token: other });
    assert.ok(list.body.some((d: { id: string }) => d.id === desk.body.id));
  });

  it('refuses login_scoped for another user\'s device', async () => {
    const admin = await login(t.url, '1005@demo');
    const res = await api(t.url, 'POST', '/api/v2/domains/~/users/1002/devices', { token: admin, body: { label: 'x', login_scoped: true } });
    assert.equal(res.status, 400);
    assert.equal(res.body.field, 'login_scoped');
  });

  it('drops a deleted device\'s flow: it cannot place calls on its old trust', async () => {
    const token = await login(t.url, '1002@demo');
    const ua = await registeredUa(t, '1002');
    const devices = await api(t.url, 'GET', '/api/v2/domains/~/users/~/devices', { token });
    const closed = new Promise<void>((r) => (ua as unknown as { ws: WebSocket }).ws.once('close', () => r()));
    for (const d of devices.body) await api(t.url, 'DELETE', `/api/v2/domains/~/users/~/devices/${d.id}`, { token });
    await closed;
    await eventually(() => !t.platform.registrar.isOnline('demo', '1002'));
  });
});
