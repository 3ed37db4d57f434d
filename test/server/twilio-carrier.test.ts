/**
 * The Twilio adapter against facts from Twilio's documentation: the signature example of its
 * "Webhooks security" page (URL, parameters, auth token 12345 -> 0/KCTR6DLpKmkAf8muzZqo1nDgQ=),
 * the Messages.json request (form fields, Basic auth) and its error answers ({code, message,
 * more_info, status}), the status callback and inbound webhook fields. A local HTTP server stands
 * in for api.twilio.com and records exactly what arrives.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { fetchInboundMedia } from '../../server/sms/inbound-media.js';
import type { AddressInfo } from 'node:net';
import { CarrierError, type OutboundSms } from '../../server/messaging/sms-port.js';
import { TwilioCarrier } from '../../server/sms/twilio-carrier.js';
import { MediaLinks, MEDIA_PATH } from '../../server/sms/media-links.js';
import { formBody, twilioSignature, verifyTwilioSignature } from '../../server/sms/twilio-signature.js';
import { memoryLog, RecordingInbox, startSmsApp, type SmsApp } from '../support/sms-inbox.js';

const DOC_URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
const DOC_PARAMS: Array<[string, string]> = [
  ['CallSid', 'CA1234567890ABCDE'], ['Caller', '+12349013030'], ['Digits', '1234'], ['From', '+12349013030'], ['To', '+18005551212'],
];
const DOC_TOKEN = '12345';
const DOC_SIGNATURE = '0/KCTR6DLpKmkAf8muzZqo1nDgQ=';

const SID = 'AC' + '0123456789abcdef'.repeat(2);
const TOKEN = 'f00dfeedf00dfeedf00dfeedf00dfeed';

describe('Twilio webhook signature', () => {
  it('matches the documented example', () => {
    assert.equal(twilioSignature(DOC_TOKEN, DOC_URL, DOC_PARAMS), DOC_SIGNATURE);
    // The order the parameters arrive in does not matter: they are signed sorted by name.
    assert.equal(twilioSignature(DOC_TOKEN, DOC_URL, [...DOC_PARAMS].reverse()), DOC_SIGNATURE);
    assert.equal(verifyTwilioSignature(DOC_TOKEN, DOC_URL, DOC_PARAMS, DOC_SIGNATURE), true);
  });

  it('refuses a tampered parameter, URL, token, or a missing or malformed signature', () => {
    const tampered = DOC_PARAMS.map(([k, v]): [string, string] => [k, k === 'Digits' ? '1235' : v]);
    assert.equal(verifyTwilioSignature(DOC_TOKEN, DOC_URL, tampered, DOC_SIGNATURE), false);
    assert.equal(verifyTwilioSignature(DOC_TOKEN, DOC_URL, [...DOC_PARAMS, ['Extra', 'x']], DOC_SIGNATURE), false);
    assert.equal(verifyTwilioSignature(DOC_TOKEN, DOC_URL.replace('foo=1', 'foo=2'), DOC_PARAMS, DOC_SIGNATURE), false);
    assert.equal(verifyTwilioSignature(DOC_TOKEN, DOC_URL.replace('https:', 'http:'), DOC_PARAMS, DOC_SIGNATURE), false);
    assert.equal(verifyTwilioSignature('54321', DOC_URL, DOC_PARAMS, DOC_SIGNATURE), false);
    assert.equal(verifyTwilioSignature(DOC_TOKEN, DOC_URL, DOC_PARAMS, undefined), false);
    assert.equal(verifyTwilioSignature(DOC_TOKEN, DOC_URL, DOC_PARAMS, ''), false);
    assert.equal(verifyTwilioSignature(DOC_TOKEN, DOC_URL, DOC_PARAMS, DOC_SIGNATURE.slice(1)), false);
  });

  it('accepts the URL signed with or without its default port, and no other port', () => {
    const withPort = twilioSignature(DOC_TOKEN, 'https://mycompany.com:443/myapp.php?foo=1&bar=2', DOC_PARAMS);
    assert.equal(verifyTwilioSignature(DOC_TOKEN, DOC_URL, DOC_PARAMS, withPort), true);
    assert.equal(verifyTwilioSignature(DOC_TOKEN, 'https://mycompany.com:443/myapp.php?foo=1&bar=2', DOC_PARAMS, DOC_SIGNATURE), true);
    assert.equal(verifyTwilioSignature(DOC_TOKEN, 'https://mycompany.com:8443/myapp.php?foo=1&bar=2', DOC_PARAMS, DOC_SIGNATURE), false);
    assert.equal(verifyTwilioSignature(DOC_TOKEN, DOC_URL, DOC_PARAMS, twilioSignature(DOC_TOKEN, 'https://mycompany.com:80/myapp.php?foo=1&bar=2', DOC_PARAMS)), false);
  });
});

interface Recorded { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }

/** Stands in for api.twilio.com: records each request and answers what `answer` says. */
async function fakeTwilio(answer: (req: Recorded) => { status: number; body: string } | null) {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const rec = { method: req.method!, url: req.url!, headers: req.headers, body };
      requests.push(rec);
      const a = answer(rec);
      if (!a) return; // never answer: a carrier timing out
      res.writeHead(a.status, { 'content-type': 'application/json' }).end(a.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    requests,
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => { server.closeAllConnections(); return new Promise<void>((r) => server.close(() => r())); },
  };
}

