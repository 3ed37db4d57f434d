/**
 * Voicemail transcription through the real platform: a caller (a SIP user agent with a WebRTC
 * peer) leaves a phrase spoken by a synthesizer ("please call me back about the invoice", see
 * test/support/spoken-phrase.ts); PocketSphinx, run after the call, finds at least two of its
 * words; the message goes pending -> done and the mailbox's events socket hears 'transcribed'.
 * PocketSphinx is asked for by name, so a machine without it fails here rather than skipping
 * (CI installs it). With stand-in engines: the deposit never waits for the transcription, a
 * failing engine leaves the message whole and 'failed', and a message still pending when the
 * platform stops is transcribed when it starts again. The HTTP provider, set up by its settings,
 * against a stand-in service.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { api, eventually, login, openEvents, registeredUa, startPlatform, type TestPlatform } from '../support/harness.js';
import type { SipUa } from '../support/sip-ua.js';
import { leaveMessage as leaveBobMessage } from '../support/voicemail-caller.js';
import { PHRASE, speakPhrase, wordsHeard } from '../support/spoken-phrase.js';
import { tone } from '../../server/media/opus-codec.js';
import type { SpeechAudio, Transcriber } from '../../server/voicemail/transcription/transcriber.js';

const VOICEMAIL_ON = { SWITCHBOARD_VOICEMAIL: '1' };

/** Bob (1002) is offline: `caller` leaves `pcm` in his voicemail. */
const leaveMessage = (caller: SipUa, pcm: Int16Array) => leaveBobMessage(caller, 'sip:1002@demo', pcm);

