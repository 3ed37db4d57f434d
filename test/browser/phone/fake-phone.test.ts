/**
 * The fake phone that tests of state, controllers and views drive: it must follow the same
 * state machine and say the same things as the JsSIP adapter.
 */
import { expect } from '@open-wc/testing';
import { FakeCall, FakePhone } from '../../../src/phone/fake-phone.js';
import {
  CallChangeEvent,
  IncomingCallEvent,
  OutgoingCallEvent,
  RegistrationEvent,
  type CallSnapshot,
  type RegistrationState,
  type SipCredentials,
} from '../../../src/phone/types.js';

const CREDS: SipCredentials = {
  uri: 'sip:1001@demo',
  authorizationUser: '1001-abcd',
  password: 'secret',
  websocketUrl: 'ws://127.0.0.1:1/sip',
  displayName: 'Alice Anders',
  userAgent: 'test',
};

function snapshotsOf(call: FakeCall): CallSnapshot[] {
  const seen: CallSnapshot[] = [];
  call.addEventListener(CallChangeEvent.eventName, (e) => seen.push((e as CallChangeEvent).call));
  return seen;
}

/** The error `promise` rejects with (fails the test if it resolves). */
async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the promise to reject');
}

async function startedPhone(options: ConstructorParameters<typeof FakePhone>[0] = {}): Promise<FakePhone> {
  const phone = new FakePhone(options);
  phone.start(CREDS);
  await Promise.resolve();
  return phone;
}

