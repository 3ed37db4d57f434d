/**
 * The phone as a session: it survives a reload, only one tab of a browser owns the phone, and
 * logging out unregisters and forgets the device.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually } from '../support/harness.js';
import { loginAs, startE2E, type E2E } from './browser.js';

describe('phone session end to end', () => {
  let e2e: E2E;
  before(async () => { e2e = await startE2E(); });
  after(() => e2e.close());

  const registrations = (ext: string) => e2e.platform.platform.registrar.lookup('demo', ext).length;

  it('stays signed in across a reload and registers the same device again', async () => {
    const { page } = await e2e.newUser();
    await loginAs(page, '1004');
    const devices = await e2e.platform.platform.store.devices.listForUser('demo', '1004');
    assert.equal(devices.length, 1);
    await page.reload();
    await page.getByRole('status').filter({ hasText: 'Registered' }).first().waitFor({ timeout: 15_000 });
    assert.equal((await e2e.platform.platform.store.devices.listForUser('demo', '1004')).length, 1, 'no new device per reload');
    await eventually(() => registrations('1004') === 1);
  });

  it('a saved session opens the workspace at once; a revoked one signs out and says why', async () => {
    const { context, page } = await e2e.newUser();
    await loginAs(page, '1004');
    const saved = await page.evaluate(() => JSON.parse(localStorage.getItem('switchboard.session') ?? '{}') as { refreshToken?: string });
    await page.close();
    // Someone used this refresh token elsewhere (a stolen copy): reusing it revokes the login.
    const stolen = await fetch(`${e2e.platform.url}/api/v2/tokens`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'refresh_token', refresh_token: saved.refreshToken }),
    });
    assert.equal(stolen.status, 200);
    const again = await context.newPage();
    await again.goto('/');
    await again.getByText('Your session has ended. Please log in again.').waitFor({ timeout: 15_000 });
    await again.getByLabel('Username').waitFor();
    // The phone it had started from the saved session stopped again.
    await eventually(() => again.evaluate(() => (document.querySelector('sb-app') as unknown as { line?: { state: string } }).line?.state === 'idle'), 10_000);
  });

  it('lets one tab own the phone; another tab can take it over', async () => {
    const { context, page: first } = await e2e.newUser();
    await loginAs(first, '1005');
    const second = await context.newPage();
    await second.goto('/');
    await second.getByText('Switchboard is open in another tab').waitFor();
    assert.equal(registrations('1005'), 1, 'the second tab did not register a second phone');

    await second.getByRole('button', { name: 'Use here' }).click();
    await second.getByRole('status').filter({ hasText: 'Registered' }).first().waitFor({ timeout: 15_000 });
    await first.getByText('Switchboard is open in another tab').waitFor();
    await eventually(() => registrations('1005') === 1);
  });

  it('logging out unregisters, deletes the device and returns to the login form', async () => {
    const { page } = await e2e.newUser();
    await loginAs(page, '1002');
    await eventually(() => registrations('1002') === 1);
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
      await (await caches.open('switchboard-user-data')).put('/x', new Response('cached'));
    });
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByLabel('Username').waitFor();
    // The user's caches go; Workbox's precache (the app shell) stays.
    const cacheNames = await eventually(async () => {
      const names = await page.evaluate(() => caches.keys());
      return names.includes('switchboard-user-data') ? null : names;
    });
    assert.ok(cacheNames?.some((n) => n.startsWith('workbox-precache')), `precache kept: ${cacheNames}`);
    await eventually(() => registrations('1002') === 0);
    assert.equal((await e2e.platform.platform.store.devices.listForUser('demo', '1002')).length, 0);
    assert.equal(await page.evaluate(() => localStorage.getItem('switchboard.session')), null);
    await page.reload();
    await page.getByLabel('Username').waitFor();
  });

  it('reconnects and re-registers by itself after the connection drops', async () => {
    const { page } = await e2e.newUser();
    await loginAs(page, '1001');
    const { transport, registrar } = e2e.platform.platform;
    for (const b of registrar.lookup('demo', '1001')) transport.flows.get(b.flow.id)?.close();
    await page.getByRole('status').filter({ hasText: 'Connecting' }).first().waitFor({ timeout: 5_000 });
    await page.getByRole('status').filter({ hasText: 'Registered' }).first().waitFor({ timeout: 15_000 });
  });

  it('shows an OS notification for a call arriving while the app is in the background', async () => {
    const { page: bob } = await e2e.newUser();
    await loginAs(bob, '1002');
    // The service worker shows the notification (its notificationclick focuses the app).
    await bob.evaluate(async () => { await navigator.serviceWorker.ready; });
    // Headless pages are always "visible"; make this one report being in the background, as a
    // minimised window or another tab in front would.
    // (A string: tsx would wrap the getter in a helper the page does not have.)
    await bob.evaluate(`Object.defineProperty(document, 'visibilityState', { configurable: true, get() { return 'hidden'; } });
      document.dispatchEvent(new Event('visibilitychange'));`);
    assert.equal(await bob.evaluate(() => document.visibilityState), 'hidden');

    const { page: alice } = await e2e.newUser();
    await loginAs(alice, '1001');
    await alice.getByRole('button', { name: 'New Call' }).first().click();
    await alice.getByLabel('Number').fill('1002');
    await alice.getByRole('button', { name: 'Call', exact: true }).click();
    const shown = await eventually(async () => {
      const list = await bob.evaluate(async () => {
        const reg = await navigator.serviceWorker.getRegistration();
        return (await reg?.getNotifications())?.map((n) => `${n.title}: ${n.body}`) ?? [];
      });
      return list.length ? list : null;
    }, 10_000);
    assert.match(shown?.[0] ?? '', /Incoming call: Alice Anders/);
    await alice.getByRole('button', { name: 'Hang Up' }).click();
  });

  it('is installable per Chromium, with a service worker that controls the page after a reload', async () => {
    const { page } = await e2e.newUser();
    await page.goto('/');
    await page.getByLabel('Username').waitFor();
    await page.evaluate(async () => { await navigator.serviceWorker.ready; });
    await page.reload();
    await page.getByLabel('Username').waitFor();
    const sw = await page.evaluate(async () => {
      const reg = await navigator.serviceWorker.getRegistration();
      return { registered: !!reg?.active, controlled: !!navigator.serviceWorker.controller, script: navigator.serviceWorker.controller?.scriptURL ?? '' };
    });
    assert.ok(sw.registered, 'a service worker is registered and active');
    assert.ok(sw.controlled, 'the service worker controls the page after a reload');
    assert.match(sw.script, /\/sw\.js$/);

    const cdp = await page.context().newCDPSession(page);
    const manifest = await cdp.send('Page.getAppManifest') as { url: string; errors: { message: string }[]; data?: string };
    assert.match(manifest.url, /manifest\.webmanifest$/);
    assert.deepEqual(manifest.errors, [], 'the manifest parses without errors');
    assert.ok(manifest.data && JSON.parse(manifest.data).name, 'the manifest has a name');
    const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
    // Playwright's contexts are incognito-like, which alone keeps Chromium from installing.
    const others = installabilityErrors.filter((e) => e.errorId !== 'in-incognito');
    assert.deepEqual(others, [], `no installability errors: ${JSON.stringify(others)}`);
  });
});