/** The create answer as Twilio's API reference shows it (abridged). */
const CREATED = JSON.stringify({
  account_sid: SID, api_version: '2010-04-01', body: 'Hello there', date_created: 'Thu, 24 Aug 2023 05:01:45 +0000',
  direction: 'outbound-api', error_code: null, error_message: null, from: '+15550100000', num_media: '0', num_segments: '1',
  sid: 'SM1f0e8ae6ade43cb3c0ce4525424e404f', status: 'queued', to: '+15550100199',
  uri: `/2010-04-01/Accounts/${SID}/Messages/SM1f0e8ae6ade43cb3c0ce4525424e404f.json`,
});

const sms = (over: Partial<OutboundSms> = {}): OutboundSms => ({ messageId: 'm1', from: '+15550100000', to: '+15550100199', text: 'Hello there', media: [], ...over });

async function refusalOf(carrier: TwilioCarrier, message = sms()): Promise<string> {
  try {
    await carrier.send(message);
  } catch (err) {
    assert.ok(err instanceof CarrierError, `a CarrierError, not ${String(err)}`);
    return err.reason;
  }
  throw new Error('the send was not refused');
}

describe('TwilioCarrier.send', () => {
  let answer: (req: Recorded) => { status: number; body: string } | null = () => ({ status: 201, body: CREATED });
  let twilio: Awaited<ReturnType<typeof fakeTwilio>>;
  const media = new MediaLinks();
  const carrier = () => new TwilioCarrier({ accountSid: SID, authToken: TOKEN, apiBase: twilio.url, publicBase: () => 'https://pbx.example.com/', media, timeoutMs: 300 });

  before(async () => { twilio = await fakeTwilio((r) => answer(r)); });
  after(async () => { await twilio.close(); });

  it('posts the documented form with Basic auth and returns the sid', async () => {
    answer = () => ({ status: 201, body: CREATED });
    const { carrierId } = await carrier().send(sms());
    assert.equal(carrierId, 'SM1f0e8ae6ade43cb3c0ce4525424e404f');
    const req = twilio.requests.at(-1)!;
    assert.equal(req.method, 'POST');
    assert.equal(req.url, `/2010-04-01/Accounts/${SID}/Messages.json`);
    assert.equal(req.headers.authorization, 'Basic ' + Buffer.from(`${SID}:${TOKEN}`).toString('base64'));
    assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(req.body, 'To=%2B15550100199&From=%2B15550100000&Body=Hello+there&StatusCallback=https%3A%2F%2Fpbx.example.com%2Fapi%2Fv2%2Fsms%2Ftwilio%2Fstatus');
  });

  it('sends an MMS with one MediaUrl per medium, each a live link to it on our public URL', async () => {
    answer = () => ({ status: 201, body: CREATED.replace(/SM1f0e/g, 'MM1f0e') });
    const png = { name: 'dot.png', contentType: 'image/png', data: Buffer.from('89504e470d0a1a0a', 'hex') };
    const pdf = { name: 'a.pdf', contentType: 'application/pdf', data: Buffer.from('%PDF-1.4') };
    const { carrierId } = await carrier().send(sms({ text: '', media: [png, pdf] }));
    assert.match(carrierId, /^MM/);
    const form = [...new URLSearchParams(twilio.requests.at(-1)!.body)];
    assert.deepEqual(form.map(([k]) => k), ['To', 'From', 'MediaUrl', 'MediaUrl', 'StatusCallback'], 'no Body for attachments only');
    const urls = form.filter(([k]) => k === 'MediaUrl').map(([, v]) => v);
    const tokens = urls.map((u) => {
      assert.ok(u.startsWith(`https://pbx.example.com${MEDIA_PATH}`), u);
      return u.slice(`https://pbx.example.com${MEDIA_PATH}`.length);
    });
    assert.notEqual(tokens[0], tokens[1]);
    assert.equal(media.get(tokens[0]!), png);
    assert.equal(media.get(tokens[1]!), pdf);
    assert.ok(tokens.every((t) => /^[A-Za-z0-9_-]{32}$/.test(t)), 'unguessable: 192 random bits');
  });

  it('withdraws the media links of a refused MMS, and keeps those of one that timed out', async () => {
    const png = { name: 'dot.png', contentType: 'image/png', data: Buffer.from('89504e47', 'hex') };
    const tokenOfLast = () => new URLSearchParams(twilio.requests.at(-1)!.body).get('MediaUrl')!.split('/').pop()!;
    answer = () => ({ status: 400, body: JSON.stringify({ code: 21610, message: 'Attempt to send to unsubscribed recipient', status: 400 }) });
    await refusalOf(carrier(), sms({ media: [png] }));
    assert.equal(media.get(tokenOfLast()), null);
    answer = () => null;
    await refusalOf(carrier(), sms({ media: [png] }));
    assert.equal(media.get(tokenOfLast()), png, 'the carrier may have taken it and fetch it later');
  });

  it('gives the carrier\'s own words for a refusal', async () => {
    // Twilio's answer for a bad To (error 21211).
    answer = () => ({ status: 400, body: JSON.stringify({ code: 21211, message: "The 'To' number 5551234 is not a valid phone number.", more_info: 'https://www.twilio.com/docs/errors/21211', status: 400 }) });
    assert.equal(await refusalOf(carrier(), sms({ to: '5551234' })), "The 'To' number 5551234 is not a valid phone number.");
    answer = () => ({ status: 400, body: JSON.stringify({ code: 21610, message: 'Attempt to send to unsubscribed recipient', status: 400 }) });
    assert.equal(await refusalOf(carrier()), 'Attempt to send to unsubscribed recipient');
    // No message: our words for the code, or the code itself.
    answer = () => ({ status: 400, body: JSON.stringify({ code: 21614 }) });
    assert.equal(await refusalOf(carrier()), 'The number is not a mobile number');
    answer = () => ({ status: 400, body: JSON.stringify({ code: 29999 }) });
    assert.equal(await refusalOf(carrier()), 'The carrier refused the message (HTTP 400, error 29999)');
  });

  it('says when the credentials are wrong, the carrier fails, or answers nonsense', async () => {
    answer = () => ({ status: 401, body: JSON.stringify({ code: 20003, message: 'Authenticate', status: 401 }) });
    assert.match(await refusalOf(carrier()), /refused our credentials.*TWILIO_AUTH_TOKEN/);
    answer = () => ({ status: 503, body: '<html>busy</html>' });
    assert.equal(await refusalOf(carrier()), 'The carrier had a problem (HTTP 503); try again later');
    answer = () => ({ status: 201, body: '{"status":"queued"}' });
    assert.equal(await refusalOf(carrier()), 'The carrier accepted the message but gave no id for it');
  });

  it('gives up after its timeout', async () => {
    answer = () => null;
    const started = Date.now();
    assert.equal(await refusalOf(carrier()), 'The carrier did not answer in time');
    assert.ok(Date.now() - started < 2_000);
  });

  it('says when the carrier cannot be reached', async () => {
    const dead = new TwilioCarrier({ accountSid: SID, authToken: TOKEN, apiBase: 'http://127.0.0.1:1', publicBase: () => 'https://pbx.example.com', media });
    assert.equal(await refusalOf(dead), 'The carrier could not be reached');
  });
});

