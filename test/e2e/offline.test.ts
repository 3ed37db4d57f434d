/**
 * The installed app offline, end to end: once the service worker controls the page, a reload
 * with the network off still starts the app signed in, with the last known contacts and call
 * history from IndexedDB and a clear offline notice; a contact added offline is kept, marked
 * "Not sent yet", and reaches the platform when the network returns, without a reload.
 *
 * Also the update prompt: a new version of the service worker is announced ("Update available"),
 * its Reload waits while a call is up, and once accepted the new worker takes over.
 *
 * Runs on its own copy of the build, because the update test changes sw.js.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { api, eventually, login } from '../support/harness.js';
import { card, dial, gridEmpties } from './phone-ui.js';
import { ensureBuilt, loginAs, startE2E, type E2E } from './browser.js';

const root = path.resolve(import.meta.dirname, '../..');

/** Waits until the service worker controls the page (it claims it on first install). */
async function controlled(page: Page): Promise<void> {
  await page.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 15_000 });
}

describe('offline start and app updates end to end', () => {
  let e2e: E2E;
  let webRoot: string;
  let bob: { context: BrowserContext; page: Page };
  let dan: Page;

  before(async () => {
    ensureBuilt();
    webRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-web-'));
    fs.cpSync(path.join(root, 'dist'), webRoot, { recursive: true });
    e2e = await startE2E({ env: { SWITCHBOARD_WEB_ROOT: webRoot } });
    bob = await e2e.newUser();
    dan = (await e2e.newUser()).page;
    await loginAs(bob.page, '1002');
    await loginAs(dan, '1004');
  });
  after(async () => {
    await e2e.close();
    fs.rmSync(webRoot, { recursive: true, force: true });
  });

  it('starts offline with the saved contacts and history; a contact added offline reaches the platform when back online', async () => {
    const page = bob.page;
    const nav = page.getByRole('navigation', { name: 'Main' });
    // A call record: Dan calls Bob and hangs up before Bob answers.
    await dial(dan, '1002');
    await card(page, 'Dan Diaz').getByText('Incoming call', { exact: true }).waitFor();
    await card(dan, 'Bob Baker').getByRole('button', { name: 'Hang Up' }).click();
    await gridEmpties(dan);
    await nav.getByRole('button', { name: /^Call History/ }).click();
    await page.getByRole('button', { name: /^Dan Diaz, Missed call, / }).first().waitFor({ timeout: 10_000 });
    // A personal contact, saved online.
    await nav.getByRole('button', { name: 'Contacts', exact: true }).click();
    await page.getByRole('button', { name: 'New Contact' }).click();
    await page.getByLabel('First name', { exact: true }).fill('Pat');
    await page.getByLabel('Last name', { exact: true }).fill('Lee');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('heading', { name: 'Pat Lee' }).waitFor();
    await controlled(page);

    await bob.context.setOffline(true);
    await page.reload();
    await page.getByText('You are offline.').waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Pat Lee, personal contact', exact: true }).waitFor();
    await page.getByRole('button', { name: 'Dan Diaz, extension 1004, Unknown', exact: true }).waitFor();
    await nav.getByRole('button', { name: /^Call History/ }).click();
    await page.getByRole('button', { name: /^Dan Diaz, Missed call, / }).first().waitFor();
    assert.equal(await page.getByText('Cannot reach the phone system', { exact: false }).count(), 0);

    await nav.getByRole('button', { name: 'Contacts', exact: true }).click();
    await page.getByRole('button', { name: 'New Contact' }).click();
    await page.getByLabel('First name', { exact: true }).fill('Olive');
    await page.getByLabel('Last name', { exact: true }).fill('Offline');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved on this device.', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: 'Olive Offline, Not sent yet, personal contact', exact: true }).waitFor();

    await bob.context.setOffline(false);
    // Back online without a reload: signed in again, the queued contact is sent.
    await page.getByRole('button', { name: 'Olive Offline, personal contact', exact: true }).waitFor({ timeout: 30_000 });
    await page.getByText('You are offline.').waitFor({ state: 'detached' });
    const token = await login(e2e.platform.url, '1002@demo');
    const listed = await api<{ items: Array<{ first_name: string; last_name: string }> }>(e2e.platform.url, 'GET', '/api/v2/domains/~/users/~/contacts', { token });
    assert.deepEqual(listed.body.items.map((c) => `${c.first_name} ${c.last_name}`).sort(), ['Olive Offline', 'Pat Lee']);
  });

  it('announces a new version; Reload waits for the call to end, then the new worker takes over', async () => {
    const page = bob.page;
    await page.getByRole('status').filter({ hasText: 'Registered' }).first().waitFor({ timeout: 30_000 });
    // A new release: the worker script changes.
    fs.appendFileSync(path.join(webRoot, 'sw.js'), '\n// next release\n');

    await dial(dan, '1002');
    await card(page, 'Dan Diaz').getByRole('button', { name: 'Answer' }).click();
    await card(page, 'Dan Diaz').getByText('Connected').waitFor();
    await page.evaluate('navigator.serviceWorker.getRegistration().then((r) => r.update())');
    await page.getByText('Update available.').waitFor({ timeout: 15_000 });
    const reload = page.getByRole('button', { name: 'Reload' });
    assert.equal(await reload.isDisabled(), true, 'no reload under a live call');

    await card(page, 'Dan Diaz').getByRole('button', { name: 'Hang Up' }).click();
    await gridEmpties(page);
    await eventually(() => reload.isEnabled(), 5000);
    await Promise.all([page.waitForEvent('load', { timeout: 15_000 }), reload.click()]);
    await page.getByRole('status').filter({ hasText: 'Registered' }).first().waitFor({ timeout: 30_000 });
    // The waiting worker is now the active one, controlling the reloaded page.
    const waiting = await page.evaluate('navigator.serviceWorker.getRegistration().then((r) => r.waiting !== null)');
    assert.equal(waiting, false);
    await controlled(page);
    assert.equal(await page.getByText('Update available.').count(), 0);
  });
});
