/**
 * JsSipPhone against the real platform (started by web-test-runner.config.mjs): two phones in
 * one page, 1001 (Alice Anders) and 1002 (Bob Baker), calling each other with Chromium's fake
 * microphone over loopback.
 */
import { expect } from '@open-wc/testing';
import { JsSipPhone } from '../../../src/phone/jssip-phone.js';
import {
  CallChangeEvent,
  RegistrationEvent,
  type CallStatus,
  type PhoneCall,
  type RegistrationState,
} from '../../../src/phone/types.js';
import {
  audioSender,
  device,
  dropFlows,
  ended,
  lockDemoUsers,
  nextIncoming,
  packetsReceived,
  sleep,
  unlockDemoUsers,
  waitFor,
} from './sip-test-support.js';

/** The distinct statuses a call goes through, starting with the current one. */
function statusesOf(call: PhoneCall): CallStatus[] {
  const seen: CallStatus[] = [call.snapshot.status];
  call.addEventListener(CallChangeEvent.eventName, (e) => {
    const status = (e as CallChangeEvent).call.status;
    if (seen[seen.length - 1] !== status) seen.push(status);
  });
  return seen;
}

function registrationsOf(phone: JsSipPhone): RegistrationState[] {
  const seen: RegistrationState[] = [];
  phone.addEventListener(RegistrationEvent.eventName, (e) => {
    const state = (e as RegistrationEvent).state;
    if (seen[seen.length - 1] !== state) seen.push(state);
  });
  return seen;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe('JsSipPhone with the platform', function () {
  this.timeout(20_000);
  let alice: JsSipPhone;
  let bob: JsSipPhone;
  const live: PhoneCall[] = [];

  /** Alice calls Bob and Bob answers; resolves with both calls connected. */
  async function connectedCall(): Promise<{ out: PhoneCall; inc: PhoneCall }> {
    const incoming = nextIncoming(bob);
    const out = alice.call('1002');
    const inc = await incoming;
    live.push(out, inc);
    await inc.answer();
    await waitFor('caller connected', () => out.snapshot.status === 'connected');
    return { out, inc };
  }

  before(async function () {
    this.timeout(150_000); // the other file that registers demo phones may hold the lock
    await lockDemoUsers(import.meta.url);
    alice = new JsSipPhone();
    bob = new JsSipPhone();
    const [a, b] = await Promise.all([device('1001'), device('1002')]);
    alice.start(a);
    bob.start(b);
    await waitFor('both registered', () => alice.registration === 'registered' && bob.registration === 'registered');
  });

  afterEach(async () => {
    for (const call of live.splice(0)) call.hangup();
  });

  after(async () => {
    await Promise.all([alice?.stop(), bob?.stop()]);
    await unlockDemoUsers(import.meta.url);
  });

  it('registers both phones', () => {
    expect(alice.registration).to.equal('registered');
    expect(bob.registration).to.equal('registered');
  });

  it('connects a call with audio both ways, mutes, holds, resumes, sends DTMF and hangs up', async () => {
    const incoming = nextIncoming(bob);
    const out = alice.call('1002');
    const outStatuses = statusesOf(out);
    const inc = await incoming;
    live.push(out, inc);
    const incStatuses = statusesOf(inc);
    expect(inc.snapshot.direction).to.equal('incoming');
    expect(inc.snapshot.remote).to.deep.equal({ number: '1001', name: 'Alice Anders' });
    expect(out.snapshot.remote.number).to.equal('1002');
    await waitFor('ringing', () => out.snapshot.status === 'ringing');

    await inc.answer();
    await waitFor('caller connected', () => out.snapshot.status === 'connected');
    expect(outStatuses).to.deep.equal(['calling', 'ringing', 'connected']);
    expect(incStatuses).to.deep.equal(['incoming', 'connecting', 'connected']);
    expect(out.snapshot.connectedAt).to.be.a('number');
    expect(out.remoteStream?.getAudioTracks()).to.have.length(1);
    expect(inc.remoteStream?.getAudioTracks()).to.have.length(1);

    await waitFor('RTP at the callee', async () => (await packetsReceived(inc)) > 0);
    await waitFor('RTP at the caller', async () => (await packetsReceived(out)) > 0);

    out.setMuted(true);
    expect(out.snapshot.muted).to.equal(true);
    expect(audioSender(out).track!.enabled).to.equal(false);
    out.setMuted(false);
    expect(out.snapshot.muted).to.equal(false);
    expect(audioSender(out).track!.enabled).to.equal(true);

    await out.hold();
    expect(out.snapshot.status).to.equal('held');
    await waitFor('callee sees remote hold', () => inc.snapshot.remoteHeld);
    expect(inc.snapshot.status).to.equal('connected');
    await out.resume();
    expect(out.snapshot.status).to.equal('connected');
    await waitFor('callee sees resume', () => !inc.snapshot.remoteHeld);

    // JsSIP refuses a second re-INVITE while one is pending; ours are queued, none dropped.
    await Promise.all([out.hold(), out.resume(), out.hold()]);
    expect(out.snapshot.status).to.equal('held');
    await out.resume();

    // DTMF goes as SIP INFO through the platform, so the other phone sees the digits.
    out.sendDtmf('5');
    out.sendDtmf('#');
    expect(out.snapshot.dtmf).to.equal('5#');
    await waitFor('the callee to receive the digits', () => inc.snapshot.dtmfReceived === '5#');

    out.hangup();
    await ended(inc);
    expect(out.snapshot).to.include({ status: 'ended', endReason: 'hangup' });
    expect(inc.snapshot).to.include({ status: 'ended', endReason: 'remote-hangup', endMessage: 'Alice Anders hung up' });
    expect(await out.getStats()).to.equal(null);
  });

  it('mutes before answering and keeps the track disabled once media is up', async () => {
    const incoming = nextIncoming(bob);
    const out = alice.call('1002');
    const inc = await incoming;
    live.push(out, inc);
    inc.setMuted(true);
    await inc.answer();
    expect(inc.snapshot.muted).to.equal(true);
    expect(audioSender(inc).track!.enabled).to.equal(false);
  });

  it('tells the caller when the callee declines', async () => {
    const incoming = nextIncoming(bob);
    const out = alice.call('1002');
    const inc = await incoming;
    live.push(out, inc);
    inc.decline();
    expect(inc.snapshot).to.include({ status: 'ended', endReason: 'declined', endMessage: 'Call declined' });
    await ended(out);
    expect(out.snapshot).to.include({ endReason: 'declined', endMessage: 'Bob Baker declined the call' });
  });

  it('tells the callee when the caller gives up', async () => {
    const incoming = nextIncoming(bob);
    const out = alice.call('1002');
    const inc = await incoming;
    live.push(out, inc);
    await waitFor('ringing', () => out.snapshot.status === 'ringing');
    out.hangup();
    expect(out.snapshot).to.include({ status: 'ended', endReason: 'cancelled' });
    await ended(inc);
    expect(inc.snapshot).to.include({ endReason: 'cancelled', endMessage: 'Missed call from Alice Anders' });
  });

  it('reports an extension with no registered device as unavailable', async () => {
    const out = alice.call('1004');
    live.push(out);
    await ended(out);
    expect(out.snapshot).to.include({ endReason: 'unavailable', endMessage: '1004 is not available right now' });
  });

  it('reports an unknown number as not found', async () => {
    const out = alice.call('4242');
    live.push(out);
    await ended(out);
    expect(out.snapshot).to.include({ endReason: 'not-found', endMessage: 'No such number: 4242' });
  });

  it('reports a number outside the organisation as not set up, not as an unknown number', async () => {
    const out = alice.call('5551234567');
    live.push(out);
    await ended(out);
    expect(out.snapshot).to.include({ endReason: 'outside', endMessage: 'Calls to outside numbers are not set up on this phone system' });
  });

  it('switches the microphone of a live call, keeping it muted', async () => {
    const inputs = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput');
    const microphone = inputs[inputs.length - 1]?.deviceId ?? '';
    const { out } = await connectedCall();
    const before = audioSender(out).track!;
    out.setMuted(true);
    alice.setAudioDevices({ microphone, speaker: 'speaker-1', ringer: '' });
    expect(alice.audioDevices).to.deep.equal({ microphone, speaker: 'speaker-1', ringer: '' });
    await waitFor('the new microphone track', () => audioSender(out).track !== before);
    expect(before.readyState).to.equal('ended');
    expect(audioSender(out).track!.enabled).to.equal(false);
    alice.setAudioDevices({ microphone: '', speaker: '', ringer: '' });
  });

  it('reports credentials the platform refuses as failed, without retrying', async () => {
    const creds = await device('1004');
    const phone = new JsSipPhone();
    const states = registrationsOf(phone);
    phone.start({ ...creds, password: 'not-the-password' });
    await waitFor('failed', () => phone.registration === 'failed');
    expect(states).to.deep.equal(['connecting', 'failed']);
    await phone.stop();
    expect(phone.registration).to.equal('offline');
  });

  it('measures call set-up time (median of 5)', async () => {
    const toIncoming: number[] = [];
    const toConnected: number[] = [];
    for (let i = 0; i < 5; i++) {
      const incoming = nextIncoming(bob);
      const t0 = performance.now();
      const out = alice.call('1002');
      const inc = await incoming;
      toIncoming.push(performance.now() - t0);
      live.push(out, inc);
      await inc.answer();
      await waitFor('caller connected', () => out.snapshot.status === 'connected', 5_000);
      toConnected.push(performance.now() - t0);
      out.hangup();
      await ended(inc);
    }
    console.log(`call set-up on loopback: call() -> IncomingCallEvent median ${median(toIncoming).toFixed(0)} ms ` +
      `[${toIncoming.map((v) => v.toFixed(0)).join(', ')}]; call() -> both connected (answered at once) median ` +
      `${median(toConnected).toFixed(0)} ms [${toConnected.map((v) => v.toFixed(0)).join(', ')}]`);
  });

  it('reconnects and registers again by itself when the socket drops', async () => {
    const states = registrationsOf(alice);
    expect(await dropFlows('1001')).to.be.greaterThan(0);
    await waitFor('connecting', () => alice.registration === 'connecting', 2_000);
    await waitFor('registered again', () => alice.registration === 'registered', 10_000);
    expect(states[0]).to.equal('connecting');
    expect(states[states.length - 1]).to.equal('registered');

    // The new flow is the one calls reach.
    const incoming = nextIncoming(alice);
    const out = bob.call('1001');
    live.push(out);
    const inc = await incoming;
    live.push(inc);
    expect(inc.snapshot.remote).to.deep.equal({ number: '1002', name: 'Bob Baker' });
  });

  it('back online with the socket down, registers again at once instead of waiting out the backoff', async () => {
    // The window's `online` event, here from a target of the test's own; JsSIP's first
    // reconnect is 10 s away, so only the online handler can register it sooner.
    const network = new EventTarget();
    const erin = new JsSipPhone({ network, recovery: { minS: 10, maxS: 30 } });
    try {
      erin.start(await device('1005'));
      await waitFor('registered', () => erin.registration === 'registered');
      const states = registrationsOf(erin);
      network.dispatchEvent(new Event('online'));
      await sleep(300);
      expect(states, 'online while connected changes nothing').to.deep.equal([]);

      expect(await dropFlows('1005')).to.be.greaterThan(0);
      await waitFor('connecting', () => erin.registration === 'connecting', 2_000);
      await sleep(500);
      expect(erin.registration, 'JsSIP waits out its backoff').to.equal('connecting');
      const t0 = performance.now();
      network.dispatchEvent(new Event('online'));
      await waitFor('registered again', () => erin.registration === 'registered', 3_000);
      console.log(`back online -> registered again in ${Math.round(performance.now() - t0)} ms`);
      expect(states[states.length - 1]).to.equal('registered');
    } finally {
      await erin.stop();
    }
  });

  it('hangs up, unregisters and goes offline on stop()', async () => {
    const { out, inc } = await connectedCall();
    const states = registrationsOf(bob);
    const t0 = performance.now();
    await bob.stop();
    expect(performance.now() - t0, 'stop() duration in ms').to.be.below(1_000);
    expect(bob.registration).to.equal('offline');
    expect(states).to.deep.equal(['offline']);
    expect(inc.snapshot).to.include({ status: 'ended', endReason: 'hangup' });
    await ended(out);
    expect(out.snapshot.endReason).to.equal('remote-hangup');
    // Nobody is registered for 1002 any more.
    const again = alice.call('1002');
    live.push(again);
    await ended(again);
    expect(again.snapshot.endReason).to.equal('unavailable');
  });
});
