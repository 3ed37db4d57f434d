/**
 * Greetings end to end: 1002 records a greeting in Chromium (its fake microphone plays a beep
 * tone), saves it; it becomes the active one, and it is what the next caller hears before the
 * beep (detected by its audio: the caller, a SIP user agent with a WebRTC peer in Node, hears
 * the recorded tone, not the spoken default). Then a typed greeting is created, made active,
 * renamed and deleted, and the default is active again.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { api, eventually, login, registeredUa } from '../support/harness.js';
import { callVoicemail } from '../support/voicemail-caller.js';
import { decodePackets } from '../../server/media/opus-codec.js';
import { readOggOpus } from '../../server/media/ogg-opus.js';
import { loginAs, startE2E, type E2E } from './browser.js';

const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name });

/** The frequency (10 Hz steps, 200..2000 Hz) carrying the most energy in `pcm` (48 kHz). */
function peakFrequency(pcm: Int16Array): number {
  let best = 0;
  let bestPower = -1;
  for (let f = 200; f <= 2000; f += 10) {
    let re = 0;
    let im = 0;
    for (let i = 0; i < pcm.length; i++) {
      const a = (2 * Math.PI * f * i) / 48_000;
      re += pcm[i]! * Math.cos(a);
      im += pcm[i]! * Math.sin(a);
    }
    const power = re * re + im * im;
    if (power > bestPower) [best, bestPower] = [f, power];
  }
  return best;
}

/** The loudest half second of `pcm`. */
function loudest(pcm: Int16Array): Int16Array {
  let best = 0;
  let bestEnergy = -1;
  for (let at = 0; at + 24_000 <= pcm.length; at += 4_800) {
    let e = 0;
    for (let i = at; i < at + 24_000; i += 4) e += pcm[i]! * pcm[i]!;
    if (e > bestEnergy) [best, bestEnergy] = [at, e];
  }
  return pcm.subarray(best, best + 24_000);
}

describe('greetings end to end', () => {
  let e2e: E2E;
  let bob: Page;

  before(async () => {
    e2e = await startE2E({ env: { SWITCHBOARD_VOICEMAIL: '1' } });
    bob = (await e2e.newUser()).page;
    await loginAs(bob, '1002');
  });
  after(() => e2e.close());

  it('a greeting recorded in the browser becomes active and is what the next caller hears', async () => {
    await nav(bob, 'Greetings').click();
    const callersHear = bob.getByRole('list', { name: 'Callers hear' });
    await callersHear.getByText('Default greeting').waitFor();
    await bob.getByRole('button', { name: 'Record', exact: true }).click();
    await bob.getByRole('meter', { name: 'Microphone level' }).waitFor();
    await new Promise((r) => setTimeout(r, 3_000));
    await bob.getByRole('button', { name: 'Stop' }).click();
    await bob.getByLabel('Play back the recording').waitFor();
    await bob.getByLabel('Greeting name').fill('Tone greeting');
    await bob.getByRole('button', { name: 'Save', exact: true }).click();
    await bob.getByText('Tone greeting saved: callers hear it now').waitFor({ timeout: 15_000 });
    const item = callersHear.getByRole('listitem').filter({ hasText: 'Tone greeting' });
    await item.getByText('Active', { exact: true }).waitFor();
    assert.match((await item.textContent()) ?? '', /Recorded/);

    const token = await login(e2e.platform.url, '1002@demo');
    const list = (await api(e2e.platform.url, 'GET', '/api/v2/domains/~/users/~/greetings', { token })).body;
    assert.equal(list.items.length, 1);
    assert.ok(list.items[0].duration_s > 2 && list.items[0].duration_s < 4.5, `${list.items[0].duration_s} s recorded`);
    assert.equal(list.voicemail_greeting_index, list.items[0].index);
    const file = await fetch(`${e2e.platform.url}${list.items[0].audio_url}`, { headers: { authorization: `Bearer ${token}` } });
    const recorded = decodePackets(readOggOpus(Buffer.from(await file.arrayBuffer())).packets);
    const recordedPeak = peakFrequency(loudest(recorded));

    // The next caller hears it: the same tone, at the start of the call.
    const alice = await registeredUa(e2e.platform, '1001');
    try {
      const vm = await callVoicemail(alice, 'sip:1002@demo');
      await eventually(() => vm.peer.heard.length >= 48_000 * 2.5, 15_000);
      const heardPeak = peakFrequency(loudest(Int16Array.from(vm.peer.heard.slice(0, 48_000 * 2.5))));
      assert.ok(Math.abs(heardPeak - recordedPeak) <= 20, `the caller hears the recorded ${recordedPeak} Hz (heard ${heardPeak} Hz)`);
      await vm.hangUp();
    } finally {
      await alice.close();
    }
  });

  it('a typed greeting is created, made active, renamed and deleted; the default answers again', async () => {
    await bob.getByLabel('Type a greeting to be spoken').fill('Hello, this is Bob. Leave a message.');
    await bob.getByLabel('Name', { exact: true }).fill('Typed hello');
    await bob.getByRole('button', { name: 'Create' }).click();
    const callersHear = bob.getByRole('list', { name: 'Callers hear' });
    const typed = callersHear.getByRole('listitem').filter({ hasText: 'Typed hello' });
    await typed.waitFor({ timeout: 15_000 });
    assert.match((await typed.textContent()) ?? '', /Typed.*Hello, this is Bob/);

    await typed.getByRole('button', { name: 'Make Typed hello active' }).click();
    await typed.getByText('Active', { exact: true }).waitFor();
    assert.equal(await callersHear.getByText('Active', { exact: true }).count(), 1, 'exactly one active');

    await typed.getByRole('button', { name: 'Rename Typed hello' }).click();
    await bob.getByLabel('New name for Typed hello').fill('Monday message');
    await bob.getByRole('button', { name: 'Save', exact: true }).click();
    const renamed = callersHear.getByRole('listitem').filter({ hasText: 'Monday message' });
    await renamed.waitFor();

    await renamed.getByRole('button', { name: 'Delete Monday message' }).click();
    await bob.getByText('Monday message deleted: callers hear the default greeting').waitFor();
    await callersHear.getByRole('listitem').filter({ hasText: 'Default greeting' }).getByText('Active', { exact: true }).waitFor();
    const token = await login(e2e.platform.url, '1002@demo');
    assert.equal((await api(e2e.platform.url, 'GET', '/api/v2/domains/~/users/~/greetings', { token })).body.voicemail_greeting_index, 0);
  });
});
