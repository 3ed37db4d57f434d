/**
 * SIP holes an attacker (or a chaos test) finds first: a captured REGISTER replayed, sockets
 * that never authenticate or never die, a frozen peer leaving a ghost call, and the route of a
 * finished call reused with a forged From.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { DigestAuthenticator, computeHa1, md5 } from '../../server/sip/digest.js';
import { serialize, type SipMessage } from '../../server/sip/message.js';
import { parseAuthHeader } from '../../server/sip/uri.js';
import { api, delay, eventually, phone, registeredUa, startPlatform, type TestPlatform, answeredCall } from '../support/harness.js';
import { waitForEvent, type SipUa } from '../support/sip-ua.js';

function openSip(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, 'sip');
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** Sends raw bytes and resolves with the status of the first final response. */
function statusOf(ws: WebSocket, text: string, timeoutMs = 3000): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no answer')), timeoutMs);
    const on = (d: WebSocket.RawData) => {
      const m = /^SIP\/2\.0 (\d{3})/.exec(String(d));
      if (!m || m[1] === '100') return;
      clearTimeout(timer);
      ws.off('message', on);
      resolve({ status: Number(m[1]), text: String(d) });
    };
    ws.on('message', on);
    ws.send(text);
  });
}

/** Records the bytes a test UA sends. */
function capture(ua: SipUa): string[] {
  const sent: string[] = [];
  const send = ua.send.bind(ua);
  ua.send = (msg: SipMessage) => {
    sent.push(serialize(msg).toString('utf8'));
    send(msg);
  };
  return sent;
}

describe('digest nonces', { timeout: 10_000 }, () => {
  const realm = 'demo';
  const ha1 = computeHa1('dev', realm, 'pw');
  const answer = (nonce: string, nc: string, method = 'REGISTER', uri = 'sip:demo') => parseAuthHeader(
    `Digest username="dev", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${md5(`${ha1}:${nonce}:${nc}:c1:auth:${md5(`${method}:${uri}`)}`)}", qop=auth, nc=${nc}, cnonce="c1", algorithm=MD5`,
  )!;
  const nonceOf = (challenge: string) => /nonce="([^"]+)"/.exec(challenge)![1]!;

  it('accepts a rising nonce count on the flow it was issued to, and refuses a repeated or lower one', () => {
    const d = new DigestAuthenticator();
    const nonce = nonceOf(d.challenge(realm, 'flow-a'));
    assert.equal(d.verify(answer(nonce, '00000001'), 'REGISTER', ha1, 'flow-a'), 'ok');
    assert.equal(d.verify(answer(nonce, '00000001'), 'REGISTER', ha1, 'flow-a'), 'invalid', 'the same nc again is a replay');
    assert.equal(d.verify(answer(nonce, '00000003'), 'REGISTER', ha1, 'flow-a'), 'ok');
    assert.equal(d.verify(answer(nonce, '00000002'), 'REGISTER', ha1, 'flow-a'), 'invalid', 'a lower nc is a replay');
  });

  it('refuses a nonce used on another flow, and forgets a flow\'s nonces when it closes', () => {
    const d = new DigestAuthenticator();
    const nonce = nonceOf(d.challenge(realm, 'flow-a'));
    assert.equal(d.verify(answer(nonce, '00000001'), 'REGISTER', ha1, 'flow-b'), 'invalid');
    d.flowClosed('flow-a');
    assert.equal(d.size, 0);
    assert.equal(d.verify(answer(nonce, '00000001'), 'REGISTER', ha1, 'flow-a'), 'stale');
  });

  it('says stale for a right answer to an expired nonce, and the challenge carries stale=true', () => {
    let now = 1_000_000;
    const d = new DigestAuthenticator(() => now);
    const nonce = nonceOf(d.challenge(realm, 'flow-a'));
    now += 5 * 60_000 + 1;
    assert.equal(d.verify(answer(nonce, '00000001'), 'REGISTER', ha1, 'flow-a'), 'stale');
    assert.match(d.challenge(realm, 'flow-a', true), /stale=true/);
  });

  it('refuses a wrong password whatever the nonce', () => {
    const d = new DigestAuthenticator();
    const nonce = nonceOf(d.challenge(realm, 'flow-a'));
    assert.equal(d.verify(answer(nonce, '00000001'), 'REGISTER', computeHa1('dev', realm, 'other'), 'flow-a'), 'invalid');
  });

  it('keeps a bounded number of nonces per flow', () => {
    const d = new DigestAuthenticator();
    for (let i = 0; i < 1000; i++) d.challenge(realm, 'flow-a');
    assert.ok(d.size <= 8, `${d.size} nonces kept for one flow`);
  });
});

