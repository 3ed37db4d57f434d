/**
 * The events channel against the app's side of the wire (src/data/wire.ts): the platform emits
 * exactly the event types the app knows (PLATFORM_EVENT_TYPES, which typecheck holds equal to the
 * wire's PlatformEvent union), and a Switch Phone offer reaching the app's own EventsClient and
 * OtherDevices store goes away when the platform says it ended, not after a fixed 30 s, and at
 * its `expires_at` otherwise.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { api, answeredCall, delay, eventually, openEvents, phone, startPlatform, type EventsSocket, type Phone, type TestPlatform } from '../support/harness.js';
import { HttpClient, type ApiUser, type SessionStorage } from '../../src/data/http.js';
import { CallsResource } from '../../src/data/resources/calls.js';
import { DevicesResource } from '../../src/data/resources/devices.js';
import { EventsClient, PLATFORM_EVENT_TYPES, PlatformEventMessage, isPlatformEvent } from '../../src/data/events.js';
import type { LiveCall, PlatformEvent, PlatformEventType } from '../../src/data/wire.js';
import { OtherDevices } from '../../src/state/other-devices.js';
import type { CallStore } from '../../src/state/call-store.js';
import type { Phone as AppPhone } from '../../src/phone/types.js';

// The app's EventsClient uses the browser's WebSocket; `ws` has the same API on Node 20.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

const switchPath = (callId: string) => `/api/v2/domains/~/users/~/calls/${encodeURIComponent(callId)}/switch`;

function memoryStorage(): SessionStorage {
  let saved: { refreshToken: string; user: ApiUser } | null = null;
  return { load: () => saved, save: (s) => (saved = s), clear: () => (saved = null) };
}

/** The app's stores for one signed-in device: its HttpClient, EventsClient and OtherDevices. */
async function appOn(t: TestPlatform, device: Phone): Promise<{ events: EventsClient; devices: OtherDevices; received: PlatformEvent[] }> {
  const client = new HttpClient(memoryStorage(), t.url);
  await client.login('1001@demo', 'switchboard');
  const events = new EventsClient(() => client.eventsUrl(), () => client.token(), () => device.deviceId);
  const received: PlatformEvent[] = [];
  for (const type of PLATFORM_EVENT_TYPES) events.addEventListener(`platform-${type}`, (e) => received.push((e as PlatformEventMessage).data));
  // Taking a call over is not what these tests are about: no phone or call store is touched.
  const devices = new OtherDevices({ devices: new DevicesResource(client), calls: new CallsResource(client) }, {} as AppPhone, {} as CallStore, events, () => device.deviceId);
  events.start();
  await eventually(() => received.some((e) => e.type === 'calls'));
  return { events, devices, received };
}

