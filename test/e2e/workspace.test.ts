/**
 * The workspace end to end (two users, real Chromium, real platform): the call card grid is on
 * screen whatever area is open. An incoming call shows as a card with Answer in Contacts, Settings
 * and Call History; it is announced to screen readers and in the title; Alt+A answers it; a
 * connected call stays on screen through every area; a narrow window shows the active-call bar.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { eventually } from '../support/harness.js';
import { card, dial, gridEmpties } from './phone-ui.js';
import { loginAs, startE2E, type E2E } from './browser.js';

describe('workspace end to end', () => {
  let e2e: E2E;
  let alice: Page;
  let bob: Page;
  const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });
  const open = (page: Page, area: string) => nav(page).getByRole('button', { name: new RegExp(`^${area}`) }).click();

  before(async () => {
    e2e = await startE2E();
    alice = (await e2e.newUser()).page;
    bob = (await e2e.newUser()).page;
    await loginAs(alice, '1001');
    await loginAs(bob, '1002');
  });
  after(() => e2e.close());

  for (const area of ['Contacts', 'Settings', 'Call History']) {
    it(`a call arriving while ${area} is open shows as a card with Answer, and Answer works`, async () => {
      await open(bob, area);
      await bob.getByRole('heading', { name: area, level: 1 }).waitFor();
      await dial(alice, '1002');
      const incoming = card(bob, 'Alice Anders');
      await incoming.getByRole('button', { name: 'Answer' }).click();
      await card(alice, 'Bob Baker').getByText('Connected').waitFor();
      await incoming.getByText('Connected').waitFor();
      // The area is still open beside the call.
      assert.equal(await bob.getByRole('heading', { name: area, level: 1 }).isVisible(), true);
      await incoming.getByRole('button', { name: 'Hang Up' }).click();
      await gridEmpties(bob);
      await gridEmpties(alice);
    });
  }

  it('announces the call politely and in the title, and Alt+A answers without moving focus', async () => {
    await open(bob, 'Contacts');
    await bob.getByLabel('Search contacts').focus();
    const focused = () => bob.evaluate(() => {
      let el: Element | null = document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      return el ? `${el.localName} ${el.getAttribute('aria-label') ?? el.id}` : '';
    });
    const before = await focused();
    await dial(alice, '1002');
    await card(bob, 'Alice Anders').getByText('Incoming call', { exact: true }).waitFor();
    const live = bob.locator('.call-announcer');
    await eventually(async () => (await live.textContent())?.includes('Incoming call from Alice Anders, 1001') ?? false, 5000);
    assert.match(await bob.title(), /Incoming call: Alice Anders/);
    // Focus stayed where the user was.
    assert.equal(await focused(), before);
    await bob.keyboard.press('Alt+A');
    await card(bob, 'Alice Anders').getByText('Connected').waitFor();
    assert.doesNotMatch(await bob.title(), /Incoming call/);
  });

  it('a connected call stays on screen while the user moves through every area', async () => {
    const call = card(bob, 'Alice Anders');
    await call.getByText('Connected').waitFor();
    const items = await nav(bob).getByRole('button').filter({ hasNotText: 'Log out' }).allTextContents();
    const areas = items.map((t) => t.replace(/\(\d+ new\)/, '').trim()).filter((t) => t && t !== 'Hide navigation');
    assert.ok(areas.length >= 4, `areas in the pane: ${areas.join(', ')}`);
    for (const area of areas) {
      await nav(bob).getByRole('button', { name: new RegExp(`^${area}`) }).click();
      await bob.getByRole('heading', { name: area, level: 1 }).waitFor();
      assert.equal(await call.getByRole('button', { name: 'Hang Up' }).isVisible(), true, `the call is hidden in ${area}`);
    }
    // Closing the area gives the grid the whole width; the call is still there.
    await bob.getByRole('button', { name: `Collapse ${areas.at(-1)}` }).click();
    assert.equal(new URL(bob.url()).pathname, '/');
    await call.getByRole('button', { name: 'Hang Up' }).waitFor();
  });

  it('a narrow window collapses the calls into the active-call bar, which expands to the card', async () => {
    await bob.setViewportSize({ width: 390, height: 844 });
    try {
      await bob.getByRole('button', { name: 'Show navigation' }).click();
      await open(bob, 'Call History');
      const bar = bob.getByRole('region', { name: 'Active calls' });
      await bar.getByText('Alice Anders').waitFor();
      assert.equal(await card(bob, 'Alice Anders').isVisible(), false);
      await bar.getByRole('button', { name: 'View calls' }).click();
      await card(bob, 'Alice Anders').getByRole('button', { name: 'Hang Up' }).click();
      await gridEmpties(bob);
      assert.equal(await bar.isVisible(), false);
    } finally {
      await bob.setViewportSize({ width: 1280, height: 800 });
    }
  });
});
