/**
 * Login throttling and single-use TOTP codes, over HTTP on platforms started with the default
 * rules (no custom throttle): 5 failures per account and 30 per address in 15 minutes lock the
 * login (429 with Retry-After), even for the right password. Each test has its own platform, so
 * one test's failures do not count against another.
 */
import { afterEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateTotp } from '../../server/auth/totp.js';
import { DEMO_MFA_SECRET } from '../../server/seed.js';
import { api, startPlatform, type TestPlatform } from '../support/harness.js';

const passwordLogin = (t: TestPlatform, username: string, password: string) =>
  api(t.url, 'POST', '/api/v2/tokens', { body: { grant_type: 'password', username, password } });

describe('login throttle (default rules)', { timeout: 60_000 }, () => {
  let t: TestPlatform | undefined;
  afterEach(async () => { await t?.close(); t = undefined; });

  it('after 5 wrong passwords for one account, the 6th attempt is 429 even with the right password', async () => {
    t = await startPlatform();
    for (let i = 1; i <= 5; i++) {
      const res = await passwordLogin(t, '1001@demo', `wrong-${i}`);
      assert.equal(res.status, 401, `wrong password #${i} is 401`);
    }
    const res = await passwordLogin(t, '1001@demo', 'switchboard');
    assert.equal(res.status, 429, 'the account is locked after 5 failures');
    assert.ok(Number(res.headers.get('retry-after')) > 0, 'with a Retry-After');
    // Another account from the same address is not locked by this one.
    assert.equal((await passwordLogin(t, '1002@demo', 'switchboard')).status, 200);
  });

  it('4 wrong passwords then the right one still logs in', async () => {
    t = await startPlatform();
    for (let i = 1; i <= 4; i++) assert.equal((await passwordLogin(t, '1001@demo', `wrong-${i}`)).status, 401);
    assert.equal((await passwordLogin(t, '1001@demo', 'switchboard')).status, 200);
  });

  it('after 30 failures from one address across many accounts, the 31st attempt is 429', async () => {
    t = await startPlatform();
    // 30 accounts, one failure each: no account reaches its own limit.
    for (let i = 1; i <= 30; i++) {
      const res = await passwordLogin(t, `9${String(i).padStart(3, '0')}@demo`, 'wrong');
      assert.equal(res.status, 401, `failure #${i} is 401`);
    }
    const res = await passwordLogin(t, '1002@demo', 'switchboard');
    assert.equal(res.status, 429, 'the address is locked after 30 failures');
    assert.ok(Number(res.headers.get('retry-after')) > 0, 'with a Retry-After');
  });
});

describe('MFA passcodes are single-use', { timeout: 30_000 }, () => {
  it('the same TOTP code is refused with a second, fresh mfa_token', async () => {
    const t = await startPlatform();
    try {
      const passcode = generateTotp(DEMO_MFA_SECRET);
      const first = await passwordLogin(t, '1003@demo', 'switchboard');
      assert.equal(first.status, 200);
      assert.equal(first.body.mfa_required, true);
      const granted = await api(t.url, 'POST', '/api/v2/tokens', { body: { grant_type: 'mfa', mfa_token: first.body.mfa_token, passcode } });
      assert.equal(granted.status, 200);
      assert.ok(granted.body.access_token);

      const second = await passwordLogin(t, '1003@demo', 'switchboard');
      assert.equal(second.status, 200);
      assert.ok(second.body.mfa_token && second.body.mfa_token !== first.body.mfa_token, 'a fresh mfa_token');
      const replay = await api(t.url, 'POST', '/api/v2/tokens', { body: { grant_type: 'mfa', mfa_token: second.body.mfa_token, passcode } });
      assert.equal(replay.status, 401, 'a used passcode does not log in again');
      assert.equal(replay.body.access_token, undefined);
    } finally {
      await t.close();
    }
  });
});