describe('events on the wire', { timeout: 60_000 }, () => {
  let t: TestPlatform;
  const phones: Phone[] = [];
  const sockets: EventsSocket[] = [];
  const clients: EventsClient[] = [];
  before(async () => { t = await startPlatform(); });
  after(async () => {
    clients.forEach((c) => c.stop());
    sockets.forEach((s) => s.close());
    await Promise.all(phones.map((p) => p.ua.close()));
    await t.close();
  });

  it('the platform emits every type of the app\'s event union, and no other', async () => {
    const desk = await phone(t, '1001', 'Alice desk');
    const laptop = await phone(t, '1001', 'Alice laptop');
    phones.push(desk, laptop);
    const deskEvents = await openEvents(t, desk.token, desk.deviceId);
    const laptopEvents = await openEvents(t, laptop.token, laptop.deviceId);
    sockets.push(deskEvents, laptopEvents);

    const bob = await phone(t, '1002', 'Bob desk'); // presence (Bob comes online)
    phones.push(bob);
    const bobEvents = await openEvents(t, bob.token, bob.deviceId);
    sockets.push(bobEvents);
    const { out } = await answeredCall(desk.ua, bob.ua, 'sip:1002@demo'); // calls, cdr
    const callId = out.dialog!.callId;
    const renamed = await api(t.url, 'PATCH', `/api/v2/domains/~/users/~/devices/${laptop.deviceId}`, { token: desk.token, body: { label: 'Alice travel laptop' } });
    assert.equal(renamed.status, 200); // devices-changed
    for (const recording of [true, false]) {
      const told = await api(t.url, 'POST', `/api/v2/domains/~/users/~/calls/${encodeURIComponent(callId)}/recording`, { token: desk.token, body: { recording } });
      assert.equal(told.status, 204); // recording-started, recording-stopped (to Bob)
      await bobEvents.next((e) => e.type === (recording ? 'recording-started' : 'recording-stopped'));
    }
    const created = await api(t.url, 'POST', '/api/v2/domains/~/users/~/contacts', { token: desk.token, body: { first_name: 'Wire', numbers: [{ label: 'work', number: '555 0100' }] } });
    assert.equal(created.status, 201); // contacts-changed
    // answerrules: the default rule written again as it is (nothing about routing changes)
    const rules = await api(t.url, 'PUT', '/api/v2/domains/~/users/~/answerrules/*', { token: desk.token, body: {} });
    assert.equal(rules.status, 200);
    await deskEvents.next((e) => e.type === 'answerrules');
    // voicemail: a message (as a deposit leaves it) moved to Saved
    await t.platform.store.voicemails.insert({ id: 'wire-vm', domain: 'demo', extension: '1001', callerNumber: '1002', callerName: 'Bob Baker', callId: 'wire-vm-call',
      receivedAt: Date.now(), durationS: 3, folder: 'new', bytes: 0, transcription: null, transcriptionStatus: 'none', movedBy: null, movedAt: null });
    assert.equal((await api(t.url, 'PATCH', '/api/v2/domains/~/users/~/voicemails/new/wire-vm', { token: desk.token, body: { folder: 'save' } })).status, 200);
    await deskEvents.next((e) => e.type === 'voicemail');
    const offer = await api(t.url, 'POST', switchPath(callId), { token: desk.token, body: { device_id: laptop.deviceId } });
    assert.equal(offer.status, 202); // switch-offer
    await laptopEvents.next((e) => e.type === 'switch-offer');
    assert.equal((await api(t.url, 'POST', `${switchPath(callId)}/${offer.body.offer_id}/decline`, { token: laptop.token })).status, 204);
    await deskEvents.next((e) => e.type === 'switch-offer-ended'); // switch-offer-ended
    await out.dialog!.bye();
    await deskEvents.next((e) => e.type === 'calls' && e.calls.length === 0);
    await eventually(() => deskEvents.received.some((e) => e.type === 'cdr' && e.cdr.ended_at));

    // message-session, message, typing: a chat between 1001 and 1002
    const chat = await api(t.url, 'POST', '/api/v2/domains/~/users/~/messagesessions', { token: desk.token, body: { participants: [{ kind: 'user', extension: '1002' }] } });
    assert.equal(chat.status, 201);
    await bobEvents.next((e) => e.type === 'message-session');
    const said = await api(t.url, 'POST', `/api/v2/domains/~/users/~/messagesessions/${chat.body.id}/messages`, { token: desk.token, body: { client_id: 'wire-1', text: 'Hello on the wire' } });
    assert.equal(said.status, 201);
    await bobEvents.next((e) => e.type === 'message');
    assert.equal((await api(t.url, 'POST', `/api/v2/domains/~/users/~/messagesessions/${chat.body.id}/typing`, { token: bob.token })).status, 204);
    await deskEvents.next((e) => e.type === 'typing');

    const all = [...deskEvents.received, ...laptopEvents.received, ...bobEvents.received];
    const emitted = new Set<string>(all.map((e) => e.type));
    assert.deepEqual([...emitted].sort(), [...PLATFORM_EVENT_TYPES].sort());
    for (const e of all) assert.ok(isPlatformEvent(e), JSON.stringify(e));
  });

  it('an offer reaches OtherDevices with its expires_at, and goes as soon as it is declined elsewhere', async () => {
    const [desk, laptop] = [await phone(t, '1001', 'Alice desk 2'), await phone(t, '1001', 'Alice laptop 2')];
    const bob = await phone(t, '1002', 'Bob desk 2');
    phones.push(desk, laptop, bob);
    const app = await appOn(t, laptop);
    clients.push(app.events);
    const { out } = await answeredCall(desk.ua, bob.ua, 'sip:1002@demo');
    const callId = out.dialog!.callId;

    const res = await api(t.url, 'POST', switchPath(callId), { token: desk.token, body: { device_id: laptop.deviceId } });
    await eventually(() => app.devices.offers.length === 1);
    const [shown] = app.devices.offers;
    assert.equal(shown!.offer_id, res.body.offer_id);
    assert.equal(shown!.expires_at, res.body.expires_at);
    assert.equal(shown!.from_device_label, 'Alice desk 2');
    assert.equal(shown!.call.call_id, callId);

    // Another tab of the laptop declines: the platform ends the offer and this store drops it.
    const declinedAt = Date.now();
    await api(t.url, 'POST', `${switchPath(callId)}/${res.body.offer_id}/decline`, { token: laptop.token });
    await eventually(() => app.devices.offers.length === 0, 2000);
    assert.ok(Date.now() - declinedAt < 2000);
    assert.deepEqual(app.received.filter((e) => e.type === 'switch-offer-ended').map((e) => e.type === 'switch-offer-ended' && e.reason), ['declined']);
    await out.dialog!.bye();
  });

  it('an offer goes from OtherDevices when its call ends', async () => {
    const [desk, laptop] = [await phone(t, '1001', 'Alice desk 3'), await phone(t, '1001', 'Alice laptop 3')];
    const bob = await phone(t, '1002', 'Bob desk 3');
    phones.push(desk, laptop, bob);
    const app = await appOn(t, laptop);
    clients.push(app.events);
    const { out } = await answeredCall(desk.ua, bob.ua, 'sip:1002@demo');
    await api(t.url, 'POST', switchPath(out.dialog!.callId), { token: desk.token, body: { device_id: laptop.deviceId } });
    await eventually(() => app.devices.offers.length === 1);
    await out.dialog!.bye();
    await eventually(() => app.devices.offers.length === 0, 2000);
    const ended = app.received.find((e) => e.type === 'switch-offer-ended');
    assert.equal(ended?.type === 'switch-offer-ended' && ended.reason, 'call-ended');
  });
});

