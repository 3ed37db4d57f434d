/**
 * Every in-call option end to end, with three (and for Switch Phone four) browser contexts:
 * Add Call and Merge, blind and attended Transfer, Switch Phone and pull, Hide Call, and
 * Start/Stop Recording with the recording's access rules.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { api, eventually, login } from '../support/harness.js';
import { card, dial, gridEmpties, pick } from './phone-ui.js';
import { loginAs, packetsReceived, startE2E, type E2E } from './browser.js';

/** `from` calls `to` (who answers); resolves when both cards say Connected. */
async function connect(from: Page, to: Page, toNumber: string, fromName: string, toName: string): Promise<void> {
  await dial(from, toNumber);
  await card(to, fromName).getByRole('button', { name: 'Answer' }).click();
  await card(from, toName).getByText('Connected', { exact: true }).waitFor();
  await card(to, fromName).getByText('Connected', { exact: true }).waitFor();
}

/** Packets keep arriving on every page (audio is flowing now, not just earlier). */
async function audioFlows(pages: Page[]): Promise<void> {
  const before = await Promise.all(pages.map(packetsReceived));
  await eventually(async () => {
    const now = await Promise.all(pages.map(packetsReceived));
    return now.every((n, i) => n > before[i]! + 10);
  }, 10_000);
}

// Six multi-user scenarios: about 90 s on a busy machine, so the file's own deadline is above the per-test one.
describe('in-call options end to end', { timeout: 300_000 }, () => {
  let e2e: E2E;
  let alice: Page;
  let bob: Page;
  let dan: Page;

  before(async () => {
    e2e = await startE2E();
    alice = (await e2e.newUser()).page;
    bob = (await e2e.newUser()).page;
    dan = (await e2e.newUser()).page;
    await loginAs(alice, '1001');
    await loginAs(bob, '1002');
    await loginAs(dan, '1004');
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

  it('Hide Call takes the card off the grid while the call goes on, and brings it back', async () => {
    await connect(alice, bob, '1002', 'Alice Anders', 'Bob Baker');
    await card(alice, 'Bob Baker').getByRole('button', { name: 'Hide Call' }).click();
    await eventually(async () => (await card(alice, 'Bob Baker').count()) === 0);
    await audioFlows([alice, bob]);
    await alice.getByRole('button', { name: 'Show call with Bob Baker' }).click();
    await card(alice, 'Bob Baker').getByText('Connected', { exact: true }).waitFor();
    // A hidden call whose other side hangs up comes back by itself, saying so.
    await card(alice, 'Bob Baker').getByRole('button', { name: 'Hide Call' }).click();
    await eventually(async () => (await card(alice, 'Bob Baker').count()) === 0);
    await card(bob, 'Alice Anders').getByRole('button', { name: 'Hang Up' }).click();
    await card(alice, 'Bob Baker').getByText('Ended', { exact: true }).waitFor();
    await Promise.all([gridEmpties(alice), gridEmpties(bob)]);
  });

  it('records a call; the recording user and the administrator can play it, nobody else', async () => {
    await connect(alice, bob, '1002', 'Alice Anders', 'Bob Baker');
    await card(alice, 'Bob Baker').getByRole('button', { name: 'Start Recording' }).click();
    await card(alice, 'Bob Baker').getByText('Recording', { exact: true }).waitFor();
    await new Promise((r) => setTimeout(r, 2500));
    await card(alice, 'Bob Baker').getByRole('button', { name: 'Stop Recording' }).click();
    await card(alice, 'Bob Baker').getByRole('button', { name: 'Hang Up' }).click();

    const aliceToken = await login(e2e.platform.url, '1001@demo');
    const list = await eventually(async () => {
      const res = await api(e2e.platform.url, 'GET', '/api/v2/domains/~/users/~/recordings', { token: aliceToken });
      const items = Array.isArray(res.body) ? res.body : res.body.items;
      return items.length > 0 ? items : null;
    }, 15_000);
    const rec = list[0];
    assert.ok(rec.duration_s >= 1);
    const audioPath = `/api/v2/domains/demo/users/1001/recordings/${rec.id}/audio`;
    const asAlice = await fetch(e2e.platform.url + audioPath, { headers: { authorization: `Bearer ${aliceToken}` } });
    assert.equal(asAlice.status, 200);
    assert.match(asAlice.headers.get('content-type') ?? '', /audio\/webm/);
    assert.ok((await asAlice.arrayBuffer()).byteLength > 1000);
    const erin = await login(e2e.platform.url, '1005@demo');
    assert.equal((await fetch(e2e.platform.url + audioPath, { headers: { authorization: `Bearer ${erin}` } })).status, 200);
    const bobToken = await login(e2e.platform.url, '1002@demo');
    assert.equal((await fetch(e2e.platform.url + audioPath, { headers: { authorization: `Bearer ${bobToken}` } })).status, 403);
    await Promise.all([gridEmpties(alice), gridEmpties(bob)]);
  });

  it('Switch Phone moves a live call to another of my devices; the other party stays in the call', async () => {
    const { page: alice2 } = await e2e.newUser();
    await loginAs(alice2, '1001');
    await connect(bob, alice, '1001', 'Bob Baker', 'Alice Anders');
    // Only the device that answered keeps the call; the other one stopped ringing.
    await gridEmpties(alice2);
    await card(alice, 'Bob Baker').getByRole('button', { name: 'Switch Phone' }).click();
    await alice.getByRole('dialog').getByRole('button').first().click();
    const offer = alice2.getByRole('article', { name: /Call with Bob Baker from/ });
    await offer.getByRole('button', { name: 'Answer' }).click();
    await card(alice2, 'Bob Baker').getByText('Connected', { exact: true }).waitFor();
    await gridEmpties(alice);
    await audioFlows([alice2, bob]);
    assert.equal(await card(bob, 'Alice Anders').count(), 1, 'Bob is still in one call');

    // And back again, pulled from the first device with one click.
    await alice.getByRole('button', { name: 'Pull call with Bob Baker here' }).click();
    await card(alice, 'Bob Baker').getByText('Connected', { exact: true }).waitFor();
    await gridEmpties(alice2);
    await card(alice, 'Bob Baker').getByRole('button', { name: 'Hang Up' }).click();
    await Promise.all([gridEmpties(alice), gridEmpties(bob)]);
  });
});
