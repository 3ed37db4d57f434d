/**
 * Call History end to end: a call 1002 did not answer becomes a missed call, badged on the
 * "Call History" navigation item; calling back from its detail rings the caller.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { eventually } from '../support/harness.js';
import { card, dial, navBadge, navItem } from './phone-ui.js';
import { loginAs, startE2E, type E2E } from './browser.js';

describe('call history end to end', () => {
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

  it('a call hung up before answer is a badged missed call; "Call" from its detail rings the caller', async () => {
    await dial(alice, '1002');
    await card(bob, 'Alice Anders').getByText('Incoming call', { exact: true }).waitFor();
    await card(alice, 'Bob Baker').getByRole('button', { name: 'Hang Up' }).click();
    await eventually(async () => (await alice.getByRole('article').count()) === 0 && (await bob.getByRole('article').count()) === 0, 10_000);

    // The badge arrives with the platform's cdr event: "1" on Call History ("1 new" to a screen reader).
    const nav = bob.getByRole('navigation', { name: 'Main' });
    const historyItem = navItem(bob, 'Call History');
    await eventually(async () => (await navBadge(bob, 'Call History')) === '1', 10_000);
    assert.equal(await bob.getByText('1 new', { exact: true }).count(), 1, 'told to screen readers');

    await historyItem.click();
    // Shown: the badge goes.
    await eventually(async () => (await navBadge(bob, 'Call History')) === '', 5_000);
    const missed = bob.getByRole('button', { name: /^Alice Anders, Missed call, / });
    await missed.waitFor();
    await missed.click();
    await bob.getByRole('heading', { name: /Alice Anders/ }).waitFor();
    await bob.getByRole('button', { name: 'Call', exact: true }).click();

    await card(alice, 'Bob Baker').getByText('Incoming call', { exact: true }).waitFor();
    // Calling back took Bob to the Calls area with his outgoing call.
    await card(bob, 'Alice Anders').waitFor();
    await card(alice, 'Bob Baker').getByRole('button', { name: 'Decline' }).click();
  });

  it('"Add to Contacts" from a history entry opens a new contact pre-filled with the party', async () => {
    const nav = bob.getByRole('navigation', { name: 'Main' });
    await nav.getByRole('button', { name: /^Call History/ }).click();
    await bob.getByRole('button', { name: /Alice Anders, / }).first().click();
    await bob.getByRole('button', { name: 'Add to Contacts' }).click();
    await bob.getByLabel('Number 1', { exact: true }).waitFor();
    assert.equal(await bob.getByLabel('Number 1', { exact: true }).inputValue(), '1001');
    assert.equal(await bob.getByLabel('First name', { exact: true }).inputValue(), 'Alice');
    assert.equal(await bob.getByLabel('Last name', { exact: true }).inputValue(), 'Anders');
  });
});
