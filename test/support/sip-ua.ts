/**
 * A small SIP user agent over WebSocket for tests and the load generator: REGISTER with digest,
 * outgoing and incoming INVITE dialogs, re-INVITE, INFO, BYE, CANCEL, REFER/NOTIFY (RFC 3515),
 * INVITE with Replaces (RFC 3891) and SUBSCRIBE (RFC 6665, receiving the NOTIFYs). It uses the platform's own
 * parser and serializer but speaks to the platform only over a real socket, like a browser would.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { md5 } from '../../server/sip/digest.js';
import { SipHeaders, createResponse, serialize, type SipMessage, type SipRequest, type SipResponse } from '../../server/sip/message.js';
import { parseMessage } from '../../server/sip/parser.js';
import { parseAuthHeader, parseCSeq, parseNameAddr } from '../../server/sip/uri.js';

export interface UaCredentials {
  /** e.g. sip:1001@demo */
  uri: string;
  authorizationUser: string;
  password: string;
  displayName?: string;
}

const rand = (n = 8) => randomBytes(n).toString('hex');

export const FAKE_SDP = [
  'v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111', 'a=rtpmap:111 opus/48000/2', 'a=sendrecv', '',
].join('\r\n');

export class Dialog {
  localCSeq = 1;
  remoteTag = '';
  routeSet: string[] = [];
  remoteTarget = '';
  readonly received: SipRequest[] = [];
  state: 'early' | 'confirmed' | 'terminated' = 'early';

  constructor(
    readonly ua: SipUa,
    readonly callId: string,
    readonly localTag: string,
    readonly localUri: string,
    readonly remoteUri: string,
    readonly outgoing: boolean,
  ) {}

  /** Sends an in-dialog request and resolves with its final response. */
  request(method: string, body = '', contentType?: string, extra: Array<[string, string]> = []): Promise<SipResponse> {
    const cseq = ++this.localCSeq;
    const req = this.build(method, cseq, body, contentType, extra);
    if (method === 'BYE') this.state = 'terminated';
    return this.ua.sendRequest(req);
  }

  bye(): Promise<SipResponse> {
    return this.request('BYE');
  }

  /** The Replaces header value naming this dialog (RFC 3891 s6.1: to-tag is the remote's). */
  get replaces(): string {
    return `${this.callId};to-tag=${this.remoteTag};from-tag=${this.localTag}`;
  }

  /** REFER (RFC 3515): asks the other party to call `target`; Referred-By names us (RFC 3892). */
  refer(target: string, extra: Array<[string, string]> = []): Promise<SipResponse> {
    return this.request('REFER', '', undefined, [['Refer-To', `<${target}>`], ['Referred-By', `<${this.localUri}>`], ...extra]);
  }

  /** NOTIFY of the implicit refer subscription with a sipfrag status line (RFC 3515 s2.4.5). */
  notifyRefer(status: number, reason: string, state = status >= 200 ? 'terminated;reason=noresource' : 'active;expires=60'): Promise<SipResponse> {
    return this.request('NOTIFY', `SIP/2.0 ${status} ${reason}\r\n`, 'message/sipfrag;version=2.0', [
      ['Event', 'refer'], ['Subscription-State', state],
    ]);
  }

  /** A re-INVITE putting the call on hold (a=sendonly) or back (sendrecv), ACKed on 2xx. */
  async reinvite(direction: 'sendonly' | 'sendrecv'): Promise<SipResponse> {
    const cseq = ++this.localCSeq;
    const req = this.build('INVITE', cseq, FAKE_SDP.replace('a=sendrecv', `a=${direction}`), 'application/sdp');
    const res = await this.ua.sendRequest(req);
    if (res.status >= 200 && res.status < 300) this.ua.send(this.build('ACK', cseq));
    return res;
  }

