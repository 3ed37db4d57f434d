/**
 * SIP MESSAGE (RFC 3428) and chat: a MESSAGE from a registered SIP phone becomes a chat message
 * the web user's events socket sees (in their 1:1 conversation, created when needed); one that
 * is not text/plain is refused 415; and a chat message POSTed to a user whose only live device is
 * a SIP phone arrives there as a MESSAGE from the sender's address. A user with the web app
 * registered gets chat on its events channel only.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { api, login, openEvents, phone, registeredUa, startPlatform, type EventsSocket, type TestPlatform } from '../support/harness.js';
import { Dialog, type SipUa } from '../support/sip-ua.js';
import { isWebPhone } from '../../server/sip/messages.js';

const U = '/api/v2/domains/~/users/~';

function sipMessage(ua: SipUa, target: string, body: string, contentType = 'text/plain;charset=utf-8') {
  const dialog = new Dialog(ua, randomBytes(8).toString('hex'), randomBytes(4).toString('hex'), ua.aor, target, true);
  return ua.sendRequest(dialog.build('MESSAGE', 1, body, contentType));
}

describe('SIP MESSAGE and chat', () => {
  let t: TestPlatform;
  const uas: SipUa[] = [];
  const sockets: EventsSocket[] = [];
  before(async () => { t = await startPlatform(); });
  after(async () => {
    sockets.forEach((s) => s.close());
    await Promise.all(uas.map((u) => u.close()));
    await t.close();
  });

  it('a MESSAGE from a SIP phone becomes a chat message the web user sees', async () => {
    const deskPhone = await registeredUa(t, '1001');
    uas.push(deskPhone);
    const bob = await login(t.url, '1002@demo');
    const events = await openEvents(t, bob);
    sockets.push(events);
    const res = await sipMessage(deskPhone, 'sip:1002@demo', 'Lunch at noon? Ünïcode ✓');
    assert.ok(res.status === 200 || res.status === 202, String(res.status));
    const got = await events.next((e) => e.type === 'message', 1000);
    assert.equal(got.message.text, 'Lunch at noon? Ünïcode ✓');
    assert.deepEqual(got.message.sender, { kind: 'user', extension: '1001', name: 'Alice Anders' });
    assert.equal(got.message.type, 'chat');
    const list = await api(t.url, 'GET', `${U}/messagesessions`, { token: bob });
    const chat = list.body.find((s: any) => s.id === got.session_id);
    assert.deepEqual(chat.participants.map((p: any) => p.extension), ['1001']);

    const html = await sipMessage(deskPhone, 'sip:1002@demo', '<p>hi</p>', 'text/html');
    assert.equal(html.status, 415);
    assert.equal(html.headers.get('Accept'), 'text/plain');
    assert.equal((await sipMessage(deskPhone, 'sip:1002@demo', 'x'.repeat(11 * 1024))).status, 413);
    assert.equal((await sipMessage(deskPhone, 'sip:9999@demo', 'anyone?')).status, 404);
    const page = await api(t.url, 'GET', `${U}/messagesessions/${got.session_id}/messages`, { token: bob });
    assert.equal(page.body.items.length, 1);
  });

  it('a chat message to a user whose only device is a SIP phone arrives as a MESSAGE', async () => {
    const carolPhone = await registeredUa(t, '1004');
    uas.push(carolPhone);
    const bob = await login(t.url, '1002@demo');
    const s = (await api(t.url, 'POST', `${U}/messagesessions`, { token: bob, body: { participants: [{ kind: 'user', extension: '1004' }] } })).body.id;
    const arriving = carolPhone.nextRequest('MESSAGE');
    const sent = await api(t.url, 'POST', `${U}/messagesessions/${s}/messages`, { token: bob, body: { client_id: randomUUID(), text: 'Your parcel is at the desk' } });
    assert.equal(sent.status, 201);
    const msg = await arriving;
    assert.equal(msg.body.toString('utf8'), 'Your parcel is at the desk');
    assert.match(msg.headers.get('From')!, /^"Bob Baker" <sip:1002@demo>;tag=/);
    assert.match(msg.headers.get('Content-Type')!, /^text\/plain/);
  });

  it('a user with the web app gets chat on its events channel, not as a MESSAGE', async () => {
    assert.equal(isWebPhone({ userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/130.0' }), true);
    assert.equal(isWebPhone({ userAgent: 'JsSIP 3.10.1' }), true);
    assert.equal(isWebPhone({ userAgent: 'Yealink SIP-T46S 66.86.0.15' }), false);
    // The test UA registers as "switchboard-test-ua": a SIP phone.
    const web = await phone(t, '1003', 'Carol web');
    uas.push(web.ua);
    let messages = 0;
    web.ua.on('request', (r: { method: string }) => { if (r.method === 'MESSAGE') messages++; });
    const bob = await login(t.url, '1002@demo');
    const s = (await api(t.url, 'POST', `${U}/messagesessions`, { token: bob, body: { participants: [{ kind: 'user', extension: '1003' }] } })).body.id;
    // Binding's User-Agent as a browser's: the registrar keeps it; flip it for this check.
    for (const b of t.platform.registrar.lookup('demo', '1003')) (b as { userAgent: string }).userAgent = 'Mozilla/5.0 Firefox/133.0';
    await api(t.url, 'POST', `${U}/messagesessions/${s}/messages`, { token: bob, body: { client_id: randomUUID(), text: 'web only' } });
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(messages, 0);
  });
});

describe('SIP MESSAGE flood', () => {
  let t: TestPlatform;
  let ua: SipUa;
  before(async () => {
    t = await startPlatform({ messageSendRate: { burst: 2, perSecond: 0.1 } });
    ua = await registeredUa(t, '1004');
  });
  after(async () => { await ua.close(); await t.close(); });

  it('past the sender\'s limit is answered 503 with Retry-After, as the web phone\'s 429', async () => {
    const statuses: number[] = [];
    let retryAfter: string | undefined;
    for (let i = 0; i < 3; i++) {
      const res = await sipMessage(ua, 'sip:1002@demo', `flood ${i}`);
      statuses.push(res.status);
      retryAfter ??= res.headers.get('Retry-After') ?? undefined;
    }
    assert.deepEqual(statuses, [200, 200, 503]);
    assert.ok(Number(retryAfter) >= 1);
  });
});
