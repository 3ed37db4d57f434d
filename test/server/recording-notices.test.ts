/**
 * Nobody is recorded without knowing: when one party of a call says it records (POST
 * .../calls/{call_id}/recording), the other party's events sockets hear `recording-started`
 * (and `recording-stopped`); only a party of the call may say so; notices end with the call,
 * are told again to a socket that connects late, and follow a Switch Phone.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { answeredCall, api, delay, login, openEvents, phone, startPlatform, type EventsSocket, type Phone, type TestPlatform } from '../support/harness.js';
import { EventBus } from '../../server/events/bus.js';
import { RecordingNotices } from '../../server/events/recording-notices.js';
import type { DialogParty, LiveDialog } from '../../server/sip/dialogs.js';

const recordingPath = (callId: string, user = '~') => `/api/v2/domains/~/users/${user}/calls/${encodeURIComponent(callId)}/recording`;
const isRecording = (type: string, callId: string) => (e: any) => e.type === type && e.call_id === callId;

describe('recording notices over the events channel', () => {
  let t: TestPlatform;
  let alice: Phone;
  let bob: Phone;
  let aliceEvents: EventsSocket;
  let bobEvents: EventsSocket;
  const sockets: EventsSocket[] = [];
  let callId = '';
  let bye: () => Promise<unknown>;

  before(async () => {
    t = await startPlatform();
    alice = await phone(t, '1001', 'Alice desk');
    bob = await phone(t, '1002', 'Bob desk');
    aliceEvents = await openEvents(t, alice.token, alice.deviceId);
    bobEvents = await openEvents(t, bob.token, bob.deviceId);
    sockets.push(aliceEvents, bobEvents);
    const call = await answeredCall(alice.ua, bob.ua, 'sip:1002@demo');
    callId = call.out.dialog!.callId;
    bye = () => call.out.dialog!.bye();
  });
  after(async () => {
    sockets.forEach((s) => s.close());
    await Promise.all([alice, bob].map((p) => p.ua.close()));
    await t.close();
  });

  it('tells the other party when I start and stop recording, once per change, and not me', async () => {
    const started = await api(t.url, 'POST', recordingPath(callId), { token: alice.token, body: { recording: true } });
    assert.equal(started.status, 204);
    const heard = await bobEvents.next(isRecording('recording-started', callId));
    assert.deepEqual(heard, { type: 'recording-started', call_id: callId, by: { number: '1001', name: 'Alice Anders' } });
    // Said again: nothing new.
    assert.equal((await api(t.url, 'POST', recordingPath(callId), { token: alice.token, body: { recording: true } })).status, 204);

    // A socket of Bob's that connects now hears it too (a reload during the call).
    const late = await openEvents(t, bob.token);
    sockets.push(late);
    await late.next(isRecording('recording-started', callId));

    assert.equal((await api(t.url, 'POST', recordingPath(callId), { token: alice.token, body: { recording: false } })).status, 204);
    await bobEvents.next(isRecording('recording-stopped', callId));
    await delay(100);
    assert.equal(bobEvents.received.filter(isRecording('recording-started', callId)).length, 1);
    assert.equal(aliceEvents.received.some((e) => e.type === 'recording-started' || e.type === 'recording-stopped'), false);
  });

  it('attack: only a party of the call may say it records; nobody else can make Bob see "Recording"', async () => {
    const dan = await login(t.url, '1004@demo');
    const erin = await login(t.url, '1005@demo');
    const before = bobEvents.received.length;
    // Dan names Alice's call through his own path: not his call.
    assert.equal((await api(t.url, 'POST', recordingPath(callId), { token: dan, body: { recording: true } })).status, 404);
    // ...or through Alice's path: not his to speak for.
    assert.equal((await api(t.url, 'POST', recordingPath(callId, '1001'), { token: dan, body: { recording: true } })).status, 403);
    // Not even the domain administrator speaks for a party.
    assert.equal((await api(t.url, 'POST', recordingPath(callId, '1001'), { token: erin, body: { recording: true } })).status, 403);
    assert.equal((await api(t.url, 'POST', recordingPath(callId), { body: { recording: true } })).status, 401);
    // Bad requests.
    assert.equal((await api(t.url, 'POST', recordingPath('no-such-call'), { token: alice.token, body: { recording: true } })).status, 404);
    for (const body of [{}, { recording: 'yes' }, { recording: true, by: '1005' }]) {
      assert.equal((await api(t.url, 'POST', recordingPath(callId), { token: alice.token, body })).status, 400, JSON.stringify(body));
    }
    await delay(100);
    assert.equal(bobEvents.received.slice(before).some((e) => e.type === 'recording-started'), false);
  });

  it('Bob may record too, and Alice hears it; the notices end with the call', async () => {
    assert.equal((await api(t.url, 'POST', recordingPath(callId), { token: bob.token, body: { recording: true } })).status, 204);
    assert.deepEqual(await aliceEvents.next(isRecording('recording-started', callId)),
      { type: 'recording-started', call_id: callId, by: { number: '1002', name: 'Bob Baker' } });
    await bye();
    await aliceEvents.next((e) => e.type === 'calls' && e.calls.length === 0);
    const late = await openEvents(t, alice.token);
    sockets.push(late);
    await delay(100);
    assert.equal(late.received.some((e) => e.type === 'recording-started'), false, 'an ended call leaves no notice behind');
    assert.equal((await api(t.url, 'POST', recordingPath(callId), { token: bob.token, body: { recording: false } })).status, 404);
  });
});

describe('RecordingNotices across Switch Phone', () => {
  const party = (extension: string, deviceId: string, tag: string): DialogParty => ({
    domain: 'demo', extension, name: extension === '1001' ? 'Alice Anders' : 'Bob Baker', tag, flowId: `f-${deviceId}`, deviceId,
    deviceLabel: deviceId, uri: `sip:${extension}@demo`, contact: `sip:${extension}@x`, cseq: 1,
  });
  const dialog = (callId: string, caller: DialogParty, callee: DialogParty): LiveDialog => ({ callId, caller, callee, startedAt: 0 });

  function setup() {
    const bus = new EventBus();
    const told: any[] = [];
    bus.on('user-event', (e) => told.push({ to: e.extension, ...e.event }));
    return { bus, told, notices: new RecordingNotices(bus) };
  }

  it('follows the other party to their new device: the recording goes on', () => {
    const { bus, told, notices } = setup();
    const alice = party('1001', 'desk', 'a1');
    const old = dialog('c1', alice, party('1002', 'bob-desk', 'b1'));
    notices.set(old, alice, true);
    // Bob moves the call to his laptop: the new dialog keeps Alice's desk.
    const moved = dialog('c2', party('1001', 'desk', 'a1'), party('1002', 'bob-laptop', 'b2'));
    bus.emit('dialog', { kind: 'replaced', dialog: old, by: moved });
    assert.deepEqual(told.map((e) => [e.to, e.type, e.call_id]), [['1002', 'recording-started', 'c1'], ['1002', 'recording-started', 'c2']]);
    assert.deepEqual(notices.eventsFor('demo', '1002').map((e) => e.call_id), ['c2']);
  });

  it('stops when the recording party\'s leg moves away from the browser that records', () => {
    const { bus, told, notices } = setup();
    const alice = party('1001', 'desk', 'a1');
    const old = dialog('c1', alice, party('1002', 'bob-desk', 'b1'));
    notices.set(old, alice, true);
    bus.emit('dialog', { kind: 'replaced', dialog: old, by: dialog('c2', party('1001', 'laptop', 'a2'), party('1002', 'bob-desk', 'b1')) });
    assert.deepEqual(told.map((e) => [e.to, e.type, e.call_id]), [['1002', 'recording-started', 'c1'], ['1002', 'recording-stopped', 'c1']]);
    assert.equal(notices.size, 0);
  });
});
