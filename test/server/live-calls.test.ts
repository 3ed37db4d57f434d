/**
 * Live calls on the events channel and Switch Phone: `calls` pushed to each party with tags from
 * its own side, device-bound events sockets, switch offers (delivery, 404/409, decline, expiry,
 * acceptance by an INVITE with Replaces), and devices with their online state.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { api, delay, openEvents, phone, startPlatform, type EventsSocket, type Phone, type TestPlatform, answeredCall } from '../support/harness.js';
import type { IncomingCall, OutgoingCall } from '../support/sip-ua.js';

const callsEvent = (pred: (calls: any[]) => boolean) => (e: any) => e.type === 'calls' && pred(e.calls);
const switchPath = (callId: string) => `/api/v2/domains/~/users/~/calls/${encodeURIComponent(callId)}/switch`;

describe('live calls on the events channel', () => {
  let t: TestPlatform;
  const phones: Phone[] = [];
  const sockets: EventsSocket[] = [];
  before(async () => { t = await startPlatform(); });
  after(async () => {
    sockets.forEach((s) => s.close());
    await Promise.all(phones.map((p) => p.ua.close()));
    await t.close();
  });

  it('pushes each party its calls, with tags from its own side, on start and on end', async () => {
    const alice = await phone(t, '1001', 'Alice desk');
    const bob = await phone(t, '1002', 'Bob desk');
    phones.push(alice, bob);
    const aliceEvents = await openEvents(t, alice.token, alice.deviceId);
    const bobEvents = await openEvents(t, bob.token);
    sockets.push(aliceEvents, bobEvents);
    assert.deepEqual(aliceEvents.received.find((e) => e.type === 'calls').calls, [], 'a snapshot right after auth');

    const { out, inc } = await answeredCall(alice.ua, bob.ua, 'sip:1002@demo');
    const mine = (await aliceEvents.next(callsEvent((c) => c.length === 1))).calls[0];
    assert.deepEqual({ ...mine, since: undefined }, {
      call_id: out.dialog!.callId,
      device_id: alice.deviceId,
      device_label: 'Alice desk',
      local_tag: out.dialog!.localTag,
      remote_tag: inc.toTag,
      remote: { number: '1002', name: 'Bob Baker' },
      direction: 'outbound',
      since: undefined,
    });
    assert.ok(Date.now() - Date.parse(mine.since) < 5000);
    const theirs = (await bobEvents.next(callsEvent((c) => c.length === 1))).calls[0];
    assert.equal(theirs.call_id, out.dialog!.callId);
    assert.equal(theirs.device_id, bob.deviceId);
    assert.equal(theirs.local_tag, inc.toTag);
    assert.equal(theirs.remote_tag, out.dialog!.localTag);
    assert.deepEqual(theirs.remote, { number: '1001', name: 'Alice Anders' });
    assert.equal(theirs.direction, 'inbound');

    // The same list is on the REST API.
    const rest = await api(t.url, 'GET', '/api/v2/domains/~/users/~/calls', { token: bob.token });
    assert.deepEqual(rest.body.calls, [theirs]);

    await out.dialog!.bye();
    await aliceEvents.next(callsEvent((c) => c.length === 0));
    await bobEvents.next(callsEvent((c) => c.length === 0));
  });

  it('binds an events socket to a device only when the device is the user\'s own', async () => {
    const alice = await phone(t, '1001');
    const bob = await phone(t, '1002');
    phones.push(alice, bob);
    const own = await openEvents(t, alice.token, alice.deviceId);
    const foreign = await openEvents(t, alice.token, bob.deviceId);
    sockets.push(own, foreign);
    assert.equal(own.received.find((e) => e.type === 'ready').device_id, alice.deviceId);
    assert.equal(foreign.received.find((e) => e.type === 'ready').device_id, null);
  });

  it('lists devices with their registrations\' user agent and whether they are online', async () => {
    const alice = await phone(t, '1001', 'Online phone');
    phones.push(alice);
    const offline = await api(t.url, 'POST', '/api/v2/domains/~/users/~/devices', { token: alice.token, body: { label: 'Offline phone' } });
    const list = await api(t.url, 'GET', '/api/v2/domains/~/users/~/devices', { token: alice.token });
    const on = list.body.find((d: any) => d.id === alice.deviceId);
    const off = list.body.find((d: any) => d.id === offline.body.id);
    assert.equal(on.online, true);
    assert.equal(on.registrations[0].user_agent, 'switchboard-test-ua');
    assert.equal(on.registrations[0].online, true);
    assert.equal(off.online, false);
    assert.deepEqual(off.registrations, []);
    await alice.ua.close();
    const later = await api(t.url, 'GET', '/api/v2/domains/~/users/~/devices', { token: alice.token });
    assert.equal(later.body.find((d: any) => d.id === alice.deviceId).online, false);
  });
});

describe('Switch Phone', () => {
  let t: TestPlatform;
  let desk: Phone;
  let laptop: Phone;
  let bob: Phone;
  let deskEvents: EventsSocket;
  let laptopEvents: EventsSocket;
  let plainEvents: EventsSocket;
  let bobEvents: EventsSocket;
  let call: { out: OutgoingCall; inc: IncomingCall };

  before(async () => {
    t = await startPlatform();
    desk = await phone(t, '1001', 'Alice desk');
    laptop = await phone(t, '1001', 'Alice laptop');
    bob = await phone(t, '1002', 'Bob desk');
    deskEvents = await openEvents(t, desk.token, desk.deviceId);
    laptopEvents = await openEvents(t, laptop.token, laptop.deviceId);
    plainEvents = await openEvents(t, desk.token);
    bobEvents = await openEvents(t, bob.token, bob.deviceId);
    // Bob calls Alice; both of her devices ring, the desk answers (the laptop is CANCELled).
    const laptopRings = laptop.ua.nextInvite();
    call = await answeredCall(bob.ua, desk.ua, 'sip:1001@demo');
    await laptopRings;
  });
  after(async () => {
    [deskEvents, laptopEvents, plainEvents, bobEvents].forEach((s) => s.close());
    await Promise.all([desk, laptop, bob].map((p) => p.ua.close()));
    await t.close();
  });

  it('refuses an unknown call or device with 404, and the device already on the call with 409', async () => {
    const callId = call.out.dialog!.callId;
    const noCall = await api(t.url, 'POST', switchPath('nope'), { token: desk.token, body: { device_id: laptop.deviceId } });
    assert.equal(noCall.status, 404);
    const noDevice = await api(t.url, 'POST', switchPath(callId), { token: desk.token, body: { device_id: 'no-such-device' } });
    assert.equal(noDevice.status, 404);
    const bobsDevice = await api(t.url, 'POST', switchPath(callId), { token: desk.token, body: { device_id: bob.deviceId } });
    assert.equal(bobsDevice.status, 404);
    const unregistered = await api(t.url, 'POST', '/api/v2/domains/~/users/~/devices', { token: desk.token, body: { label: 'Drawer' } });
    const offline = await api(t.url, 'POST', switchPath(callId), { token: desk.token, body: { device_id: unregistered.body.id } });
    assert.equal(offline.status, 404);
    const same = await api(t.url, 'POST', switchPath(callId), { token: desk.token, body: { device_id: desk.deviceId } });
    assert.equal(same.status, 409);
    // Bob cannot move Alice's call: it is not one of his (his own leg has the same Call-ID, but
    // the laptop is not his device).
    const asBob = await api(t.url, 'POST', switchPath(callId), { token: bob.token, body: { device_id: laptop.deviceId } });
    assert.equal(asBob.status, 404);
    const badBody = await api(t.url, 'POST', switchPath(callId), { token: desk.token, body: {} });
    assert.equal(badBody.status, 400);
  });

  it('delivers the offer only to the chosen device\'s sockets; the target may decline', async () => {
    const callId = call.out.dialog!.callId;
    const res = await api(t.url, 'POST', switchPath(callId), { token: desk.token, body: { device_id: laptop.deviceId } });
    assert.equal(res.status, 202);
    const offerId = res.body.offer_id;
    assert.ok(offerId);
    const offer = await laptopEvents.next((e) => e.type === 'switch-offer');
    assert.equal(offer.offer_id, offerId);
    assert.equal(offer.from_device_label, 'Alice desk');
    assert.deepEqual({ ...offer.call, since: undefined }, {
      call_id: callId,
      device_id: desk.deviceId,
      device_label: 'Alice desk',
      local_tag: call.inc.toTag,
      remote_tag: call.out.dialog!.localTag,
      remote: { number: '1002', name: 'Bob Baker' },
      direction: 'inbound',
      since: undefined,
    });
    await delay(100);
    for (const other of [deskEvents, plainEvents, bobEvents]) {
      assert.equal(other.received.some((e) => e.type === 'switch-offer'), false);
    }

    const declined = await api(t.url, 'POST', `${switchPath(callId)}/${offerId}/decline`, { token: laptop.token });
    assert.equal(declined.status, 204);
    for (const s of [deskEvents, laptopEvents, plainEvents]) {
      const ended = await s.next((e) => e.type === 'switch-offer-ended');
      assert.deepEqual(ended, { type: 'switch-offer-ended', offer_id: offerId, call_id: callId, reason: 'declined' });
    }
    const again = await api(t.url, 'POST', `${switchPath(callId)}/${offerId}/decline`, { token: laptop.token });
    assert.equal(again.status, 404);
  });

  it('the offered device takes the call with an INVITE with Replaces; the other party stays in one call', async () => {
    const callId = call.out.dialog!.callId;
    const since = t.platform.dialogs.dialogsOf('demo', '1001')[0]!.startedAt;
    const res = await api(t.url, 'POST', switchPath(callId), { token: desk.token, body: { device_id: laptop.deviceId } });
    const offer = await laptopEvents.next((e) => e.type === 'switch-offer' && e.offer_id === res.body.offer_id);

    // Replaces written the way JsSIP writes it: tags in the order of the original INVITE
    // (from-tag = Bob's, the caller), not RFC 3891's recipient view.
    const replaces = `${offer.call.call_id};to-tag=${offer.call.local_tag};from-tag=${offer.call.remote_tag}`;
    const byeAtDesk = desk.ua.nextRequest('BYE');
    const { out: taken, inc: atBob } = await answeredCall(laptop.ua, bob.ua, 'sip:1002@demo', [['Replaces', replaces]]);
    await call.out.dialog!.bye(); // Bob's UA ends the replaced dialog (RFC 3891 s3)
    await byeAtDesk;

    const ended = await deskEvents.next((e) => e.type === 'switch-offer-ended' && e.offer_id === offer.offer_id);
    assert.equal(ended.reason, 'accepted');
    const now = await laptopEvents.next(callsEvent((c) => c.length === 1 && c[0].call_id === taken.dialog!.callId));
    assert.equal(now.calls[0].device_id, laptop.deviceId);
    assert.equal(now.calls[0].device_label, 'Alice laptop');
    assert.equal(now.calls[0].local_tag, taken.dialog!.localTag);
    assert.equal(Date.parse(now.calls[0].since), since, 'the call keeps its start time');
    const bobs = await bobEvents.next(callsEvent((c) => c.length === 1 && c[0].call_id === taken.dialog!.callId));
    assert.equal(bobs.calls[0].local_tag, atBob.toTag);
    assert.deepEqual(bobs.calls[0].remote, { number: '1001', name: 'Alice Anders' });
    assert.deepEqual(t.platform.dialogs.dialogsOf('demo', '1002').map((d) => d.callId), [taken.dialog!.callId]);
    call = { out: taken, inc: atBob };
  });

  it('ends an offer when the call ends', async () => {
    const callId = call.out.dialog!.callId;
    const res = await api(t.url, 'POST', switchPath(callId), { token: laptop.token, body: { device_id: desk.deviceId } });
    assert.equal(res.status, 202);
    await deskEvents.next((e) => e.type === 'switch-offer' && e.offer_id === res.body.offer_id);
    await call.inc.dialog.bye();
    const ended = await laptopEvents.next((e) => e.type === 'switch-offer-ended' && e.offer_id === res.body.offer_id);
    assert.equal(ended.reason, 'call-ended');
  });
});

describe('Switch Phone offers expire', () => {
  let t: TestPlatform;
  before(async () => { t = await startPlatform({ switchOfferTtlMs: 300 }); });
  after(() => t.close());

  it('an unanswered offer expires and can then no longer be declined', async () => {
    const desk = await phone(t, '1001', 'desk');
    const laptop = await phone(t, '1001', 'laptop');
    const bob = await phone(t, '1002');
    const laptopEvents = await openEvents(t, laptop.token, laptop.deviceId);
    try {
      const { out } = await answeredCall(desk.ua, bob.ua, 'sip:1002@demo');
      const res = await api(t.url, 'POST', switchPath(out.dialog!.callId), { token: desk.token, body: { device_id: laptop.deviceId } });
      assert.equal(res.status, 202);
      assert.ok(Date.parse(res.body.expires_at) - Date.now() <= 300);
      await laptopEvents.next((e) => e.type === 'switch-offer');
      const ended = await laptopEvents.next((e) => e.type === 'switch-offer-ended', 2000);
      assert.equal(ended.reason, 'expired');
      const late = await api(t.url, 'POST', `${switchPath(out.dialog!.callId)}/${res.body.offer_id}/decline`, { token: laptop.token });
      assert.equal(late.status, 404);
      await out.dialog!.bye();
    } finally {
      laptopEvents.close();
      await Promise.all([desk, laptop, bob].map((p) => p.ua.close()));
    }
  });
});
