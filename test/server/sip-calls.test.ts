import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { api, deviceUa, eventually, login, registeredUa, startPlatform, type TestPlatform } from '../support/harness.js';
import type { SipUa } from '../support/sip-ua.js';

async function cdrsOf(t: TestPlatform, extension: string) {
  await t.platform.recorder.flush();
  const token = await login(t.url, `${extension}@demo`);
  const res = await api(t.url, 'GET', '/api/v2/domains/~/users/~/cdrs', { token });
  assert.equal(res.status, 200);
  return res.body.items as Array<Record<string, any>>;
}

describe('SIP registrar', () => {
  let t: TestPlatform;
  const uas: SipUa[] = [];
  before(async () => { t = await startPlatform(); });
  after(async () => { await Promise.all(uas.map((u) => u.close())); await t.close(); });

  it('challenges REGISTER without credentials and accepts the device credentials', async () => {
    const ua = await deviceUa(t, '1001');
    uas.push(ua);
    const seen: number[] = [];
    ua.on('message', (m) => { if (m.type === 'response') seen.push(m.status); });
    const res = await ua.register(300);
    assert.deepEqual(seen, [401, 200]);
    const contacts = res.headers.getAll('Contact');
    assert.equal(contacts.length, 1);
    assert.ok(contacts[0]!.includes(ua.contact), 'the 200 echoes our Contact');
    assert.match(contacts[0]!, /;expires=(300|299)/);
    const token = await login(t.url, '1001@demo');
    const dir = await api(t.url, 'GET', '/api/v2/domains/~/users', { token });
    assert.equal(dir.body.find((u: { extension: string }) => u.extension === '1001').online, true);
  });

  it('refuses a wrong password with another 401', async () => {
    const ua = await deviceUa(t, '1002');
    uas.push(ua);
    (ua.creds as { password: string }).password = 'wrong';
    const res = await ua.register();
    assert.equal(res.status, 401);
  });

  it('refuses a device registering another user\'s address', async () => {
    const ua = await deviceUa(t, '1002');
    uas.push(ua);
    (ua as unknown as { creds: { uri: string } }).creds.uri = 'sip:1001@demo';
    const res = await ua.register();
    assert.equal(res.status, 403);
  });

  it('answers 423 for a too-short expiry and unregisters with Expires 0', async () => {
    const ua = await deviceUa(t, '1004');
    uas.push(ua);
    assert.equal((await ua.register(10)).status, 423);
    assert.equal((await ua.register(120)).status, 200);
    assert.equal(t.platform.registrar.isOnline('demo', '1004'), true);
    assert.equal((await ua.register(0)).status, 200);
    assert.equal(t.platform.registrar.isOnline('demo', '1004'), false);
  });

  it('drops the bindings of a closed WebSocket and announces presence on the events channel', async () => {
    const token = await login(t.url, '1005@demo');
    const events = new WebSocket(`${t.url.replace('http', 'ws')}/api/v2/events`);
    const received: any[] = [];
    events.on('message', (d) => received.push(JSON.parse(String(d))));
    await new Promise((r) => events.once('open', r));
    events.send(JSON.stringify({ type: 'auth', access_token: token }));
    await eventually(() => received.some((e) => e.type === 'ready'));
    const ua = await registeredUa(t, '1004');
    await eventually(() => received.some((e) => e.type === 'presence' && e.extension === '1004' && e.online));
    await ua.close();
    await eventually(() => received.some((e) => e.type === 'presence' && e.extension === '1004' && !e.online));
    assert.equal(t.platform.registrar.isOnline('demo', '1004'), false);
    events.close();
  });

  it('closes an events socket that does not authenticate', async () => {
    const events = new WebSocket(`${t.url.replace('http', 'ws')}/api/v2/events`);
    await new Promise((r) => events.once('open', r));
    events.send(JSON.stringify({ type: 'auth', access_token: 'sba_nope' }));
    const code = await new Promise<number>((r) => events.once('close', (c) => r(c)));
    assert.equal(code, 4401);
  });

  it('refuses a WebSocket without the sip subprotocol', async () => {
    const ws = new WebSocket(`${t.wsUrl}`);
    const err = await new Promise<Error>((r) => ws.once('error', r));
    assert.match(err.message, /400/);
  });
});