describe('a captured REGISTER replayed', { timeout: 20_000 }, () => {
  let t: TestPlatform;
  before(async () => { t = await startPlatform(); });
  after(() => t.close());

  it('is refused on a new WebSocket and on the same one, and the victim keeps its calls', async () => {
    const alice = await phone(t, '1001');
    // Capture what Alice's phone sends when it re-registers.
    const sent = capture(alice.ua);
    assert.equal((await alice.ua.register()).status, 200);
    const authenticated = sent.find((m) => m.startsWith('REGISTER') && /\r\nAuthorization:/i.test(m));
    assert.ok(authenticated, 'the UA sent an authenticated REGISTER');

    const attacker = await openSip(t.wsUrl);
    const onNew = await statusOf(attacker, authenticated!);
    assert.equal(onNew.status, 401, 'the same bytes on another connection must not register');
    const sameFlow = await new Promise<number>((resolve) => {
      const on = (res: { status: number }) => {
        if (res.status === 100) return;
        alice.ua.off('message', on);
        resolve(res.status);
      };
      alice.ua.on('message', on);
      (alice.ua as unknown as { ws: WebSocket }).ws.send(authenticated!);
    });
    assert.equal(sameFlow, 401, 'the same nonce count again on the same flow is a replay');

    // Calls to 1001 still reach Alice's own phone, not the attacker's socket.
    const attackerGot: string[] = [];
    attacker.on('message', (d) => attackerGot.push(String(d)));
    const bob = await registeredUa(t, '1002');
    const { inc } = await answeredCall(bob, alice.ua, 'sip:1001@demo');
    assert.equal(inc.from, '1002');
    assert.ok(!attackerGot.some((m) => m.startsWith('INVITE')));
    attacker.close();
    await Promise.all([alice.ua.close(), bob.close()]);
  });
});

describe('SIP connection limits', { timeout: 20_000 }, () => {
  let t: TestPlatform;
  before(async () => { t = await startPlatform({ flowLimits: { authTimeoutMs: 400, maxFlowsPerAddress: 4, maxFlows: 1000 } }); });
  after(() => t.close());

  it('closes a connection that does not authenticate in time, and keeps one that did', async () => {
    const idle = await openSip(t.wsUrl);
    const ua = await registeredUa(t, '1004');
    const closed = await waitForEvent<number>(idle, 'close', 3000);
    assert.equal(closed, 1008);
    await delay(500);
    assert.equal(ua.ws.readyState, WebSocket.OPEN, 'an authenticated flow stays');
    await ua.close();
  });

  it('refuses connections beyond the per-address cap with 503, and admits again when one closes', async () => {
    await eventually(() => t.platform.transport.flows.size === 0);
    const open = await Promise.all([0, 1, 2, 3].map(() => openSip(t.wsUrl)));
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(t.wsUrl, 'sip');
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('open', () => resolve(101));
      ws.once('error', () => undefined);
    });
    assert.equal(refused, 503);
    open[0]!.close();
    await eventually(() => t.platform.transport.flows.size === 3);
    const again = await openSip(t.wsUrl);
    again.close();
    open.forEach((ws) => ws.close());
  });
});

