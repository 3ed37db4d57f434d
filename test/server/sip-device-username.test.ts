/**
 * A SIP client set up with one username (issue 12): a device's own SIP username is also its
 * address, `sip:<device username>@<domain>`, as hosted PBXs provision desk phones and as a SIP.js
 * phone with a single "SIP username" setting registers. It is a binding of the device's user: it
 * rings on calls to the extension, shows the user online, and calls out as the user. Only that
 * device's own credentials open that address, and From spoofing stays refused in either form.
 */
import fs from 'node:fs';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { computeHa1 } from '../../server/sip/digest.js';
import { SipHeaders, type SipResponse } from '../../server/sip/message.js';
import { answeredCall, api, delay, eventually, login, openEvents, registeredUa, startPlatform, type TestPlatform } from '../support/harness.js';
import { SipUa } from '../support/sip-ua.js';

interface Grant {
  token: string;
  id: string;
  /** The device's SIP username (the grant's authorization_user). */
  username: string;
  password: string;
}

/** A new device of `extension` of the demo organisation, as POST devices grants it. */
async function newDevice(t: TestPlatform, extension: string, label = `${extension} desk phone`): Promise<Grant> {
  const token = await login(t.url, `${extension}@demo`);
  const res = await api(t.url, 'POST', '/api/v2/domains/~/users/~/devices', { token, body: { label } });
  assert.equal(res.status, 201);
  return { token, id: res.body.id, username: res.body.sip.authorization_user, password: res.body.sip.password };
}

/**
 * A connected UA configured as a one-username client is: its address `sip:<username>@<domain>`,
 * authorization user the same, with `creds`' password (another device's, for the attacks).
 */
async function oneUsernameUa(t: TestPlatform, address: string, creds: { username: string; password: string }, domain = 'demo'): Promise<SipUa> {
  const ua = new SipUa(t.wsUrl, { uri: `sip:${address}@${domain}`, authorizationUser: creds.username, password: creds.password });
  await ua.connect();
  return ua;
}

/** The statuses of the responses `ua` receives from now on. */
function statusesOf(ua: SipUa): number[] {
  const seen: number[] = [];
  ua.on('message', (m) => { if (m.type === 'response') seen.push(m.status); });
  return seen;
}

/** Counts the INVITEs that reach `ua` from now on. */
function invitesTo(ua: SipUa): { count: number } {
  const n = { count: 0 };
  ua.on('invite', () => n.count++);
  return n;
}

/** A REGISTER from `ua`'s address with the given Contact and Expires headers. */
function registerWith(ua: SipUa, contact: string, expires: string): Promise<SipResponse> {
  const headers = new SipHeaders([
    ['Via', ua.via()], ['Max-Forwards', '70'],
    ['To', `<${ua.aor}>`], ['From', `<${ua.aor}>;tag=wild`],
    ['Call-ID', `reg-${ua.instance}`], ['CSeq', '20 REGISTER'],
    ['Contact', contact], ['Expires', expires],
  ]);
  return ua.sendRequest({ type: 'request', method: 'REGISTER', uri: `sip:${ua.domain}`, version: 'SIP/2.0', headers, body: Buffer.alloc(0) });
}

async function cdrsOf(t: TestPlatform, extension: string) {
  await t.platform.recorder.flush();
  const token = await login(t.url, `${extension}@demo`);
  const res = await api(t.url, 'GET', '/api/v2/domains/~/users/~/cdrs', { token });
  assert.equal(res.status, 200);
  return res.body.items as Array<Record<string, any>>;
}

const onFlowOf = (t: TestPlatform, ua: SipUa, extension: string) =>
  t.platform.registrar.lookup('demo', extension).filter((b) => b.contact === ua.contact);

