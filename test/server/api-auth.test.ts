import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateTotp } from '../../server/auth/totp.js';
import { DEMO_MFA_SECRET } from '../../server/seed.js';
import { api, delay, login, startPlatform, type TestPlatform } from '../support/harness.js';

const passwordGrant = (username: string, password: string) => ({ body: { grant_type: 'password', username, password } });

describe('API authentication', () => {
  let t: TestPlatform;
  before(async () => {
    t = await startPlatform({
      env: { ACCESS_TOKEN_TTL: '2' },
      throttle: { account: { maxFailures: 3, windowMs: 60_000 }, address: { maxFailures: 1000, windowMs: 60_000 } },
    });
  });
  after(() => t.close());

  it('logs in with extension@domain and password, and the token reads my profile', async () => {
    const res = await api(t.url, 'POST', '/api/v2/tokens', passwordGrant('1001@demo', 'switchboard'));
    assert.equal(res.status, 200);
    assert.match(res.body.access_token, /^sba_/);
    assert.match(res.body.refresh_token, /^sbr_/);
    assert.equal(res.body.user.extension, '1001');
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const me = await api(t.url, 'GET', '/api/v2/domains/~/users/~', { token: res.body.access_token });
    assert.equal(me.status, 200);
    assert.equal(me.body.name, 'Alice Anders');
  });

  it('answers a wrong password and an unknown user identically', async () => {
    const wrong = await api(t.url, 'POST', '/api/v2/tokens', passwordGrant('1002@demo', 'nope'));
    const unknown = await api(t.url, 'POST', '/api/v2/tokens', passwordGrant('9999@demo', 'nope'));
    const badDomain = await api(t.url, 'POST', '/api/v2/tokens', passwordGrant('1002@nowhere', 'nope'));
    assert.equal(wrong.status, 401);
    assert.deepEqual(unknown.body, wrong.body);
    assert.deepEqual(badDomain.body, wrong.body);
    assert.equal(unknown.status, wrong.status);
    assert.equal(wrong.body.code, 'invalid_credentials');
  });

  it('locks an account after repeated failures, even for the right password, and says when to retry', async () => {
    for (let i = 0; i < 3; i++) {
      assert.equal((await api(t.url, 'POST', '/api/v2/tokens', passwordGrant('1004@demo', 'wrong'))).status, 401);
    }
    const locked = await api(t.url, 'POST', '/api/v2/tokens', passwordGrant('1004@demo', 'switchboard'));
    assert.equal(locked.status, 429);
    assert.equal(locked.body.code, 'locked');
    assert.ok(Number(locked.headers.get('retry-after')) > 0);
    // Other accounts are not affected.
    assert.equal((await api(t.url, 'POST', '/api/v2/tokens', passwordGrant('1005@demo', 'switchboard'))).status, 200);
  });

  it('asks for the TOTP code when MFA is on, and grants tokens only with the right one', async () => {
    const first = await api(t.url, 'POST', '/api/v2/tokens', passwordGrant('1003@demo', 'switchboard'));
    assert.equal(first.status, 200);
    assert.equal(first.body.mfa_required, true);
    assert.equal(first.body.access_token, undefined);
    const mfaToken = first.body.mfa_token;
    // The MFA token is not an access token.
    assert.equal((await api(t.url, 'GET', '/api/v2/domains/~/users/~', { token: mfaToken })).status, 401);

    const wrongCode = String((Number(generateTotp(DEMO_MFA_SECRET)) + 1) % 1_000_000).padStart(6, '0');
    const bad = await api(t.url, 'POST', '/api/v2/tokens', { body: { grant_type: 'mfa', mfa_token: mfaToken, passcode: wrongCode } });
    assert.equal(bad.status, 401);
    assert.equal(bad.body.code, 'invalid_passcode');

    const good = await api(t.url, 'POST', '/api/v2/tokens', { body: { grant_type: 'mfa', mfa_token: mfaToken, passcode: generateTotp(DEMO_MFA_SECRET) } });
    assert.equal(good.status, 200);
    assert.equal(good.body.user.extension, '1003');
    // The MFA token was single-use.
    const again = await api(t.url, 'POST', '/api/v2/tokens', { body: { grant_type: 'mfa', mfa_token: mfaToken, passcode: generateTotp(DEMO_MFA_SECRET) } });
    assert.equal(again.status, 401);
  });

  it('expires access tokens and refreshes them with a rotating refresh token', async () => {
    const res = await api(t.url, 'POST', '/api/v2/tokens', passwordGrant('1002@demo', 'switchboard'));
    const { access_token, refresh_token } = res.body;
    assert.equal(res.body.expires_in, 2);
    await delay(2100);
    const expired = await api(t.url, 'GET', '/api/v2/domains/~/users', { token: access_token });
    assert.equal(expired.status, 401);
    const refreshed = await api(t.url, 'POST', '/api/v2/tokens', { body: { grant_type: 'refresh_token', refresh_token } });
    assert.equal(refreshed.status, 200);
    assert.notEqual(refreshed.body.refresh_token, refresh_token);
    assert.equal((await api(t.url, 'GET', '/api/v2/domains/~/users', { token: refreshed.body.access_token })).status, 200);
    // The old refresh token was rotated out.
    const reused = await api(t.url, 'POST', '/api/v2/tokens', { body: { grant_type: 'refresh_token', refresh_token } });
    assert.equal(reused.status, 401);
  });

  it('logout revokes both the access and the refresh token', async () => {
    const res = await api(t.url, 'POST', '/api/v2/tokens', passwordGrant('1002@demo', 'switchboard'));
    const { access_token, refresh_token } = res.body;
    assert.equal((await api(t.url, 'DELETE', '/api/v2/tokens', { token: access_token })).status, 204);
    assert.equal((await api(t.url, 'GET', '/api/v2/domains/~/users', { token: access_token })).status, 401);
    const refreshed = await api(t.url, 'POST', '/api/v2/tokens', { body: { grant_type: 'refresh_token', refresh_token } });
    assert.equal(refreshed.status, 401);
  });

  it('refuses every API route without a token', async () => {
    for (const [method, path] of [
      ['GET', '/api/v2/domains/~/users'], ['GET', '/api/v2/domains/~/users/~/cdrs'],
      ['GET', '/api/v2/domains/~/users/~/devices'], ['POST', '/api/v2/domains/~/users/~/devices'], ['DELETE', '/api/v2/tokens'],
    ] as const) {
      const res = await api(t.url, method, path, { body: method === 'POST' ? { label: 'x' } : undefined });
      assert.equal(res.status, 401, `${method} ${path}`);
      assert.equal(res.body.code, 'unauthorized');
    }
    assert.equal((await api(t.url, 'GET', '/api/v2/domains/~/users', { token: 'sba_forged' })).status, 401);
  });

  it('never lets one user read another user\'s records or devices; an administrator may', async () => {
    const bob = await login(t.url, '1002@demo');
    for (const path of ['/api/v2/domains/demo/users/1001/cdrs', '/api/v2/domains/~/users/1001/devices', '/api/v2/domains/other/users']) {
      const res = await api(t.url, 'GET', path, { token: bob });
      assert.equal(res.status, 403, path);
      assert.equal(res.body.code, 'forbidden');
    }
    const erin = await login(t.url, '1005@demo');
    assert.equal((await api(t.url, 'GET', '/api/v2/domains/demo/users/1001/cdrs', { token: erin })).status, 200);
  });
});

