/**
 * The local carrier: a stand-in for Twilio on loopback, so the demo shows a whole SMS exchange
 * with no account anywhere, and tests drive the real adapter (twilio-carrier.ts) and the real
 * webhooks (http/routes/sms.ts) end to end. It speaks the subset of Twilio's API we use:
 *
 *   POST /2010-04-01/Accounts/{AccountSid}/Messages.json   (Basic auth AccountSid:AuthToken)
 *        To, From, Body, MediaUrl..., StatusCallback -> 201 {"sid": "SM...", "status": "queued", ...}
 *        or Twilio's error JSON {"code", "message", "more_info", "status"} (21211, 21602, 21610, ...).
 *        Then, as Twilio does, it fetches every MediaUrl and posts StatusCallback with `sent`, then
 *        `delivered` (or `undelivered` + ErrorCode), signed with X-Twilio-Signature.
 *   GET  /2010-04-01/Accounts/{AccountSid}/Messages/{sid}/Media/{id}   (Basic auth) the media of
 *        a text it delivers to us, where the inbound webhook's MediaUrl0.. point.
 *
 * A text to +1 555 010 0199 gets an automatic reply about a second later, delivered to the
 * platform's inbound webhook like any text from outside. Tests can make it refuse a number, fail
 * delivery to one, or never answer (a carrier timing out), and can text the platform themselves.
 *
 * The credentials are made up at each start (nothing to configure, nothing to leak).
 */
import crypto from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../log.js';
import { formBody, parseForm, twilioSignature, type FormParams } from './twilio-signature.js';
import { TWILIO_INBOUND_PATH } from './twilio-carrier.js';

export const AUTO_REPLY_NUMBER = '+15550100199';
export const AUTO_REPLY_TEXT = "Thanks for your message! This is the Switchboard demo's automatic reply.";
const AUTO_REPLY_DELAY_MS = 1_000;
const BODY_LIMIT = 64 * 1024;
const MEDIA_LIMIT = 5 * 1024 * 1024;
const CALL_TIMEOUT_MS = 10_000;
const E164 = /^\+[1-9]\d{6,14}$/;
/** What it remembers (accepted messages, media of texts it delivered): the latest this many. */
const KEEP = 200;

export interface LocalCarrierOptions {
  /** Where the platform is reached (its public base URL); asked when a webhook is posted. */
  platformBase: () => string;
  log?: Logger;
  autoReplyDelayMs?: number;
  /** Between the steps queued -> sent -> delivered (a few ms, like a fast carrier). */
  stepDelayMs?: number;
}

/** What the carrier accepted, and the media it fetched for it (tests look). */
export interface AcceptedMessage {
  sid: string;
  from: string;
  to: string;
  body: string;
  mediaUrls: string[];
  media: Array<{ contentType: string; data: Buffer }>;
  statusCallback: string | null;
}

export interface TextIn {
  from: string;
  to: string;
  text: string;
  media?: Array<{ contentType: string; data: Buffer }>;
}

interface Refusal { code: number; message: string }

export class LocalCarrier {
  readonly accountSid = `AC${crypto.randomBytes(16).toString('hex')}`;
  readonly authToken = crypto.randomBytes(16).toString('hex');
  readonly accepted: AcceptedMessage[] = [];
  private readonly server: http.Server;
  private readonly refusals = new Map<string, Refusal>();
  private readonly undeliverables = new Map<string, number>();
  private readonly inboundMedia = new Map<string, { contentType: string; data: Buffer }>();
  /** Pending pauses, each with its resolver: close ends them at once (and the work stops). */
  private readonly timers = new Map<NodeJS.Timeout, () => void>();
  private readonly held = new Set<http.ServerResponse>();
  private readonly work = new Set<Promise<void>>();
  private timingOut = false;
  private closed = false;

  private constructor(private readonly opts: LocalCarrierOptions) {
    this.server = http.createServer((req, res) => this.handle(req, res));
  }

  static async start(opts: LocalCarrierOptions): Promise<LocalCarrier> {
    const carrier = new LocalCarrier(opts);
    await new Promise<void>((resolve, reject) => {
      carrier.server.once('error', reject);
      carrier.server.listen(0, '127.0.0.1', () => resolve());
    });
    return carrier;
  }

  /** The API base to give TwilioCarrier (apiBase). */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Texts to `number` are refused as Twilio would (default: 21610, an unsubscribed recipient). */
  refuse(number: string, code = 21610, message = 'Attempt to send to unsubscribed recipient'): void {
    this.refusals.set(number, { code, message });
  }

  /** Texts to `number` are accepted again (the recipient subscribed again, say). */
  accept(number: string): void {
    this.refusals.delete(number);
    this.undeliverables.delete(number);
  }

  /** Texts to `number` are accepted, then end `undelivered` with this ErrorCode (30003: unreachable). */
  undeliverable(number: string, errorCode = 30003): void {
    this.undeliverables.set(number, errorCode);
  }

