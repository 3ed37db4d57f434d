/**
 * SMS and MMS in the messaging core, through the carrier port with a fake carrier (the adapters
 * of server/sms/ are tested on their own): a text out and its reply in, MMS both ways, a
 * carrier's refusal (failed, with its reason) and a retry, status reports, texts to the
 * organisation's number reaching its default recipients, no carrier configured, SMS off for the
 * organisation, and numbers normalised or refused.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { api, eventually, login, openEvents, startPlatform, type EventsSocket, type TestPlatform } from '../support/harness.js';
import { FakeSmsCarrier } from '../support/fake-sms-carrier.js';

const U = '/api/v2/domains/~/users/~';
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 3)]);

describe('SMS and MMS', () => {
  let t: TestPlatform;
  const carrier = new FakeSmsCarrier();
  let alice: string;
  let bob: string;
  const sockets: EventsSocket[] = [];
  before(async () => {
    t = await startPlatform({ smsCarrier: carrier });
    alice = await login(t.url, '1001@demo');
    bob = await login(t.url, '1002@demo');
  });
  after(async () => { sockets.forEach((s) => s.close()); await t.close(); });

  const openSms = (token: string, number: string, local_number?: string) =>
    api(t.url, 'POST', `${U}/messagesessions`, { token, body: { participants: [{ kind: 'number', number }], ...(local_number ? { local_number } : {}) } });
  const send = (token: string, session: string, text: string, attachment_ids?: string[]) =>
    api(t.url, 'POST', `${U}/messagesessions/${session}/messages`, { token, body: { client_id: randomUUID(), text, ...(attachment_ids ? { attachment_ids } : {}) } });

  it('SMS access: the organisation\'s number, and my own', async () => {
    const mine = await api(t.url, 'GET', `${U}/sms`, { token: alice });
    assert.deepEqual(mine.body, { enabled: true, numbers: [{ number: '+15550100000', owner: null }, { number: '+15550101001', owner: '1001' }] });
    const bobs = await api(t.url, 'GET', `${U}/sms`, { token: bob });
    assert.deepEqual(bobs.body, { enabled: true, numbers: [{ number: '+15550100000', owner: null }] });
    // The domain's administrator reads a user's SMS access (settings), not their conversations; another user neither.
    const admin = await login(t.url, '1005@demo');
    assert.deepEqual((await api(t.url, 'GET', '/api/v2/domains/~/users/1001/sms', { token: admin })).body, mine.body);
    assert.equal((await api(t.url, 'GET', '/api/v2/domains/~/users/1001/messagesessions', { token: admin })).status, 403);
    assert.equal((await api(t.url, 'GET', '/api/v2/domains/~/users/1001/sms', { token: bob })).status, 403);
  });

  it('a text goes out through the carrier, and the reply comes in', async () => {
    const events = await openEvents(t, alice);
    sockets.push(events);
    const opened = await openSms(alice, '(555) 010-0199');
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    assert.equal(opened.body.kind, 'sms');
    assert.equal(opened.body.local_number, '+15550101001');
    assert.deepEqual(opened.body.participants, [{ kind: 'number', number: '+15550100199', name: '+15550100199' }]);
    assert.equal((await openSms(alice, '+1 555.010.0199')).body.id, opened.body.id);

    const sent = await send(alice, opened.body.id, 'Are you open today?');
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    assert.deepEqual([sent.body.type, sent.body.status, sent.body.direction], ['sms', 'sending', 'outbound']);
    const accepted = await events.next((e) => e.type === 'message' && e.message.id === sent.body.id && e.message.status === 'sent');
    assert.equal(accepted.message.failure_reason, null);
    const out = carrier.sent.find((s) => s.messageId === sent.body.id)!;
    assert.deepEqual([out.from, out.to, out.text, out.media.length], ['+15550101001', '+15550100199', 'Are you open today?', 0]);

    // The carrier reports it delivered.
    const carrierId = (await t.platform.store.messaging.getMessage(sent.body.id))!.carrierId!;
    await t.platform.smsInbox.status(carrierId, 'delivered', null);
    await events.next((e) => e.type === 'message' && e.message.id === sent.body.id && e.message.status === 'delivered');

    const reply = { carrierId: 'in-1', from: '+15550100199', to: '+15550101001', text: 'Yes, until 6 <script>alert(1)</script>', media: [] };
    await t.platform.smsInbox.received(reply);
    await t.platform.smsInbox.received(reply); // a webhook delivered twice
    const got = await events.next((e) => e.type === 'message' && e.session_id === opened.body.id && e.message.direction === 'inbound');
    assert.equal(got.message.text, 'Yes, until 6 <script>alert(1)</script>');
    assert.deepEqual(got.message.sender, { kind: 'number', number: '+15550100199', name: '+15550100199' });
    assert.equal(got.message.type, 'sms');
    const page = await api(t.url, 'GET', `${U}/messagesessions/${opened.body.id}/messages`, { token: alice });
    assert.deepEqual(page.body.items.map((m: any) => m.text), ['Yes, until 6 <script>alert(1)</script>', 'Are you open today?']);
    // Only 1001 has this number: 1002 does not see the conversation.
    assert.equal((await api(t.url, 'GET', `${U}/messagesessions/${opened.body.id}`, { token: bob })).status, 404);
  });

  it('MMS with an image, out and in', async () => {
    const s = (await openSms(alice, '5550100188')).body.id;
    const res = await fetch(`${t.url}${U}/attachments`, { method: 'POST', body: new Uint8Array(PNG), headers: { authorization: `Bearer ${alice}`, 'content-type': 'image/png', 'x-file-name': 'map.png' } });
    const up = await res.json() as any;
    assert.equal(res.status, 201);
    const sent = await send(alice, s, 'Here is the map', [up.id]);
    assert.equal(sent.body.type, 'mms');
    await eventually(() => carrier.sent.some((x) => x.messageId === sent.body.id));
    const out = carrier.sent.find((x) => x.messageId === sent.body.id)!;
    assert.deepEqual(out.media.map((m) => [m.name, m.contentType]), [['map.png', 'image/png']]);
    assert.deepEqual(out.media[0]!.data, PNG);

    await t.platform.smsInbox.received({ carrierId: 'in-mms', from: '+15550100188', to: '+15550101001', text: '', media: [{ name: 'photo.png', contentType: 'image/png', data: PNG }] });
    const page = await api(t.url, 'GET', `${U}/messagesessions/${s}/messages`, { token: alice });
    const mms = page.body.items[0];
    assert.deepEqual([mms.type, mms.direction, mms.attachments.length], ['mms', 'inbound', 1]);
    const file = await fetch(t.url + mms.attachments[0].url, { headers: { authorization: `Bearer ${alice}` } });
    assert.equal(file.status, 200);
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), PNG);
    assert.equal((await fetch(t.url + mms.attachments[0].url, { headers: { authorization: `Bearer ${bob}` } })).status, 404);

    // A medium is what its bytes are, not what the carrier says: SVG or a program is a download.
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    await t.platform.smsInbox.received({ carrierId: 'in-svg', from: '+15550100188', to: '+15550101001', text: '', media: [{ name: 'x.svg', contentType: 'image/svg+xml', data: svg }] });
    const svgMsg = (await api(t.url, 'GET', `${U}/messagesessions/${s}/messages`, { token: alice })).body.items[0];
    const served = await fetch(t.url + svgMsg.attachments[0].url, { headers: { authorization: `Bearer ${alice}` } });
    assert.equal(served.headers.get('content-type'), 'application/octet-stream');
    assert.match(served.headers.get('content-disposition')!, /^attachment;/);
  });

  it('a refusal fails the text with the carrier\'s reason; retry sends it', async () => {
    const events = await openEvents(t, alice);
    sockets.push(events);
    const s = (await openSms(alice, '+15550100177')).body.id;
    carrier.refuse = 'The carrier refused the number';
    const sent = await send(alice, s, 'Will this go?');
    const failed = await events.next((e) => e.type === 'message' && e.message.id === sent.body.id && e.message.status === 'failed');
    assert.equal(failed.message.failure_reason, 'The carrier refused the number');
    carrier.refuse = null;
    const retried = await api(t.url, 'POST', `${U}/messagesessions/${s}/messages/${sent.body.id}/retry`, { token: alice });
    assert.equal(retried.status, 200, JSON.stringify(retried.body));
    assert.equal(retried.body.status, 'sending');
    await events.next((e) => e.type === 'message' && e.message.id === sent.body.id && e.message.status === 'sent');
    const again = await api(t.url, 'POST', `${U}/messagesessions/${s}/messages/${sent.body.id}/retry`, { token: alice });
    assert.equal(again.status, 409);
  });

  it('carrier reports only move a text forward, whatever order they come in', async () => {
    const s = (await openSms(alice, '+15550100155')).body.id;
    const sent = await send(alice, s, 'In order?');
    const status = async () => (await api(t.url, 'GET', `${U}/messagesessions/${s}/messages`, { token: alice })).body.items.find((m: any) => m.id === sent.body.id).status;
    await eventually(async () => (await status()) === 'sent');
    const carrierId = `fake-${carrier.sent.length}`;
    await t.platform.smsInbox.status(carrierId, 'delivered', null);
    assert.equal(await status(), 'delivered');
    // A late "sent", and a replayed "failed", cannot take it back.
    await t.platform.smsInbox.status(carrierId, 'sent', null);
    await t.platform.smsInbox.status(carrierId, 'failed', 'Unreachable');
    assert.equal(await status(), 'delivered');
  });

  it('a text to the organisation\'s number reaches its default recipients', async () => {
    const bobEvents = await openEvents(t, bob);
    sockets.push(bobEvents);
    await t.platform.smsInbox.received({ carrierId: 'in-org', from: '+15550100166', to: '+15550100000', text: 'Hello company', media: [] });
    const created = await bobEvents.next((e) => e.type === 'message-session' && e.change === 'created');
    assert.equal(created.session.local_number, '+15550100000');
    await bobEvents.next((e) => e.type === 'message' && e.message.text === 'Hello company');
    const aliceList = await api(t.url, 'GET', `${U}/messagesessions`, { token: alice });
    assert.ok(aliceList.body.some((x: any) => x.id === created.session.id));
    const carol = await login(t.url, '1003@demo');
    assert.equal((await api(t.url, 'GET', `${U}/messagesessions/${created.session.id}`, { token: carol })).status, 404);
    // Bob answers from the organisation's number.
    const reply = await send(bob, created.session.id, 'Hello, how can we help?');
    await eventually(() => carrier.sent.some((x) => x.messageId === reply.body.id && x.from === '+15550100000' && x.to === '+15550100166'));
  });

  it('numbers are normalised or refused; SMS off for the organisation says so', async () => {
    assert.equal((await openSms(alice, '0044 20 7946 0000')).body.participants[0].number, '+442079460000');
    // Not for a number of ours, or from no phone number: dropped.
    await t.platform.smsInbox.received({ carrierId: 'in-x', from: '+15550100133', to: '+15559999999', text: 'lost', media: [] });
    await t.platform.smsInbox.received({ carrierId: 'in-y', from: 'ACME', to: '+15550101001', text: 'promo', media: [] });
    const texts = [];
    for (const c of (await api(t.url, 'GET', `${U}/messagesessions`, { token: alice })).body) texts.push(c.last_message?.text);
    assert.ok(!texts.includes('lost') && !texts.includes('promo'));
    const bad = await openSms(alice, '12ab');
    assert.equal(bad.status, 400);
    assert.equal(bad.body.message, '"12ab" is not a phone number');
    assert.equal((await openSms(alice, '555-0100')).status, 400);
    const notMine = await openSms(bob, '+15550100155', '+15550101001');
    assert.equal(notMine.status, 400);
    await t.platform.store.messaging.setSmsEnabled('demo', false);
    try {
      const off = await openSms(alice, '+15550100199');
      assert.equal(off.status, 403);
      assert.deepEqual(off.body, { code: 'sms_not_enabled', message: 'SMS is not enabled for your organisation' });
      assert.deepEqual((await api(t.url, 'GET', `${U}/sms`, { token: alice })).body, { enabled: false, numbers: [] });
      await t.platform.smsInbox.received({ carrierId: 'in-off', from: '+15550100144', to: '+15550101001', text: 'anyone?', media: [] });
      assert.ok(!(await api(t.url, 'GET', `${U}/messagesessions`, { token: alice })).body.some((x: any) => x.participants[0]?.number === '+15550100144'));
    } finally {
      await t.platform.store.messaging.setSmsEnabled('demo', true);
    }
  });
});

describe('SMS without a carrier', () => {
  let t: TestPlatform;
  before(async () => { t = await startPlatform({ env: { SWITCHBOARD_SMS_CARRIER: 'none' } }); });
  after(async () => { await t.close(); });

  it('a text fails with "No SMS carrier is configured"', async () => {
    const alice = await login(t.url, '1001@demo');
    const s = (await api(t.url, 'POST', `${U}/messagesessions`, { token: alice, body: { participants: [{ kind: 'number', number: '+15550100199' }] } })).body.id;
    const sent = await api(t.url, 'POST', `${U}/messagesessions/${s}/messages`, { token: alice, body: { client_id: randomUUID(), text: 'hello?' } });
    assert.equal(sent.status, 201);
    const failed = await eventually(async () => {
      const m = (await api(t.url, 'GET', `${U}/messagesessions/${s}/messages`, { token: alice })).body.items[0];
      return m.status === 'failed' && m;
    });
    assert.equal(failed.failure_reason, 'No SMS carrier is configured');
  });
});