describe('API input validation', () => {
  let t: TestPlatform;
  let token: string;
  before(async () => {
    t = await startPlatform();
    token = await login(t.url, '1001@demo');
  });
  after(() => t.close());

  it('rejects invalid JSON with 400', async () => {
    const res = await api(t.url, 'POST', '/api/v2/tokens', { raw: '{"grant_type": "password", ' });
    assert.equal(res.status, 400);
    assert.equal(res.body.code, 'invalid_json');
  });

  it('names the missing or wrong field', async () => {
    const missing = await api(t.url, 'POST', '/api/v2/tokens', { body: { grant_type: 'password', username: '1001@demo' } });
    assert.equal(missing.status, 400);
    assert.equal(missing.body.field, 'password');
    assert.match(missing.body.message, /password/);

    const wrongType = await api(t.url, 'POST', '/api/v2/domains/~/users/~/devices', { token, body: { label: 42 } });
    assert.equal(wrongType.status, 400);
    assert.equal(wrongType.body.field, 'label');

    const badQuery = await api(t.url, 'GET', '/api/v2/domains/~/users/~/cdrs?limit=100000', { token });
    assert.equal(badQuery.status, 400);
    assert.equal(badQuery.body.field, 'limit');

    const badGrant = await api(t.url, 'POST', '/api/v2/tokens', { body: { grant_type: 'magic' } });
    assert.equal(badGrant.status, 400);
    assert.equal(badGrant.body.field, 'grant_type');
  });

  it('refuses oversized bodies with 413', async () => {
    const res = await api(t.url, 'POST', '/api/v2/domains/~/users/~/devices', { token, raw: JSON.stringify({ label: 'x'.repeat(100_000) }) });
    assert.equal(res.status, 413);
    assert.equal(res.body.code, 'body_too_large');
  });

  it('answers unknown API routes with a JSON 404', async () => {
    const res = await api(t.url, 'GET', '/api/v2/nothing-here', { token });
    assert.equal(res.status, 404);
    assert.equal(res.body.code, 'not_found');
  });

  it('lists the organisation directory with presence', async () => {
    const res = await api(t.url, 'GET', '/api/v2/domains/~/users', { token });
    assert.equal(res.status, 200);
    assert.deepEqual(res.body.map((u: { extension: string }) => u.extension), ['1001', '1002', '1003', '1004', '1005', '2000']);
    assert.equal(res.body[0].name, 'Alice Anders');
    assert.equal(res.body[5].name, 'Sales', 'the shared mailbox of the demo');
    assert.equal(res.body[0].online, false);
    assert.equal(JSON.stringify(res.body).includes('password'), false);
  });

  it('keeps no clear password in the store', async () => {
    const user = await t.platform.store.users.get('demo', '1001');
    assert.match(user!.passwordHash, /^scrypt\$/);
    assert.ok(!user!.passwordHash.includes('switchboard'));
  });
});