describe('FakePhone', () => {
  it('registers on start() and goes offline on stop(), firing RegistrationEvents', async () => {
    const phone = new FakePhone();
    const states: RegistrationState[] = [];
    phone.addEventListener(RegistrationEvent.eventName, (e) => states.push((e as RegistrationEvent).state));
    expect(phone.registration).to.equal('offline');
    phone.start(CREDS);
    expect(phone.registration).to.equal('connecting');
    await Promise.resolve();
    expect(phone.registration).to.equal('registered');
    await phone.stop();
    expect(states).to.deep.equal(['connecting', 'registered', 'offline']);
    expect(phone.starts).to.deep.equal([CREDS]);
    expect(phone.stopCount).to.equal(1);
  });

  it('lets the test script registration (autoRegister: false)', async () => {
    const phone = await startedPhone({ autoRegister: false });
    expect(phone.registration).to.equal('connecting');
    phone.simulateRegistration('failed', 'bad password');
    expect(phone.registration).to.equal('failed');
    phone.simulateRegistration('connecting');
    phone.simulateRegistration('registered');
    expect(phone.registration).to.equal('registered');
  });

  it('refuses to call before start()', () => {
    expect(() => new FakePhone().call('1002')).to.throw(/not started/);
  });

  it('places an outgoing call through calling, ringing, connected and hangs up', async () => {
    const phone = await startedPhone({ directory: { '1002': 'Bob Baker' } });
    const call = phone.call('1002');
    const seen = snapshotsOf(call);
    expect(phone.dialled).to.deep.equal(['1002']);
    expect(phone.lastCall).to.equal(call);
    expect(call.snapshot).to.include({ direction: 'outgoing', status: 'calling', connectedAt: null });
    expect(call.snapshot.remote).to.deep.equal({ number: '1002', name: 'Bob Baker' });
    call.simulateRinging();
    call.simulateRemoteAnswer();
    expect(call.snapshot.connectedAt).to.be.a('number');
    call.hangup();
    expect(seen.map((s) => s.status)).to.deep.equal(['ringing', 'connected', 'ended']);
    expect(call.snapshot).to.include({ endReason: 'hangup', endMessage: 'Call ended' });
    expect(call.requested('hangup')).to.have.length(1);
  });

  it('produces a new frozen snapshot on every change', async () => {
    const phone = await startedPhone();
    const call = phone.call('1002');
    const first = call.snapshot;
    call.simulateRemoteAnswer();
    expect(call.snapshot).to.not.equal(first);
    expect(first.status).to.equal('calling');
    expect(Object.isFrozen(call.snapshot)).to.equal(true);
    expect(Object.isFrozen(call.snapshot.remote)).to.equal(true);
  });

  it('rings an incoming call and records answer()', async () => {
    const phone = await startedPhone();
    let announced: unknown;
    phone.addEventListener(IncomingCallEvent.eventName, (e) => (announced = (e as IncomingCallEvent).call));
    const call = phone.simulateIncoming({ number: '1001', name: 'Alice Anders' });
    expect(announced).to.equal(call);
    expect(call.snapshot).to.include({ direction: 'incoming', status: 'incoming' });
    const seen = snapshotsOf(call);
    await call.answer();
    expect(seen.map((s) => s.status)).to.deep.equal(['connecting', 'connected']);
    expect(call.requested('answer')).to.have.length(1);
    expect((await rejection(call.answer())).message).to.match(/Cannot answer/);
  });

  it('stays connecting after answer() until media is up (answerConnects: false)', async () => {
    const phone = await startedPhone({ answerConnects: false });
    const call = phone.simulateIncoming({ number: '1001' });
    let answered = false;
    const answering = call.answer().then(() => (answered = true));
    await Promise.resolve();
    expect(call.snapshot.status).to.equal('connecting');
    expect(answered).to.equal(false);
    call.simulateMediaUp();
    await answering;
    expect(call.snapshot.status).to.equal('connected');
  });

  it('records decline() and ends with the words the user sees', async () => {
    const phone = await startedPhone();
    const call = phone.simulateIncoming({ number: '1001', name: 'Alice Anders' });
    call.decline();
    expect(call.snapshot).to.include({ status: 'ended', endReason: 'declined', endMessage: 'Call declined' });
    expect(call.requested('decline')).to.have.length(1);
  });

  it('reports missed and answered-elsewhere incoming calls', async () => {
    const phone = await startedPhone();
    const missed = phone.simulateIncoming({ number: '1001', name: 'Alice Anders' });
    missed.simulateCancel();
    expect(missed.snapshot).to.include({ endReason: 'cancelled', endMessage: 'Missed call from Alice Anders' });
    const elsewhere = phone.simulateIncoming({ number: '1001' });
    elsewhere.simulateAnsweredElsewhere();
    expect(elsewhere.snapshot).to.include({ endReason: 'answered-elsewhere', endMessage: 'Answered on another device' });
  });

  it('maps failures by reason or SIP status to the same messages as the real phone', async () => {
    const phone = await startedPhone({ directory: { '1002': 'Bob Baker' } });
    const busy = phone.call('1002');
    busy.simulateFailure('busy');
    expect(busy.snapshot).to.include({ endReason: 'busy', endMessage: 'Bob Baker is busy' });
    const unavailable = phone.call('1009');
    unavailable.simulateFailure(480);
    expect(unavailable.snapshot).to.include({ endReason: 'unavailable', endMessage: '1009 is not available right now' });
    const missing = phone.call('4242');
    missing.simulateFailure(404);
    expect(missing.snapshot).to.include({ endReason: 'not-found', endMessage: 'No such number: 4242' });
    const broken = phone.call('1002');
    broken.simulateFailure(503);
    expect(broken.snapshot).to.include({ endReason: 'failed', endMessage: 'Call failed (503)' });
  });

  it('hanging up before the answer cancels the call', async () => {
    const phone = await startedPhone();
    const call = phone.call('1002');
    call.simulateRinging();
    call.hangup();
    expect(call.snapshot).to.include({ endReason: 'cancelled', endMessage: 'Call cancelled' });
  });

  it('tells the UI when the other side hangs up', async () => {
    const phone = await startedPhone({ directory: { '1002': 'Bob Baker' } });
    const call = phone.call('1002');
    call.simulateRemoteAnswer();
    call.simulateRemoteHangup();
    expect(call.snapshot).to.include({ endReason: 'remote-hangup', endMessage: 'Bob Baker hung up' });
  });

  it('holds and resumes, records mute and DTMF, and shows remote hold', async () => {
    const phone = await startedPhone();
    const call = phone.call('1002');
    call.simulateRemoteAnswer();
    call.setMuted(true);
    expect(call.snapshot.muted).to.equal(true);
    await call.hold();
    expect(call.snapshot.status).to.equal('held');
    await call.resume();
    expect(call.snapshot.status).to.equal('connected');
    call.sendDtmf('5');
    call.sendDtmf('#');
    expect(call.snapshot.dtmf).to.equal('5#');
    expect(() => call.sendDtmf('x')).to.throw(RangeError);
    call.simulateRemoteHold(true);
    expect(call.snapshot.remoteHeld).to.equal(true);
    expect(call.actions).to.deep.equal([
      { type: 'mute', muted: true },
      { type: 'hold' },
      { type: 'resume' },
      { type: 'dtmf', tone: '5' },
      { type: 'dtmf', tone: '#' },
    ]);
  });

  it('keeps hold pending until the test completes it (reofferCompletes: false)', async () => {
    const phone = await startedPhone({ reofferCompletes: false });
    const call = phone.call('1002');
    call.simulateRemoteAnswer();
    const holding = call.hold();
    expect(call.snapshot.status).to.equal('connected');
    call.completeReoffer();
    await holding;
    expect(call.snapshot.status).to.equal('held');
    const resuming = call.resume();
    call.simulateRemoteHangup();
    expect((await rejection(resuming)).message).to.match(/ended/);
  });

  it('refuses hold before the call is connected', async () => {
    const phone = await startedPhone();
    const call = phone.call('1002');
    expect((await rejection(call.hold())).message).to.match(/Cannot hold a call that is calling/);
  });

  it('ignores changes after the end: the final snapshot stays final', async () => {
    const phone = await startedPhone();
    const call = phone.call('1002');
    call.simulateRemoteAnswer();
    call.hangup();
    const final = call.snapshot;
    call.simulateRemoteHangup();
    call.setMuted(true);
    call.sendDtmf('1');
    expect(call.snapshot).to.equal(final);
  });

  it('stop() hangs up live calls', async () => {
    const phone = await startedPhone();
    const call = phone.call('1002');
    call.simulateRemoteAnswer();
    await phone.stop();
    expect(call.snapshot).to.include({ status: 'ended', endReason: 'hangup' });
    expect(phone.registration).to.equal('offline');
  });

  it('keeps the chosen audio devices', async () => {
    const phone = await startedPhone();
    const devices = { microphone: 'mic-2', speaker: 'spk-1', ringer: '' };
    phone.setAudioDevices(devices);
    expect(phone.audioDevices).to.deep.equal(devices);
    expect(phone.deviceChanges).to.deep.equal([devices]);
  });

  it('starts with origin normal and no transfer', async () => {
    const phone = await startedPhone();
    expect(phone.call('1002').snapshot).to.include({ origin: 'normal', transfer: 'none', transferError: '' });
  });

  it('blind transfer: pending until the test says how it went, then ends as transferred', async () => {
    const phone = await startedPhone();
    const call = phone.call('1002');
    call.simulateRemoteAnswer();
    const seen = snapshotsOf(call);
    const transfer = call.transfer('1004');
    expect(call.snapshot.transfer).to.equal('in-progress');
    expect(call.requested('transfer')).to.deep.equal([{ type: 'transfer', target: '1004' }]);
    call.simulateTransferResult('ok');
    await transfer;
    expect(call.snapshot).to.include({ status: 'ended', endReason: 'transferred', endMessage: 'Transferred to 1004', transfer: 'none' });
    expect(seen.map((s) => s.transfer)).to.deep.equal(['in-progress', 'none']);
  });

  it('a failed transfer rejects with the words the real phone uses, and the call stays', async () => {
    const phone = await startedPhone();
    const call = phone.call('1002');
    call.simulateRemoteAnswer();
    const cases: Array<[Parameters<FakeCall['simulateTransferResult']>[0], string, string]> = [
      ['busy', '1004', '1004 is busy'],
      ['not-found', '4242', 'No such number: 4242'],
      ['unavailable', '1005', '1005 is not available right now'],
      ['refused', '1004', 'The other phone refused the transfer'],
      ['timeout', '1004', 'The transfer to 1004 timed out'],
      [500, '1004', 'The transfer to 1004 failed (500)'],
    ];
    for (const [result, target, message] of cases) {
      const transfer = call.transfer(target);
      call.simulateTransferResult(result);
      expect((await rejection(transfer)).message).to.equal(message);
      expect(call.snapshot).to.include({ status: 'connected', transfer: 'failed', transferError: message });
    }
    expect(() => call.simulateTransferResult('ok')).to.throw(/No transfer is pending/);
  });

  it('refuses to transfer a call that is not connected, or twice at once', async () => {
    const phone = await startedPhone();
    const call = phone.call('1002');
    expect((await rejection(call.transfer('1004'))).message).to.match(/Cannot transfer a call that is calling/);
    call.simulateRemoteAnswer();
    const first = call.transfer('1004');
    expect((await rejection(call.transfer('1005'))).message).to.match(/already under way/);
    call.simulateRemoteHangup();
    expect((await rejection(first)).message).to.match(/ended before the transfer completed/);
  });

  it('attended transfer ends both calls, or leaves both as they were', async () => {
    const phone = await startedPhone();
    const original = phone.simulateIncoming({ number: '1001', name: 'Alice Anders' });
    await original.answer();
    await original.hold();
    const consultation = phone.call('1004');
    consultation.simulateRemoteIdentity({ number: '1004', name: 'Dan Diaz' });
    consultation.simulateRemoteAnswer();

    const failing = original.completeTransfer(consultation);
    expect(consultation.snapshot.transfer).to.equal('in-progress');
    original.simulateTransferResult('busy');
    expect((await rejection(failing)).message).to.equal('Dan Diaz is busy');
    expect(original.snapshot.status).to.equal('held');
    expect(consultation.snapshot).to.include({ status: 'connected', transfer: 'failed' });

    const done = original.completeTransfer(consultation);
    expect(original.requested('complete-transfer')).to.have.length(2);
    expect(original.requested('complete-transfer')[1]).to.deep.equal({ type: 'complete-transfer', consultation: consultation.id });
    original.simulateTransferResult('ok');
    await done;
    expect(original.snapshot).to.include({ endReason: 'transferred', endMessage: 'Transferred to Dan Diaz' });
    expect(consultation.snapshot).to.include({ endReason: 'transferred', endMessage: 'Transferred to Alice Anders' });
  });

  it('being transferred: a new outgoing call with origin transfer replaces the old one once it connects', async () => {
    const phone = await startedPhone();
    const old = phone.call('1002');
    old.simulateRemoteAnswer();
    let announced: unknown;
    phone.addEventListener(OutgoingCallEvent.eventName, (e) => (announced = (e as OutgoingCallEvent).call));
    const next = phone.simulateTransferredCall({ number: '1004', name: 'Dan Diaz' }, old);
    expect(announced).to.equal(next);
    expect(next.snapshot).to.include({ direction: 'outgoing', status: 'calling', origin: 'transfer' });
    next.simulateRinging();
    expect(old.snapshot.status).to.equal('connected');
    next.simulateRemoteAnswer();
    expect(old.snapshot).to.include({ status: 'ended', endReason: 'transferred', endMessage: 'Transferred to Dan Diaz' });

    const stays = phone.call('1002');
    stays.simulateRemoteAnswer();
    phone.simulateTransferredCall({ number: '1005' }, stays).simulateFailure(480);
    expect(stays.snapshot.status).to.equal('connected');
  });

  it('Switch Phone: callReplacing() places a switch call; the pulled call ends as moved', async () => {
    const phone = await startedPhone({ directory: { '1002': 'Bob Baker' } });
    const dialog = { callId: 'abc@host', localTag: 'l1', remoteTag: 'r1' };
    const pulled = phone.callReplacing('1002', dialog);
    expect(phone.replacing).to.deep.equal([{ target: '1002', dialog }]);
    expect(pulled.snapshot).to.include({ direction: 'outgoing', origin: 'switch' });
    expect(pulled.snapshot.remote).to.deep.equal({ number: '1002', name: 'Bob Baker' });

    const mine = phone.call('1002');
    expect(mine.dialog).to.equal(null);
    mine.simulateRemoteAnswer();
    expect(mine.dialog).to.have.keys(['callId', 'localTag', 'remoteTag']);
    mine.simulateMoved();
    expect(mine.snapshot).to.include({ endReason: 'moved', endMessage: 'Call moved to another device' });
  });

  it('a call replaced by an INVITE with Replaces keeps its id and card, with the new party', async () => {
    const phone = await startedPhone();
    const call = phone.simulateIncoming({ number: '1002', name: 'Bob Baker' });
    await call.answer();
    const dialog = call.dialog;
    const seen = snapshotsOf(call);
    const stream = new MediaStream();
    call.simulateReplaced({ number: '1001', name: 'Alice Anders' }, stream);
    expect(call.snapshot).to.include({ status: 'connected' });
    expect(call.snapshot.remote).to.deep.equal({ number: '1001', name: 'Alice Anders' });
    expect(call.remoteStream).to.equal(stream);
    expect(call.dialog).to.not.deep.equal(dialog);
    expect(seen.length).to.be.greaterThan(0);
    const before = seen.length;
    call.simulateReplaced(); // the same party moved devices: still one change event
    expect(seen.length).to.equal(before + 1);
  });

  it('records setOutgoingAudio() and exposes the local stream', async () => {
    const phone = await startedPhone();
    const call = phone.call('1002');
    call.simulateRemoteAnswer();
    const mic = new MediaStream();
    call.simulateLocalStream(mic);
    expect(call.localStream).to.equal(mic);
    const track = new AudioContext().createMediaStreamDestination().stream.getAudioTracks()[0]!;
    await call.setOutgoingAudio(track);
    expect(call.outgoingAudio).to.equal(track);
    await call.setOutgoingAudio(null);
    expect(call.requested('outgoing-audio')).to.deep.equal([
      { type: 'outgoing-audio', track },
      { type: 'outgoing-audio', track: null },
    ]);
    call.hangup();
    expect(call.localStream).to.equal(null);
  });
});
