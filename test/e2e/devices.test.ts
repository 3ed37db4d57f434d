/**
 * My devices end to end (real platform, real Chromium): the device holding a call offers Switch
 * Phone as soon as another device of mine signs in, and stops when it goes; devices have
 * readable names ("Chrome on Linux"), never the raw browser identifier; Settings lists them,
 * this one marked "(this device)", and renames one, which my other device sees. Then the
 * cards: the other party's card says "Recording" while I record, a held call whose reminder
 * fired says "Still on hold", the Switch Phone picker names this device, and Recordings offers
 * duration, Download and Delete.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { eventually } from '../support/harness.js';
import { card, connect, gridEmpties } from './phone-ui.js';
import { api, login } from '../support/harness.js';
import { loginAs, startE2E, type E2E } from './browser.js';

describe('my devices end to end', () => {
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

  it('a call offers Switch Phone as soon as another device of mine signs in, and no longer once it has gone', async () => {
    await connect(alice, bob, '1002', 'Alice Anders', 'Bob Baker');
    const switchPhone = card(alice, 'Bob Baker').getByRole('button', { name: 'Switch Phone' });
    assert.equal(await switchPhone.count(), 0, 'no other device of mine yet');

    // Nothing happens to the call: only another device of mine registers.
    const second = await e2e.newUser();
    await loginAs(second.page, '1001');
    await switchPhone.waitFor({ timeout: 10_000 });

    await switchPhone.click();
    const dialog = alice.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Chrome on Linux' }).waitFor();
    const shown = (await dialog.textContent()) ?? '';
    assert.doesNotMatch(shown, /Mozilla|AppleWebKit|HeadlessChrome/, 'never the raw browser identifier');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    await second.context.close();
    await eventually(async () => (await switchPhone.count()) === 0, 10_000);
    await card(alice, 'Bob Baker').getByRole('button', { name: 'Hang Up' }).click();
    await Promise.all([gridEmpties(alice), gridEmpties(bob)]);
  });

  it('Settings lists my devices by readable name, this one marked, and renames one; my other device sees the new name', async () => {
    const second = await e2e.newUser();
    await loginAs(second.page, '1001');
    await alice.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
    const list = alice.getByRole('list', { name: 'My devices' });
    await list.getByText('(this device)').waitFor();
    // This device, the one closed in the previous test (offline) and the one just signed in.
    const texts = async () => (await list.getByRole('listitem').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    await eventually(async () => (await texts()).length === 3, 10_000);
    const items = await texts();
    assert.equal(items[0], 'Chrome on Linux (this device) Online Rename');
    assert.deepEqual(items.slice(1).sort(), ['Chrome on Linux Offline Rename', 'Chrome on Linux Online Rename']);
    assert.doesNotMatch(items.join(' '), /Mozilla|HeadlessChrome/);

    await list.getByRole('listitem').first().getByRole('button', { name: 'Rename Chrome on Linux' }).click();
    await alice.getByLabel('New name for Chrome on Linux').fill('Work laptop');
    await alice.getByRole('button', { name: 'Save' }).click();
    await list.getByText('Work laptop').waitFor();

    // The other device hears devices-changed and shows the new name in its own Settings.
    await second.page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
    await second.page.getByRole('list', { name: 'My devices' }).getByText('Work laptop').waitFor({ timeout: 10_000 });
    await second.context.close();
  });

  it('the other party\'s card says "Recording" while I record; Recordings shows it with duration, Download and Delete', async () => {
    await connect(alice, bob, '1002', 'Alice Anders', 'Bob Baker');
    await card(alice, 'Bob Baker').getByRole('button', { name: 'Start Recording' }).click();
    await card(bob, 'Alice Anders').getByText('Alice Anders is recording this call').waitFor({ timeout: 10_000 });
    await card(bob, 'Alice Anders').getByText('Recording', { exact: true }).waitFor();
    await new Promise((r) => setTimeout(r, 2000));
    await card(alice, 'Bob Baker').getByRole('button', { name: 'Stop Recording' }).click();
    await eventually(async () => (await card(bob, 'Alice Anders').getByText('Alice Anders is recording this call').count()) === 0, 10_000);
    await card(alice, 'Bob Baker').getByRole('button', { name: 'Hang Up' }).click();
    await Promise.all([gridEmpties(alice), gridEmpties(bob)]);

    const token = await login(e2e.platform.url, '1001@demo');
    await eventually(async () => (await api(e2e.platform.url, 'GET', '/api/v2/domains/~/users/~/recordings', { token })).body.items.length > 0, 15_000);
    await alice.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Recordings' }).click();
    const download = alice.getByRole('link', { name: /^Download recording of call with Bob Baker/ });
    await download.waitFor({ timeout: 10_000 });
    assert.match((await download.getAttribute('download')) ?? '', /^recording-\d{4}-\d\d-\d\d-\d{4}-bob-baker\.webm$/);
    assert.match((await alice.getByRole('list', { name: 'Recordings' }).textContent()) ?? '', /00:0[1-9]/, 'a duration');
    await alice.getByRole('button', { name: /^Delete recording of call with Bob Baker/ }).click();
    await alice.getByRole('button', { name: 'Yes, delete' }).click();
    await eventually(async () => (await api(e2e.platform.url, 'GET', '/api/v2/domains/~/users/~/recordings', { token })).body.items.length === 0, 10_000);
    await eventually(async () => (await download.count()) === 0);
  });

  it('a held call whose reminder fired says "Still on hold"; the Switch Phone picker names this device', async () => {
    await alice.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
    const reminder = alice.getByLabel('Hold reminder (seconds, 0 = off)');
    await reminder.fill('1');
    await reminder.press('Tab');
    await connect(alice, bob, '1002', 'Alice Anders', 'Bob Baker');
    await card(alice, 'Bob Baker').getByRole('button', { name: 'Hold' }).click();
    await card(alice, 'Bob Baker').getByText('Still on hold: Bob Baker is waiting. Resume to talk.').waitFor({ timeout: 10_000 });
    await card(alice, 'Bob Baker').getByRole('button', { name: 'Resume' }).click();
    await eventually(async () => (await card(alice, 'Bob Baker').getByText(/Still on hold/).count()) === 0);

    const second = await e2e.newUser();
    await loginAs(second.page, '1001');
    await card(alice, 'Bob Baker').getByRole('button', { name: 'Switch Phone' }).click();
    const dialog = alice.getByRole('dialog');
    // Renamed "Work laptop" in the test before; the device just signed in is the one choice.
    await dialog.getByText('(this device)').waitFor();
    assert.match(((await dialog.getByRole('listitem').first().textContent()) ?? '').replace(/\s+/g, ' '), /^\s*Work laptop \(this device\)\s*$/);
    assert.deepEqual((await dialog.getByRole('button').allTextContents()).map((x) => x.trim()), ['Chrome on Linux', 'Cancel']);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await card(alice, 'Bob Baker').getByRole('button', { name: 'Hang Up' }).click();
    await second.context.close();
    await reminder.fill('60');
    await reminder.press('Tab');
  });
});
