/** What a user does on the phone's screen, shared by the end-to-end tests. */
import type { Page } from 'playwright-core';
import { eventually } from '../support/harness.js';
import { packetsReceived } from './browser.js';

/** The card of a call with `name` (its accessible name is "Call with <name>"). */
export const card = (page: Page, name: string) => page.getByRole('article', { name: `Call with ${name}` });

/** New Call, type the number, Call. */
export async function dial(page: Page, number: string): Promise<void> {
  await page.getByRole('button', { name: 'New Call' }).first().click();
  await page.getByLabel('Number').fill(number);
  await page.getByRole('button', { name: 'Call', exact: true }).click();
}

/** `from` calls `to` (who answers); resolves when both cards say Connected. */
export async function connect(from: Page, to: Page, toNumber: string, fromName: string, toName: string): Promise<void> {
  await dial(from, toNumber);
  await card(to, fromName).getByRole('button', { name: 'Answer' }).click();
  await card(from, toName).getByText('Connected', { exact: true }).waitFor();
  await card(to, fromName).getByText('Connected', { exact: true }).waitFor();
}

/** Packets keep arriving on every page (audio is flowing now, not just earlier). */
export async function audioFlows(pages: Page[]): Promise<void> {
  const before = await Promise.all(pages.map(packetsReceived));
  await eventually(async () => {
    const now = await Promise.all(pages.map(packetsReceived));
    return now.every((n, i) => n > before[i]! + 10);
  }, 10_000);
}

/** Normally ended calls leave the grid by themselves after a few seconds; waits for that. */
export async function gridEmpties(page: Page): Promise<void> {
  try {
    await eventually(async () => (await page.getByRole('article').count()) === 0, 10_000);
  } catch {
    const names = await page.getByRole('article').evaluateAll((els) => els.map((e) => `${e.getAttribute('aria-label')}: ${(e.textContent ?? '').replace(/\s+/g, ' ')}`));
    throw new Error(`calls still on screen: ${names.join(' | ')}`);
  }
}

/** Picks a target in a target picker (Add Call, Transfer): types the search, clicks the match. */
export async function pick(page: Page, search: string, name: string): Promise<void> {
  await page.getByLabel('Search or enter a number').fill(search);
  await page.getByRole('button', { name: new RegExp(name) }).first().click();
}

/** An area's item in the navigation pane, by its exact label (a badge is not part of its name). */
export const navItem = (page: Page, label: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: label, exact: true });

/** The count an area's item shows ('' for none); screen readers get it as the item's description. */
export async function navBadge(page: Page, label: string): Promise<string> {
  const badge = navItem(page, label).locator('.badge');
  return (await badge.count()) ? ((await badge.textContent()) ?? '').trim() : '';
}
