/**
 * The werift media engine against a WebRTC peer (test/support/webrtc-peer.ts): it answers the peer's offer, the peer
 * hears the clip the engine plays (by its frequency), the engine hands on what the peer says as
 * Opus packets that decode to the peer's tone, digits arrive, and clips queue and interrupt.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { WeriftEngine } from '../../server/media/werift-engine.js';
import type { MediaSession } from '../../server/media/engine.js';
import { decodePackets, encodePcm, tone } from '../../server/media/opus-codec.js';
import { readOggOpus, OggOpusWriter } from '../../server/media/ogg-opus.js';
import { dominantTone, rms, TestPeer } from '../support/webrtc-peer.js';
import { eventually } from '../support/harness.js';

const TONES = [350, 440, 620, 880, 1000];

describe('the werift media engine', () => {
  const engine = new WeriftEngine({ loopbackOnly: true });
  let peer: TestPeer;
  let session: MediaSession;
  before(async () => {
    peer = new TestPeer();
    session = await engine.answer(await peer.offer());
    await peer.accept(session.answer);
  });
  after(async () => { session.close(); await peer.close(); });

  it('answers an offer with audio and its ICE candidates', () => {
    assert.match(session.answer, /^m=audio [1-9]\d* /m);
    assert.match(session.answer, /a=candidate:/);
    assert.match(session.answer, /opus\/48000/i);
    assert.equal(engine.sessions, 1);
  });

  it('plays a clip the peer hears at its frequency, packets sent as they are', async () => {
    const mark = peer.mark;
    assert.equal(await session.play(encodePcm(tone(880, 1000))), 'played');
    await eventually(() => peer.heard.length - mark >= 40_000, 3000);
    const heard = peer.heard.slice(mark + 9_600, mark + 38_400);
    assert.ok(rms(heard) > 1000, 'not silence');
    assert.equal(dominantTone(heard, TONES).frequency, 880);
  });

  it('hands on what the peer says as Opus packets that decode to its tone', async () => {
    const packets: Buffer[] = [];
    const stop = session.listen((p) => packets.push(p));
    peer.say(tone(620, 1500));
    await eventually(() => packets.length >= 75, 5000);
    stop();
    const pcm = decodePackets(packets);
    const middle = pcm.subarray(pcm.length - 48_000, pcm.length - 9_600);
    assert.equal(dominantTone(middle, TONES).frequency, 620);
    // Kept in an Ogg Opus file, they read back the same.
    const pages: Buffer[] = [];
    const writer = new OggOpusWriter((p) => pages.push(p));
    for (const p of packets) writer.add(p);
    writer.end();
    const back = readOggOpus(Buffer.concat(pages));
    assert.equal(back.packets.length, packets.length);
    assert.ok(Math.abs(back.samples / 48_000 - packets.length * 0.02) < 0.05);
  });

  it('queues clips one after another; a digit (RFC 4733 or SIP INFO) interrupts an interruptible one', async () => {
    const digits: string[] = [];
    session.onDigit((d) => digits.push(d));
    const long = session.play(encodePcm(tone(440, 3000)), { interruptible: true });
    const next = session.play(encodePcm(tone(350, 200)));
    setTimeout(() => void peer.press('5'), 300);
    assert.equal(await long, 'interrupted');
    assert.equal(await next, 'played');
    session.digit('#');
    assert.deepEqual(digits, ['5', '#'], 'one digit per press, however many packets carry it');
  });

  it('refuses an offer without audio, and a closed session plays nothing', async () => {
    await assert.rejects(engine.answer('v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\n'), /no audio/);
    const other = new TestPeer();
    const s = await engine.answer(await other.offer());
    s.close();
    await other.close();
    assert.equal(await s.play(encodePcm(tone(440, 100))), 'closed');
  });
});
