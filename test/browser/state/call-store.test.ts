import { expect } from '@open-wc/testing';
import { FakePhone } from '../../../src/phone/fake-phone.js';
import { CallStore, HoldReminderEvent, RingingEvent, type Mixer } from '../../../src/state/call-store.js';
import type { PhoneCall } from '../../../src/phone/types.js';
import { until } from '../components/helpers.js';

class FakeMixer implements Mixer {
  legs: PhoneCall[] = [];
  muted = false;
  disposed = false;
  add(call: PhoneCall) { this.legs.push(call); }
  remove(call: PhoneCall) { this.legs = this.legs.filter((l) => l !== call); }
  setMuted(m: boolean) { this.muted = m; }
  dispose() { this.disposed = true; }
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('CallStore', () => {
  let phone: FakePhone;
  let store: CallStore;

  beforeEach(() => {
    phone = new FakePhone();
    store = new CallStore(phone, { holdReminderMs: 0, endedLingerMs: 50 });
    phone.start({ uri: 'sip:1001@demo', authorizationUser: '1001-x', password: 'p', websocketUrl: 'ws://x/sip', displayName: 'Alice', userAgent: 'test' });
  });

  it('dials and makes the new call active', async () => {
    const call = await store.dial('1002');
    expect(store.calls.map((c) => c.id)).to.deep.equal([call.id]);
    expect(store.activeId).to.equal(call.id);
    expect(store.calls[0]!.status).to.equal('calling');
  });

  it('offline, Call says calls need a connection at once, sends nothing and keeps the card until dismissed', async () => {
    let online = true;
    const offlineStore = new CallStore(phone, { holdReminderMs: 0, endedLingerMs: 20, isOnline: () => online });
    const first = await offlineStore.dial('1002');
    phone.lastCall!.simulateRemoteAnswer();
    await tick();
    const placed = phone.calls.length;
    online = false;
    const call = await offlineStore.dial('1004');
    await until(() => offlineStore.calls.find((c) => c.id === call.id)?.status === 'ended');
    const ended = offlineStore.calls.find((c) => c.id === call.id)!;
    expect(ended).to.include({ direction: 'outgoing', endReason: 'offline', endMessage: 'You are offline: calls need a connection' });
    expect(ended.endMessage).to.not.equal('Call cancelled');
    expect(phone.calls.length, 'nothing reached the phone').to.equal(placed);
    expect(offlineStore.calls.find((c) => c.id === first.id)!.status, 'the live call is left as it was').to.equal('connected');
    await tick(60);
    expect(offlineStore.calls.some((c) => c.id === call.id), 'it stays until dismissed').to.equal(true);
  });

  it('names calls from the directory when signalling carried no name', async () => {
    store.setDirectory(new Map([['1002', 'Bob Baker']]));
    await store.dial('1002');
    expect(store.calls[0]!.remote.name).to.equal('Bob Baker');
  });

  it('announces a ringing incoming call', async () => {
    const seen: string[] = [];
    store.addEventListener(RingingEvent.eventName, (e) => seen.push((e as RingingEvent).call.remote.name));
    phone.simulateIncoming({ number: '1001', name: 'Alice Anders' });
    expect(seen).to.deep.equal(['Alice Anders']);
    expect(store.ringing).to.have.length(1);
  });

  it('call waiting: answering a second call holds the first', async () => {
    const first = await store.dial('1002');
    phone.lastCall!.simulateRemoteAnswer();
    await tick();
    const incoming = phone.simulateIncoming({ number: '1004', name: 'Dan Diaz' });
    await store.answer(incoming.id);
    await tick();
    const byId = new Map(store.calls.map((c) => [c.id, c]));
    expect(byId.get(first.id)!.status).to.equal('held');
    expect(byId.get(incoming.id)!.status).to.equal('connected');
    expect(store.activeId).to.equal(incoming.id);
  });

  it('switching to a held call resumes it and holds the active one', async () => {
    const first = await store.dial('1002');
    phone.lastCall!.simulateRemoteAnswer();
    await tick();
    const second = await store.dial('1003');
    phone.lastCall!.simulateRemoteAnswer();
    await tick();
    expect(store.calls.find((c) => c.id === first.id)!.status).to.equal('held');
    await store.switchTo(first.id);
    await tick();
    expect(store.calls.find((c) => c.id === first.id)!.status).to.equal('connected');
    expect(store.calls.find((c) => c.id === second.id)!.status).to.equal('held');
    expect(store.activeId).to.equal(first.id);
  });

  it('brings a hidden call back when its hold reminder rings', async () => {
    store.setOptions({ holdReminderMs: 20 });
    const call = await store.dial('1002');
    phone.lastCall!.simulateRemoteAnswer();
    await tick();
    await store.hold(call.id);
    store.hide(call.id);
    await tick(60);
    expect(store.hiddenCalls).to.have.length(0);
  });

  it('reminds me of a call left on hold, repeatedly, until I resume it', async () => {
    store.setOptions({ holdReminderMs: 30 });
    const call = await store.dial('1002');
    phone.lastCall!.simulateRemoteAnswer();
    await tick();
    let reminders = 0;
    store.addEventListener(HoldReminderEvent.eventName, () => reminders++);
    await store.hold(call.id);
    // Waits for two reminders rather than a fixed time: timers run late on a loaded machine.
    await until(() => reminders >= 2);
    expect(reminders).to.be.greaterThanOrEqual(2);
    await store.resume(call.id);
    const after = reminders;
    await tick(100);
    expect(reminders).to.equal(after);
  });

  it('lists a held call as reminded once its reminder fires, until it is resumed', async () => {
    store.setOptions({ holdReminderMs: 20 });
    const call = await store.dial('1002');
    phone.lastCall!.simulateRemoteAnswer();
    await tick();
    let changes = 0;
    store.addEventListener('calls-changed', () => changes++);
    await store.hold(call.id);
    expect(store.remindedIds).to.deep.equal([]);
    const before = changes;
    await until(() => store.remindedIds.length > 0);
    expect(store.remindedIds).to.deep.equal([call.id]);
    expect(changes, 'the grid is told, so the card can say it').to.be.greaterThan(before);
    await store.resume(call.id);
    expect(store.remindedIds).to.deep.equal([]);
    // Held again: not reminded until the reminder fires again.
    await store.hold(call.id);
    expect(store.remindedIds).to.deep.equal([]);
    await until(() => store.remindedIds.length > 0);
    phone.lastCall!.simulateRemoteHangup();
    await tick();
    expect(store.remindedIds).to.deep.equal([]);
  });

  it('keeps a failed outgoing call until dismissed, but lets a normal hang-up leave by itself', async () => {
    const failed = await store.dial('1009');
    phone.lastCall!.simulateFailure('unavailable');
    const normal = await store.dial('1002');
    phone.lastCall!.simulateRemoteAnswer();
    await tick();
    store.hangup(normal.id);
    await tick(120);
    expect(store.calls.map((c) => c.id)).to.deep.equal([failed.id]);
    expect(store.calls[0]!.endMessage).to.not.equal('');
    store.dismiss(failed.id);
    expect(store.calls).to.have.length(0);
  });

  it('hangs up everything on logout', async () => {
    await store.dial('1002');
    const outgoing = phone.lastCall!;
    const incoming = phone.simulateIncoming({ number: '1001', name: 'Alice' });
    store.hangupAll();
    expect(outgoing.snapshot.status).to.equal('ended');
    expect(incoming.snapshot.status).to.equal('ended');
  });

  it('hides a call off the grid and brings it back by itself when it ends', async () => {
    const call = await store.dial('1002');
    phone.lastCall!.simulateRemoteAnswer();
    await tick();
    store.hide(call.id);
    expect(store.visibleCalls).to.have.length(0);
    expect(store.hiddenCalls.map((c) => c.id)).to.deep.equal([call.id]);
    store.unhide(call.id);
    expect(store.visibleCalls.map((c) => c.id)).to.deep.equal([call.id]);
    store.hide(call.id);
    phone.lastCall!.simulateRemoteHangup();
    expect(store.hiddenCalls).to.have.length(0);
    expect(store.visibleCalls.map((c) => c.status)).to.deep.equal(['ended']);
  });

  it('Add Call holds the first call; Merge makes a conference mixing both legs; dropping one dissolves it', async () => {
    const mixers: FakeMixer[] = [];
    store.setOptions({ createMixer: () => { const m = new FakeMixer(); mixers.push(m); return m; } });
    const first = await store.dial('1002');
    const firstCall = phone.lastCall!;
    firstCall.simulateRemoteAnswer();
    await tick();
    const added = await store.addCall(first.id, '1004');
    const addedCall = phone.lastCall!;
    await tick();
    expect(firstCall.snapshot.status).to.equal('held');
    expect(store.mergeableIds).to.deep.equal([]);
    addedCall.simulateRemoteAnswer();
    await tick();
    expect(store.mergeableIds).to.deep.equal([added.id]);

    await store.merge(added.id);
    await tick();
    expect(firstCall.snapshot.status).to.equal('connected');
    expect(mixers[0]!.legs).to.deep.equal([firstCall, addedCall]);
    const [conference] = store.conferences;
    expect(conference!.participants.map((p) => p.id)).to.deep.equal([first.id, added.id]);
    expect(store.visibleCalls).to.have.length(0);

    store.setConferenceMuted(conference!.id, true);
    expect(mixers[0]!.muted).to.equal(true);
    expect(firstCall.snapshot.muted && addedCall.snapshot.muted).to.equal(true);

    store.dropParticipant(conference!.id, added.id);
    await tick();
    expect(store.conferences).to.have.length(0);
    expect(mixers[0]!.disposed).to.equal(true);
    expect(store.visibleCalls.map((c) => c.id)).to.include(first.id);
  });

  it('attended transfer: a consultation is linked to the original; cancelling resumes the original', async () => {
    const original = await store.dial('1001');
    phone.lastCall!.simulateRemoteAnswer();
    await tick();
    const consult = await store.startConsultation(original.id, '1004');
    phone.lastCall!.simulateRemoteAnswer();
    await tick();
    expect(store.consultations[consult.id]!.role).to.equal('consultation');
    expect(store.consultations[original.id]!.role).to.equal('original');
    await store.cancelTransfer(consult.id);
    await tick();
    expect(store.calls.find((c) => c.id === original.id)!.status).to.equal('connected');
    expect(store.consultations).to.deep.equal({});
  });
});
