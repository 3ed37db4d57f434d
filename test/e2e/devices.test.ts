/**
 * My devices end to end (real platform, real Chromium): the device holding a call offers Switch
 * Phone as soon as another device of mine signs in, and stops when it goes; devices have
 * readable names ("Chrome on Linux"), never the raw browser identifier; Settings lists them,
 * this one marked "(this device)", and renames one, which my other device sees.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { eventually } from '../support/harness.js';
import { card, dial, gridEmpties } from './phone-ui.js';
import { loginAs, startE2E, type E2E } from './browser.js';

async function connect(from: Page, to: Page, toNumber: string, fromName: string, toName: string): Promise<void> {
  await dial(from, toNumber);
  await card(to, fromName).getByRole('button', { name: 'Answer' }).click();
  await card(from, toName).getByText('Connected', { exact: true }).waitFor();
  await card(to, fromName).getByText('Connected', { exact: true }).waitFor();
}

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
});