describe('OtherDevices keeps an offer until its expires_at', () => {
  const call: LiveCall = {
    call_id: 'c1', device_id: 'desk', device_label: 'Desk', local_tag: 'a', remote_tag: 'b',
    remote: { number: '1002', name: 'Bob Baker' }, direction: 'outbound', since: new Date().toISOString(),
  };
  function store() {
    const events = new EventTarget() as EventsClient;
    const api = { devices: { list: async () => [], rename: async () => ({}) as never }, calls: { offerSwitch: async () => ({}) as never, declineSwitch: async () => undefined } };
    const devices = new OtherDevices(api, {} as AppPhone, {} as CallStore, events, () => 'laptop');
    const send = (e: PlatformEvent) => events.dispatchEvent(new PlatformEventMessage(e));
    return { devices, send };
  }

  it('drops it at expires_at (not a fixed 30 s) even if no end is announced', async () => {
    const { devices, send } = store();
    const sent = Date.now();
    send({ type: 'switch-offer', offer_id: 'o1', call, from_device_label: 'Desk', expires_at: new Date(sent + 6000).toISOString() });
    assert.equal(devices.offers.length, 1);
    await delay(5000);
    assert.equal(devices.offers.length, 1);
    await eventually(() => devices.offers.length === 0, 3000);
    assert.ok(Date.now() - sent < 9000);
  });

  it('shows an offer whose expires_at has passed by this clock (a clock running ahead) until it ends; one offer per id', async () => {
    const { devices, send } = store();
    send({ type: 'switch-offer', offer_id: 'skewed', call, from_device_label: 'Desk', expires_at: new Date(Date.now() - 1000).toISOString() });
    await delay(50);
    assert.deepEqual(devices.offers.map((o) => o.offer_id), ['skewed']);
    send({ type: 'switch-offer-ended', offer_id: 'skewed', call_id: 'c1', reason: 'expired' });
    assert.equal(devices.offers.length, 0);
    const later = new Date(Date.now() + 60_000).toISOString();
    send({ type: 'switch-offer', offer_id: 'o2', call, from_device_label: 'Desk', expires_at: later });
    send({ type: 'switch-offer', offer_id: 'o2', call, from_device_label: 'Desk', expires_at: later });
    assert.deepEqual(devices.offers.map((o) => o.offer_id), ['o2']);
    send({ type: 'switch-offer-ended', offer_id: 'o2', call_id: 'c1', reason: 'superseded' });
    assert.equal(devices.offers.length, 0);
  });

  it('ignores an event type it does not know', () => {
    assert.equal(isPlatformEvent({ type: 'from-a-newer-platform' }), false);
    assert.equal(isPlatformEvent(null), false);
    const known: PlatformEventType = 'switch-offer-ended';
    assert.equal(isPlatformEvent({ type: known }), true);
  });
});