describe('keep-alives and frozen peers', { timeout: 20_000 }, () => {
  let t: TestPlatform;
  before(async () => { t = await startPlatform({ flowLimits: { pingIntervalMs: 200 } }); });
  after(() => t.close());

  it('answers a CRLF keep-alive ping with a CRLF pong (RFC 5626 s3.5.1)', async () => {
    const ws = await openSip(t.wsUrl);
    const pong = new Promise<string>((r) => ws.once('message', (d) => r(String(d))));
    ws.send('\r\n\r\n');
    assert.equal(await pong, '\r\n');
    ws.close();
  });

  it('drops a peer that stops answering pings: the other party gets a BYE and the call is gone', async () => {
    const alice = await phone(t, '1001');
    const bob = await phone(t, '1002');
    const { out } = await answeredCall(alice.ua, bob.ua, 'sip:1002@demo');
    await delay(500);
    assert.equal(t.platform.dialogs.size, 1, 'a live peer answers its pings and the call goes on');
    // Bob's laptop lid closes: his socket stays open but nothing is read (so no pong).
    (bob.ua.ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const bye = await alice.ua.nextRequest('BYE', 3000);
    assert.equal(bye.headers.get('Call-ID'), out.dialog!.callId);
    assert.equal(t.platform.dialogs.size, 0);
    const calls = await api(t.url, 'GET', '/api/v2/domains/~/users/~/calls', { token: alice.token });
    assert.deepEqual(calls.body.calls, []);
    await alice.ua.close();
    bob.ua.ws.terminate();
  });
});

describe('routes of finished calls', { timeout: 20_000 }, () => {
  let t: TestPlatform;
  before(async () => { t = await startPlatform(); });
  after(() => t.close());

  it('answers 481 to a request with a new Call-ID and a forged From sent through a finished call\'s route', async () => {
    const alice = await registeredUa(t, '1001');
    const bob = await registeredUa(t, '1002');
    const { out } = await answeredCall(alice, bob, 'sip:1002@demo');
    const byeSeen = bob.nextRequest('BYE');
    assert.equal((await out.dialog!.bye()).status, 200);
    await byeSeen;

    const bobGot: string[] = [];
    bob.on('request', (r: { method: string }) => bobGot.push(r.method));
    const forged = out.dialog!.build('MESSAGE', 99, 'Your account is suspended, call 0900...', 'text/plain');
    forged.headers.set('Call-ID', 'forged-' + Math.random());
    forged.headers.set('From', '"Erin Evans" <sip:1005@demo>;tag=forged');
    const res = await alice.sendRequest(forged);
    assert.equal(res.status, 481);
    await delay(200);
    assert.deepEqual(bobGot, []);
    await Promise.all([alice.close(), bob.close()]);
  });

  it('refuses an in-dialog request in which a flow speaks as the other party, and asserts the real sender', async () => {
    const alice = await registeredUa(t, '1001');
    const bob = await registeredUa(t, '1002');
    const { out } = await answeredCall(alice, bob, 'sip:1002@demo');
    // Alice's flow sends with Bob's tag as its From tag: pretending to be Bob.
    const spoof = out.dialog!.build('INFO', 50, '', undefined);
    spoof.headers.set('From', `<sip:1002@demo>;tag=${out.dialog!.remoteTag}`);
    spoof.headers.set('To', `<sip:1001@demo>;tag=${out.dialog!.localTag}`);
    assert.equal((await alice.sendRequest(spoof)).status, 403);

    const info = bob.nextRequest('INFO');
    const honest = out.dialog!.build('INFO', 51, '', undefined);
    honest.headers.set('From', `"Erin Evans" <sip:1001@demo>;tag=${out.dialog!.localTag}`);
    assert.equal((await alice.sendRequest(honest)).status, 200);
    assert.match((await info).headers.get('P-Asserted-Identity') ?? '', /"Alice Anders" <sip:1001@demo>/);
    await out.dialog!.bye();
    await Promise.all([alice.close(), bob.close()]);
  });
});
