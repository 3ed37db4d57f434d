/**
 * More in-call options end to end, with three (for Switch Phone four) browser contexts: Hide Call,
 * Start/Stop Recording with the recording's access rules, Switch Phone and pull.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { api, eventually, login } from '../support/harness.js';
import { audioFlows, card, connect, gridEmpties } from './phone-ui.js';
import { loginAs, signedInUsers, type E2E } from './browser.js';

describe('more in-call options end to end', () => {
  let e2e: E2E;
  let alice: Page;
  let bob: Page;
  let dan: Page;

  before(async () => {
    ({ e2e, pages: [alice, bob, dan] } = await signedInUsers('1001', '1002', '1004') as { e2e: E2E; pages: [Page, Page, Page] });
  });
  after(() => e2e.close());

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