describe('a device\'s SIP username as its address', () => {
  let t: TestPlatform;
  const uas: SipUa[] = [];
  let desk: Grant;
  let deskUa: SipUa;
  let bob: SipUa;
  before(async () => {
    t = await startPlatform({ ringTimeoutMs: 1500 });
    bob = await registeredUa(t, '1002');
    uas.push(bob);
    desk = await newDevice(t, '1001');
  });
  after(async () => { await Promise.all(uas.map((u) => u.close())); await t.close(); });

  it('registers as a binding of the device\'s user: presence, the devices view and the events channel say online', async () => {
    const events = await openEvents(t, desk.token);
    try {
      deskUa = await oneUsernameUa(t, desk.username, desk);
      uas.push(deskUa);
      const seen = statusesOf(deskUa);
      const res = await deskUa.register(300);
      assert.deepEqual(seen, [401, 200], 'challenged, then accepted with the device\'s own credentials');
      const contacts = res.headers.getAll('Contact');
      assert.equal(contacts.length, 1, 'the 200 lists this address\'s bindings');
      assert.ok(contacts[0]!.includes(deskUa.contact));
      assert.match(contacts[0]!, /;expires=(300|299)/);

      const [binding, ...more] = t.platform.registrar.lookup('demo', '1001');
      assert.equal(more.length, 0);
      assert.equal(binding!.deviceId, desk.id, 'the binding is the device\'s');
      assert.equal(binding!.extension, '1001', 'of its user');
      assert.equal(t.platform.registrar.isOnline('demo', '1001'), true);
      assert.equal(t.platform.registrar.lookup('demo', desk.username).length, 0, 'the device username is no user of its own');

      await events.next((e) => e.type === 'presence' && e.extension === '1001' && e.online === true);
      await events.next((e) => e.type === 'devices-changed' && e.device_id === desk.id && e.change === 'online');
      const devices = await api(t.url, 'GET', '/api/v2/domains/~/users/~/devices', { token: desk.token });
      const mine = devices.body.find((d: { id: string }) => d.id === desk.id);
      assert.equal(mine.online, true);
      assert.equal(mine.registrations[0].contact, deskUa.contact);
      const dir = await api(t.url, 'GET', '/api/v2/domains/~/users', { token: desk.token });
      assert.equal(dir.body.find((u: { extension: string }) => u.extension === '1001').online, true);
    } finally {
      events.close();
    }
  });

  it('rings with the user\'s other devices on a call to the extension, at its Contact, and carries the call', async () => {
    const web = await registeredUa(t, '1001'); // the per-device digest username under sip:1001@demo
    uas.push(web);
    try {
      const deskRings = deskUa.nextInvite();
      const webRings = web.nextInvite();
      const call = bob.call('sip:1001@demo');
      const [atDesk, atWeb] = await Promise.all([deskRings, webRings]);
      assert.equal(atDesk.invite.uri, deskUa.contact, 'the INVITE goes to the Contact it registered');
      assert.equal(atDesk.from, '1002');
      atWeb.ring();
      const ack = deskUa.nextRequest('ACK');
      const webCancelled = new Promise((r) => web.once('cancel', r));
      atDesk.answer();
      assert.equal((await call.final).status, 200);
      await ack;
      await webCancelled;
      const info = await call.dialog!.request('INFO', 'Signal=1\r\nDuration=100\r\n', 'application/dtmf-relay');
      assert.equal(info.status, 200);
      assert.equal((await atDesk.dialog.bye()).status, 200, 'its BYE goes back through the proxy');
      assert.ok(call.dialog!.received.some((r) => r.method === 'BYE'));
    } finally {
      await web.close();
    }
  });

  it('calls out from its address as the user: trusted on its flow, and the callee sees the user\'s extension and name', async () => {
    const seen = statusesOf(deskUa);
    const { out, inc } = await answeredCall(deskUa, bob, 'sip:1002@demo');
    assert.ok(!seen.includes(407), 'a registered flow is not challenged');
    assert.match(inc.invite.headers.get('P-Asserted-Identity') ?? '', /^"Alice Anders" <sip:1001@demo>$/);
    assert.equal(inc.invite.headers.getAll('P-Asserted-Identity').length, 1);
    assert.match(out.responses.at(-1)!.headers.get('P-Asserted-Identity') ?? '', /"Bob Baker" <sip:1002@demo>/);
    assert.equal((await out.dialog!.bye()).status, 200);
    const [a] = await cdrsOf(t, '1001');
    const [b] = await cdrsOf(t, '1002');
    assert.equal(a!.type, 'outbound');
    assert.equal(a!.remote_number, '1002');
    assert.equal(b!.type, 'inbound');
    assert.equal(b!.remote_number, '1001', 'the callee\'s record names the user, not the device');
    assert.equal(b!.remote_name, 'Alice Anders');
  });

  it('from a connection that did not register, it answers the challenge and calls as the device\'s user', async () => {
    const ua = await oneUsernameUa(t, desk.username, desk);
    uas.push(ua);
    const seen = statusesOf(ua);
    const { out, inc } = await answeredCall(ua, bob, 'sip:1002@demo');
    assert.equal(seen[0], 407);
    assert.match(inc.invite.headers.get('P-Asserted-Identity') ?? '', /^"Alice Anders" <sip:1001@demo>$/);
    assert.equal(inc.invite.headers.get('Proxy-Authorization'), undefined, 'credentials are not passed on');
    assert.equal((await out.dialog!.bye()).status, 200);
  });

  it('is no number to dial: an INVITE to sip:<device username>@demo is 404 and rings nothing', async () => {
    const rung = invitesTo(deskUa);
    const res = await bob.call(`sip:${desk.username}@demo`).final;
    assert.equal(res.status, 404);
    assert.equal(res.reason, 'Not Found');
    await delay(200);
    assert.equal(rung.count, 0);
    const [b] = await cdrsOf(t, '1002');
    assert.equal(b!.remote_number, desk.username);
    assert.equal(b!.sip_status, 404);
  });

  it('unregistering its address (Expires 0, or Contact * ) removes that device\'s bindings only', async () => {
    const web = await registeredUa(t, '1001');
    uas.push(web);
    try {
      const res = await registerWith(deskUa, '*', '0');
      assert.equal(res.status, 200);
      assert.equal(res.headers.getAll('Contact').length, 0, 'this address has no binding left');
      assert.equal(onFlowOf(t, deskUa, '1001').length, 0);
      assert.equal(onFlowOf(t, web, '1001').length, 1, 'the user\'s other device stays registered');
      assert.equal((await deskUa.register(300)).status, 200);
      assert.equal((await deskUa.register(0)).status, 200);
      assert.equal(onFlowOf(t, deskUa, '1001').length, 0);
      assert.equal(onFlowOf(t, web, '1001').length, 1);
      assert.equal((await deskUa.register(300)).status, 200);
      assert.equal(t.platform.registrar.lookup('demo', '1001').length, 2);
    } finally {
      await web.close();
    }
  });

  it('the README\'s SIP section says how a desk phone or SIP.js client is set up with one username', () => {
    const readme = fs.readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const sip = readme.slice(readme.indexOf('**SIP.**'), readme.indexOf('**SIP behind an edge proxy'));
    assert.match(sip, /desk phone/i);
    assert.match(sip, /one username/);
    assert.match(sip, /SIP\.js/);
    assert.match(sip, /sip:<SIP username>@<domain>/);
    assert.match(sip, /authorization user/i);
    assert.match(sip, /\/sip/);
  });
});