describe('Twilio webhooks', () => {
  const inbox = new RecordingInbox();
  const { log, lines } = memoryLog();
  let app: SmsApp;
  before(async () => {
    app =  await startSmsApp({ inbox, log, webhooks: (url) => ({ accountSid: SID, authToken: TOKEN, apiBase: 'https://api.twilio.com', publicBase: () => url }) });
  });
  after(async () => { await app.close(); });

  async function post(path: string, params: Array<[string, string]>, signature: string | null) {
    return fetch(app.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature !== null ? { 'x-twilio-signature': signature } : {}) },
      body: formBody(params),
    });
  }
  const signed = (path: string, params: Array<[string, string]>) => post(path, params, twilioSignature(TOKEN, app.url + path, params));

  // A status callback as Twilio's "Track the message status" guide lists its fields.
  const statusParams = (status: string, extra: Array<[string, string]> = []): Array<[string, string]> => [
    ['ApiVersion', '2010-04-01'], ['AccountSid', SID], ['From', '+15550100000'], ['To', '+15550100199'],
    ['MessageSid', 'SM1f0e8ae6ade43cb3c0ce4525424e404f'], ['SmsSid', 'SM1f0e8ae6ade43cb3c0ce4525424e404f'],
    ['MessageStatus', status], ['SmsStatus', status], ...extra,
  ];

  it('maps status callbacks to the port\'s statuses, failures with a reason in words', async () => {
    for (const status of ['queued', 'sent', 'delivered']) assert.equal((await signed('/api/v2/sms/twilio/status', statusParams(status))).status, 204);
    assert.equal((await signed('/api/v2/sms/twilio/status', statusParams('undelivered', [['ErrorCode', '30003']]))).status, 204);
    assert.equal((await signed('/api/v2/sms/twilio/status', statusParams('failed', [['ErrorCode', '30008']]))).status, 204);
    assert.equal((await signed('/api/v2/sms/twilio/status', statusParams('failed', [['ErrorCode', '39999']]))).status, 204);
    assert.deepEqual(inbox.statuses, [
      { carrierId: 'SM1f0e8ae6ade43cb3c0ce4525424e404f', status: 'sent', reason: null },
      { carrierId: 'SM1f0e8ae6ade43cb3c0ce4525424e404f', status: 'delivered', reason: null },
      { carrierId: 'SM1f0e8ae6ade43cb3c0ce4525424e404f', status: 'failed', reason: "The recipient's phone is unreachable (off or out of coverage)" },
      { carrierId: 'SM1f0e8ae6ade43cb3c0ce4525424e404f', status: 'failed', reason: 'The message could not be delivered (unknown carrier error)' },
      { carrierId: 'SM1f0e8ae6ade43cb3c0ce4525424e404f', status: 'failed', reason: 'The carrier could not deliver the message (error 39999)' },
    ]);
  });

  it('refuses unsigned, wrongly signed and tampered webhooks with 403, and logs them', async () => {
    const before = inbox.statuses.length;
    const params = statusParams('delivered');
    assert.equal((await post('/api/v2/sms/twilio/status', params, null)).status, 403);
    assert.equal((await post('/api/v2/sms/twilio/status', params, 'bm90IGEgc2lnbmF0dXJlIGF0IGFsbA==')).status, 403);
    const sig = twilioSignature(TOKEN, app.url + '/api/v2/sms/twilio/status', params);
    assert.equal((await post('/api/v2/sms/twilio/status', statusParams('failed'), sig)).status, 403, 'a parameter changed');
    assert.equal((await post('/api/v2/sms/twilio/status?x=1', params, sig)).status, 403, 'the URL changed');
    assert.equal((await post('/api/v2/sms/twilio/inbound', params, sig)).status, 403, 'signed for another URL');
    assert.equal(inbox.statuses.length, before, 'nothing reached the core');
    const refusals = lines.filter((l) => l.msg === 'sms webhook refused: signature missing or wrong');
    assert.equal(refusals.length, 5);
    assert.equal(refusals[0]!.url, app.url + '/api/v2/sms/twilio/status');
  });

  it('takes an inbound SMS (Twilio\'s webhook fields) and answers empty TwiML', async () => {
    // The fields of Twilio's "incoming message" webhook, values of its example.
    const params: Array<[string, string]> = [
      ['ToCountry', 'US'], ['ToState', 'CA'], ['SmsMessageSid', 'SMaaaabbbbccccddddeeeeffff00001111'], ['NumMedia', '0'], ['ToCity', ''],
      ['FromZip', ''], ['SmsSid', 'SMaaaabbbbccccddddeeeeffff00001111'], ['FromState', 'CA'], ['SmsStatus', 'received'], ['FromCity', ''],
      ['Body', 'Hello from outside & <friends>'], ['FromCountry', 'US'], ['To', '+15550100000'], ['ToZip', ''], ['NumSegments', '1'],
      ['MessageSid', 'SMaaaabbbbccccddddeeeeffff00001111'], ['AccountSid', SID], ['From', '+15550100199'], ['ApiVersion', '2010-04-01'],
    ];
    // Twilio's content type names the charset.
    const res = await fetch(app.url + '/api/v2/sms/twilio/inbound', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8', 'x-twilio-signature': twilioSignature(TOKEN, app.url + '/api/v2/sms/twilio/inbound', params) },
      body: formBody(params),
    });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/xml/);
    assert.equal(await res.text(), '<?xml version="1.0" encoding="UTF-8"?><Response/>');
    assert.deepEqual(inbox.texts.at(-1), { carrierId: 'SMaaaabbbbccccddddeeeeffff00001111', from: '+15550100199', to: '+15550100000', text: 'Hello from outside & <friends>', media: [] });
  });

  it('says in the text when an attachment could not be fetched, instead of dropping it silently', async () => {
    const params: Array<[string, string]> = [
      ['MessageSid', 'MMaaaabbbbccccddddeeeeffff00002222'], ['AccountSid', SID], ['From', '+15550100199'], ['To', '+15550100000'],
      ['Body', 'look'], ['NumMedia', '1'], ['MediaContentType0', 'image/jpeg'], ['MediaUrl0', 'http://127.0.0.1:1/gone.jpg'],
    ];
    assert.equal((await signed('/api/v2/sms/twilio/inbound', params)).status, 200);
    assert.deepEqual(inbox.texts.at(-1)!.media, []);
    assert.equal(inbox.texts.at(-1)!.text, 'look\n\n[Not received: attachment 1 is not on the carrier\'s servers]');
  });

  it('fetches media from the carrier only (with its credentials), and cuts off a stream over 5 MB', async () => {
    const seen: Array<string | undefined> = [];
    const cdn = http.createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'image/jpeg' }); // chunked: no Content-Length to go by
      if (req.url === '/small.jpg') return res.end(Buffer.from('ffd8ffe0', 'hex'));
      const chunk = Buffer.alloc(1024 * 1024);
      let sent = 0;
      const more = () => {
        while (sent < 7 && res.write(chunk)) sent++;
        if (sent >= 7) res.end();
        else res.once('drain', () => { sent++; more(); });
      };
      res.on('error', () => {});
      more();
    });
    await new Promise<void>((r) => cdn.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(cdn.address() as AddressInfo).port}`;
    try {
      // A webhook naming links elsewhere than the carrier (here: the webhook app's carrier is
      // api.twilio.com): nothing is fetched, and the text says so.
      const params: Array<[string, string]> = [
        ['MessageSid', 'MMaaaabbbbccccddddeeeeffff00003333'], ['From', '+15550100199'], ['To', '+15550100000'], ['Body', ''], ['NumMedia', '1'],
        ['MediaContentType0', 'image/jpeg'], ['MediaUrl0', `${base}/small.jpg`],
      ];
      assert.equal((await signed('/api/v2/sms/twilio/inbound', params)).status, 200);
      assert.equal(inbox.texts.at(-1)!.text, '[Not received: attachment 1 is not on the carrier\'s servers]');
      assert.deepEqual(seen, [], 'no request left for a host that is not the carrier');

      // The carrier's own links: fetched with its credentials; one over 5 MB is cut off.
      const fetched = await fetchInboundMedia([{ url: `${base}/small.jpg`, contentType: 'image/jpeg' }, { url: `${base}/huge.jpg`, contentType: 'image/jpeg' }],
        { accountSid: SID, authToken: TOKEN, apiBase: base });
      assert.deepEqual(fetched.media.map((m) => [m.name, m.contentType, m.data.toString('hex')]), [['attachment-1.jpg', 'image/jpeg', 'ffd8ffe0']]);
      assert.deepEqual(fetched.failures, ['attachment 2 is larger than 5 MB']);
      const asked = seen as Array<string | undefined>; // deepEqual above narrowed its type
      assert.ok(asked.length === 2 && asked.every((h) => typeof h === 'string' && h.startsWith('Basic ')), 'the carrier gets its credentials');
    } finally {
      cdn.closeAllConnections();
      await new Promise<void>((r) => cdn.close(() => r()));
    }
  });

  it('answers 400 to a signed webhook missing its fields', async () => {
    assert.equal((await signed('/api/v2/sms/twilio/inbound', [['Body', 'x']])).status, 400);
    assert.equal((await signed('/api/v2/sms/twilio/status', [['MessageSid', 'SM1']])).status, 400);
  });
});

describe('Twilio webhooks without a carrier or a core', () => {
  it('are 404 when SMS is off and 503 (after the signature check) without the messaging core', async () => {
    const off = await startSmsApp({ webhooks: () => undefined });
    const noCore = await startSmsApp({ webhooks: (url) => ({ accountSid: SID, authToken: TOKEN, apiBase: 'https://api.twilio.com', publicBase: () => url }) });
    try {
      const params: Array<[string, string]> = [['MessageSid', 'SM1'], ['MessageStatus', 'sent']];
      const to = (app: SmsApp, sig: string | null) => fetch(app.url + '/api/v2/sms/twilio/status', {
        method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...(sig ? { 'x-twilio-signature': sig } : {}) }, body: formBody(params),
      });
      assert.equal((await to(off, null)).status, 404);
      assert.equal((await to(noCore, null)).status, 403);
      assert.equal((await to(noCore, twilioSignature(TOKEN, noCore.url + '/api/v2/sms/twilio/status', params))).status, 503);
    } finally {
      await off.close();
      await noCore.close();
    }
  });
});
