/**
 * Chat through the REST API, with events (issue 15): 1001 and 1002 chat and each sees the
 * other's messages on their events socket; a group of three; a repeated client id (also at once)
 * makes one message; read receipts and typing; a non-participant (1004) learns nothing of a
 * conversation, its messages or its attachment (404); and the bad input: an empty message, a
 * 100 KB text, an executable, a 6 MB file, a lying Content-Type, a number that is not one, chat
 * with oneself; HTML in a text comes back as the same text.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { api, delay, login, openEvents, startPlatform, type EventsSocket, type TestPlatform } from '../support/harness.js';

const U = '/api/v2/domains/~/users/~';
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 7)]);

async function upload(t: TestPlatform, token: string, body: Buffer, type: string, name = 'picture.png') {
  const res = await fetch(`${t.url}${U}/attachments`, {
    method: 'POST', body: new Uint8Array(body), headers: { authorization: `Bearer ${token}`, 'content-type': type, 'x-file-name': encodeURIComponent(name) },
  });
  return { status: res.status, body: await res.json() as any };
}

describe('chat', () => {
  let t: TestPlatform;
  let alice: string;
  let bob: string;
  let carol: string;
  let dan: string;
  const sockets: EventsSocket[] = [];
  before(async () => {
    t = await startPlatform();
    [alice, bob, carol, dan] = await Promise.all(['1001', '1002', '1003', '1004'].map((e) => login(t.url, `${e}@demo`))) as [string, string, string, string];
  });
  after(async () => { sockets.forEach((s) => s.close()); await t.close(); });

  const chatWith = (token: string, ...extensions: string[]) =>
    api(t.url, 'POST', `${U}/messagesessions`, { token, body: { participants: extensions.map((extension) => ({ kind: 'user', extension })) } });
  const send = (token: string, session: string, text: string, clientId = randomUUID(), attachment_ids?: string[]) =>
    api(t.url, 'POST', `${U}/messagesessions/${session}/messages`, { token, body: { client_id: clientId, text, ...(attachment_ids ? { attachment_ids } : {}) } });

  it('1001 and 1002 chat; each sees the other\'s message on their events socket within a second', async () => {
    const bobEvents = await openEvents(t, bob);
    const aliceEvents = await openEvents(t, alice);
    sockets.push(bobEvents, aliceEvents);
    const opened = await chatWith(alice, '1002');
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    assert.equal(opened.body.kind, 'chat');
    assert.deepEqual(opened.body.participants, [{ kind: 'user', extension: '1002', name: 'Bob Baker' }]);
    assert.equal(opened.body.local_number, null);
    const again = await chatWith(bob, '1001');
    assert.equal(again.status, 200);
    assert.equal(again.body.id, opened.body.id);
    const created = await bobEvents.next((e) => e.type === 'message-session' && e.change === 'created');
    assert.equal(created.session.id, opened.body.id);

    const sentAt = Date.now();
    const hello = await send(alice, opened.body.id, 'Hello Bob <b>not bold</b> & "quoted"');
    assert.equal(hello.status, 201, JSON.stringify(hello.body));
    assert.equal(hello.body.text, 'Hello Bob <b>not bold</b> & "quoted"');
    assert.equal(hello.body.direction, 'outbound');
    assert.equal(hello.body.status, 'sent');
    assert.equal(hello.body.type, 'chat');
    const got = await bobEvents.next((e) => e.type === 'message' && e.message.id === hello.body.id, 1000);
    assert.ok(Date.now() - sentAt < 1000);
    assert.equal(got.message.direction, 'inbound');
    assert.equal(got.message.text, 'Hello Bob <b>not bold</b> & "quoted"');
    assert.deepEqual(got.message.sender, { kind: 'user', extension: '1001', name: 'Alice Anders' });
    const changed = await bobEvents.next((e) => e.type === 'message-session' && e.change === 'changed');
    assert.equal(changed.session.unread, 1);

    const reply = await send(bob, opened.body.id, 'Hi Alice');
    assert.equal(reply.status, 201);
    await aliceEvents.next((e) => e.type === 'message' && e.message.id === reply.body.id, 1000);

    const list = await api(t.url, 'GET', `${U}/messagesessions`, { token: bob });
    assert.equal(list.status, 200);
    assert.equal(list.body.length, 1);
    assert.equal(list.body[0].last_message.text, 'Hi Alice');
    // Sending marks everything before as read by the sender.
    assert.equal(list.body[0].unread, 0);
    assert.equal((await api(t.url, 'GET', `${U}/messagesessions`, { token: alice })).body[0].unread, 1);
    const page = await api(t.url, 'GET', `${U}/messagesessions/${opened.body.id}/messages?limit=1`, { token: alice });
    assert.deepEqual(page.body.items.map((m: any) => m.text), ['Hi Alice']);
    assert.equal(page.body.next_cursor, reply.body.id);
    const older = await api(t.url, 'GET', `${U}/messagesessions/${opened.body.id}/messages?before=${page.body.next_cursor}`, { token: alice });
    assert.deepEqual(older.body.items.map((m: any) => m.text), ['Hello Bob <b>not bold</b> & "quoted"']);
    assert.equal(older.body.next_cursor, null);
    assert.equal(older.headers.get('content-type')?.startsWith('application/json'), true);

    // Read receipts: Bob reads Alice's message; it is read, and Alice is told.
    const read = await api(t.url, 'POST', `${U}/messagesessions/${opened.body.id}/read`, { token: bob, body: { up_to: reply.body.id } });
    assert.equal(read.status, 200, JSON.stringify(read.body));
    assert.equal(read.body.unread, 0);
    const receipt = await aliceEvents.next((e) => e.type === 'message' && e.message.id === hello.body.id && e.message.status === 'read');
    assert.equal(receipt.message.direction, 'outbound');

    // Typing: published to Alice once per 2 s.
    for (let i = 0; i < 3; i++) assert.equal((await api(t.url, 'POST', `${U}/messagesessions/${opened.body.id}/typing`, { token: bob })).status, 204);
    const typing = await aliceEvents.next((e) => e.type === 'typing');
    assert.deepEqual(typing, { type: 'typing', session_id: opened.body.id, extension: '1002', name: 'Bob Baker' });
    await delay(200);
    assert.equal(aliceEvents.received.filter((e) => e.type === 'typing').length, 1);

    // Delete for me: gone from Bob's list, not Alice's; a new message brings it back.
    assert.equal((await api(t.url, 'DELETE', `${U}/messagesessions/${opened.body.id}`, { token: bob })).status, 204);
    assert.equal((await api(t.url, 'GET', `${U}/messagesessions`, { token: bob })).body.length, 0);
    assert.equal((await api(t.url, 'GET', `${U}/messagesessions`, { token: alice })).body.length, 1);
    await send(alice, opened.body.id, 'Still there?');
    assert.equal((await api(t.url, 'GET', `${U}/messagesessions`, { token: bob })).body.length, 1);
  });

  it('a repeated client id makes one message, also when sent at once', async () => {
    const s = (await chatWith(alice, '1003')).body.id;
    const id = randomUUID();
    const first = await send(alice, s, 'once', id);
    assert.equal(first.status, 201);
    const second = await send(alice, s, 'once', id);
    assert.equal(second.status, 200);
    assert.equal(second.body.id, first.body.id);
    const racing = randomUUID();
    const all = await Promise.all(Array.from({ length: 10 }, () => send(alice, s, 'racing', racing)));
    assert.deepEqual(all.map((r) => r.status).sort(), [200, 200, 200, 200, 200, 200, 200, 200, 200, 201]);
    assert.equal(new Set(all.map((r) => r.body.id)).size, 1);
    const page = await api(t.url, 'GET', `${U}/messagesessions/${s}/messages`, { token: carol });
    assert.deepEqual(page.body.items.map((m: any) => m.text), ['racing', 'once']);
  });

  it('a group of three: adding a colleague to a 1:1 opens the group; leaving is seen by the others', async () => {
    const carolEvents = await openEvents(t, carol);
    const danEvents = await openEvents(t, dan);
    sockets.push(carolEvents, danEvents);
    const one = (await chatWith(bob, '1004')).body.id;
    const added = await api(t.url, 'POST', `${U}/messagesessions/${one}/participants`, { token: bob, body: { extension: '1003' } });
    assert.equal(added.status, 201, JSON.stringify(added.body));
    assert.notEqual(added.body.id, one);
    assert.deepEqual(added.body.participants.map((p: any) => p.extension).sort(), ['1003', '1004']);
    const group = added.body.id;
    // The same three reopen it.
    assert.equal((await chatWith(carol, '1002', '1004')).body.id, group);
    await carolEvents.next((e) => e.type === 'message-session' && e.change === 'created' && e.session.id === group);
    const hi = await send(bob, group, 'Hello both');
    await carolEvents.next((e) => e.type === 'message' && e.message.id === hi.body.id);
    await danEvents.next((e) => e.type === 'message' && e.message.id === hi.body.id);
    // Read by anyone: read.
    await api(t.url, 'POST', `${U}/messagesessions/${group}/read`, { token: dan, body: { up_to: hi.body.id } });
    const page = await api(t.url, 'GET', `${U}/messagesessions/${group}/messages`, { token: bob });
    assert.equal(page.body.items[0].status, 'read');

    assert.equal((await api(t.url, 'POST', `${U}/messagesessions/${group}/leave`, { token: dan })).status, 204);
    const seen = await carolEvents.next((e) => e.type === 'message-session' && e.change === 'changed' && e.session.id === group && e.session.participants.length === 1);
    assert.deepEqual(seen.session.participants.map((p: any) => p.extension), ['1002']);
    await danEvents.next((e) => e.type === 'message-session' && e.change === 'removed' && e.session.id === group);
    assert.equal((await api(t.url, 'GET', `${U}/messagesessions/${group}`, { token: dan })).status, 404);
    // A 1:1 cannot be left (delete it instead).
    assert.equal((await api(t.url, 'POST', `${U}/messagesessions/${one}/leave`, { token: bob })).status, 400);
    // 1004 left; adding 1003 to the 1:1 of 1002 and 1004 again reopens that group, with 1004 back in it; and a group adds directly.
    const back = await api(t.url, 'POST', `${U}/messagesessions/${one}/participants`, { token: bob, body: { extension: '1003' } });
    assert.equal(back.body.id, group);
    assert.equal((await api(t.url, 'GET', `${U}/messagesessions/${group}`, { token: dan })).status, 200);
    await danEvents.next((e) => e.type === 'message-session' && e.change === 'created' && e.session.id === group);
    assert.equal((await api(t.url, 'POST', `${U}/messagesessions/${group}/leave`, { token: dan })).status, 204);
    // Having left, 1004 cannot let himself back in by opening a chat with the same two.
    await send(bob, group, 'said after Dan left');
    const reopen = await chatWith(dan, '1002', '1003');
    assert.equal(reopen.status, 403);
    assert.match(reopen.body.message, /left this group chat/);
    assert.equal((await api(t.url, 'GET', `${U}/messagesessions/${group}/messages`, { token: dan })).status, 404);
    const readded = await api(t.url, 'POST', `${U}/messagesessions/${group}/participants`, { token: carol, body: { extension: '1004' } });
    assert.equal(readded.status, 200);
    assert.deepEqual(readded.body.participants.map((p: any) => p.extension).sort(), ['1002', '1004']);
  });

  it('a non-participant gets 404 on the conversation, its messages and its attachment', async () => {
    const s = (await chatWith(alice, '1002')).body.id;
    const up = await upload(t, alice, PNG, 'image/png', 'Zoë photo.png');
    assert.equal(up.status, 201, JSON.stringify(up.body));
    assert.deepEqual([up.body.name, up.body.content_type, up.body.size], ['Zoë photo.png', 'image/png', PNG.length]);
    const sent = await send(alice, s, '', randomUUID(), [up.body.id]);
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    const [att] = sent.body.attachments;
    assert.equal(att.id, up.body.id);
    const file = await fetch(t.url + att.url, { headers: { authorization: `Bearer ${bob}` } });
    assert.equal(file.status, 200);
    assert.equal(file.headers.get('content-type'), 'image/png');
    assert.equal(file.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(file.headers.get('content-security-policy'), "default-src 'none'; sandbox", 'a user\'s file runs nothing, even opened directly');
    assert.match(file.headers.get('content-disposition')!, /^inline; .*filename\*=UTF-8''Zo%C3%AB%20photo\.png/);
    assert.deepEqual(Buffer.from(await file.arrayBuffer()), PNG);

    for (const p of [`${U}/messagesessions/${s}`, `${U}/messagesessions/${s}/messages`, `${U}/messagesessions/${s}/attachments/${att.id}`]) {
      const res = await api(t.url, 'GET', p, { token: dan });
      assert.equal(res.status, 404, p);
    }
    assert.equal((await send(dan, s, 'let me in')).status, 404);
    assert.equal((await api(t.url, 'GET', `${U}/attachments/${att.id}`, { token: dan })).status, 404);
    // An upload never sent goes at the sweep; one sent with a message stays.
    const unsent = await upload(t, alice, PNG, 'image/png', 'forgotten.png');
    assert.equal((await api(t.url, 'GET', `${U}/attachments/${unsent.body.id}`, { token: alice })).status, 200);
    assert.ok((await t.platform.messaging.sweepUnsentAttachments(-60_000)) >= 1);
    assert.equal((await api(t.url, 'GET', `${U}/attachments/${unsent.body.id}`, { token: alice })).status, 404);
    assert.equal((await fetch(t.url + att.url, { headers: { authorization: `Bearer ${bob}` } })).status, 200, 'a sent one is kept');
    // Another user's path: refused (conversations are private, administrators included).
    assert.equal((await api(t.url, 'GET', '/api/v2/domains/~/users/1001/messagesessions', { token: dan })).status, 403);
    // A PDF is served as an attachment, not inline.
    const pdf = await upload(t, alice, Buffer.from('%PDF-1.4\n%\xe2\xe3\n1 0 obj\n', 'latin1'), 'application/pdf', 'invoice.pdf');
    assert.equal(pdf.status, 201);
    const withPdf = await send(alice, s, 'the invoice', randomUUID(), [pdf.body.id]);
    const pdfFile = await fetch(t.url + withPdf.body.attachments[0].url, { headers: { authorization: `Bearer ${bob}` } });
    assert.match(pdfFile.headers.get('content-disposition')!, /^attachment; /);
  });

  it('bad input: clear errors, nothing stored', async () => {
    const s = (await chatWith(alice, '1004')).body.id;
    const before = (await api(t.url, 'GET', `${U}/messagesessions/${s}/messages`, { token: alice })).body.items.length;
    const empty = await send(alice, s, '   ');
    assert.equal(empty.status, 400);
    assert.equal(empty.body.message, 'A message needs text or an attachment');
    const huge = await send(alice, s, 'x'.repeat(100 * 1024));
    assert.ok(huge.status === 400 || huge.status === 413, String(huge.status));
    assert.match(huge.body.message, /at most 10,000 characters/);
    assert.equal((await send(alice, s, 'x'.repeat(10_000))).status, 201);
    const items = (await api(t.url, 'GET', `${U}/messagesessions/${s}/messages`, { token: alice })).body.items;
    assert.equal(items.length, before + 1);

    const files = () => (fs.existsSync(path.join(t.dataDir, 'attachments', 'demo')) ? fs.readdirSync(path.join(t.dataDir, 'attachments', 'demo')).length : 0);
    const filesBefore = files();
    const exe = await upload(t, alice, Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(200)]), 'application/x-msdownload', 'setup.exe');
    assert.equal(exe.status, 415);
    assert.match(exe.body.message, /Windows program/);
    const lying = await upload(t, alice, Buffer.concat([Buffer.from('MZ\x90\x00', 'latin1'), Buffer.alloc(200)]), 'image/png', 'cat.png');
    assert.equal(lying.status, 415);
    assert.match(lying.body.message, /Windows program.*not image\/png/);
    const wrongImage = await upload(t, alice, PNG, 'image/jpeg', 'cat.jpg');
    assert.equal(wrongImage.status, 415);
    assert.equal(wrongImage.body.message, 'The file is a PNG image, not image/jpeg as its Content-Type says');
    const big = await upload(t, alice, Buffer.concat([PNG, Buffer.alloc(6 * 1024 * 1024)]), 'image/png', 'big.png');
    assert.equal(big.status, 413);
    assert.match(big.body.message, /larger than the limit of 5 MB/);
    assert.equal(files(), filesBefore, 'no file kept of a refused upload');
    const unknownAttachment = await send(alice, s, 'with nothing', randomUUID(), ['no-such-attachment']);
    assert.equal(unknownAttachment.status, 400);

    const self = await chatWith(alice, '1001');
    assert.equal(self.status, 400);
    assert.equal(self.body.message, 'A chat needs someone besides you');
    const nobody = await chatWith(alice, '9999');
    assert.equal(nobody.status, 400);
    const notANumber = await api(t.url, 'POST', `${U}/messagesessions`, { token: alice, body: { participants: [{ kind: 'number', number: '12ab' }] } });
    assert.equal(notANumber.status, 400);
    assert.equal(notANumber.body.message, '"12ab" is not a phone number');
    assert.equal((await api(t.url, 'GET', `${U}/messagesessions`, { token: alice })).body.every((x: any) => x.kind === 'chat'), true);
  });
});

describe('a flood of messages', () => {
  let t: TestPlatform;
  before(async () => { t = await startPlatform({ env: { SWITCHBOARD_SMS_CARRIER: 'none' }, messageSendRate: { burst: 5, perSecond: 0.1 } }); });
  after(async () => { await t.close(); });

  it('is refused past the per-user limit with 429 and Retry-After; a retry of a sent message still answers', async () => {
    const alice = await login(t.url, '1001@demo');
    const s = (await api(t.url, 'POST', `${U}/messagesessions`, { token: alice, body: { participants: [{ kind: 'user', extension: '1002' }] } })).body.id;
    const ids = Array.from({ length: 8 }, () => randomUUID());
    const answers = await Promise.all(ids.map((client_id) => api(t.url, 'POST', `${U}/messagesessions/${s}/messages`, { token: alice, body: { client_id, text: 'flood' } })));
    assert.equal(answers.filter((a) => a.status === 201).length, 5, 'the burst, exactly, even all at once');
    const refused = answers.find((a) => a.status === 429)!;
    assert.match(refused.body.message, /too fast/);
    assert.ok(Number(refused.headers.get('retry-after')) >= 1);
    const stored = (await api(t.url, 'GET', `${U}/messagesessions/${s}/messages`, { token: alice })).body.items;
    assert.equal(stored.length, 5, 'nothing refused was stored');
    const sentId = ids[answers.findIndex((a) => a.status === 201)]!;
    assert.equal((await api(t.url, 'POST', `${U}/messagesessions/${s}/messages`, { token: alice, body: { client_id: sentId, text: 'flood' } })).status, 200);
  });
});

