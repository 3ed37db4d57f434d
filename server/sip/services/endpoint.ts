/**
 * The SIP user agent of a platform service, inside the process. It is a flow like any other:
 * the executor forks an INVITE to it, the proxy sends it CANCEL, ACK, BYE and re-INVITEs through
 * the record-route, and its answers go back through the proxy's handler as a device's would.
 * So CANCEL, BYE, Replaces and call records work the same way for devices and services.
 *
 *   per call:  ringing --answer()--> answered --BYE either way--> ended
 *                 |--reject()/CANCEL-----------------------------> ended
 */
import { randomBytes } from 'node:crypto';
import type { FlowIdentity, SipFlow } from '../flow.js';
import { contactUri, tagOf } from '../identity.js';
import { createResponse, SipHeaders, type SipMessage, type SipRequest, type SipResponse } from '../message.js';
import { parseUri } from '../uri.js';
import type { PlatformService, ServiceCall, ServiceCallEnd } from './service.js';

/** Our Via host as a UA: never the proxy's own (which would look like a loop). */
const UA_HOST = 'services.invalid';

/** The contact a service is rung at, naming the user it acts for. */
export function serviceContact(service: string, user: { domain: string; extension: string } | null): string {
  const forUser = user ? `;for-domain=${user.domain};for-user=${user.extension}` : '';
  return `sip:${service}@${UA_HOST}${forUser}`;
}

export class ServiceEndpoint implements SipFlow {
  readonly id = randomBytes(16).toString('base64url');
  readonly secure = false;
  readonly authenticated = false;
  identity: FlowIdentity | null = null;
  userAgent: string;
  private readonly calls = new Map<string, EndpointCall>();
  private open = true;

  /** `deliver` hands a message we send back to the proxy, as received on this flow. */
  constructor(readonly service: PlatformService, private readonly deliver: (msg: SipMessage, from: SipFlow) => void) {
    this.userAgent = `Switchboard ${service.name} service`;
  }

  get isOpen(): boolean {
    return this.open;
  }

  markAuthenticated(): void {}

  get liveCalls(): number {
    return this.calls.size;
  }

  /** What the proxy sends us. Answered asynchronously, as a remote UA would. */
  send(msg: SipMessage): void {
    if (!this.open) return;
    queueMicrotask(() => {
      if (msg.type === 'request') this.request(msg);
    });
  }

  /** Shutdown: every call ends, hung up by the service. */
  close(): void {
    for (const call of [...this.calls.values()]) call.hangUp();
    this.open = false;
  }

  reply(res: SipResponse): void {
    queueMicrotask(() => this.deliver(res, this));
  }

  originate(req: SipRequest): void {
    queueMicrotask(() => this.deliver(req, this));
  }

  forget(callId: string): void {
    this.calls.delete(callId);
  }

  private request(req: SipRequest): void {
    const callId = req.headers.get('Call-ID') ?? '';
    const call = this.calls.get(callId);
    const inDialog = tagOf(req.headers.get('To')) !== '';
    switch (req.method) {
      case 'INVITE':
        if (!inDialog) {
          if (call) return; // a retransmission
          const fresh = new EndpointCall(this, req);
          this.calls.set(callId, fresh);
          this.service.incoming(fresh);
          return;
        }
        // A re-INVITE (hold, say): the service's media stays as it is.
        if (!call?.answered) return this.reply(createResponse(req, 481, 'Call/Transaction Does Not Exist'));
        return this.reply(call.withAnswer(createResponse(req, 200, 'OK'), req));
      case 'ACK':
        return;
      case 'CANCEL':
        this.reply(createResponse(req, call ? 200 : 481, call ? 'OK' : 'Call/Transaction Does Not Exist'));
        call?.cancelled();
        return;
      case 'BYE':
        this.reply(createResponse(req, call ? 200 : 481, call ? 'OK' : 'Call/Transaction Does Not Exist'));
        call?.endedBy('caller');
        return;
      case 'INFO':
        this.reply(createResponse(req, call ? 200 : 481));
        if (call) call.info(req);
        return;
      case 'UPDATE':
      case 'NOTIFY':
        return this.reply(createResponse(req, call ? 200 : 481));
      default:
        return this.reply(createResponse(req, 405, 'Method Not Allowed', [['Allow', 'INVITE, ACK, CANCEL, BYE, INFO, UPDATE, NOTIFY']]));
    }
  }
}

class EndpointCall implements ServiceCall {
  readonly callId: string;
  readonly caller: string;
  readonly user: { domain: string; extension: string } | null;
  readonly offer: string;
  answered = false;
  ended = false;
  private localSdp = '';
  /** What answered, told to the caller's card (X-Switchboard-Service). */
  private answeredAs = '';
  private localCSeq = 1;
  private readonly listeners: Array<(by: ServiceCallEnd) => void> = [];
  private readonly digitListeners: Array<(digit: string) => void> = [];

