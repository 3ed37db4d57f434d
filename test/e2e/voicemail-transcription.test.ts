/**
 * Voicemail transcription end to end: 1002 is signed in to the web phone (Chromium) with the
 * Voicemail area open; a caller (a SIP user agent in Node) leaves a message after 1002's phone
 * rings out. The message appears saying "Transcribing…" while the engine (a stand-in the test
 * holds) works, and its text replaces that, without a reload, when the platform announces it.
 */
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import { registeredUa } from '../support/harness.js';
import type { SipUa } from '../support/sip-ua.js';
import { leaveMessage } from '../support/voicemail-caller.js';
import { tone } from '../../server/media/opus-codec.js';
import type { SpeechAudio, Transcriber } from '../../server/voicemail/transcription/transcriber.js';
import { loginAs, startE2E, type E2E } from './browser.js';

class HeldEngine implements Transcriber {
  readonly name = 'held';
  readonly held: Array<(text: string) => void> = [];
  transcribe(_audio: SpeechAudio, signal: AbortSignal): Promise<string> {
    return new Promise((resolve, reject) => {
      signal.addEventListener('abort', () => reject(new Error('aborted')));
      this.held.push(resolve);
    });
  }
}

describe('voicemail transcription end to end', () => {
  const engine = new HeldEngine();
  let e2e: E2E;
  let bob: Page;
  let alice: SipUa;

  before(async () => {
    e2e = await startE2E({ env: { SWITCHBOARD_VOICEMAIL: '1' }, ringTimeoutMs: 1500, transcriber: engine });
    bob = (await e2e.newUser()).page;
    await loginAs(bob, '1002');
    alice = await registeredUa(e2e.platform, '1001');
  });
  after(async () => { await alice.close(); await e2e.close(); });

  it('a new message says Transcribing…, then shows its text when the transcription is done', async () => {
    await bob.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: /Voicemail/ }).click();
    await bob.getByText('No new messages').waitFor();
    // 1002's phone rings for 1.5 s, then voicemail answers.
    await leaveMessage(alice, 'sip:1002@demo', tone(620, 1500));
    const item = bob.getByRole('list', { name: 'New messages' }).getByRole('listitem').first();
    await item.getByText('Alice Anders').waitFor({ timeout: 10_000 });
    await item.getByText('Transcribing…').waitFor();
    await new Promise<void>((resolve, reject) => {
      const end = Date.now() + 5000;
      const poll = () => (engine.held.length ? resolve() : Date.now() > end ? reject(new Error('the engine got nothing')) : setTimeout(poll, 20));
      poll();
    });
    engine.held[0]!('please call me back about the invoice');
    await item.getByText('please call me back about the invoice').waitFor({ timeout: 10_000 });
  });
});