describe('a device\'s SIP username as its address: attacks', () => {
  let t: TestPlatform;
  const uas: SipUa[] = [];
  let alice: Grant;
  let aliceOther: Grant;
  let bobDevice: Grant;
  let bob: SipUa;
  let acme: { username: string; password: string };
  before(async () => {
    t = await startPlatform({ ringTimeoutMs: 1500 });
    alice = await newDevice(t, '1001', 'desk');
    aliceOther = await newDevice(t, '1001', 'laptop');
    bobDevice = await newDevice(t, '1002', 'desk');
    bob = await oneUsernameUa(t, bobDevice.username, bobDevice);
    uas.push(bob);
    assert.equal((await bob.register()).status, 200);
    // Another organisation, with a user and a device of its own.
    const store = t.platform.store;
    await store.domains.create({ name: 'acme', description: 'Another organisation', createdAt: Date.now() });
    await store.users.create({
      domain: 'acme', extension: '1001', firstName: 'Ann', lastName: 'Acme', email: 'ann@acme.example', role: 'user',
      passwordHash: 'x', mfaSecret: null, ringNoAnswerTimeoutS: 25, createdAt: Date.now(),
    });
    acme = { username: '1001-acme0001', password: 'acme-secret' };
    await store.devices.create({
      id: 'acme-device', domain: 'acme', extension: '1001', label: 'acme desk', sipUsername: acme.username,
      ha1: computeHa1(acme.username, 'acme', acme.password), createdAt: Date.now(), lastSeenAt: null, loginFamily: null,
    });
  });
  after(async () => { await Promise.all(uas.map((u) => u.close())); await t.close(); });

  it('opens only with that device\'s own credentials: another user\'s device, or the user\'s other device, is 403', async () => {
    for (const [who, creds] of [['another user\'s device', bobDevice], ['the user\'s other device', aliceOther]] as const) {
      const ua = await oneUsernameUa(t, alice.username, creds);
      uas.push(ua);
      const res = await ua.register();
      assert.equal(res.status, 403, who);
      assert.equal(onFlowOf(t, ua, '1001').length, 0, `${who}: no binding for the device's user`);
      assert.equal(onFlowOf(t, ua, '1002').length, 0, `${who}: none for the credentials' user either`);
    }
    assert.equal(t.platform.registrar.isOnline('demo', '1001'), false);
  });

  it('makes no binding for the wrong user: the device\'s address binds its own user, whatever the request says', async () => {
    // Bob's device address, with Bob's credentials, but a From naming Alice: still Bob's binding.
    const ua = await oneUsernameUa(t, bobDevice.username, bobDevice);
    uas.push(ua);
    const headers = new SipHeaders([
      ['Via', ua.via()], ['Max-Forwards', '70'],
      ['To', `<${ua.aor}>`], ['From', '<sip:1001@demo>;tag=x'],
      ['Call-ID', `reg-${ua.instance}`], ['CSeq', '1 REGISTER'],
      ['Contact', `<${ua.contact}>;expires=300`],
    ]);
    const res = await ua.sendRequest({ type: 'request', method: 'REGISTER', uri: 'sip:1001@demo', version: 'SIP/2.0', headers, body: Buffer.alloc(0) });
    assert.equal(res.status, 200);
    assert.equal(onFlowOf(t, ua, '1002').length, 1);
    assert.equal(onFlowOf(t, ua, '1001').length, 0);
    assert.equal(t.platform.registrar.isOnline('demo', '1001'), false);
    await ua.close();
  });

  it('refuses a device username of another organisation, in either direction', async () => {
    // acme's device claiming an address in demo: demo knows no such credentials (401 again).
    const intruder = await oneUsernameUa(t, acme.username, acme);
    uas.push(intruder);
    const seen = statusesOf(intruder);
    assert.equal((await intruder.register()).status, 401);
    assert.deepEqual(seen, [401, 401]);
    // demo's device claiming its address in acme.
    const stray = await oneUsernameUa(t, alice.username, alice, 'acme');
    uas.push(stray);
    assert.equal((await stray.register()).status, 401);
    assert.equal(t.platform.registrar.lookup('acme', '1001').length, 0);
    assert.equal(t.platform.registrar.isOnline('demo', '1001'), false);
    // The same rule holds in acme for acme's own device.
    const own = await oneUsernameUa(t, acme.username, acme, 'acme');
    uas.push(own);
    assert.equal((await own.register()).status, 200);
    assert.equal(t.platform.registrar.lookup('acme', '1001').length, 1);
    assert.equal(t.platform.registrar.isOnline('demo', '1001'), false, 'an extension of the same number in demo is someone else');
    await own.close();
  });

  it('still takes the per-device digest username under the user\'s own address, and no other user\'s', async () => {
    const ua = new SipUa(t.wsUrl, { uri: 'sip:1001@demo', authorizationUser: aliceOther.username, password: aliceOther.password });
    await ua.connect();
    uas.push(ua);
    assert.equal((await ua.register()).status, 200);
    assert.equal(onFlowOf(t, ua, '1001')[0]?.deviceId, aliceOther.id);
    (ua.creds as { uri: string }).uri = 'sip:1002@demo';
    assert.equal((await ua.register()).status, 403);
    await ua.close();
  });

  it('refuses a spoofed From on INVITE, whichever form it names', async () => {
    const desk = await oneUsernameUa(t, alice.username, alice);
    uas.push(desk);
    assert.equal((await desk.register()).status, 200);
    const fresh = await oneUsernameUa(t, alice.username, alice); // not registered: must answer 407
    uas.push(fresh);
    const rung = invitesTo(bob);
    const spoofs = [
      'sip:1002@demo', // another user's extension
      `sip:${bobDevice.username}@demo`, // another user's device
      `sip:${aliceOther.username}@demo`, // the same user's other device
      `sip:${alice.username}@acme`, // its own username, in another organisation
    ];
    for (const ua of [desk, fresh]) {
      for (const from of spoofs) {
        (ua.creds as { uri: string }).uri = from;
        const seen = statusesOf(ua);
        const res = await ua.call('sip:1002@demo').final;
        assert.equal(res.status, 403, `${from} from a ${ua === desk ? 'registered' : 'new'} connection`);
        assert.equal(seen[0], 407, 'challenged first: the flow is trusted only for its own identity');
        ua.removeAllListeners('message');
      }
    }
    assert.equal(rung.count, 0, 'nobody was rung');
    // Control: the genuine address, in both forms, still calls (and is Alice).
    for (const from of [`sip:${alice.username}@demo`, 'sip:1001@demo']) {
      (desk.creds as { uri: string }).uri = from;
      const { out, inc } = await answeredCall(desk, bob, 'sip:1002@demo');
      assert.match(inc.invite.headers.get('P-Asserted-Identity') ?? '', /"Alice Anders" <sip:1001@demo>/, from);
      assert.equal((await out.dialog!.bye()).status, 200);
    }
    await eventually(() => t.platform.dialogs.all().length === 0);
  });
});