  constructor(private readonly endpoint: ServiceEndpoint, private readonly invite: SipRequest) {
    this.callId = invite.headers.get('Call-ID') ?? '';
    this.caller = invite.headers.get('P-Asserted-Identity') ?? invite.headers.get('From') ?? '';
    const params = parseUri(invite.uri)?.params;
    const domain = params?.get('for-domain');
    const extension = params?.get('for-user');
    this.user = domain && extension ? { domain, extension } : null;
    this.offer = invite.body.toString('utf8');
  }

  ring(): void {
    if (!this.answered && !this.ended) this.endpoint.reply(createResponse(this.invite, 180, 'Ringing'));
  }

  answer(sdp: string, as?: string): void {
    if (this.answered || this.ended) return;
    this.answered = true;
    this.localSdp = sdp;
    // A header value of our own making: letters, digits and spaces only.
    this.answeredAs = (as ?? '').replace(/[^A-Za-z0-9 ]/g, '').slice(0, 40);
    this.endpoint.reply(this.withAnswer(createResponse(this.invite, 200, 'OK'), this.invite));
  }

  reject(status: number, reason: string): void {
    if (this.answered || this.ended) return;
    this.endpoint.reply(createResponse(this.invite, status, reason));
    this.endedBy('service');
  }

  hangUp(): void {
    if (this.ended) return;
    if (!this.answered) return this.reject(480, 'Temporarily Unavailable');
    this.endpoint.originate(this.bye());
    this.endedBy('service');
  }

  onEnded(listener: (by: ServiceCallEnd) => void): void {
    this.listeners.push(listener);
  }

  onDigit(listener: (digit: string) => void): void {
    this.digitListeners.push(listener);
  }

  /** SIP INFO with a digit: application/dtmf-relay (`Signal=5`) or application/dtmf (`5`). */
  info(req: SipRequest): void {
    const type = (req.headers.get('Content-Type') ?? '').split(';')[0]!.trim().toLowerCase();
    const body = req.body.toString('utf8');
    const digit = type === 'application/dtmf-relay' ? /^\s*Signal\s*=\s*([0-9*#A-D])/im.exec(body)?.[1]
      : type === 'application/dtmf' ? /^\s*([0-9*#A-D])\s*$/i.exec(body)?.[1] : undefined;
    if (digit) for (const l of this.digitListeners) l(digit.toUpperCase());
  }

  /** CANCEL before the answer: the INVITE gets its 487. */
  cancelled(): void {
    if (this.answered || this.ended) return;
    this.endpoint.reply(createResponse(this.invite, 487, 'Request Terminated'));
    this.endedBy('caller');
  }

  endedBy(by: ServiceCallEnd): void {
    if (this.ended) return;
    this.ended = true;
    this.endpoint.forget(this.callId);
    for (const l of this.listeners) l(by);
  }

  /** A 2xx carrying our SDP, Contact and the Record-Route of the request it answers. */
  withAnswer(res: SipResponse, req: SipRequest): SipResponse {
    for (const rr of req.headers.getAll('Record-Route')) res.headers.append('Record-Route', rr);
    res.headers.append('Contact', `<${this.invite.uri}>`);
    if (this.answeredAs) res.headers.append('X-Switchboard-Service', this.answeredAs);
    res.headers.append('Content-Type', 'application/sdp');
    return { ...res, body: Buffer.from(this.localSdp, 'utf8') };
  }

  /** Our BYE (s15.1.1): to the caller's Contact, through the route the INVITE recorded. */
  private bye(): SipRequest {
    const h = this.invite.headers;
    const headers = new SipHeaders([
      ['Via', `SIP/2.0/WS ${UA_HOST};branch=z9hG4bK-svc.${randomBytes(9).toString('base64url')}`],
      ['Max-Forwards', '70'],
      // Our To tag is the one createResponse gave every answer to this INVITE.
      ['From', createResponse(this.invite, 200).headers.get('To') ?? ''],
      ['To', h.get('From') ?? ''],
      ['Call-ID', this.callId],
      ['CSeq', `${++this.localCSeq} BYE`],
    ]);
    // The route set is the Record-Route as received (s12.1.1): the proxy, once.
    for (const rr of h.getAll('Record-Route')) headers.append('Route', rr);
    return { type: 'request', method: 'BYE', uri: contactUri(h.get('Contact')), version: 'SIP/2.0', headers, body: Buffer.alloc(0) };
  }
}