  build(method: string, cseq: number, body = '', contentType?: string, extra: Array<[string, string]> = []): SipRequest {
    const headers = new SipHeaders([
      ['Via', this.ua.via()],
      ['Max-Forwards', '70'],
      ...this.routeSet.map((r): [string, string] => ['Route', r]),
      ['From', `<${this.localUri}>;tag=${this.localTag}`],
      ['To', `<${this.remoteUri}>${this.remoteTag ? `;tag=${this.remoteTag}` : ''}`],
      ['Call-ID', this.callId],
      ['CSeq', `${cseq} ${method}`],
      ['Contact', `<${this.ua.contact}>`],
      ...extra,
    ]);
    if (contentType) headers.set('Content-Type', contentType);
    return { type: 'request', method, uri: this.remoteTarget || this.remoteUri, version: 'SIP/2.0', headers, body: Buffer.from(body) };
  }
}

export class OutgoingCall extends EventEmitter {
  readonly responses: SipResponse[] = [];
  dialog: Dialog | null = null;
  final: Promise<SipResponse>;
  private resolveFinal!: (r: SipResponse) => void;

  constructor(readonly invite: SipRequest) {
    super();
    this.final = new Promise((r) => (this.resolveFinal = r));
  }

  /** @internal */
  settle(res: SipResponse): void {
    this.resolveFinal(res);
  }
}

export class IncomingCall {
  readonly dialog: Dialog;
  readonly toTag = rand(4);
  cancelled = false;
  /** The Reason header of the CANCEL, if any (RFC 3326). */
  cancelReason = '';

  constructor(readonly ua: SipUa, readonly invite: SipRequest) {
    const from = parseNameAddr(invite.headers.get('From') ?? '')!;
    const to = parseNameAddr(invite.headers.get('To') ?? '')!;
    this.dialog = new Dialog(ua, invite.headers.get('Call-ID') ?? '', this.toTag, formatPlain(to.uri), formatPlain(from.uri), false);
    this.dialog.remoteTag = from.params.get('tag') ?? '';
    this.dialog.remoteTarget = uriOf(invite.headers.get('Contact') ?? '');
    // The callee's route set is the Record-Route list in order (RFC 3261 s12.1.1).
    this.dialog.routeSet = invite.headers.getAll('Record-Route');
    this.dialog.localCSeq = 100;
  }

  get from(): string {
    return parseNameAddr(this.invite.headers.get('From') ?? '')?.uri.user ?? '';
  }

  respond(status: number, reason?: string, body = '', extra: Array<[string, string]> = []): void {
    const res = createResponse(this.invite, status, reason, [['Contact', `<${this.ua.contact}>`], ...extra]);
    if (status > 100) res.headers.set('To', `${this.invite.headers.get('To')};tag=${this.toTag}`);
    res.headers.delete('Record-Route');
    for (const rr of this.invite.headers.getAll('Record-Route')) res.headers.append('Record-Route', rr);
    if (body) {
      res.headers.set('Content-Type', 'application/sdp');
      res.body = Buffer.from(body);
    }
    if (status >= 200 && status < 300) this.dialog.state = 'confirmed';
    this.ua.send(res);
  }

  ring(): void {
    this.respond(180, 'Ringing');
  }

  /** 200 OK, with `extra` headers (e.g. one a device should not be able to send). */
  answer(extra: Array<[string, string]> = []): void {
    this.respond(200, 'OK', FAKE_SDP, extra);
  }

  reject(status = 486): void {
    this.respond(status);
  }
}

interface Pending {
  resolve(res: SipResponse): void;
  onProvisional?(res: SipResponse): void;
}

/**
 * Events: 'invite' (IncomingCall), 'request' (SipRequest, in-dialog), 'cancel' (IncomingCall),
 * 'message' (every SipMessage received).
 */
export class SipUa extends EventEmitter {
  ws!: WebSocket;
  readonly instance = rand(4);
  readonly contact: string;
  readonly host = `${rand(5)}.invalid`;
  private readonly pending = new Map<string, Pending>();
  readonly incoming = new Map<string, IncomingCall>();
  readonly dialogs = new Map<string, Dialog>();
  private nonceCount = 0;
  /** The status this UA answers an in-dialog request with (REFER is accepted with 202). */
  inDialogStatus: (req: SipRequest) => number = (req) => (req.method === 'REFER' ? 202 : 200);

