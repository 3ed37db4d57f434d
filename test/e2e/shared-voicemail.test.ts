/**
 * Shared Voicemail end to end: Alice (1001) has the demo's Sales box (2000); Dan (1004) has none
 * and is not offered the area. Dan calls Sales (no devices: its voicemail answers) and leaves a
 * message; without a reload Alice's Shared Voicemail shows the badge and the message in the
 * Sales section, and the service worker shows "New voicemail in Sales" within 30 s. Alice saves it
 * from the shared box.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { api, delay, eventually, login, registeredUa } from '../support/harness.js';
import { beepHeard, callVoicemail } from '../support/voicemail-caller.js';
import { tone } from '../../server/media/opus-codec.js';
import { loginAs, startE2E, type E2E } from './browser.js';
import { navBadge } from './phone-ui.js';

const pane = (page: Page) => page.getByRole('navigation', { name: 'Main' });

describe('shared voicemail end to end', () => {
  let e2e: E2E;
  let alice: Page;

  before(async () => {
    e2e = await startE2E({ env: { SWITCHBOARD_VOICEMAIL: '1' } });
    alice = (await e2e.newUser()).page;
    await loginAs(alice, '1001');
    await alice.evaluate(async () => { await navigator.serviceWorker.ready; });
  });
  after(() => e2e.close());

  it('only a user with a granted box is offered Shared Voicemail', async () => {
    await pane(alice).getByRole('button', { name: /^Shared Voicemail/ }).waitFor();
    const dan = (await e2e.newUser()).page;
    await loginAs(dan, '1004');
    await pane(dan).getByRole('button', { name: /^Voicemail/ }).waitFor();
    await delay(1500);
    assert.equal(await pane(dan).getByRole('button', { name: /^Shared Voicemail/ }).count(), 0);
  });

  it('a message left for Sales shows up for Alice without a reload, with a notification; she saves it', async () => {
    await pane(alice).getByRole('button', { name: /^Shared Voicemail/ }).click();
    const sales = alice.getByRole('region', { name: /Sales/ });
    await sales.getByText('No new messages').waitFor();

    const dan = await registeredUa(e2e.platform, '1004');
    try {
      const vm = await callVoicemail(dan, 'sip:2000@demo');
      await vm.press('#');
      await beepHeard(vm.peer, 0);
      vm.peer.say(tone(440, 1500));
      await eventually(() => vm.peer.sendingMs === 0, 5000);
      await delay(200);
      await vm.hangUp();
    } finally {
      await dan.close();
    }

    await eventually(async () => (await navBadge(alice, 'Shared Voicemail')) === '1', 30_000);
    const item = sales.getByRole('list', { name: 'New messages' }).getByRole('listitem').first();
    await item.getByText('Dan Diaz').waitFor({ timeout: 30_000 });

    const shown = await eventually(async () => {
      const list = await alice.evaluate(async () => {
        const reg = await navigator.serviceWorker.getRegistration();
        return (await reg?.getNotifications())?.map((n) => `${n.title}: ${n.body}`) ?? [];
      });
      return list.find((n) => n.startsWith('New voicemail in Sales')) ?? null;
    }, 45_000);
    assert.equal(shown, 'New voicemail in Sales: From Dan Diaz (1004)');

    await item.getByRole('button', { name: /^Save message from Dan Diaz/ }).click();
    await sales.getByText('No new messages').waitFor();
    const token = await login(e2e.platform.url, '1001@demo');
    const [saved] = (await api(e2e.platform.url, 'GET', '/api/v2/domains/~/users/2000/voicemails/save', { token })).body.items;
    assert.equal(saved.moved_by, '1001@demo');
  });
});
