/**
 * What the call records and the presence events say about real SIP calls through the proxy:
 * each way a call can end without a conversation has its own disposition on the caller's record
 * (cancelled, declined, busy, no-answer, unavailable, failed), and the directory and the events
 * channel say when a colleague is ringing or on a call.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { answeredCall, api, eventually, login, openEvents, registeredUa, startPlatform, type EventsSocket, type TestPlatform } from '../support/harness.js';
import type { SipUa } from '../support/sip-ua.js';

async function latest(t: TestPlatform, extension: string): Promise<Record<string, any>> {
  await t.platform.recorder.flush();
  const token = await login(t.url, `${extension}@demo`);
  const res = await api(t.url, 'GET', '/api/v2/domains/~/users/~/cdrs?limit=1', { token });
  assert.equal(res.status, 200);
  return res.body.items[0];
}

describe('call outcomes in the call records', () => {
  let t: TestPlatform;
  let alice: SipUa;
  let bob: SipUa;
  before(async () => {
    t = await startPlatform({ ringTimeoutMs: 800 });
    alice = await registeredUa(t, '1001');
    bob = await registeredUa(t, '1002');
  });
  after(async () => { await alice.close(); await bob.close(); await t.close(); });

  it('the caller hangs up while it rings: cancelled for the caller, missed for the callee', async () => {
    const incoming = bob.nextInvite();
    const call = alice.call('sip:1002@demo');
    (await incoming).ring();
    await new Promise((r) => call.once('provisional', (res) => res.status === 180 && r(null)));
    alice.cancel(call);
    assert.equal((await call.final).status, 487);
    const [a, b] = [await latest(t, '1001'), await latest(t, '1002')];
    assert.equal(a.disposition, 'cancelled');
    assert.equal(b.disposition, 'missed');
    assert.equal(b.type, 'missed');
  });

  it('the callee presses Decline (603): declined on both records, not missed', async () => {
    const incoming = bob.nextInvite();
    const call = alice.call('sip:1002@demo');
    (await incoming).reject(603);
    assert.equal((await call.final).status, 603);
    const [a, b] = [await latest(t, '1001'), await latest(t, '1002')];
    assert.equal(a.disposition, 'declined');
    assert.equal(b.disposition, 'declined');
    assert.equal(b.type, 'inbound', 'a call the user declined is not a missed call');
  });

  it('the callee is busy (486): busy for the caller', async () => {
    const incoming = bob.nextInvite();
    const call = alice.call('sip:1002@demo');
    (await incoming).reject(486);
    assert.equal((await call.final).status, 486);
    const a = await latest(t, '1001');
    assert.equal(a.disposition, 'busy');
    assert.equal(a.sip_status, 486);
  });

  it('nobody answers before the ring timeout: no-answer for the caller, missed for the callee', async () => {
    const incoming = bob.nextInvite();
    const call = alice.call('sip:1002@demo');
    (await incoming).ring();
    assert.equal((await call.final).status, 480);
    const [a, b] = [await latest(t, '1001'), await latest(t, '1002')];
    assert.equal(a.disposition, 'no-answer');
    assert.equal(b.disposition, 'missed');
  });

  it('the callee has no device online: unavailable for the caller, missed for the callee', async () => {
    const call = alice.call('sip:1004@demo');
    assert.equal((await call.final).status, 480);
    const [a, d] = [await latest(t, '1001'), await latest(t, '1004')];
    assert.equal(a.disposition, 'unavailable');
    assert.equal(d.disposition, 'missed');
  });

  it('a number that is nobody: failed, with its SIP status', async () => {
    const call = alice.call('sip:4242@demo');
    assert.equal((await call.final).status, 404);
    const a = await latest(t, '1001');
    assert.equal(a.disposition, 'failed');
    assert.equal(a.sip_status, 404);
  });

  it('an answered call is answered on both records', async () => {
    const { out } = await answeredCall(alice, bob, 'sip:1002@demo');
    assert.equal((await out.dialog!.bye()).status, 200);
    const [a, b] = [await latest(t, '1001'), await latest(t, '1002')];
    assert.equal(a.disposition, 'answered');
    assert.equal(b.disposition, 'answered');
  });
});

describe('presence: ringing and on a call', () => {
  let t: TestPlatform;
  let alice: SipUa;
  let bob: SipUa;
  let events: EventsSocket;
  let token: string;
  before(async () => {
    t = await startPlatform();
    token = await login(t.url, '1005@demo');
    events = await openEvents(t, token);
    alice = await registeredUa(t, '1001');
    bob = await registeredUa(t, '1002');
  });
  after(async () => { events.close(); await alice.close(); await bob.close(); await t.close(); });

  const directory = async () => {
    const res = await api(t.url, 'GET', '/api/v2/domains/~/users', { token });
    return new Map((res.body as Array<{ extension: string; presence: string; online: boolean }>).map((u) => [u.extension, u]));
  };
  /** Where the events of the current step begin (one user's events may come in either order to another's). */
  let mark = 0;
  const step = () => { mark = events.received.length; };
  const presenceOf = (extension: string, state: string) => eventually(() =>
    events.received.slice(mark).find((e) => e.type === 'presence' && e.extension === extension && e.state === state));

  it('a registered user is online, and the event keeps the older online field', async () => {
    const e = await presenceOf('1002', 'online');
    assert.equal(e.online, true);
    assert.equal(e.domain, 'demo');
    const dir = await directory();
    assert.equal(dir.get('1002')!.presence, 'online');
    assert.equal(dir.get('1002')!.online, true);
    assert.equal(dir.get('1004')!.presence, 'offline');
  });

  it('the callee is ringing while it rings and on a call once answered; both are online again after the BYE', async () => {
    step();
    const incoming = bob.nextInvite();
    const call = alice.call('sip:1002@demo');
    const inv = await incoming;
    inv.ring();
    const ringing = await presenceOf('1002', 'ringing');
    assert.equal(ringing.online, true);
    await presenceOf('1001', 'on-call'); // calling out takes the line
    assert.equal((await directory()).get('1002')!.presence, 'ringing');

    const ack = bob.nextRequest('ACK');
    step();
    inv.answer();
    assert.equal((await call.final).status, 200);
    await ack;
    await presenceOf('1002', 'on-call');
    const dir = await directory();
    assert.equal(dir.get('1001')!.presence, 'on-call');
    assert.equal(dir.get('1002')!.presence, 'on-call');

    step();
    assert.equal((await call.dialog!.bye()).status, 200);
    await presenceOf('1002', 'online');
    await presenceOf('1001', 'online');
    assert.equal((await directory()).get('1002')!.presence, 'online');
  });

  it('a declined call leaves the callee online', async () => {
    step();
    const incoming = bob.nextInvite();
    const call = alice.call('sip:1002@demo');
    const inv = await incoming;
    inv.ring();
    await presenceOf('1002', 'ringing');
    step();
    inv.reject(603);
    assert.equal((await call.final).status, 603);
    await presenceOf('1002', 'online');
  });

  it('a user whose device goes away while on a call is offline', async () => {
    step();
    const carol = await registeredUa(t, '1003');
    await presenceOf('1003', 'online');
    await answeredCall(alice, carol, 'sip:1003@demo');
    await presenceOf('1003', 'on-call');
    step();
    await carol.close();
    await presenceOf('1003', 'offline');
    assert.equal((await directory()).get('1003')!.presence, 'offline');
  });
});
