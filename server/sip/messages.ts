/**
 * SIP MESSAGE (RFC 3428) and chat. The platform is the endpoint of every MESSAGE to a user of a
 * domain it serves: it is not forked to the user's devices, it becomes a chat message from the
 * sender to that user, in their 1:1 conversation (created when needed), seen by the web app on
 * its events channel. The other way, a chat message to a user whose live devices are all SIP
 * phones (none of them the web app) is sent to each of those phones as a MESSAGE from the
 * sender's address, by the platform over the phone's flow.
 *
 *   MESSAGE sip:1002@demo (authenticated as in caller-auth.ts)
 *      --no such user--> 404   --not text/plain--> 415 (Accept)   --over 10 KB--> 413
 *      --to oneself--> 403     --> chat message 1001 -> 1002 --> 200 OK
 *
 * Which device is the web app: the registrar's binding keeps the User-Agent it registered
 * with. The web app's JsSIP registers with the browser's user agent string (session.ts, which
 * starts "Mozilla/"); JsSIP's own default says "JsSIP". A binding with either is the web app;
 * any other User-Agent is a SIP phone. (The devices table does not say.)
 */
import { randomBytes, createHash } from 'node:crypto';
import type { Logger } from '../log.js';
import { ApiError } from '../http/errors.js';
import type { Store } from '../store/types.js';
import { MESSAGE_MAX_CHARS, type Messaging } from '../messaging/service.js';
import type { CallerAuthenticator } from './caller-auth.js';
import type { SipFlow } from './flow.js';
import { createResponse, SipHeaders, type SipRequest, type SipResponse } from './message.js';
import type { Binding, Registrar } from './registrar.js';
import { OWN } from './transactions.js';

export const SIP_MESSAGE_MAX_BYTES = 10 * 1024;
/** Branch prefix of our MESSAGEs, whose answers come back to `response`. */
const MESSAGE_BRANCH = `${OWN}msg.`;
const RESPONSE_TIMEOUT_MS = 32_000;

export interface SipMessagesDeps {
  host: string;
  store: Pick<Store, 'users'>;
  registrar: Pick<Registrar, 'lookup'>;
  callers: Pick<CallerAuthenticator, 'authenticate'>;
  messaging: Messaging;
  log: Logger;
}

/** The web app (JsSIP in a browser) or a SIP phone, by the User-Agent of its registration. */
export function isWebPhone(b: Pick<Binding, 'userAgent'>): boolean {
  return /JsSIP|^Mozilla\//i.test(b.userAgent);
}

export class SipMessages {
  private readonly pending = new Map<string, NodeJS.Timeout>();

  constructor(private readonly d: SipMessagesDeps) {
    d.messaging.chatDelivery = (domain, recipient, sender, name, text) => this.deliver(domain, recipient, sender, name, text);
  }

