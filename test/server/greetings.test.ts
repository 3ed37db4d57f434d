/**
 * Voicemail greetings through the REST API and on a real call: a greeting typed as text, a WAV
 * and an mp3 upload (converted to Ogg Opus), renaming, making one active (exactly one; callers
 * hear it instead of the spoken default), deleting the active one (back to the default). And the
 * bad input: a file that is not audio, one over 10 MB, an unknown greeting, another user's.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { api, delay, eventually, login, registeredUa, startPlatform, type TestPlatform } from '../support/harness.js';
import type { SipUa } from '../support/sip-ua.js';
import { dominantTone, rms } from '../support/webrtc-peer.js';
import { beepHeard, callVoicemail, TONES } from '../support/voicemail-caller.js';
import { tone } from '../../server/media/opus-codec.js';
import { readOggOpus } from '../../server/media/ogg-opus.js';

const BASE = '/api/v2/domains/~/users/~/greetings';

/** A 16-bit mono WAV of `pcm` at `rate`. */
function wav(pcm: Int16Array, rate = 48_000): Buffer {
  const data = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
  const h = Buffer.alloc(44);
  h.write('RIFF', 0); h.writeUInt32LE(36 + data.length, 4); h.write('WAVE', 8);
  h.write('fmt ', 12); h.writeUInt32LE(16, 16); h.writeUInt16LE(1, 20); h.writeUInt16LE(1, 22);
  h.writeUInt32LE(rate, 24); h.writeUInt32LE(rate * 2, 28); h.writeUInt16LE(2, 32); h.writeUInt16LE(16, 34);
  h.write('data', 36); h.writeUInt32LE(data.length, 40);
  return Buffer.concat([h, data]);
}

async function upload(t: TestPlatform, token: string, body: Buffer, type: string, name = 'Uploaded'): Promise<{ status: number; body: any }> {
  const res = await fetch(`${t.url}${BASE}`, {
    method: 'POST', body: new Uint8Array(body),
    headers: { authorization: `Bearer ${token}`, 'content-type': type, 'x-greeting-name': encodeURIComponent(name), 'x-greeting-source': 'uploaded' },
  });
  return { status: res.status, body: await res.json() };
}

