/**
 * The in-call options that involve more than two phones, against the real platform: blind and
 * attended transfer (REFER, RFC 3515; Replaces, RFC 3891), Switch Phone (INVITE with
 * Replaces from another device of mine), a conference mixed in the browser, and recording.
 * Real JsSIP phones in one page: 1001 Alice Anders, 1002 Bob Baker, 1004 Dan Diaz; 1005 Erin
 * Evans has no phone running.
 */
import { expect } from '@open-wc/testing';
import { CallRecording } from '../../../src/phone/call-recording.js';
import { ConferenceMixer } from '../../../src/phone/conference-mixer.js';
import { JsSipPhone } from '../../../src/phone/jssip-phone.js';
import { IncomingCallEvent, type PhoneCall } from '../../../src/phone/types.js';
import {
  audioBothWays,
  audioSender,
  connected,
  device,
  ended,
  lockDemoUsers,
  nextIncoming,
  nextOutgoing,
  peakLevel,
  play,
  rejection,
  sleep,
  unlockDemoUsers,
  waitFor,
} from './sip-test-support.js';

describe('JsSipPhone transfers, Switch Phone, conference and recording', function () {
  this.timeout(20_000);
  let alice: JsSipPhone;
  let bob: JsSipPhone;
  let dan: JsSipPhone;
  const live: PhoneCall[] = [];
  const players: HTMLAudioElement[] = [];

  /** `from` calls `to` (extension `number`) and `to` answers; both calls connected. */
  async function connect(from: JsSipPhone, to: JsSipPhone, number: string): Promise<{ out: PhoneCall; inc: PhoneCall }> {
    const incoming = nextIncoming(to);
    const out = from.call(number);
    live.push(out);
    const inc = await incoming;
    live.push(inc);
    await inc.answer();
    await connected(out);
    return { out, inc };
  }

  function track<T extends PhoneCall>(call: T): T {
    live.push(call);
    return call;
  }

  before(async function () {
    this.timeout(150_000); // the other file that registers demo phones may hold the lock
    await lockDemoUsers(import.meta.url);
    alice = new JsSipPhone();
    bob = new JsSipPhone();
    dan = new JsSipPhone();
    const [a, b, d] = await Promise.all([device('1001'), device('1002'), device('1004')]);
    alice.start(a);
    bob.start(b);
    dan.start(d);
    await waitFor('all registered', () => [alice, bob, dan].every((p) => p.registration === 'registered'));
  });

  afterEach(async () => {
    for (const call of live.splice(0)) call.hangup();
    for (const player of players.splice(0)) player.remove();
    // Let the BYEs go out before the next test places calls.
    await sleep(100);
  });

  after(async () => {
    await Promise.all([alice?.stop(), bob?.stop(), dan?.stop()]);
    await unlockDemoUsers(import.meta.url);
  });

  it('blind transfer: Bob transfers Alice to Dan, Alice and Dan talk, Bob is out', async () => {
    const { out: aliceBob, inc: bobAlice } = await connect(alice, bob, '1002');
    const aliceTransferred = nextOutgoing(alice);
    const danRings = nextIncoming(dan);

    const transfer = bobAlice.transfer('1004');
    expect(bobAlice.snapshot.transfer).to.equal('in-progress');
    const aliceDan = track(await aliceTransferred);
    expect(aliceDan.snapshot).to.include({ direction: 'outgoing', origin: 'transfer' });
    expect(aliceDan.snapshot.remote.number).to.equal('1004');
    const danAlice = track(await danRings);
    expect(danAlice.snapshot.remote).to.deep.equal({ number: '1001', name: 'Alice Anders' });
    expect(aliceBob.snapshot.status, 'Alice still has Bob while Dan rings').to.equal('connected');

    await danAlice.answer();
    await transfer;
    expect(bobAlice.snapshot).to.include({ status: 'ended', endReason: 'transferred', endMessage: 'Transferred to 1004', transfer: 'none' });
    await connected(aliceDan);
    expect(aliceDan.snapshot.remote).to.deep.equal({ number: '1004', name: 'Dan Diaz' });
    await ended(aliceBob);
    expect(aliceBob.snapshot).to.include({ endReason: 'transferred', endMessage: 'Transferred to Dan Diaz' });
    await audioBothWays(aliceDan, danAlice);
  });

  it('a transfer the target cannot take fails with the reason, and the call goes on', async () => {
    const { out: aliceBob, inc: bobAlice } = await connect(alice, bob, '1002');

    const aliceTries = nextOutgoing(alice);
    const error = await rejection(bobAlice.transfer('1005'));
    expect(error.message).to.equal('1005 is not available right now');
    expect(bobAlice.snapshot).to.include({ transfer: 'failed', transferError: '1005 is not available right now' });
    const attempt = track(await aliceTries);
    expect(attempt.snapshot).to.include({ status: 'ended', endReason: 'unavailable', origin: 'transfer' });
    // Bob held Alice for the transfer and takes her back.
    await connected(bobAlice);
    await waitFor('Alice no longer held', () => !aliceBob.snapshot.remoteHeld);
    expect(aliceBob.snapshot.status).to.equal('connected');

    const unknown = await rejection(bobAlice.transfer('4242'));
    expect(unknown.message).to.equal('No such number: 4242');
    await connected(bobAlice);
    await audioBothWays(aliceBob, bobAlice);
  });

  it('attended transfer: Bob consults Dan, then connects Alice and Dan', async () => {
    const { out: aliceBob, inc: bobAlice } = await connect(alice, bob, '1002');
    await bobAlice.hold();
    const { out: bobDan, inc: danBob } = await connect(bob, dan, '1004');
    const danCallId = danBob.id;
    const consultationDialog = danBob.dialog;
    const aliceTransferred = nextOutgoing(alice);
    let danRang = false;
    dan.addEventListener(IncomingCallEvent.eventName, () => (danRang = true), { once: true });

    await bobAlice.completeTransfer(bobDan);

    expect(bobAlice.snapshot).to.include({ status: 'ended', endReason: 'transferred', endMessage: 'Transferred to Dan Diaz' });
    await ended(bobDan);
    expect(bobDan.snapshot).to.include({ endReason: 'transferred', endMessage: 'Transferred to Alice Anders' });

    const aliceDan = track(await aliceTransferred);
    await connected(aliceDan);
    expect(aliceDan.snapshot.origin).to.equal('transfer');
    await ended(aliceBob);
    expect(aliceBob.snapshot.endReason).to.equal('transferred');

    // Dan's card stays: the same call, now with Alice on a new dialog (RFC 3891), no ringing.
    expect(danRang).to.equal(false);
    expect(danBob.id).to.equal(danCallId);
    expect(danBob.snapshot.status).to.equal('connected');
    expect(danBob.snapshot.remote).to.deep.equal({ number: '1001', name: 'Alice Anders' });
    expect(danBob.dialog?.callId).to.not.equal(consultationDialog?.callId);
    await audioBothWays(aliceDan, danBob);
  });

  it('attended transfer to a consultation Dan placed to Bob (Replaces tags from the other side)', async () => {
    const { out: aliceBob, inc: bobAlice } = await connect(alice, bob, '1002');
    await bobAlice.hold();
    const { out: danBob, inc: bobDan } = await connect(dan, bob, '1002');
    const aliceTransferred = nextOutgoing(alice);

    await bobAlice.completeTransfer(bobDan);

    const aliceDan = track(await aliceTransferred);
    await connected(aliceDan);
    await ended(bobDan);
    await ended(aliceBob);
    expect(danBob.snapshot).to.include({ status: 'connected', direction: 'outgoing' });
    expect(danBob.snapshot.remote.number).to.equal('1001');
    await audioBothWays(aliceDan, danBob);
  });

  it('Switch Phone: another device of Alice pulls her call with Bob', async () => {
    const phoneB = new JsSipPhone();
    phoneB.start(await device('1001'));
    try {
      await waitFor('second device registered', () => phoneB.registration === 'registered');
      const { out: aliceBob, inc: bobAlice } = await connect(alice, bob, '1002');
      const bobCallId = bobAlice.id;
      let bobRang = false;
      bob.addEventListener(IncomingCallEvent.eventName, () => (bobRang = true), { once: true });

      // The same dialog from both ends (RFC 3261 s12): what is local to one is remote to the other.
      const dialog = aliceBob.dialog;
      expect(dialog).to.not.equal(null);
      expect(bobAlice.dialog).to.deep.equal({ callId: dialog!.callId, localTag: dialog!.remoteTag, remoteTag: dialog!.localTag });
      const pulled = track(phoneB.callReplacing('1002', dialog!));
      expect(pulled.snapshot.origin).to.equal('switch');
      await connected(pulled);
      await ended(aliceBob);
      expect(aliceBob.snapshot).to.include({ endReason: 'moved', endMessage: 'Call moved to another device' });

      expect(bobRang).to.equal(false);
      expect(bobAlice.id).to.equal(bobCallId);
      expect(bobAlice.snapshot.status).to.equal('connected');
      expect(bobAlice.snapshot.remote).to.deep.equal({ number: '1001', name: 'Alice Anders' });
      await audioBothWays(pulled, bobAlice);
    } finally {
      await phoneB.stop();
    }
  });

  it('conference: Alice mixes Bob and Dan, who hear each other through her', async function () {
    this.timeout(30_000);
    const { out: aliceBob, inc: bobAlice } = await connect(alice, bob, '1002');
    const { out: aliceDan, inc: danAlice } = await connect(alice, dan, '1004');
    // The mix takes the parties' audio from these streams: Chrome wants them playing.
    players.push(play(aliceBob.remoteStream), play(aliceDan.remoteStream));
    await audioBothWays(aliceBob, bobAlice);
    await audioBothWays(aliceDan, danAlice);

    // Chromium's fake microphone beeps every 500 ms: any 600 ms window of a stream that
    // carries it has a beep. The path has two jitter buffers and a mix, and headless audio
    // can stall for a moment under load, so each check waits up to a few seconds for its state.
    const danHears = danAlice.remoteStream;
    const bobHears = bobAlice.remoteStream;
    players.push(play(danHears), play(bobHears));
    const waits: string[] = [];
    const level = async (stream: MediaStream | null, what: string, ok: (peak: number) => boolean) => {
      const t0 = performance.now();
      await waitFor(what, async () => ok(await peakLevel(stream, 600)), 5_000);
      waits.push(`${what}: ${Math.round(performance.now() - t0)} ms`);
    };
    const hears = (stream: MediaStream | null, what: string) => level(stream, what, (peak) => peak > 0.3);
    const silent = (stream: MediaStream | null, what: string) => level(stream, what, (peak) => peak < 0.01);

    await hears(danHears, 'Dan to hear Alice');
    // Alice muted and no mix yet: Dan hears nothing.
    aliceBob.setMuted(true);
    aliceDan.setMuted(true);
    await silent(danHears, 'Dan to hear nothing from muted Alice');

    const mixer = new ConferenceMixer();
    try {
      mixer.setMuted(true);
      mixer.add(aliceBob);
      mixer.add(aliceDan);
      await waitFor('the mix on both legs', () =>
        audioSender(aliceBob).track === mixer.outgoingTrack(aliceBob) && audioSender(aliceDan).track === mixer.outgoingTrack(aliceDan));
      expect(mixer.audioContext.state).to.equal('running');
      expect(aliceBob.localStream?.getAudioTracks()[0]).to.not.equal(audioSender(aliceBob).track);

      // Alice is still muted, yet Dan hears Bob and Bob hears Dan: through the mix only.
      await hears(danHears, 'Dan to hear Bob through the mix');
      await hears(bobHears, 'Bob to hear Dan through the mix');

      // Bob mutes: what Dan heard was Bob's voice.
      bobAlice.setMuted(true);
      await silent(danHears, 'Dan to hear nothing once Bob is muted too');

      // Alice unmutes: with Bob and Dan muted, what they hear is her voice.
      danAlice.setMuted(true);
      mixer.setMuted(false);
      expect(aliceBob.snapshot.muted).to.equal(false);
      await hears(danHears, 'Dan to hear Alice again');
      await hears(bobHears, 'Bob to hear Alice');

      console.log(`conference, time to each expected audio state: ${waits.join('; ')}`);

      // The conference recording: Alice's microphone and both parties.
      const recording = new CallRecording(mixer.recordingStream());
      recording.start();
      await sleep(1_000);
      const blob = await recording.stop();
      expect(blob.size).to.be.greaterThan(1_000);
    } finally {
      mixer.dispose();
    }
    await waitFor('microphones back', () =>
      audioSender(aliceBob).track === aliceBob.localStream?.getAudioTracks()[0] &&
      audioSender(aliceDan).track === aliceDan.localStream?.getAudioTracks()[0]);
  });

  it('records two seconds of a live call to WebM/Opus that decodes', async () => {
    const { out: aliceBob } = await connect(alice, bob, '1002');
    players.push(play(aliceBob.remoteStream));
    const recording = new CallRecording(aliceBob);
    const chunks: Blob[] = [];
    recording.ondata = (chunk) => chunks.push(chunk);
    recording.start();
    expect(recording.state).to.equal('recording');
    await sleep(2_000);
    expect(recording.durationS).to.be.within(1.9, 2.5);
    const blob = await recording.stop();
    expect(recording.state).to.equal('stopped');
    expect(blob.type).to.match(/^audio\/webm/);
    expect(blob.size).to.be.greaterThan(1_024);
    expect(chunks.length).to.be.at.least(2);
    const context = new AudioContext();
    try {
      const audio = await context.decodeAudioData(await blob.arrayBuffer());
      expect(audio.duration).to.be.within(1.5, 2.6);
    } finally {
      await context.close();
    }
  });
});