  /** A MESSAGE out of dialog, to `user` of `domain` (a domain we serve). */
  async handle(req: SipRequest, flow: SipFlow, domain: string, user: string): Promise<void> {
    const reply = (status: number, reason: string, extra: Array<[string, string]> = []) => flow.send(createResponse(req, status, reason, extra));
    const caller = await this.d.callers.authenticate(req, flow, domain);
    if (!caller) return;
    const recipient = await this.d.store.users.get(domain, user);
    if (!recipient) return reply(404, 'Not Found');
    const type = (req.headers.get('Content-Type') ?? 'text/plain').split(';')[0]!.trim().toLowerCase();
    if (type !== 'text/plain') return reply(415, 'Unsupported Media Type', [['Accept', 'text/plain']]);
    if (req.body.length > SIP_MESSAGE_MAX_BYTES) return reply(413, 'Request Entity Too Large', [['Warning', '399 switchboard "A message is at most 10 KB"']]);
    const text = req.body.toString('utf8');
    if (text.trim() === '') return reply(400, 'Bad Request', [['Warning', '399 switchboard "Empty message"']]);
    // 10 KB of UTF-8 can be more characters than a chat message holds: refused, never cut.
    if (text.length > MESSAGE_MAX_CHARS) return reply(413, 'Request Entity Too Large', [['Warning', `399 switchboard "A message is at most ${MESSAGE_MAX_CHARS} characters"`]]);
    if (recipient.extension === caller.user.extension) return reply(403, 'Forbidden', [['Warning', '399 switchboard "A chat needs someone besides you"']]);
    // Its Call-ID and CSeq: a MESSAGE sent again (a retransmission, a retry) is one chat message.
    const clientId = `sip:${createHash('sha256').update(`${req.headers.get('Call-ID') ?? ''}\n${req.headers.get('CSeq') ?? ''}`).digest('base64url').slice(0, 32)}`;
    try {
      const { session } = await this.d.messaging.open(domain, caller.user.extension, { participants: [{ kind: 'user', extension: recipient.extension }] });
      await this.d.messaging.send(domain, caller.user.extension, session.id, { client_id: clientId, text });
    } catch (err) {
      // Sending too fast: the same limit as the web phone's, said the SIP way.
      if (err instanceof ApiError && err.status === 429) return reply(503, 'Service Unavailable', [['Retry-After', err.headers['Retry-After'] ?? '1']]);
      this.d.log.warn('SIP MESSAGE not stored', { error: (err as Error).message });
      return reply(500, 'Server Internal Error');
    }
    reply(200, 'OK');
  }

  /** A chat message for `recipient`: to their SIP phones, when those are all the live devices they have. */
  deliver(domain: string, recipient: string, sender: string, senderName: string, text: string): void {
    const bindings = this.d.registrar.lookup(domain, recipient);
    if (bindings.length === 0 || bindings.some(isWebPhone)) return;
    for (const b of bindings) this.send(b, domain, sender, senderName, text);
  }

  private send(b: Binding, domain: string, sender: string, senderName: string, text: string): void {
    const branch = `${MESSAGE_BRANCH}${randomBytes(9).toString('base64url')}`;
    const timer = setTimeout(() => {
      this.pending.delete(branch);
      this.d.log.debug('SIP MESSAGE not answered', { to: `${b.extension}@${b.domain}`, device: b.deviceId });
    }, RESPONSE_TIMEOUT_MS);
    timer.unref?.();
    this.pending.set(branch, timer);
    const display = senderName.replace(/["\\\r\n]/g, '');
    const headers = new SipHeaders([
      ['Via', `SIP/2.0/${b.flow.secure ? 'WSS' : 'WS'} ${this.d.host};branch=${branch}`],
      ['Max-Forwards', '70'],
      ['From', `"${display}" <sip:${sender}@${domain}>;tag=${randomBytes(6).toString('hex')}`],
      ['To', `<sip:${b.extension}@${b.domain}>`],
      ['Call-ID', `${randomBytes(12).toString('hex')}@${this.d.host}`],
      ['CSeq', '1 MESSAGE'],
      ['Content-Type', 'text/plain;charset=utf-8'],
    ]);
    b.flow.send({ type: 'request', method: 'MESSAGE', uri: b.contact, version: 'SIP/2.0', headers, body: Buffer.from(text, 'utf8') });
  }

  /** The phone's answer to one of our MESSAGEs (its Via was ours alone). */
  response(branch: string, res: SipResponse): void {
    if (!branch.startsWith(MESSAGE_BRANCH) || res.status < 200) return;
    const timer = this.pending.get(branch);
    if (!timer) return;
    clearTimeout(timer);
    this.pending.delete(branch);
    if (res.status >= 300) this.d.log.debug('SIP MESSAGE refused by the phone', { status: res.status });
  }

  stop(): void {
    for (const t of this.pending.values()) clearTimeout(t);
    this.pending.clear();
    this.d.messaging.chatDelivery = null;
  }
}
