/**
 * Answering rules end to end (real platform with voicemail, real Chromium for each user, the
 * platform's clock injected at a Wednesday 10:00 in the organisation's zone): 1002 creates a
 * "Holidays" rule and a "Business Hours" rule that forwards to 1004, moves Business Hours to the
 * top, sees the blue dot ("Active now") on it, and a call from 1001 rings 1004, not 1002. When the
 * clock passes 17:00 the dot moves to the default rule by itself. Then one click on Do Not
 * Disturb sends the next call to voicemail; Call History says where each call went.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { api, eventually, login } from '../support/harness.js';
import { card, dial, gridEmpties, navItem } from './phone-ui.js';
import { loginAs, startE2E, type E2E } from './browser.js';

/** Wednesday 2 December 2026, 10:00 and 18:00 UTC (the demo organisation's zone). */
const WEDNESDAY_10 = Date.UTC(2026, 11, 2, 10, 0);
const WEDNESDAY_18 = Date.UTC(2026, 11, 2, 18, 0);

const rules = (page: Page) => page.getByRole('list', { name: 'Rules' });
const rule = (page: Page, name: string) => rules(page).getByRole('listitem', { name });

async function newRule(page: Page, frame: string, configure: (dialog: ReturnType<Page['getByRole']>) => Promise<void>): Promise<void> {
  await page.getByRole('button', { name: 'New Rule' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Time frame').selectOption({ label: frame });
  await configure(dialog);
  await dialog.getByRole('button', { name: 'Save Rule' }).click();
  await dialog.waitFor({ state: 'hidden' });
  await rule(page, frame).waitFor();
}

describe('answering rules end to end', () => {
  let e2e: E2E;
  let alice: Page;
  let bob: Page;
  let dan: Page;
  let clock = WEDNESDAY_10;

  before(async () => {
    e2e = await startE2E({ env: { SWITCHBOARD_VOICEMAIL: '1' }, now: () => clock, activeRuleTickMs: 200 });
    alice = (await e2e.newUser()).page;
    bob = (await e2e.newUser()).page;
    dan = (await e2e.newUser()).page;
    await Promise.all([loginAs(alice, '1001'), loginAs(bob, '1002'), loginAs(dan, '1004')]);
  });
  after(() => e2e.close());

  it('a Business Hours rule forwards to 1004 while it is active; DND sends the next call to voicemail', async () => {
    await navItem(bob, 'Answering Rules').click();
    await rule(bob, 'Always').waitFor();

    await newRule(bob, 'Holidays', async (d) => { await d.getByLabel('Do Not Disturb', { exact: true }).check(); });
    await newRule(bob, 'Business Hours', async (d) => {
      await d.getByLabel('Forward always', { exact: true }).check();
      await d.getByLabel('Forward always: extension').fill('1004');
    });
    // New rules go just above the default: Business Hours is second until moved to the top.
    const order = () => rules(bob).getByRole('heading').allTextContents();
    await eventually(async () => (await order()).join() === 'Holidays,Business Hours,Always');
    await rule(bob, 'Business Hours').getByRole('button', { name: 'Move to top' }).click();
    await eventually(async () => (await order()).join() === 'Business Hours,Holidays,Always');
    await rule(bob, 'Business Hours').getByText('Active now').waitFor();
    assert.equal(await rules(bob).getByText('Active now').count(), 1, 'one rule is active');
    await rule(bob, 'Business Hours').getByText(/Forward all calls to .*1004/).waitFor();

    // 1001 calls 1002: 1004's phone rings, with Alice as the caller; 1002's does not.
    await dial(alice, '1002');
    await card(dan, 'Alice Anders').getByRole('button', { name: 'Answer' }).click();
    await card(alice, 'Bob Baker').getByText('Connected', { exact: true }).waitFor();
    assert.equal(await card(bob, 'Alice Anders').count(), 0, '1002 was not rung');
    await card(alice, 'Bob Baker').getByRole('button', { name: 'Hang Up' }).click();
    await Promise.all([gridEmpties(alice), gridEmpties(dan)]);

    // After 17:00 the default rule is the active one: the dot moves without a reload.
    clock = WEDNESDAY_18;
    await rule(bob, 'Always').getByText('Active now').waitFor({ timeout: 10_000 });

    // Do Not Disturb in one click: the next call goes to voicemail, nothing rings at 1002.
    const dnd = bob.getByRole('switch', { name: 'Do Not Disturb', exact: true });
    await dnd.click();
    await eventually(async () => (await dnd.getAttribute('aria-checked')) === 'true');
    await bob.getByText(/Do Not Disturb/).first().waitFor();
    await dial(alice, '1002');
    await card(alice, 'Bob Baker').getByText('Voicemail', { exact: true }).waitFor({ timeout: 15_000 });
    assert.equal(await card(bob, 'Alice Anders').count(), 0, 'nothing rang at 1002');
    await card(alice, 'Bob Baker').getByRole('button', { name: 'Hang Up' }).click();
    await gridEmpties(alice);

    // The call records say where both calls went.
    const token = await login(e2e.platform.url, '1002@demo');
    await e2e.platform.platform.recorder.flush();
    const records = (await api(e2e.platform.url, 'GET', '/api/v2/domains/~/users/~/cdrs?limit=2', { token })).body.items;
    assert.deepEqual(records.map((r: { routed_to: string }) => r.routed_to), ['to voicemail (Do Not Disturb)', 'forwarded to 1004']);
    await navItem(bob, 'Call History').click();
    await bob.getByText('Forwarded to 1004').first().waitFor();

    // Off again: Business Hours is back on top, and the dot is on the default rule.
    await dnd.click();
    await eventually(async () => (await dnd.getAttribute('aria-checked')) === 'false');
    await navItem(bob, 'Answering Rules').click();
    await eventually(async () => {
      const now = await order();
      return now[0] === 'Business Hours' && now.at(-1) === 'Always';
    });
    await rule(bob, 'Always').getByText('Active now').waitFor();
  });
});
