/**
 * In-call options end to end with three browser contexts: Add Call and Merge, blind and
 * attended Transfer (Hide Call, recording and Switch Phone are in in-call-more.test.ts; one file
 * each keeps either under the per-file deadline on a busy machine).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { api, login } from '../support/harness.js';
import { audioFlows, card, connect, gridEmpties, pick } from './phone-ui.js';
import { signedInUsers, type E2E } from './browser.js';

describe('in-call options end to end', () => {
  let e2e: E2E;
  let alice: Page;
  let bob: Page;
  let dan: Page;

  before(async () => {
    ({ e2e, pages: [alice, bob, dan] } = await signedInUsers('1001', '1002', '1004') as { e2e: E2E; pages: [Page, Page, Page] });
  });
  after(() => e2e.close());

  it('Add Call and Merge make a 3-way conference where everyone hears everyone; a participant can be dropped', async () => {
    await connect(alice, bob, '1002', 'Alice Anders', 'Bob Baker');
    await card(alice, 'Bob Baker').getByRole('button', { name: 'Add Call' }).click();
    await pick(alice, 'Dan', 'Dan Diaz');
    await card(alice, 'Bob Baker').getByText('On Hold', { exact: true }).waitFor();
    await card(dan, 'Alice Anders').getByRole('button', { name: 'Answer' }).click();
    await card(alice, 'Dan Diaz').getByRole('button', { name: 'Merge' }).click();

    const conference = alice.getByRole('article', { name: 'Conference with Bob Baker and Dan Diaz' });
    await conference.waitFor();
    await audioFlows([alice, bob, dan]);

    await conference.getByRole('button', { name: 'Drop Dan Diaz' }).click();
    await card(alice, 'Bob Baker').getByText('Connected', { exact: true }).waitFor();
    await card(alice, 'Bob Baker').getByRole('button', { name: 'Hang Up' }).click();
    await Promise.all([gridEmpties(alice), gridEmpties(bob), gridEmpties(dan)]);
  });

  it('blind transfer: Bob sends Alice to Dan and drops out', async () => {
    await connect(alice, bob, '1002', 'Alice Anders', 'Bob Baker');
    await card(bob, 'Alice Anders').getByRole('button', { name: 'Transfer' }).click();
    await pick(bob, 'Dan', 'Dan Diaz');
    await bob.getByRole('button', { name: 'Transfer Now' }).click();
    await card(dan, 'Alice Anders').getByRole('button', { name: 'Answer' }).click();
    await card(alice, 'Dan Diaz').getByText('Connected', { exact: true }).waitFor();
    await gridEmpties(bob);
    await audioFlows([alice, dan]);
    await card(alice, 'Dan Diaz').getByRole('button', { name: 'Hang Up' }).click();
    await Promise.all([gridEmpties(alice), gridEmpties(dan)]);

    await e2e.platform.platform.recorder.flush();
    const token = await login(e2e.platform.url, '1002@demo');
    const history = await api(e2e.platform.url, 'GET', '/api/v2/domains/~/users/~/cdrs', { token });
    assert.equal(history.body.items[0].transferred_to, '1004');
  });

  it('attended transfer: Bob talks to Dan first, then Complete Transfer connects Alice and Dan', async () => {
    await connect(alice, bob, '1002', 'Alice Anders', 'Bob Baker');
    await card(bob, 'Alice Anders').getByRole('button', { name: 'Transfer' }).click();
    await pick(bob, 'Dan', 'Dan Diaz');
    await bob.getByRole('button', { name: 'Talk First' }).click();
    await card(dan, 'Bob Baker').getByRole('button', { name: 'Answer' }).click();
    await card(bob, 'Dan Diaz').getByText('Connected', { exact: true }).waitFor();
    await card(bob, 'Alice Anders').getByText('On Hold', { exact: true }).waitFor();
    await card(bob, 'Dan Diaz').getByRole('button', { name: 'Complete Transfer' }).click();
    await card(alice, 'Dan Diaz').getByText('Connected', { exact: true }).waitFor();
    await card(dan, 'Alice Anders').getByText('Connected', { exact: true }).waitFor();
    await gridEmpties(bob);
    await audioFlows([alice, dan]);
    await card(dan, 'Alice Anders').getByRole('button', { name: 'Hang Up' }).click();
    await Promise.all([gridEmpties(alice), gridEmpties(dan)]);
  });

});