  constructor(readonly wsUrl: string, readonly creds: UaCredentials) {
    super();
    const user = parseNameAddr(`<${creds.uri}>`)?.uri.user ?? 'ua';
    this.contact = `sip:${user}-${this.instance}@${this.host};transport=ws`;
  }

  get aor(): string {
    return this.creds.uri;
  }

  get domain(): string {
    return this.creds.uri.split('@')[1] ?? '';
  }

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.ws = new WebSocket(this.wsUrl, 'sip');
      this.ws.once('open', () => resolve());
      this.ws.once('error', reject);
      this.ws.on('message', (data) => this.receive(String(data)));
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }

  via(): string {
    return `SIP/2.0/WS ${this.host};branch=z9hG4bK${rand(6)}`;
  }

  send(msg: SipMessage): void {
    this.ws.send(serialize(msg).toString('utf8'));
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  /** Sends a request and resolves with its final response, answering one digest challenge. */
  sendRequest(req: SipRequest, onProvisional?: (res: SipResponse) => void, retried = false): Promise<SipResponse> {
    return new Promise((resolve) => {
      const branch = branchOf(req);
      this.pending.set(branch, {
        onProvisional,
        resolve: (res) => {
          this.pending.delete(branch);
          if ((res.status === 401 || res.status === 407) && !retried) {
            const retry = this.withCredentials(req, res);
            if (req.method === 'INVITE') this.ackNon2xx(req, res);
            resolve(this.sendRequest(retry, onProvisional, true));
            return;
          }
          resolve(res);
        },
      });
      this.send(req);
    });
  }

  register(expires = 600): Promise<SipResponse> {
    const headers = new SipHeaders([
      ['Via', this.via()],
      ['Max-Forwards', '70'],
      ['To', `<${this.aor}>`],
      ['From', `<${this.aor}>;tag=${rand(4)}`],
      ['Call-ID', `reg-${this.instance}`],
      ['CSeq', `${++this.nonceCount} REGISTER`],
      ['Contact', `<${this.contact}>;+sip.instance="<urn:uuid:${this.instance}>";expires=${expires}`],
      ['Expires', String(expires)],
      ['User-Agent', 'switchboard-test-ua'],
    ]);
    return this.sendRequest({ type: 'request', method: 'REGISTER', uri: `sip:${this.domain}`, version: 'SIP/2.0', headers, body: Buffer.alloc(0) });
  }

  /** Starts a call; `call.final` resolves with the final response (2xx already ACKed). */
  call(target: string, extra: Array<[string, string]> = [], sdp = FAKE_SDP): OutgoingCall {
    const callId = rand(10);
    const localTag = rand(4);
    const dialog = new Dialog(this, callId, localTag, this.aor, target, true);
    const invite = dialog.build('INVITE', 1, sdp, 'application/sdp', extra);
    if (this.creds.displayName) invite.headers.set('From', `"${this.creds.displayName}" <${this.aor}>;tag=${localTag}`);
    const call = new OutgoingCall(invite);
    call.dialog = dialog;
    this.dialogs.set(callId, dialog);
    this.sendRequest(invite, (res) => {
      call.responses.push(res);
      call.emit('provisional', res);
    }).then((res) => {
      call.responses.push(res);
      call.invite.headers.set('CSeq', res.headers.get('CSeq') ?? '1 INVITE');
      if (res.status >= 200 && res.status < 300) {
        dialog.remoteTag = parseNameAddr(res.headers.get('To') ?? '')?.params.get('tag') ?? '';
        dialog.remoteTarget = uriOf(res.headers.get('Contact') ?? '');
        // The caller's route set is the Record-Route list reversed (s12.1.2).
        dialog.routeSet = res.headers.getAll('Record-Route').reverse();
        dialog.state = 'confirmed';
        dialog.localCSeq = parseCSeq(res.headers.get('CSeq') ?? '')?.seq ?? 1;
        this.send(dialog.build('ACK', dialog.localCSeq));
      } else {
        dialog.state = 'terminated';
      }
      call.settle(res);
    });
    return call;
  }

  /**
   * SUBSCRIBE (RFC 6665) out of a dialog. The NOTIFYs that follow are answered 200 and kept in
   * `dialog.received` (and emitted as 'request'); refresh or end it with `dialog.request('SUBSCRIBE', ...)`.
   */
  subscribe(target: string, event = 'message-summary', expires: number | null = 600, extra: Array<[string, string]> = []): { dialog: Dialog; response: Promise<SipResponse> } {
    const callId = rand(10);
    const dialog = new Dialog(this, callId, rand(4), this.aor, target, true);
    this.dialogs.set(callId, dialog);
    const headers: Array<[string, string]> = [['Event', event], ['Accept', 'application/simple-message-summary'], ...extra];
    if (expires !== null) headers.push(['Expires', String(expires)]);
    const req = dialog.build('SUBSCRIBE', 1, '', undefined, headers);
    const response = this.sendRequest(req).then((res) => {
      dialog.localCSeq = parseCSeq(res.headers.get('CSeq') ?? '')?.seq ?? 1;
      if (res.status >= 200 && res.status < 300) {
        dialog.remoteTag = parseNameAddr(res.headers.get('To') ?? '')?.params.get('tag') ?? '';
        dialog.remoteTarget = uriOf(res.headers.get('Contact') ?? '');
        dialog.routeSet = res.headers.getAll('Record-Route').reverse();
        dialog.state = 'confirmed';
      } else {
        dialog.state = 'terminated';
      }
      return res;
    });
    return { dialog, response };
  }

  /** CANCELs an outgoing call that has not been answered yet (s9.1). */
  cancel(call: OutgoingCall): void {
    const inv = call.invite;
    const headers = new SipHeaders([
      ['Via', inv.headers.getAll('Via')[0] ?? ''],
      ['Max-Forwards', '70'],
      ['From', inv.headers.get('From') ?? ''],
      ['To', inv.headers.get('To') ?? ''],
      ['Call-ID', inv.headers.get('Call-ID') ?? ''],
      ['CSeq', `${parseCSeq(inv.headers.get('CSeq') ?? '')?.seq ?? 1} CANCEL`],
    ]);
    this.send({ type: 'request', method: 'CANCEL', uri: inv.uri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) });
  }

  /** Resolves with the next incoming call. */
  nextInvite(timeoutMs = 5000): Promise<IncomingCall> {
    return waitForEvent<IncomingCall>(this, 'invite', timeoutMs);
  }

  /** Resolves with the next in-dialog request of `method`. */
  nextRequest(method: string, timeoutMs = 5000): Promise<SipRequest> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => { this.off('request', on); reject(new Error(`no ${method} within ${timeoutMs} ms`)); }, timeoutMs);
      const on = (req: SipRequest) => {
        if (req.method !== method) return;
        clearTimeout(timer);
        this.off('request', on);
        resolve(req);
      };
      this.on('request', on);
    });
  }

  private receive(text: string): void {
    const parsed = parseMessage(text);
    if (!parsed.ok) {
      this.emit('garbage', text);
      return;
    }
    const msg = parsed.message;
    this.emit('message', msg);
    if (msg.type === 'response') {
      const p = this.pending.get(branchOf(msg));
      if (!p) return;
      if (msg.status < 200) p.onProvisional?.(msg);
      else p.resolve(msg);
      return;
    }
    this.handleRequest(msg);
  }

  private handleRequest(req: SipRequest): void {
    const callId = req.headers.get('Call-ID') ?? '';
    const toTag = parseNameAddr(req.headers.get('To') ?? '')?.params.get('tag');
    if (req.method === 'INVITE' && !toTag) {
      const call = new IncomingCall(this, req);
      this.incoming.set(callId, call);
      this.dialogs.set(callId, call.dialog);
      this.emit('invite', call);
      return;
    }
    if (req.method === 'CANCEL') {
      const call = this.incoming.get(callId);
      this.send(createResponse(req, call ? 200 : 481));
      if (call && call.dialog.state === 'early') {
        call.cancelled = true;
        call.cancelReason = req.headers.get('Reason') ?? '';
        call.respond(487, 'Request Terminated');
        call.dialog.state = 'terminated';
        this.emit('cancel', call);
      }
      return;
    }
    const dialog = this.dialogs.get(callId);
    if (dialog) dialog.received.push(req);
    if (req.method === 'BYE' && dialog) dialog.state = 'terminated';
    this.emit('request', req);
    if (req.method === 'ACK') return;
    const body = req.method === 'INVITE' ? FAKE_SDP : '';
    const res = createResponse(req, dialog ? this.inDialogStatus(req) : 481, undefined, [['Contact', `<${this.contact}>`]]);
    if (body) {
      res.headers.set('Content-Type', 'application/sdp');
      res.body = Buffer.from(body);
    }
    this.send(res);
  }

  private withCredentials(req: SipRequest, challenge: SipResponse): SipRequest {
    const isProxy = challenge.status === 407;
    const auth = parseAuthHeader(challenge.headers.get(isProxy ? 'Proxy-Authenticate' : 'WWW-Authenticate') ?? '');
    const realm = auth?.params.get('realm') ?? '';
    const nonce = auth?.params.get('nonce') ?? '';
    const cnonce = rand(4);
    const nc = '00000001';
    const ha1 = md5(`${this.creds.authorizationUser}:${realm}:${this.creds.password}`);
    const ha2 = md5(`${req.method}:${req.uri}`);
    const response = md5(`${ha1}:${nonce}:${nc}:${cnonce}:auth:${ha2}`);
    const value = `Digest username="${this.creds.authorizationUser}", realm="${realm}", nonce="${nonce}", uri="${req.uri}", response="${response}", algorithm=MD5, cnonce="${cnonce}", qop=auth, nc=${nc}`;
    const headers = req.headers.clone();
    headers.set('Via', this.via());
    const cseq = parseCSeq(headers.get('CSeq') ?? '')!;
    headers.set('CSeq', `${cseq.seq + 1} ${cseq.method}`);
    headers.set(isProxy ? 'Proxy-Authorization' : 'Authorization', value);
    return { ...req, headers };
  }

  private ackNon2xx(req: SipRequest, res: SipResponse): void {
    const headers = new SipHeaders([
      ['Via', req.headers.getAll('Via')[0] ?? ''],
      ['Max-Forwards', '70'],
      ['From', req.headers.get('From') ?? ''],
      ['To', res.headers.get('To') ?? ''],
      ['Call-ID', req.headers.get('Call-ID') ?? ''],
      ['CSeq', `${parseCSeq(req.headers.get('CSeq') ?? '')?.seq ?? 1} ACK`],
    ]);
    this.send({ type: 'request', method: 'ACK', uri: req.uri, version: 'SIP/2.0', headers, body: Buffer.alloc(0) });
  }
}

/** Client transaction key: the branch and the CSeq method (a CANCEL shares its INVITE's branch). */
function branchOf(msg: SipMessage): string {
  const via = msg.headers.getAll('Via')[0] ?? '';
  const method = parseCSeq(msg.headers.get('CSeq') ?? '')?.method ?? '';
  return `${/branch=([^;,\s]+)/i.exec(via)?.[1] ?? ''} ${method}`;
}

function uriOf(nameAddr: string): string {
  const m = /<([^>]+)>/.exec(nameAddr);
  return m ? m[1]! : nameAddr.split(';')[0]!.trim();
}

function formatPlain(u: { scheme: string; user?: string; host: string }): string {
  return `${u.scheme}:${u.user ? `${u.user}@` : ''}${u.host}`;
}

export function waitForEvent<T>(emitter: EventEmitter, event: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(event, on);
      reject(new Error(`no '${event}' within ${timeoutMs} ms`));
    }, timeoutMs);
    const on = (value: T) => {
      clearTimeout(timer);
      resolve(value);
    };
    emitter.once(event, on);
  });
}
