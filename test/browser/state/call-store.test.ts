import { expect } from '@open-wc/testing';
import { FakePhone } from '../../../src/phone/fake-phone.js';
import { CallStore, HoldReminderEvent, RingingEvent } from '../../../src/state/call-store.js';

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

  it('reminds me of a call left on hold, repeatedly, until I resume it', async () => {
    store.setOptions({ holdReminderMs: 30 });
    const call = await store.dial('1002');
    phone.lastCall!.simulateRemoteAnswer();
    await tick();
    let reminders = 0;
    store.addEventListener(HoldReminderEvent.eventName, () => reminders++);
    await store.hold(call.id);
    await tick(100);
    expect(reminders).to.be.greaterThanOrEqual(2);
    await store.resume(call.id);
    const after = reminders;
    await tick(100);
    expect(reminders).to.equal(after);
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
});
