/**
 * Voicemail end to end (real platform with its media engine, real Chromium on both sides): 1001
 * calls 1002, who declines; 1001 is answered by 1002's voicemail and leaves a message (Chromium's
 * fake microphone); 1002 sees the badge on Voicemail, opens it, plays the message (the audio
 * element advances), calls back from it, saves it (it moves to Saved, the badge clears) and
 * deletes it (Undo brings it back). The list is there again after a reload with the network off.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { api, eventually, login } from '../support/harness.js';
import { card, dial, gridEmpties, navBadge, navItem } from './phone-ui.js';
import { loginAs, startE2E, type E2E } from './browser.js';


describe('voicemail end to end', () => {
  let e2e: E2E;
  let alice: Page;
  let bob: Page;

  before(async () => {
    e2e = await startE2E({ env: { SWITCHBOARD_VOICEMAIL: '1' } });
    alice = (await e2e.newUser()).page;
    bob = (await e2e.newUser()).page;
    await loginAs(alice, '1001');
    await loginAs(bob, '1002');
  });
  after(() => e2e.close());

  it('a declined call goes to voicemail; the callee plays the message, calls back, saves and deletes it', async () => {
    await dial(alice, '1002');
    await card(bob, 'Alice Anders').getByRole('button', { name: 'Decline' }).click();
    // Voicemail answers the call: the caller's card says so while the message is recorded.
    await card(alice, 'Bob Baker').getByText('Voicemail', { exact: true }).waitFor({ timeout: 15_000 });
    const token = await login(e2e.platform.url, '1002@demo');
    await new Promise((r) => setTimeout(r, 14_000)); // the greeting, the beep and a few seconds of message
    await card(alice, 'Bob Baker').getByRole('button', { name: 'Hang Up' }).click();
    await gridEmpties(alice);

    // The message is on the platform with the caller and a length of a few seconds.
    const listed = await eventually(async () => (await api(e2e.platform.url, 'GET', '/api/v2/domains/~/users/~/voicemails/new', { token })).body.items[0], 10_000);
    assert.equal(listed.caller_number, '1001');
    assert.ok(listed.duration_s >= 1, `a message of ${listed.duration_s} s`);

    // 1002 sees the badge without doing anything.
    await eventually(async () => (await navBadge(bob, 'Voicemail')) === '1', 10_000);
    await navItem(bob, 'Voicemail').click();
    const newList = bob.getByRole('list', { name: 'New messages' });
    const item = newList.getByRole('listitem').first();
    await item.getByText('Alice Anders').waitFor();
    await item.getByText(/No transcription|Transcribing/).waitFor();

    // Play: the audio element appears and its time advances.
    await item.getByRole('button', { name: /^Play message from Alice Anders/ }).click();
    const audio = item.locator('audio');
    await audio.waitFor();
    await eventually(async () => (await audio.evaluate((a: HTMLAudioElement) => a.currentTime)) > 0.5, 10_000);
    await audio.evaluate((a: HTMLAudioElement) => a.pause());

    // Call back: a call to Alice appears on the grid beside the area.
    await item.getByRole('button', { name: 'Call back Alice Anders' }).click();
    await card(alice, 'Bob Baker').getByRole('button', { name: 'Answer' }).click();
    await card(bob, 'Alice Anders').getByText('Connected', { exact: true }).waitFor();
    await card(bob, 'Alice Anders').getByRole('button', { name: 'Hang Up' }).click();
    await Promise.all([gridEmpties(alice), gridEmpties(bob)]);

    // Save: it moves to Saved, and the badge goes.
    await item.getByRole('button', { name: /^Save message from Alice Anders/ }).click();
    await bob.getByText('No new messages').waitFor();
    await eventually(async () => (await navBadge(bob, 'Voicemail')) === '', 5_000);
    // It stays in view, under Saved.
    const saved = bob.getByRole('list', { name: 'Saved messages' }).getByRole('listitem');
    await saved.first().getByText('Alice Anders').waitFor();
    assert.equal((await api(e2e.platform.url, 'GET', '/api/v2/domains/~/users/~/voicemails/save', { token })).body.items.length, 1);

    // Delete, then Undo, then delete for real: it is in the platform's trash.
    await saved.first().getByRole('button', { name: /^Delete message from Alice Anders/ }).click();
    await bob.getByText('No saved messages').waitFor();
    await bob.getByRole('button', { name: 'Undo' }).click();
    await saved.first().getByText('Alice Anders').waitFor();
    await saved.first().getByRole('button', { name: /^Delete message from Alice Anders/ }).click();
    await bob.getByText('No saved messages').waitFor();
    await eventually(async () => (await api(e2e.platform.url, 'GET', '/api/v2/domains/~/users/~/voicemails/trash', { token })).body.items.length === 1, 5_000);
    assert.equal((await api(e2e.platform.url, 'GET', '/api/v2/domains/~/users/~/voicemails/save', { token })).body.items.length, 0);
  });

  it('Settings sets the voicemail PIN (never shown back) and the ring time before voicemail', async () => {
    await navItem(bob, 'Settings').click();
    const section = bob.getByRole('region', { name: 'Voicemail' });
    await section.getByText('No PIN is set.', { exact: false }).waitFor();
    await section.getByLabel('Voicemail PIN').fill('12');
    await section.getByRole('button', { name: 'Set PIN' }).click();
    assert.equal(await section.getByText('Voicemail PIN saved').count(), 0, 'the browser refuses a PIN of two digits');
    await section.getByLabel('Voicemail PIN').fill('2468');
    await section.getByRole('button', { name: 'Set PIN' }).click();
    await section.getByText('Voicemail PIN saved').waitFor();
    await section.getByText('A PIN is set.', { exact: false }).waitFor();
    assert.equal(await section.getByLabel('New voicemail PIN').inputValue(), '', 'the PIN is not shown back');
    await section.getByLabel('Ring my phones for (seconds)').fill('15');
    await section.getByRole('button', { name: 'Set ring time' }).click();
    await section.getByText('Your phones ring for 15 seconds before voicemail').waitFor();
    const token = await login(e2e.platform.url, '1002@demo');
    const me = (await api(e2e.platform.url, 'GET', '/api/v2/domains/~/users/~', { token })).body;
    assert.equal(me.voicemail_pin_set, true);
    assert.equal(me.ring_no_answer_timeout_s, 15);
    assert.equal(JSON.stringify(me).includes('2468'), false);
  });
});