  /** While on, a send is never answered (the adapter's timeout is what ends it). */
  timeOut(on = true): void {
    this.timingOut = on;
  }

  /**
   * Someone outside texts one of our numbers: the inbound webhook, signed. The platform's HTTP
   * status (0: not reached), the message's sid and where its media are kept.
   */
  async textIn(sms: TextIn): Promise<{ status: number; sid: string; mediaUrls: string[] }> {
    const sid = `${sms.media?.length ? 'MM' : 'SM'}${crypto.randomBytes(16).toString('hex')}`;
    const params: Array<[string, string]> = [
      ['MessageSid', sid], ['SmsSid', sid], ['SmsMessageSid', sid], ['AccountSid', this.accountSid],
      ['From', sms.from], ['To', sms.to], ['Body', sms.text], ['NumMedia', String(sms.media?.length ?? 0)],
      ['NumSegments', '1'], ['SmsStatus', 'received'], ['ApiVersion', '2010-04-01'],
    ];
    const mediaUrls = (sms.media ?? []).map((medium, i) => {
      const id = `ME${crypto.randomBytes(16).toString('hex')}`;
      const path = `/2010-04-01/Accounts/${this.accountSid}/Messages/${sid}/Media/${id}`;
      this.inboundMedia.set(path, medium);
      // A demo left running for weeks must not keep every picture: the oldest go first.
      for (const old of this.inboundMedia.keys()) {
        if (this.inboundMedia.size <= KEEP) break;
        this.inboundMedia.delete(old);
      }
      params.push([`MediaContentType${i}`, medium.contentType], [`MediaUrl${i}`, this.url + path]);
      return this.url + path;
    });
    const { status } = await this.post(this.opts.platformBase().replace(/\/+$/, '') + TWILIO_INBOUND_PATH, params);
    return { status, sid, mediaUrls };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const [t, resolve] of this.timers) {
      clearTimeout(t);
      resolve();
    }
    this.timers.clear();
    for (const res of this.held) res.destroy();
    await Promise.allSettled([...this.work]);
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const path = (req.url ?? '').split('?')[0]!;
    const create = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/.exec(path);
    const media = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/[^/]+\/Media\/[^/]+$/.exec(path);
    if ((create && req.method === 'POST') || (media && req.method === 'GET')) {
      if (!this.authorized(req, (create ?? media)![1]!)) return twilioError(res, 401, 20003, 'Authenticate');
      if (media) return this.serveMedium(path, res);
      return void readBody(req).then((body) => {
        if (body === null) return twilioError(res, 413, 20001, 'The request is too large');
        this.create(parseForm(body), res);
      }, () => res.destroy());
    }
    twilioError(res, 404, 20404, `The requested resource ${path} was not found`);
  }

  private authorized(req: http.IncomingMessage, sid: string): boolean {
    const expected = Buffer.from(`Basic ${Buffer.from(`${this.accountSid}:${this.authToken}`).toString('base64')}`);
    const given = Buffer.from(req.headers.authorization ?? '');
    return sid === this.accountSid && given.length === expected.length && crypto.timingSafeEqual(given, expected);
  }

  private serveMedium(path: string, res: http.ServerResponse): void {
    const medium = this.inboundMedia.get(path);
    if (!medium) return twilioError(res, 404, 20404, `The requested resource ${path} was not found`);
    res.writeHead(200, { 'content-type': medium.contentType, 'content-length': medium.data.length });
    res.end(medium.data);
  }

  private create(params: Array<[string, string]>, res: http.ServerResponse): void {
    if (this.timingOut) {
      // Held open until close: the caller's own timeout must give up on it.
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      return;
    }
    const form = new Map(params);
    const to = form.get('To') ?? '';
    const from = form.get('From') ?? '';
    const body = form.get('Body') ?? '';
    const mediaUrls = params.filter(([name]) => name === 'MediaUrl').map(([, value]) => value);
    // The checks and messages are Twilio's (its error dictionary), in the order it applies them.
    if (!E164.test(to)) return twilioError(res, 400, 21211, `The 'To' number ${to} is not a valid phone number.`);
    if (!E164.test(from)) return twilioError(res, 400, 21212, `The 'From' number ${from} is not a valid phone number, shortcode, or alphanumeric sender ID.`);
    if (!body && mediaUrls.length === 0) return twilioError(res, 400, 21602, 'Message body is required.');
    if (body.length > 1600) return twilioError(res, 400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
    if (mediaUrls.length > 10) return twilioError(res, 400, 21623, 'Number of media files exceeds allowed limit');
    const refusal = this.refusals.get(to);
    if (refusal) return twilioError(res, 400, refusal.code, refusal.message);

    const sid = `${mediaUrls.length ? 'MM' : 'SM'}${crypto.randomBytes(16).toString('hex')}`;
    const message: AcceptedMessage = { sid, from, to, body, mediaUrls, media: [], statusCallback: form.get('StatusCallback') || null };
    this.accepted.push(message);
    if (this.accepted.length > KEEP) this.accepted.shift();
    res.writeHead(201, { 'content-type': 'application/json' });
    res.end(JSON.stringify({
      sid, account_sid: this.accountSid, from, to, body, status: 'queued', num_media: String(mediaUrls.length), num_segments: '1',
      direction: 'outbound-api', api_version: '2010-04-01', date_created: new Date().toUTCString(), error_code: null, error_message: null,
      uri: `/2010-04-01/Accounts/${this.accountSid}/Messages/${sid}.json`,
    }));
    this.track(this.deliver(message));
  }

  /** What Twilio does after accepting: fetch the media, send, report, (and here) maybe reply. */
  private async deliver(message: AcceptedMessage): Promise<void> {
    await this.pause(this.opts.stepDelayMs ?? 20);
    if (this.closed) return;
    for (const url of message.mediaUrls) {
      const medium = await this.fetchMedium(url);
      if (!medium) return this.report(message, 'failed', 11200);
      message.media.push(medium);
    }
    await this.report(message, 'sent');
    await this.pause(this.opts.stepDelayMs ?? 20);
    const errorCode = this.undeliverables.get(message.to);
    if (errorCode !== undefined) return this.report(message, 'undelivered', errorCode);
    await this.report(message, 'delivered');
    if (message.to === AUTO_REPLY_NUMBER) {
      await this.pause(this.opts.autoReplyDelayMs ?? AUTO_REPLY_DELAY_MS);
      if (this.closed) return;
      const n = message.media.length;
      const text = AUTO_REPLY_TEXT + (n > 0 ? ` Your message came with ${n} attachment${n === 1 ? '' : 's'}.` : '');
      const { status } = await this.textIn({ from: AUTO_REPLY_NUMBER, to: message.from, text });
      if (status !== 200) this.opts.log?.warn('local carrier: the platform did not take the automatic reply', { status });
    }
  }

  private async report(message: AcceptedMessage, status: string, errorCode?: number): Promise<void> {
    if (!message.statusCallback || this.closed) return;
    const params: Array<[string, string]> = [
      ['AccountSid', this.accountSid], ['From', message.from], ['To', message.to], ['MessageSid', message.sid], ['SmsSid', message.sid],
      ['MessageStatus', status], ['SmsStatus', status], ['ApiVersion', '2010-04-01'],
      ...(errorCode !== undefined ? [['ErrorCode', String(errorCode)] as [string, string]] : []),
    ];
    const { status: answer } = await this.post(message.statusCallback, params);
    if (answer < 200 || answer >= 300) this.opts.log?.warn('local carrier: status callback not taken', { sid: message.sid, status, answer });
  }

  /** A signed form post to the platform; status 0 when it could not be reached. */
  private async post(url: string, params: FormParams): Promise<{ status: number }> {
    if (this.closed) return { status: 0 };
    const signature = twilioSignature(this.authToken, url, params);
    try {
      const res = await request(url, 'POST', { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature, 'user-agent': 'TwilioProxy/1.1' }, formBody(params));
      return { status: res.status };
    } catch (err) {
      this.opts.log?.warn('local carrier: the platform could not be reached', { url, error: (err as Error).message });
      return { status: 0 };
    }
  }

  private async fetchMedium(url: string): Promise<{ contentType: string; data: Buffer } | null> {
    try {
      const res = await request(url, 'GET', {});
      if (res.status !== 200) return null;
      return { contentType: res.headers['content-type'] ?? 'application/octet-stream', data: res.body };
    } catch {
      return null;
    }
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => { this.timers.delete(t); resolve(); }, ms);
      this.timers.set(t, resolve);
    });
  }

  private track(p: Promise<void>): void {
    const done = p.catch((err: unknown) => this.opts.log?.warn('local carrier: delivery failed', { error: (err as Error).message }))
      .finally(() => this.work.delete(done));
    this.work.add(done);
  }
}

function twilioError(res: http.ServerResponse, status: number, code: number, message: string): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));
}

function readBody(req: http.IncomingMessage): Promise<string | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > BODY_LIMIT ? null : Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * node:http(s) rather than fetch: the platform may serve HTTPS with a self-signed certificate
 * (TLS_CERT for a LAN), which this loopback stand-in accepts; real Twilio would not, and needs a
 * proper certificate at SWITCHBOARD_PUBLIC_URL.
 */
function request(url: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const lib = target.protocol === 'https:' ? https : http;
    const req = lib.request(target, { method, headers, timeout: CALL_TIMEOUT_MS, rejectUnauthorized: false }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MEDIA_LIMIT) req.destroy(new Error('answer too large'));
        else chunks.push(chunk);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', reject);
    req.end(body);
  });
}
