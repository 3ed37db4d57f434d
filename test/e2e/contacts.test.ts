/**
 * Contacts end to end: the organisation directory is listed; a personal contact created through
 * the form is found by search, and "Call <number>" from its detail rings that number.
 */
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { card } from './phone-ui.js';
import { loginAs, startE2E, type E2E } from './browser.js';

describe('contacts end to end', () => {
  let e2e: E2E;
  let alice: Page;
  let dan: Page;

  before(async () => {
    e2e = await startE2E();
    alice = (await e2e.newUser()).page;
    dan = (await e2e.newUser()).page;
    await loginAs(alice, '1001');
    await loginAs(dan, '1004');
  });
  after(() => e2e.close());

  it('lists the organisation, creates "Pat Lee", finds it by search and calls its work number', async () => {
    await alice.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Contacts', exact: true }).click();
    await alice.getByRole('button', { name: /^Bob Baker, extension 1002, (Online|Offline)$/ }).waitFor({ timeout: 10_000 });

    await alice.getByRole('button', { name: 'New Contact' }).click();
    await alice.getByLabel('First name', { exact: true }).fill('Pat');
    await alice.getByLabel('Last name', { exact: true }).fill('Lee');
    await alice.getByRole('button', { name: 'Add number' }).click();
    await alice.getByLabel('Label 1', { exact: true }).selectOption('work');
    await alice.getByLabel('Number 1', { exact: true }).fill('1004');
    await alice.getByRole('button', { name: 'Save' }).click();
    // Saved: its detail is shown; back to the list.
    await alice.getByRole('heading', { name: 'Pat Lee' }).waitFor();
    await alice.getByRole('button', { name: 'Close' }).click();

    await alice.getByLabel('Search contacts').fill('pat');
    const pat = alice.getByRole('button', { name: 'Pat Lee, 1004, personal contact', exact: true });
    await pat.waitFor();
    await alice.getByRole('button', { name: /^Bob Baker, / }).waitFor({ state: 'detached' });
    await pat.click();
    await alice.getByRole('button', { name: 'Call 1004' }).click();

    await card(dan, 'Alice Anders').getByText('Incoming call', { exact: true }).waitFor({ timeout: 10_000 });
    // "Call" took Alice to the Calls area with her outgoing call.
    await card(alice, 'Dan Diaz').waitFor();
    await card(dan, 'Alice Anders').getByRole('button', { name: 'Decline' }).click();
  });
});
