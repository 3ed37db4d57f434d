/**
 * SMS through the whole platform as `npm start` runs it: the messaging core, the Twilio adapter
 * and the local carrier on loopback, with signed webhooks both ways. A text to +1 555 010 0199
 * is sent, delivered and answered by the automatic reply; MMS carries an image each way; a number
 * the carrier refuses fails with the carrier's reason and Retry sends it once it is accepted.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { api, eventually, login, startPlatform, type TestPlatform } from '../support/harness.js';
import type { MessageView } from '../../src/data/wire.js';

const U = '/api/v2/domains/~/users/~';
/** A 1x1 PNG. */
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');

describe('SMS through the local carrier', () => {
  let t: TestPlatform;
  let alice: string;
  before(async () => {
    t = await startPlatform({ env: { SWITCHBOARD_SMS_CARRIER: 'local' } });
    alice = await login(t.url, '1001@demo');
  });
  after(async () => { await t.close(); });

  async function conversation(number: string): Promise<string> {
    const res = await api(t.url, 'POST', `${U}/messagesessions`, { token: alice, body: { participants: [{ kind: 'number', number }] } });
    assert.ok(res.status === 201 || res.status === 200, JSON.stringify(res.body));
    return res.body.id;
  }
  const messages = async (s: string) => (await api<{ items: MessageView[] }>(t.url, 'GET', `${U}/messagesessions/${s}/messages`, { token: alice })).body.items;

  it('a text to +1 555 010 0199 is delivered, and its automatic reply arrives in the same conversation', async () => {
    const s = await conversation('+1 555 010 0199');
    const clientId = randomUUID();
    const sent = await api<MessageView>(t.url, 'POST', `${U}/messagesessions/${s}/messages`, { token: alice, body: { client_id: clientId, text: 'Hello from the demo' } });
    assert.equal(sent.status, 201);
    await eventually(async () => (await messages(s)).find((m) => m.client_id === clientId)?.status === 'delivered', 10_000);
    const reply = (await eventually(async () => (await messages(s)).find((m) => m.direction === 'inbound'), 10_000))!;
    assert.equal(reply.sender.kind === 'number' && reply.sender.number, '+15550100199');
    assert.match(reply.text, /automatic reply/);
    assert.equal(reply.type, 'sms');
  });

  it('MMS: an image goes out through the carrier, and the reply says it arrived', async () => {
    const s = await conversation('+15550100199');
    const res = await fetch(`${t.url}/api/v2/domains/~/users/~/attachments`, {
      method: 'POST', body: PNG, headers: { authorization: `Bearer ${alice}`, 'content-type': 'image/png', 'x-file-name': 'dot.png' },
    });
    const up = { status: res.status, body: await res.json() as { id: string } };
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const before = (await messages(s)).filter((m) => m.direction === 'inbound').length;
    const sent = await api<MessageView>(t.url, 'POST', `${U}/messagesessions/${s}/messages`, { token: alice, body: { client_id: randomUUID(), text: '', attachment_ids: [up.body.id] } });
    assert.equal(sent.status, 201, JSON.stringify(sent.body));
    assert.equal(sent.body.type, 'mms');
    // Newest first: the reply to the image is the newest inbound message once there is one more.
    const reply = await eventually(async () => {
      const inbound = (await messages(s)).filter((m) => m.direction === 'inbound');
      return inbound.length > before ? inbound[0]! : null;
    }, 10_000) as MessageView;
    assert.match(reply.text, /1 attachment/);
    const accepted = t.platform.sms.local!.accepted.at(-1)!;
    assert.equal(accepted.media.length, 1, 'the carrier fetched the image');
  });

  it('a number the carrier refuses: failed with its reason; Retry sends it once accepted', async () => {
    const local = t.platform.sms.local!;
    local.refuse('+15550100666');
    const s = await conversation('+15550100666');
    const sent = await api<MessageView>(t.url, 'POST', `${U}/messagesessions/${s}/messages`, { token: alice, body: { client_id: randomUUID(), text: 'Are you there?' } });
    const failed = await eventually(async () => {
      const m = (await messages(s)).find((x) => x.id === sent.body.id);
      return m?.status === 'failed' ? m : null;
    }, 10_000) as MessageView;
    assert.match(failed.failure_reason ?? '', /unsubscribed/i);
    local.accept('+15550100666');
    assert.equal((await api(t.url, 'POST', `${U}/messagesessions/${s}/messages/${sent.body.id}/retry`, { token: alice })).status, 200);
    await eventually(async () => (await messages(s)).find((x) => x.id === sent.body.id)?.status === 'delivered', 10_000);
  });
});
