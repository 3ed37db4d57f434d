/**
 * The local carrier (server/sms/local-carrier.ts) driven through the real Twilio adapter and the
 * real webhooks, with a recording inbox in place of the messaging core: what a new user's SMS
 * exchange in the demo goes through, and the failures the core must show (refused, timed out,
 * undelivered). Also the SMS settings and how the platform starts the carrier.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { CarrierError, type OutboundSms } from '../../server/messaging/sms-port.js';
import { AUTO_REPLY_NUMBER, AUTO_REPLY_TEXT, LocalCarrier } from '../../server/sms/local-carrier.js';
import { MediaLinks } from '../../server/sms/media-links.js';
import { TwilioCarrier } from '../../server/sms/twilio-carrier.js';
import { ConfigError, loadConfig } from '../../server/config.js';
import { memoryLog, RecordingInbox, startSmsApp, type SmsApp } from '../support/sms-inbox.js';
import { startPlatform } from '../support/harness.js';

const OURS = '+15550101001';
const PNG = { name: 'dot.png', contentType: 'image/png', data: Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex') };
const PDF = { name: 'menu.pdf', contentType: 'application/pdf', data: Buffer.from('%PDF-1.4\n%fake\n') };

async function reasonOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof CarrierError, `a CarrierError, not ${String(err)}`);
    return err.reason;
  }
  throw new Error('not refused');
}

describe('local carrier, through the Twilio adapter and webhooks', () => {
  const inbox = new RecordingInbox();
  const media = new MediaLinks();
  const { log, lines } = memoryLog();
  let local: LocalCarrier;
  let app: SmsApp;
  let carrier: TwilioCarrier;
  const sms = (over: Partial<OutboundSms> = {}): OutboundSms => ({ messageId: 'm', from: OURS, to: '+15550100123', text: 'Hi', media: [], ...over });
  const statusesOf = (id: string) => inbox.statuses.filter((s) => s.carrierId === id);

  before(async () => {
    local = await LocalCarrier.start({ platformBase: () => app.url, autoReplyDelayMs: 300, log });
    app = await startSmsApp({ inbox, media, log, webhooks: (url) => ({ accountSid: local.accountSid, authToken: local.authToken, apiBase: local.url, publicBase: () => url }) });
    carrier = new TwilioCarrier({ accountSid: local.accountSid, authToken: local.authToken, apiBase: local.url, publicBase: () => app.url, media, timeoutMs: 400, name: 'local' });
  });
  after(async () => {
    await local.close();
    await app.close();
  });

  it('accepts a text and reports it sent, then delivered, through verified status callbacks', async () => {
    const { carrierId } = await carrier.send(sms({ text: 'Are we still on for 3pm?' }));
    assert.match(carrierId, /^SM[0-9a-f]{32}$/);
    assert.deepEqual(local.accepted.at(-1)!.body, 'Are we still on for 3pm?');
    await inbox.until(() => statusesOf(carrierId).length === 2, 5_000, 'sent and delivered');
    assert.deepEqual(statusesOf(carrierId), [
      { carrierId, status: 'sent', reason: null },
      { carrierId, status: 'delivered', reason: null },
    ]);
    assert.equal(lines.filter((l) => String(l.msg).includes('refused')).length, 0, 'every callback passed the signature check');
  });

  it('answers a text to +1 555 010 0199 with the automatic reply, as a signed inbound text', async () => {
    const before = inbox.texts.length;
    const started = Date.now();
    const { carrierId } = await carrier.send(sms({ to: AUTO_REPLY_NUMBER, text: 'Hello demo' }));
    await inbox.until(() => inbox.texts.length > before, 5_000, 'the automatic reply');
    assert.ok(Date.now() - started >= 300, 'after the reply delay');
    const reply = inbox.texts.at(-1)!;
    assert.equal(reply.from, AUTO_REPLY_NUMBER);
    assert.equal(reply.to, OURS);
    assert.equal(reply.text, AUTO_REPLY_TEXT);
    assert.deepEqual(reply.media, []);
    assert.match(reply.carrierId, /^SM[0-9a-f]{32}$/);
    assert.notEqual(reply.carrierId, carrierId);
    assert.deepEqual(statusesOf(carrierId).map((s) => s.status), ['sent', 'delivered'], 'delivered before the reply');
  });

  it('fetches an MMS\'s media from our links, and the reply says how many it got', async () => {
    const before = inbox.texts.length;
    const { carrierId } = await carrier.send(sms({ to: AUTO_REPLY_NUMBER, text: 'Pictures', media: [PNG, PDF] }));
    assert.match(carrierId, /^MM/);
    await inbox.until(() => inbox.texts.length > before, 5_000, 'the automatic reply');
    const accepted = local.accepted.find((m) => m.sid === carrierId)!;
    assert.equal(accepted.mediaUrls.length, 2);
    assert.deepEqual(accepted.media.map((m) => [m.contentType, m.data.toString('hex')]), [[PNG.contentType, PNG.data.toString('hex')], [PDF.contentType, PDF.data.toString('hex')]]);
    assert.equal(inbox.texts.at(-1)!.text, `${AUTO_REPLY_TEXT} Your message came with 2 attachments.`);
    // The links need no login, only the token; a made-up token finds nothing.
    const link = await fetch(accepted.mediaUrls[0]!);
    assert.equal(link.status, 200);
    assert.equal(link.headers.get('content-type'), 'image/png');
    assert.equal((await fetch(`${app.url}/api/v2/sms/media/${'A'.repeat(32)}`)).status, 404);
    assert.equal((await fetch(`${app.url}/api/v2/sms/media/..%2F..%2Fetc`)).status, 404);
  });

  it('passes on an inbound MMS with its media, fetched from the carrier with the account\'s credentials', async () => {
    const { status } = await local.textIn({ from: '+15550100777', to: OURS, text: 'Here is the receipt', media: [{ contentType: 'image/png', data: PNG.data }, { contentType: 'application/pdf', data: PDF.data }] });
    assert.equal(status, 200);
    const text = inbox.texts.at(-1)!;
    assert.equal(text.from, '+15550100777');
    assert.equal(text.to, OURS);
    assert.equal(text.text, 'Here is the receipt');
    assert.match(text.carrierId, /^MM/);
    assert.deepEqual(text.media.map((m) => ({ ...m, data: m.data.toString('hex') })), [
      { name: 'attachment-1.png', contentType: 'image/png', data: PNG.data.toString('hex') },
      { name: 'attachment-2.pdf', contentType: 'application/pdf', data: PDF.data.toString('hex') },
    ]);
  });

  it('takes at most 10 inbound media of 5 MB each, and says so in the text', async () => {
    const big = Buffer.alloc(5 * 1024 * 1024 + 1, 1);
    await local.textIn({ from: '+15550100777', to: OURS, text: 'too big', media: [{ contentType: 'image/jpeg', data: big }, { contentType: 'image/png', data: PNG.data }] });
    let text = inbox.texts.at(-1)!;
    assert.deepEqual(text.media.map((m) => m.name), ['attachment-2.png']);
    assert.equal(text.text, 'too big\n\n[Not received: attachment 1 is larger than 5 MB]');
    const exactly5 = Buffer.alloc(5 * 1024 * 1024, 2);
    await local.textIn({ from: '+15550100777', to: OURS, text: '', media: [{ contentType: 'image/jpeg', data: exactly5 }] });
    assert.equal(inbox.texts.at(-1)!.media[0]!.data.length, exactly5.length, '5 MB is allowed');
    await local.textIn({ from: '+15550100777', to: OURS, text: 'many', media: Array.from({ length: 11 }, () => ({ contentType: 'image/png', data: PNG.data })) });
    text = inbox.texts.at(-1)!;
    assert.equal(text.media.length, 10);
    assert.equal(text.text, 'many\n\n[Not received: 1 more attachment (10 at most)]');
  });

  it('keeps the media of texts it delivers behind the account\'s credentials', async () => {
    const { status, mediaUrls } = await local.textIn({ from: '+15550100777', to: OURS, text: '', media: [{ contentType: 'image/png', data: PNG.data }] });
    assert.equal(status, 200);
    assert.equal(inbox.texts.at(-1)!.media.length, 1, 'the webhook fetched it with the credentials');
    // The carrier's copy is not public: without Basic auth it is 401, like Twilio's with HTTP auth on.
    const probe = await fetch(mediaUrls[0]!);
    assert.equal(probe.status, 401);
    assert.equal((await probe.json() as { code: number }).code, 20003);
    const withAuth = await fetch(mediaUrls[0]!, { headers: { authorization: 'Basic ' + Buffer.from(`${local.accountSid}:${local.authToken}`).toString('base64') } });
    assert.equal(withAuth.status, 200);
    assert.equal(Buffer.from(await withAuth.arrayBuffer()).toString('hex'), PNG.data.toString('hex'));
  });

  it('refuses a number it is told to, with Twilio\'s error in words', async () => {
    local.refuse('+15550100666');
    const count = local.accepted.length;
    assert.equal(await reasonOf(carrier.send(sms({ to: '+15550100666' }))), 'Attempt to send to unsubscribed recipient');
    assert.equal(local.accepted.length, count, 'nothing accepted');
  });

  it('refuses what Twilio refuses: a bad number, nothing to send', async () => {
    assert.equal(await reasonOf(carrier.send(sms({ to: '555-0100' }))), "The 'To' number 555-0100 is not a valid phone number.");
    assert.equal(await reasonOf(carrier.send(sms({ text: '' }))), 'Message body is required.');
  });

  it('reports a text it cannot deliver as failed, with the reason in words', async () => {
    local.undeliverable('+15550100555', 30003);
    const { carrierId } = await carrier.send(sms({ to: '+15550100555' }));
    await inbox.until(() => statusesOf(carrierId).length === 2, 5_000, 'sent and failed');
    assert.deepEqual(statusesOf(carrierId), [
      { carrierId, status: 'sent', reason: null },
      { carrierId, status: 'failed', reason: "The recipient's phone is unreachable (off or out of coverage)" },
    ]);
  });

  it('times out when told to, and the adapter says so', async () => {
    local.timeOut(true);
    try {
      assert.equal(await reasonOf(carrier.send(sms())), 'The carrier did not answer in time');
    } finally {
      local.timeOut(false);
    }
    await carrier.send(sms()); // and answers again afterwards
  });

  it('refuses wrong credentials', async () => {
    const wrong = new TwilioCarrier({ accountSid: local.accountSid, authToken: 'not-the-token', apiBase: local.url, publicBase: () => app.url, media });
    assert.match(await reasonOf(wrong.send(sms())), /refused our credentials/);
  });
});

describe('media links', () => {
  it('expire after their time and are then gone', () => {
    let now = 1_000;
    const links = new MediaLinks(60_000, () => now);
    const token = links.publish(PNG);
    assert.equal(links.get(token), PNG);
    now += 59_999;
    assert.equal(links.get(token), PNG);
    now += 1;
    assert.equal(links.get(token), null);
    assert.equal(links.size, 0);
  });
});

describe('SMS settings', () => {
  const SID = 'AC' + 'ab'.repeat(16);
  it('default to the local carrier for the demo and none otherwise', () => {
    assert.equal(loadConfig({}).sms.carrier, 'local');
    assert.equal(loadConfig({ SWITCHBOARD_SEED_DEMO: '0' }).sms.carrier, 'none');
    assert.equal(loadConfig({ SWITCHBOARD_SMS_CARRIER: 'none' }).sms.carrier, 'none');
  });

  it('read a Twilio account, with api.twilio.com by default', () => {
    const c = loadConfig({ SWITCHBOARD_SMS_CARRIER: 'twilio', TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'secret-token', SWITCHBOARD_PUBLIC_URL: 'https://pbx.example.com/' });
    assert.deepEqual(c.sms, { carrier: 'twilio', twilio: { accountSid: SID, authToken: 'secret-token', apiBase: 'https://api.twilio.com' } });
    assert.equal(c.publicUrl, 'https://pbx.example.com');
  });

  it('fail fast on bad values, naming the variable', () => {
    const twilio = { SWITCHBOARD_SMS_CARRIER: 'twilio', TWILIO_ACCOUNT_SID: SID, TWILIO_AUTH_TOKEN: 'secret-token', SWITCHBOARD_PUBLIC_URL: 'https://pbx.example.com' };
    const fails = (env: Record<string, string>, pattern: RegExp) => assert.throws(() => loadConfig(env), (e: Error) => e instanceof ConfigError && pattern.test(e.message));
    fails({ SWITCHBOARD_SMS_CARRIER: 'twillio' }, /SWITCHBOARD_SMS_CARRIER must be one of twilio, local, none/);
    fails({ ...twilio, TWILIO_ACCOUNT_SID: '' }, /TWILIO_ACCOUNT_SID/);
    fails({ ...twilio, TWILIO_ACCOUNT_SID: 'SK' + 'ab'.repeat(16) }, /TWILIO_ACCOUNT_SID/);
    fails({ ...twilio, TWILIO_AUTH_TOKEN: '' }, /TWILIO_AUTH_TOKEN/);
    fails({ ...twilio, SWITCHBOARD_PUBLIC_URL: '' }, /needs SWITCHBOARD_PUBLIC_URL/);
    fails({ ...twilio, TWILIO_API_BASE: 'api.twilio.com' }, /TWILIO_API_BASE must be an http\(s\) URL/);
    fails({ SWITCHBOARD_PUBLIC_URL: 'ftp://pbx.example.com' }, /SWITCHBOARD_PUBLIC_URL must be an http\(s\) URL/);
    fails({ SWITCHBOARD_PUBLIC_URL: 'https://pbx.example.com/?a=1' }, /SWITCHBOARD_PUBLIC_URL/);
  });
});

describe('the platform and its SMS carrier', () => {
  it('runs the local carrier in the demo, with the webhooks signed over its own URL', async () => {
    const t = await startPlatform();
    try {
      const { sms } = t.platform;
      assert.equal(sms.carrier?.name, 'local');
      assert.ok(sms.local);
      assert.equal((await fetch(t.url + '/api/v2/sms/twilio/inbound', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'From=%2B1' })).status, 403);
      // A text from outside reaches the webhooks and passes their check (the core takes it from there).
      assert.notEqual((await sms.local.textIn({ from: '+15550100777', to: '+15550100000', text: 'hi' })).status, 403);
    } finally {
      await t.close();
    }
  });

  it('has no carrier and no webhooks with SWITCHBOARD_SMS_CARRIER=none', async () => {
    const t = await startPlatform({ env: { SWITCHBOARD_SMS_CARRIER: 'none' } });
    try {
      assert.equal(t.platform.sms.carrier, null);
      assert.equal(t.platform.sms.local, null);
      assert.equal((await fetch(t.url + '/api/v2/sms/twilio/status', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'a=b' })).status, 404);
    } finally {
      await t.close();
    }
  });
});
