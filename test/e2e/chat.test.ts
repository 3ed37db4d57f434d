/**
 * Chat and SMS end to end (real platform with the local SMS carrier, three browsers): 1001 opens
 * a chat with 1002 from Contacts; 1002 gets it live on a card; 1002 sees 1001 typing and 1001
 * sees "Read" once 1002 has it on screen; 1004 is added and the group of three talks; 1001 texts
 * +1 555 010 0199 by typing the whole number, picking the suggestion and the check mark, and
 * sees the automatic reply; 1001 goes offline, writes two messages ("Waiting for connection"),
 * comes back: both arrive once, in order.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { api, eventually, login } from '../support/harness.js';
import { navItem } from './phone-ui.js';
import { loginAs, startE2E, type E2E } from './browser.js';

const conversation = (page: Page, name: string) => page.getByRole('article', { name: `Conversation with ${name}`, exact: true });

async function say(page: Page, name: string, text: string): Promise<void> {
  const card = conversation(page, name);
  await card.getByLabel('Message', { exact: true }).fill(text);
  await card.getByLabel('Message', { exact: true }).press('Enter');
}

describe('chat and SMS end to end', () => {
  let e2e: E2E;
  let alice: { page: Page; context: BrowserContext };
  let bob: Page;
  let dan: Page;

  before(async () => {
    e2e = await startE2E({ env: { SWITCHBOARD_SMS_CARRIER: 'local' } });
    alice = await e2e.newUser();
    bob = (await e2e.newUser()).page;
    dan = (await e2e.newUser()).page;
    await Promise.all([loginAs(alice.page, '1001'), loginAs(bob, '1002'), loginAs(dan, '1004')]);
  });
  after(() => e2e.close());

  it('a chat from Contacts arrives live, with typing and read state; a third colleague joins', async () => {
    const page = alice.page;
    await navItem(page, 'Contacts').click();
    await page.getByRole('button', { name: /^Bob Baker, extension 1002, / }).click();
    await page.getByRole('button', { name: 'Message', exact: true }).click();
    await conversation(page, 'Bob Baker').waitFor();

    // Alice types: Bob's card (opened by the first message) will show it; first the message.
    await say(page, 'Bob Baker', 'Hi Bob, lunch at noon?');
    await conversation(bob, 'Alice Anders').getByText('Hi Bob, lunch at noon?').waitFor({ timeout: 10_000 });
    // On Bob's screen, in his focused window: read, which Alice sees.
    await bob.bringToFront();
    await conversation(page, 'Bob Baker').getByText(/\bRead$/).waitFor({ timeout: 10_000 });
    // Typing, both ways visible.
    await conversation(page, 'Bob Baker').getByLabel('Message', { exact: true }).pressSequentially('still th', { delay: 50 });
    await conversation(bob, 'Alice Anders').getByText(/Alice Anders is typing/).waitFor({ timeout: 10_000 });
    await conversation(page, 'Bob Baker').getByLabel('Message', { exact: true }).fill('');
    await say(bob, 'Alice Anders', 'Sure, see you there');
    await conversation(page, 'Bob Baker').getByText('Sure, see you there').waitFor({ timeout: 10_000 });

    // Add Dan: the group of three.
    await conversation(page, 'Bob Baker').getByRole('button', { name: 'Add people' }).click();
    await conversation(page, 'Bob Baker').getByLabel('Colleague to add').selectOption({ label: 'Dan Diaz (1004)' });
    await conversation(page, 'Bob Baker').getByRole('button', { name: 'Add', exact: true }).click();
    const group = conversation(page, 'Bob Baker and Dan Diaz');
    await group.waitFor({ timeout: 10_000 });
    await group.getByLabel('Message', { exact: true }).fill('Dan, join us?');
    await group.getByLabel('Message', { exact: true }).press('Enter');
    await conversation(dan, 'Alice Anders and Bob Baker').getByText('Dan, join us?').waitFor({ timeout: 10_000 });
    await conversation(bob, 'Alice Anders and Dan Diaz').getByText('Dan, join us?').waitFor({ timeout: 10_000 });
  });

  it('texts +1 555 010 0199 by its whole number and sees the automatic reply', async () => {
    const page = alice.page;
    await navItem(page, 'Chat and SMS').click();
    await page.getByRole('button', { name: 'New Conversation' }).click();
    await page.getByLabel('To', { exact: true }).fill('+1 555 010 0199');
    await page.getByRole('option', { name: /555.*0199/ }).click();
    await page.getByRole('button', { name: 'Start conversation' }).click();
    const card = page.getByRole('article', { name: /^Conversation with .*555.*0199/ });
    await card.waitFor({ timeout: 10_000 });
    await card.getByLabel('Message', { exact: true }).fill('Hello, are you open today?');
    await card.getByLabel('Message', { exact: true }).press('Enter');
    await card.getByText(/automatic reply/).waitFor({ timeout: 15_000 });
  });

  it('two messages written offline arrive once, in order, when back online', async () => {
    const page = alice.page;
    const card = conversation(page, 'Bob Baker');
    await card.waitFor();
    await alice.context.setOffline(true);
    await say(page, 'Bob Baker', 'offline one');
    await say(page, 'Bob Baker', 'offline two');
    await card.getByText('Waiting for connection').first().waitFor({ timeout: 10_000 });
    await alice.context.setOffline(false);
    await conversation(bob, 'Alice Anders').getByText('offline two').waitFor({ timeout: 30_000 });
    const token = await login(e2e.platform.url, '1002@demo');
    const sessions = (await api(e2e.platform.url, 'GET', '/api/v2/domains/~/users/~/messagesessions', { token })).body as Array<{ id: string; participants: Array<{ extension?: string }> }>;
    const one = sessions.find((s) => s.participants.length === 1 && s.participants[0]!.extension === '1001')!;
    const texts = await eventually(async () => {
      const items = (await api(e2e.platform.url, 'GET', `/api/v2/domains/~/users/~/messagesessions/${one.id}/messages`, { token })).body.items as Array<{ text: string }>;
      const t = items.map((m) => m.text).reverse().filter((x) => x.startsWith('offline'));
      return t.length >= 2 ? t : null;
    }, 10_000);
    assert.deepEqual(texts, ['offline one', 'offline two']);
  });
});