async function messages(t: TestPlatform, token: string): Promise<any[]> {
  const res = await api(t.url, 'GET', '/api/v2/domains/~/users/~/voicemails/new', { token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.items;
}

async function newMessage(t: TestPlatform, token: string, known: number): Promise<any> {
  const list = (await eventually(async () => { const m = await messages(t, token); return m.length > known ? m : null; }, 5000))!;
  return list[0];
}

async function getMessage(t: TestPlatform, token: string, id: string): Promise<any> {
  const res = await api(t.url, 'GET', `/api/v2/domains/~/users/~/voicemails/new/${id}`, { token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body;
}

/** An engine that does what each call is told: finish with a text, or fail. */
class StandInEngine implements Transcriber {
  readonly name = 'stand-in';
  readonly calls: Array<{ audio: SpeechAudio; signal: AbortSignal; finish(text: string): void; fail(err: Error): void }> = [];
  transcribe(audio: SpeechAudio, signal: AbortSignal): Promise<string> {
    return new Promise((resolve, reject) => {
      signal.addEventListener('abort', () => reject(new Error('aborted')));
      this.calls.push({ audio, signal, finish: resolve, fail: reject });
    });
  }
}

describe('voicemail transcription with PocketSphinx', () => {
  let t: TestPlatform;
  let alice: SipUa;
  let bobToken: string;
  before(async () => {
    t = await startPlatform({ env: { ...VOICEMAIL_ON, SWITCHBOARD_TRANSCRIBER: 'pocketsphinx' }, ringTimeoutMs: 1500, voicemailMaxMs: 10_000 });
    alice = await registeredUa(t, '1001');
    bobToken = await login(t.url, '1002@demo');
  });
  after(async () => { await alice.close(); await t.close(); });

  it('a spoken phrase left as a message is transcribed after the call with at least two of its words', async (ctx) => {
    const events = await openEvents(t, bobToken);
    try {
      const before = (await messages(t, bobToken)).length;
      await leaveMessage(alice, speakPhrase());
      const message = await newMessage(t, bobToken, before);
      const listedAt = Date.now();
      assert.ok(['pending', 'done'].includes(message.transcription_status), `listed as ${message.transcription_status}`);
      await events.next((e) => e.type === 'voicemail' && e.id === message.id && e.change === 'new', 5000);
      await events.next((e) => e.type === 'voicemail' && e.id === message.id && e.change === 'transcribed', 60_000);
      const tookMs = Date.now() - listedAt;
      const done = await getMessage(t, bobToken, message.id);
      assert.equal(done.transcription_status, 'done');
      const heard = wordsHeard(done.transcription);
      ctx.diagnostic(`"${PHRASE}" -> "${done.transcription}": ${heard.length} words (${heard.join(', ')}); ${done.duration_s} s of audio transcribed within ${(tookMs / 1000).toFixed(2)} s of being listed (${(tookMs / 1000 / done.duration_s).toFixed(2)} s per second of audio)`);
      assert.ok(heard.length >= 2, `at least two words of "${PHRASE}" in "${done.transcription}"`);
    } finally {
      events.close();
    }
  });
});

describe('voicemail transcription around the deposit', () => {
  let t: TestPlatform;
  let alice: SipUa;
  let bobToken: string;
  const engine = new StandInEngine();
  before(async () => {
    t = await startPlatform({ env: VOICEMAIL_ON, ringTimeoutMs: 1500, voicemailMaxMs: 5000, transcriber: engine });
    alice = await registeredUa(t, '1001');
    bobToken = await login(t.url, '1002@demo');
  });
  after(async () => { await alice.close(); await t.close(); });

  it('never holds up the deposit: the message is listed, pending, while its transcription runs; then done with the text', async () => {
    const events = await openEvents(t, bobToken);
    try {
      const before = (await messages(t, bobToken)).length;
      await leaveMessage(alice, tone(620, 1500));
      const message = await newMessage(t, bobToken, before);
      assert.equal(message.transcription_status, 'pending');
      assert.equal(message.transcription, null);
      await eventually(() => engine.calls.length === 1, 5000);
      // The engine got the message at 16 kHz.
      assert.equal(engine.calls[0]!.audio.wav.readUInt32LE(24), 16_000);
      assert.ok(Math.abs(engine.calls[0]!.audio.durationS - message.duration_s) < 0.1);
      assert.equal((await getMessage(t, bobToken, message.id)).transcription_status, 'pending', 'still pending while it runs');
      engine.calls[0]!.finish('call me back');
      await events.next((e) => e.type === 'voicemail' && e.id === message.id && e.change === 'transcribed', 5000);
      const done = await getMessage(t, bobToken, message.id);
      assert.equal(done.transcription_status, 'done');
      assert.equal(done.transcription, 'call me back');
    } finally {
      events.close();
    }
  });

  it('a failing engine leaves the message whole, marked failed', async () => {
    const events = await openEvents(t, bobToken);
    try {
      const before = (await messages(t, bobToken)).length;
      await leaveMessage(alice, tone(440, 1500));
      const message = await newMessage(t, bobToken, before);
      await eventually(() => engine.calls.length === 2, 5000);
      engine.calls[1]!.fail(new Error('the engine crashed'));
      await events.next((e) => e.type === 'voicemail' && e.id === message.id && e.change === 'transcribed', 5000);
      const failed = await getMessage(t, bobToken, message.id);
      assert.equal(failed.transcription_status, 'failed');
      assert.equal(failed.transcription, null);
      assert.equal(failed.folder, 'new');
      const audio = await fetch(`${t.url}${failed.audio_url}`, { headers: { authorization: `Bearer ${bobToken}` } });
      assert.equal(audio.status, 200);
      assert.equal((await audio.arrayBuffer()).byteLength, fs.statSync(t.platform.voicemail!.files.pathOf('demo', '1002', message.id)).size, 'the audio is all there');
      const count = await api(t.url, 'GET', '/api/v2/domains/~/users/~/voicemails/count', { token: bobToken });
      assert.equal(count.body.new, before + 1);
    } finally {
      events.close();
    }
  });
});

describe('voicemail transcription by an HTTP speech-to-text service', () => {
  let t: TestPlatform;
  let service: http.Server;
  const requests: Array<{ auth?: string; body: string }> = [];
  before(async () => {
    service = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        requests.push({ auth: req.headers.authorization, body: Buffer.concat(chunks).toString('latin1') });
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ text: 'please call me back' }));
      });
    });
    await new Promise<void>((r) => service.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(service.address() as { port: number }).port}/v1/audio/transcriptions`;
    t = await startPlatform({ env: { ...VOICEMAIL_ON, SWITCHBOARD_TRANSCRIBER: 'http', SWITCHBOARD_STT_URL: url, SWITCHBOARD_STT_KEY: 'stt-key', SWITCHBOARD_STT_MODEL: 'whisper-1' }, ringTimeoutMs: 1500 });
  });
  after(async () => { await t.close(); await new Promise<void>((r) => service.close(() => r())); });

  it('the settings name the service and its key; the message gets its answer', async () => {
    const alice = await registeredUa(t, '1001');
    try {
      const token = await login(t.url, '1002@demo');
      await leaveMessage(alice, tone(620, 1500));
      const { id } = await newMessage(t, token, 0);
      const done = await eventually(async () => { const m = await getMessage(t, token, id); return m.transcription_status === 'done' ? m : null; }, 10_000);
      assert.equal(done!.transcription, 'please call me back');
      assert.equal(requests.length, 1);
      assert.equal(requests[0]!.auth, 'Bearer stt-key');
      assert.match(requests[0]!.body, /name="model"\r\n\r\nwhisper-1/);
      assert.match(requests[0]!.body, /filename="message.wav"\r\nContent-Type: audio\/wav\r\n\r\nRIFF/);
    } finally {
      await alice.close();
    }
  });
});

describe('a transcription pending when the platform stops', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-stt-restart-'));
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('is aborted at the stop, left pending, and done by PocketSphinx after the restart', async () => {
    const engine = new StandInEngine();
    const first = await startPlatform({ dataDir, env: VOICEMAIL_ON, ringTimeoutMs: 1500, voicemailMaxMs: 10_000, transcriber: engine });
    let id: string;
    try {
      const alice = await registeredUa(first, '1001');
      const token = await login(first.url, '1002@demo');
      await leaveMessage(alice, speakPhrase());
      id = (await newMessage(first, token, 0)).id;
      await eventually(() => engine.calls.length === 1, 5000);
      await alice.close();
    } finally {
      await first.close();
    }
    assert.ok(engine.calls[0]!.signal.aborted, 'the stop aborted the running transcription');

    const second = await startPlatform({ dataDir, env: { ...VOICEMAIL_ON, SWITCHBOARD_TRANSCRIBER: 'pocketsphinx' } });
    try {
      const token = await login(second.url, '1002@demo');
      const done = await eventually(async () => {
        const m = await getMessage(second, token, id);
        assert.notEqual(m.transcription_status, 'failed');
        return m.transcription_status === 'done' ? m : null;
      }, 60_000);
      assert.ok(wordsHeard(done!.transcription).length >= 2, `at least two words of "${PHRASE}" in "${done!.transcription}"`);
    } finally {
      await second.close();
    }
  });
});
