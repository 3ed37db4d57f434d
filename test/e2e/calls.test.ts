/**
 * The main calling flows, end to end: real Chromium pages logged in through the UI, real SIP
 * over WebSocket through the platform, real (fake-device) WebRTC audio.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { generateTotp } from '../../server/auth/totp.js';
import { DEMO_MFA_SECRET } from '../../server/seed.js';
import { api, eventually, login } from '../support/harness.js';
import { card, dial, gridEmpties } from './phone-ui.js';
import { loginAs, packetsReceived, startE2E, type E2E } from './browser.js';

describe('calls end to end', () => {
  let e2e: E2E;
  let alice: Page;
  let bob: Page;

  before(async () => {
    e2e = await startE2E();
    alice = (await e2e.newUser()).page;
    bob = (await e2e.newUser()).page;
    await loginAs(alice, '1001');
    await loginAs(bob, '1002');
  });
  after(() => e2e.close());

  it('1001 calls 1002: ringing, answer, audio both ways, hold, DTMF, hang up, history', async () => {
    await dial(alice, '1002');
    const ringing = card(bob, 'Alice Anders');
    await ringing.getByText('Incoming call', { exact: true }).waitFor();
    await ringing.getByRole('button', { name: 'Answer' }).click();

    const aliceCard = card(alice, 'Bob Baker');
    await aliceCard.getByText('Connected', { exact: true }).waitFor();
    await ringing.getByText('Connected', { exact: true }).waitFor();

    await eventually(async () => (await packetsReceived(alice)) > 0 && (await packetsReceived(bob)) > 0, 10_000);

    await aliceCard.getByRole('button', { name: 'Hold' }).click();
    await aliceCard.getByText('On Hold', { exact: true }).waitFor();
    await ringing.getByText('They put you on hold', { exact: true }).waitFor();
    await aliceCard.getByRole('button', { name: 'Resume' }).click();
    await aliceCard.getByText('Connected', { exact: true }).waitFor();

    await aliceCard.getByRole('button', { name: 'Dialpad' }).click();
    await aliceCard.getByRole('button', { name: '5', exact: true }).click();
    await aliceCard.getByRole('button', { name: '#', exact: true }).click();
    await ringing.getByText('Received: 5#').waitFor();

    await aliceCard.getByRole('button', { name: 'Hang Up' }).click();
    await ringing.getByText('Ended', { exact: true }).waitFor();
    await gridEmpties(alice);
    await gridEmpties(bob);

    await e2e.platform.platform.recorder.flush();
    for (const [ext, type] of [['1001', 'outbound'], ['1002', 'inbound']] as const) {
      const token = await login(e2e.platform.url, `${ext}@demo`);
      const history = await api(e2e.platform.url, 'GET', '/api/v2/domains/~/users/~/cdrs', { token });
      assert.equal(history.body.items[0].type, type);
      assert.equal(history.body.items[0].disposition, 'answered');
      assert.ok(history.body.items[0].ended_at);
    }
  });

  it('1002 declines: the caller is told', async () => {
    await dial(alice, '1002');
    const ringing = card(bob, 'Alice Anders');
    await ringing.getByRole('button', { name: 'Decline' }).click();
    await card(alice, 'Bob Baker').getByText(/declined/i).waitFor();
    await card(alice, 'Bob Baker').getByRole('button', { name: 'Dismiss' }).click();
    await gridEmpties(alice);
    await gridEmpties(bob);
  });

  it('calling an extension with no phone online says so clearly', async () => {
    await dial(alice, '1004');
    const failed = card(alice, 'Dan Diaz');
    await failed.getByText(/not available/i).waitFor();
    await failed.getByRole('button', { name: 'Dismiss' }).click();
    assert.equal(await failed.count(), 0);
  });

  it('call waiting: a second call rings during the first; answering it holds the first', async () => {
    const { page: dan } = await e2e.newUser();
    await loginAs(dan, '1004');
    await dial(alice, '1002');
    await card(bob, 'Alice Anders').getByRole('button', { name: 'Answer' }).click();
    await card(bob, 'Alice Anders').getByText('Connected', { exact: true }).waitFor();

    await dial(dan, '1002');
    const second = card(bob, 'Dan Diaz');
    await second.getByText('Incoming call', { exact: true }).waitFor();
    await second.getByRole('button', { name: 'Answer' }).click();
    await second.getByText('Connected', { exact: true }).waitFor();
    await card(bob, 'Alice Anders').getByText('On Hold', { exact: true }).waitFor();
    assert.equal(await bob.getByRole('article').count(), 2);

    // Switching back: resume Alice, Dan goes on hold.
    await card(bob, 'Alice Anders').getByRole('button', { name: 'Resume' }).click();
    await card(bob, 'Alice Anders').getByText('Connected', { exact: true }).waitFor();
    await second.getByText('On Hold', { exact: true }).waitFor();

    await card(bob, 'Alice Anders').getByRole('button', { name: 'Hang Up' }).click();
    await second.getByRole('button', { name: 'Hang Up' }).click();
    await gridEmpties(bob);
  });

  it('logs in 1003 with the MFA code', async () => {
    const { page } = await e2e.newUser();
    await page.goto('/');
    await page.getByLabel('Username').fill('1003@demo');
    await page.getByLabel('Password').fill('switchboard');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByLabel('Verification code').fill('000000');
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').filter({ hasText: /wrong or expired code/i }).waitFor();
    await page.getByLabel('Verification code').fill(generateTotp(DEMO_MFA_SECRET));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('status').filter({ hasText: 'Registered' }).first().waitFor({ timeout: 15_000 });
  });

  it('a wrong password says so and keeps the user on the login form', async () => {
    const { page } = await e2e.newUser();
    await page.goto('/');
    await page.getByLabel('Username').fill('1005@demo');
    await page.getByLabel('Password').fill('not-it');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'Wrong username or password' }).waitFor();
  });

  it('a tel: link opens the dialpad with the number, ready to call', async () => {
    await bob.goto('/?tel=tel%3A%2B1%20(415)%20555-0142');
    await bob.getByRole('status').filter({ hasText: 'Registered' }).first().waitFor({ timeout: 15_000 });
    assert.equal(await bob.getByLabel('Number').inputValue(), '+14155550142');
    assert.equal(new URL(bob.url()).search, '', 'the launch parameters are consumed');
  });
});