describe('voicemail greetings', () => {
  let t: TestPlatform;
  let alice: SipUa;
  let bob: string;
  before(async () => {
    t = await startPlatform({ env: { SWITCHBOARD_VOICEMAIL: '1' }, voicemailMaxMs: 3000 });
    alice = await registeredUa(t, '1001');
    bob = await login(t.url, '1002@demo');
  });
  after(async () => { await alice.close(); await t.close(); });

  it('a typed greeting is spoken; uploads are converted; rename; exactly one is active', async () => {
    const spoken = await api(t.url, 'POST', BASE, { token: bob, body: { name: 'Out of office', text: 'I am out of the office until Monday.' } });
    assert.equal(spoken.status, 201, JSON.stringify(spoken.body));
    assert.equal(spoken.body.index, 1);
    assert.equal(spoken.body.source, 'spoken');
    assert.ok(spoken.body.duration_s > 1, `${spoken.body.duration_s} s of speech`);
    assert.equal(spoken.body.active, false);

    const fromWav = await upload(t, bob, wav(tone(620, 1500)), 'audio/wav', 'Tone 620 — Zoë');
    assert.equal(fromWav.status, 201, JSON.stringify(fromWav.body));
    assert.equal(fromWav.body.name, 'Tone 620 — Zoë');
    assert.ok(Math.abs(fromWav.body.duration_s - 1.5) < 0.1, `${fromWav.body.duration_s} s`);
    // Stored as Ogg Opus, served with its type.
    const audio = await fetch(`${t.url}${fromWav.body.audio_url}`, { headers: { authorization: `Bearer ${bob}` } });
    assert.equal(audio.headers.get('content-type'), 'audio/ogg');
    assert.ok(readOggOpus(Buffer.from(await audio.arrayBuffer())).packets.length >= 70);

    // An mp3 (made by ffmpeg here) goes through the platform's ffmpeg.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'greeting-'));
    fs.writeFileSync(path.join(dir, 'in.wav'), wav(tone(880, 1000)));
    const made = spawnSync('ffmpeg', ['-loglevel', 'error', '-i', path.join(dir, 'in.wav'), path.join(dir, 'out.mp3')]);
    assert.equal(made.status, 0, 'ffmpeg (Debian package) is installed: .ci/run installs it');
    const fromMp3 = await upload(t, bob, fs.readFileSync(path.join(dir, 'out.mp3')), 'audio/mpeg', 'From mp3');
    fs.rmSync(dir, { recursive: true });
    assert.equal(fromMp3.status, 201, JSON.stringify(fromMp3.body));
    assert.ok(Math.abs(fromMp3.body.duration_s - 1) < 0.15, `${fromMp3.body.duration_s} s`);

    const renamed = await api(t.url, 'PATCH', `${BASE}/${fromMp3.body.index}`, { token: bob, body: { name: 'Short tone' } });
    assert.equal(renamed.body.name, 'Short tone');

    for (const index of [1, fromWav.body.index]) {
      assert.equal((await api(t.url, 'PATCH', `${BASE}/${index}`, { token: bob, body: { active: true } })).status, 200);
    }
    const list = await api(t.url, 'GET', BASE, { token: bob });
    assert.deepEqual(list.body.items.map((g: any) => [g.name, g.active]), [['Out of office', false], ['Tone 620 — Zoë', true], ['Short tone', false]]);
    assert.equal(list.body.voicemail_greeting_index, fromWav.body.index);
    assert.equal((await api(t.url, 'GET', '/api/v2/domains/~/users/~', { token: bob })).body.voicemail_greeting_index, fromWav.body.index);
  });

  it('the caller hears the active greeting, then the beep; deleting it brings back the default', async () => {
    const vm = await callVoicemail(alice, 'sip:1002@demo');
    await eventually(() => vm.peer.heard.length > 48_000, 10_000);
    const opening = vm.peer.heard.slice(9_600, 48_000);
    assert.ok(rms(opening) > 1000);
    assert.equal(dominantTone(opening, TONES).frequency, 620, 'the uploaded 620 Hz greeting');
    await beepHeard(vm.peer, 0);
    await vm.hangUp();

    const { voicemail_greeting_index: active } = (await api(t.url, 'GET', BASE, { token: bob })).body;
    assert.equal((await api(t.url, 'DELETE', `${BASE}/${active}`, { token: bob })).status, 204);
    const after = await api(t.url, 'GET', BASE, { token: bob });
    assert.equal(after.body.voicemail_greeting_index, 0);
    assert.equal(after.body.items.length, 2);
    const again = await callVoicemail(alice, 'sip:1002@demo');
    await eventually(() => again.peer.heard.length > 48_000, 10_000);
    assert.notEqual(dominantTone(again.peer.heard.slice(9_600, 48_000), TONES).share > 0.5 ? 620 : 0, 620, 'no longer the tone');
    await delay(100);
    await again.hangUp();
  });

  it('PATCH users/~ voicemail_greeting_index makes one active, or the default with 0; an unknown index changes nothing', async () => {
    const [first] = (await api(t.url, 'GET', BASE, { token: bob })).body.items;
    const set = await api(t.url, 'PATCH', '/api/v2/domains/~/users/~', { token: bob, body: { voicemail_greeting_index: first.index } });
    assert.equal(set.status, 200);
    assert.equal(set.body.voicemail_greeting_index, first.index);
    const bad = await api(t.url, 'PATCH', '/api/v2/domains/~/users/~', { token: bob, body: { voicemail_greeting_index: 99, ring_no_answer_timeout_s: 30 } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.field, 'voicemail_greeting_index');
    assert.match(bad.body.message, /no greeting 99/);
    const now = (await api(t.url, 'GET', '/api/v2/domains/~/users/~', { token: bob })).body;
    assert.equal(now.voicemail_greeting_index, first.index);
    assert.notEqual(now.ring_no_answer_timeout_s, 30, 'nothing in the refused body was applied');
    assert.equal((await api(t.url, 'PATCH', '/api/v2/domains/~/users/~', { token: bob, body: { voicemail_greeting_index: 0 } })).body.voicemail_greeting_index, 0);
  });

  it('refuses what is not audio, what is too large, a nameless upload, and others\' greetings; nothing is added', async () => {
    const before = (await api(t.url, 'GET', BASE, { token: bob })).body.items.length;
    const notAudio = await upload(t, bob, Buffer.from('%PDF-1.4 this is not a sound at all '.repeat(50)), 'audio/mpeg');
    assert.equal(notAudio.status, 415);
    assert.equal(notAudio.body.field, 'audio');
    assert.match(notAudio.body.message, /not audio/);
    const huge = await upload(t, bob, Buffer.alloc(11 * 1024 * 1024, 1), 'audio/wav');
    assert.equal(huge.status, 413);
    assert.match(huge.body.message, /10 MB/);
    const nameless = await fetch(`${t.url}${BASE}`, { method: 'POST', body: new Uint8Array(wav(tone(440, 500))), headers: { authorization: `Bearer ${bob}`, 'content-type': 'audio/wav' } });
    assert.equal(nameless.status, 400);
    assert.equal((await nameless.json()).field, 'name');
    const noText = await api(t.url, 'POST', BASE, { token: bob, body: { name: 'Empty', text: '   ' } });
    assert.equal(noText.status, 400);
    assert.equal(noText.body.field, 'text');
    assert.equal((await api(t.url, 'GET', BASE, { token: bob })).body.items.length, before);

    // Alice cannot list, play, change or delete Bob's greetings.
    const aliceToken = await login(t.url, '1001@demo');
    const bobs = '/api/v2/domains/~/users/1002/greetings';
    assert.equal((await api(t.url, 'GET', bobs, { token: aliceToken })).status, 403);
    assert.equal((await api(t.url, 'GET', `${bobs}/1/audio`, { token: aliceToken })).status, 403);
    assert.equal((await api(t.url, 'PATCH', `${bobs}/1`, { token: aliceToken, body: { active: true } })).status, 403);
    assert.equal((await api(t.url, 'DELETE', `${bobs}/1`, { token: aliceToken })).status, 403);
    assert.equal((await api(t.url, 'GET', `${BASE}/1`, { token: aliceToken })).status, 404, 'her own greeting 1 does not exist');
    assert.equal((await api(t.url, 'GET', `${BASE}/abc`, { token: bob })).status, 404);
    assert.equal((await api(t.url, 'GET', BASE, { token: bob })).body.items.length, before);
  });
});
