import { expect } from '@open-wc/testing';
import type { RecordingQueue } from '../../../src/data/recording-queue.js';
import { PlatformEventMessage, type PlatformEvent } from '../../../src/data/events.js';
import { FakePhone } from '../../../src/phone/fake-phone.js';
import { CallStore } from '../../../src/state/call-store.js';
import { CallRecordings, type RecordingCapture } from '../../../src/state/recordings.js';

class FakeQueue {
  begun: string[] = [];
  async begin(rec: { id: string }) { this.begun.push(rec.id); }
  async append() {}
  async finish() {}
}

class FakeCapture implements RecordingCapture {
  ondata: ((chunk: Blob) => void) | null = null;
  durationS = 3;
  start() {}
  async stop() { return new Blob(); }
}

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

describe('CallRecordings: nobody is recorded without knowing', () => {
  let phone: FakePhone;
  let store: CallStore;
  let events: EventTarget;
  let notices: Array<[string, boolean]>;
  let recordings: CallRecordings;
  const send = (data: unknown) => events.dispatchEvent(new PlatformEventMessage(data as PlatformEvent));

  beforeEach(() => {
    phone = new FakePhone();
    store = new CallStore(phone, { holdReminderMs: 0, endedLingerMs: 50 });
    phone.start({ uri: 'sip:1001@demo', authorizationUser: '1001-x', password: 'p', websocketUrl: 'ws://x/sip', displayName: 'Alice', userAgent: 'test' });
    events = new EventTarget();
    notices = [];
    const api = { recordingNotice: async (callId: string, on: boolean) => { notices.push([callId, on]); } };
    recordings = new CallRecordings(new FakeQueue() as unknown as RecordingQueue, () => new FakeCapture(), { api, events, calls: store });
  });

  async function connectedCall() {
    const snap = await store.dial('1002');
    phone.lastCall!.simulateRemoteAnswer();
    await tick();
    return { id: snap.id, call: store.phoneCall(snap.id)!, sipId: store.phoneCall(snap.id)!.dialog!.callId };
  }

  it('tells the platform when I start and stop recording a call (so the other party sees it)', async () => {
    const { id, call, sipId } = await connectedCall();
    await recordings.start(id, [call]);
    expect(notices).to.deep.equal([[sipId, true]]);
    await recordings.stop(id);
    expect(notices).to.deep.equal([[sipId, true], [sipId, false]]);
  });

  it('says nothing at the stop of a recording whose call ended (the card went with the call)', async () => {
    const { id, call, sipId } = await connectedCall();
    await recordings.start(id, [call]);
    phone.lastCall!.simulateRemoteHangup();
    await tick(10);
    expect(recordings.isRecording(id)).to.equal(false);
    expect(notices).to.deep.equal([[sipId, true]]);
  });

  it('lists my calls the other party records, from the platform\'s notices, until they stop or the call ends', async () => {
    const { id, sipId } = await connectedCall();
    let changes = 0;
    recordings.addEventListener('recordings-changed', () => changes++);
    expect(recordings.remoteRecordingIds).to.deep.equal([]);
    send({ type: 'recording-started', call_id: sipId, by: { number: '1002', name: 'Bob Baker' } });
    expect(recordings.remoteRecordingIds).to.deep.equal([id]);
    expect(changes).to.equal(1);
    // A notice for a call that is not mine here changes nothing on my cards.
    send({ type: 'recording-started', call_id: 'elsewhere@x', by: { number: '1004', name: 'Dan' } });
    expect(recordings.remoteRecordingIds).to.deep.equal([id]);
    send({ type: 'recording-stopped', call_id: sipId, by: { number: '1002', name: 'Bob Baker' } });
    expect(recordings.remoteRecordingIds).to.deep.equal([]);

    send({ type: 'recording-started', call_id: sipId, by: { number: '1002', name: 'Bob Baker' } });
    phone.lastCall!.simulateRemoteHangup();
    await tick();
    expect(recordings.remoteRecordingIds, 'an ended call is not "Recording"').to.deep.equal([]);
  });

  it('starts from what the platform re-tells after a reconnect, and forgets calls that are no longer live', async () => {
    const { id, sipId } = await connectedCall();
    send({ type: 'recording-started', call_id: sipId, by: { number: '1002', name: 'Bob Baker' } });
    send({ type: 'ready' });
    expect(recordings.remoteRecordingIds).to.deep.equal([]);
    send({ type: 'recording-started', call_id: sipId, by: { number: '1002', name: 'Bob Baker' } });
    expect(recordings.remoteRecordingIds).to.deep.equal([id]);
    send({ type: 'calls', calls: [] });
    expect(recordings.remoteRecordingIds).to.deep.equal([]);
  });
});