describe('SIP calls through the proxy', () => {
  let t: TestPlatform;
  let alice: SipUa;
  let bob: SipUa;
  before(async () => {
    t = await startPlatform({ ringTimeoutMs: 1500 });
    alice = await registeredUa(t, '1001');
    bob = await registeredUa(t, '1002');
  });
  after(async () => { await alice.close(); await bob.close(); await t.close(); });

  it('connects a call, carries re-INVITE (hold), INFO (DTMF) and BYE, and records it for both', async () => {
    const incoming = bob.nextInvite();
    const call = alice.call('sip:1002@demo');
    const inv = await incoming;
    assert.equal(inv.from, '1001');
    assert.match(inv.invite.headers.get('P-Asserted-Identity') ?? '', /"Alice Anders" <sip:1001@demo>/);
    assert.equal(inv.invite.headers.get('Proxy-Authorization'), undefined, 'credentials are not passed on');
    assert.equal(inv.invite.headers.getAll('Record-Route').length, 1);
    inv.ring();
    await new Promise((r) => call.once('provisional', (res) => res.status === 180 && r(null)));
    inv.answer();
    const final = await call.final;
    assert.equal(final.status, 200);
    assert.match(final.headers.get('P-Asserted-Identity') ?? '', /"Bob Baker" <sip:1002@demo>/, 'the caller learns who answered');
    assert.equal(final.headers.getAll('Via').length, 1, 'the proxy removed its own Via');

    const ack = await bob.nextRequest('ACK');
    assert.equal(ack.headers.get('Call-ID'), inv.invite.headers.get('Call-ID'));

    const hold = await call.dialog!.reinvite('sendonly');
    assert.equal(hold.status, 200);
    const bobGotHold = inv.dialog.received.find((r) => r.method === 'INVITE');
    assert.match(bobGotHold!.body.toString(), /a=sendonly/);
    assert.equal((await call.dialog!.reinvite('sendrecv')).status, 200);

    const info = await call.dialog!.request('INFO', 'Signal=5\r\nDuration=100\r\n', 'application/dtmf-relay');
    assert.equal(info.status, 200);
    const bobInfo = inv.dialog.received.find((r) => r.method === 'INFO');
    assert.match(bobInfo!.body.toString(), /Signal=5/);

    // The callee hangs up: BYE travels the other way through the record-route.
    const bye = await inv.dialog.bye();
    assert.equal(bye.status, 200);
    assert.ok(call.dialog!.received.some((r) => r.method === 'BYE'));

    const [a] = await cdrsOf(t, '1001');
    const [b] = await cdrsOf(t, '1002');
    assert.equal(a!.type, 'outbound');
    assert.equal(a!.disposition, 'answered');
    assert.equal(a!.remote_number, '1002');
    assert.equal(a!.remote_name, 'Bob Baker');
    assert.ok(a!.answered_at && a!.ended_at);
    assert.equal(b!.type, 'inbound');
    assert.equal(b!.disposition, 'answered');
    assert.equal(b!.remote_name, 'Alice Anders');
    assert.equal(a!.call_id, b!.call_id);
  });

  it('CANCEL before answer stops the ringing phone; the caller records cancelled, the callee missed', async () => {
    const incoming = bob.nextInvite();
    const call = alice.call('sip:1002@demo');
    const inv = await incoming;
    inv.ring();
    await new Promise((r) => call.once('provisional', (res) => res.status === 180 && r(null)));
    const cancelled = new Promise((r) => bob.once('cancel', r));
    alice.cancel(call);
    await cancelled;
    assert.equal((await call.final).status, 487);
    const [a] = await cdrsOf(t, '1001');
    const [b] = await cdrsOf(t, '1002');
    assert.equal(a!.disposition, 'cancelled');
    assert.equal(b!.type, 'missed');
  });

  it('a declined call returns 603 to the caller and is recorded declined', async () => {
    const incoming = bob.nextInvite();
    const call = alice.call('sip:1002@demo');
    (await incoming).reject(603);
    assert.equal((await call.final).status, 603);
    const [a] = await cdrsOf(t, '1001');
    assert.equal(a!.disposition, 'declined');
  });

  it('a busy callee returns 486', async () => {
    const incoming = bob.nextInvite();
    const call = alice.call('sip:1002@demo');
    (await incoming).reject(486);
    assert.equal((await call.final).status, 486);
  });

  it('an unanswered call times out with 480 and is missed for the callee', async () => {
    const incoming = bob.nextInvite();
    const call = alice.call('sip:1002@demo');
    (await incoming).ring();
    const cancelled = new Promise((r) => bob.once('cancel', r));
    assert.equal((await call.final).status, 480);
    await cancelled;
    const [b] = await cdrsOf(t, '1002');
    assert.equal(b!.type, 'missed');
  });

  it('answers 480 for a user with no registration and 404 for an unknown number', async () => {
    const toDan = alice.call('sip:1004@demo');
    const unavailable = await toDan.final;
    assert.equal(unavailable.status, 480);
    assert.match(unavailable.headers.get('P-Asserted-Identity') ?? '', /Dan Diaz/);
    const toNobody = alice.call('sip:4242@demo');
    assert.equal((await toNobody.final).status, 404);
    const [latest, previous] = await cdrsOf(t, '1001');
    assert.equal(latest!.disposition, 'failed');
    assert.equal(latest!.sip_status, 404);
    assert.equal(previous!.sip_status, 480);
    const [dans] = await cdrsOf(t, '1004');
    assert.equal(dans!.type, 'missed');
  });

  it('answers a number outside the organisation 403 "Outside Calls Not Set Up", and an unknown extension 404', async () => {
    for (const number of ['5551234567', '+4930123456', '0044207946000']) {
      const res = await alice.call(`sip:${number}@demo`).final;
      assert.equal(res.status, 403, number);
      assert.equal(res.reason, 'Outside Calls Not Set Up', number);
      assert.match(res.headers.get('Warning') ?? '', /outside numbers are not set up/);
      const [latest] = await cdrsOf(t, '1001');
      assert.equal(latest!.remote_number, number);
      assert.equal(latest!.disposition, 'failed');
      assert.equal(latest!.sip_status, 403);
    }
    for (const extension of ['4242', '100', '123456', 'sales']) {
      const res = await alice.call(`sip:${extension}@demo`).final;
      assert.equal(res.status, 404, extension);
      assert.equal(res.reason, 'Not Found', extension);
    }
  });

  it('forks to every registration of the callee: the first answer wins, the other is cancelled', async () => {
    const bob2 = await registeredUa(t, '1002');
    try {
      const first = bob.nextInvite();
      const second = bob2.nextInvite();
      const call = alice.call('sip:1002@demo');
      const [inv1, inv2] = await Promise.all([first, second]);
      inv1.ring();
      inv2.ring();
      const cancelled = new Promise((r) => bob.once('cancel', r));
      inv2.answer();
      assert.equal((await call.final).status, 200);
      await cancelled;
      assert.equal(inv1.cancelled, true);
      assert.match(inv1.cancelReason, /cause=200/, 'the other device is told the call was answered elsewhere');
      assert.equal((await call.dialog!.bye()).status, 200);
    } finally {
      await bob2.close();
    }
  });

  it('challenges an INVITE from a connection that has not registered, and refuses a spoofed caller', async () => {
    const carol = await deviceUa(t, '1005');
    try {
      const statuses: number[] = [];
      carol.on('message', (m) => { if (m.type === 'response') statuses.push(m.status); });
      const incoming = bob.nextInvite();
      const call = carol.call('sip:1002@demo');
      (await incoming).reject(486);
      assert.equal((await call.final).status, 486);
      assert.equal(statuses[0], 407);

      // Erin's device credentials do not let her call as Alice.
      (carol as unknown as { creds: { uri: string } }).creds.uri = 'sip:1001@demo';
      const spoof = carol.call('sip:1002@demo');
      assert.equal((await spoof.final).status, 403);
    } finally {
      await carol.close();
    }
  });
});
