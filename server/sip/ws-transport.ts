/**
 * SIP over WebSocket (RFC 7118). Each WebSocket connection is a "flow": messages for a UA that
 * registered over it are sent back over the same connection (the UA is not reachable any other
 * way, its Contact host is a made-up `.invalid` name).
 *
 * Flows are a resource an attacker can exhaust, so the transport bounds them:
 *   - a flow that has not authenticated (a REGISTER or a request that passed digest auth)
 *     within `authTimeoutMs` is closed;
 *   - at most `maxFlows` in all and `maxFlowsPerAddress` from one address; beyond, the upgrade
 *     is refused with 503 and a log line (at most one per cap every 10 s, with the count);
 *   - every flow is pinged each `pingIntervalMs`: one that has not answered the previous ping
 *     is dead (a laptop lid closed, a network gone) and is dropped as if it had closed, so its
 *     calls end instead of lingering as ghosts. CRLF keep-alives (RFC 5626 s3.5.1: "\r\n\r\n")
 *     get their CRLF pong.
 */
import type { FlowIdentity, SipFlow } from './flow.js';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { createResponse, serialize, type SipMessage } from './message.js';
import { parseMessage } from './parser.js';
import type { Logger } from '../log.js';

/** Largest SIP message accepted in one frame; larger frames close the connection (1009). */
const MAX_MESSAGE_BYTES = 64 * 1024;

export interface FlowLimits {
  authTimeoutMs: number;
  maxFlows: number;
  maxFlowsPerAddress: number;
  pingIntervalMs: number;
}

export const defaultFlowLimits: FlowLimits = { authTimeoutMs: 30_000, maxFlows: 10_000, maxFlowsPerAddress: 200, pingIntervalMs: 20_000 };
/** How often a refused-connection log line may repeat (with the number refused since). */
const CAP_LOG_EVERY_MS = 10_000;

export class Flow implements SipFlow {
  /** 128 random bits: flow ids appear in Record-Route, so they must not be guessable. */
  readonly id = randomBytes(16).toString('base64url');
  /** Set once a REGISTER on this flow authenticated: "ext@domain". */
  identity: FlowIdentity | null = null;
  userAgent = '';
  /** Set by the first request on this flow that passed digest authentication. */
  authenticated = false;
  /** False from a ping until its pong. */
  alive = true;
  private closed = false;

  constructor(private readonly ws: WebSocket, readonly remote: string, readonly address: string, readonly secure: boolean) {}

  get isOpen(): boolean {
    return !this.closed;
  }

  markAuthenticated(): void {
    this.authenticated = true;
  }

  /** Sends raw text (a CRLF keep-alive pong). */
  sendText(text: string): void {
    if (!this.closed) this.ws.send(text);
  }

  ping(): void {
    this.alive = false;
    this.ws.ping();
  }

  /** Drops the connection without a closing handshake: the peer is not answering anyway. */
  terminate(): void {
    this.ws.terminate();
  }

  send(msg: SipMessage): void {
    if (this.closed) return;
    // RFC 7118 s5: text frames for UTF-8 messages; we only ever generate UTF-8.
    this.ws.send(serialize(msg).toString('utf8'));
  }

  close(code = 1000, reason = ''): void {
    this.ws.close(code, reason);
  }

  markClosed(): void {
    this.closed = true;
  }
}

export interface SipTransportHandlers {
  message(msg: SipMessage, flow: Flow): void;
  closed(flow: Flow): void;
}

export class SipWsTransport {
  readonly flows = new Map<string, Flow>();
  private readonly wss = new WebSocketServer({
    noServer: true,
    maxPayload: MAX_MESSAGE_BYTES,
    // The 'sip' subprotocol is mandatory (RFC 7118 s4); a client asking for none is refused.
    handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
  });

  private readonly limits: FlowLimits;
  /** Open flows (and upgrades under way) per remote address. */
  private readonly perAddress = new Map<string, number>();
  private pending = 0;
  private readonly refusals = new Map<string, { count: number; loggedAt: number }>();
  private readonly pinger: NodeJS.Timeout;

  constructor(private readonly handlers: SipTransportHandlers, private readonly log: Logger, limits: Partial<FlowLimits> = {}) {
    this.limits = { ...defaultFlowLimits, ...limits };
    this.pinger = setInterval(() => this.pingAll(), this.limits.pingIntervalMs);
    this.pinger.unref();
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, secure: boolean): void {
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    if (!offered.includes('sip')) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\nWebSocket subprotocol "sip" required\r\n');
      return;
    }
    const address = req.socket.remoteAddress ?? '?';
    const fromAddress = this.perAddress.get(address) ?? 0;
    const cap = this.flows.size + this.pending >= this.limits.maxFlows ? `total (${this.limits.maxFlows})`
      : fromAddress >= this.limits.maxFlowsPerAddress ? `per address (${this.limits.maxFlowsPerAddress})` : null;
    if (cap) {
      this.logRefusal(cap, address);
      socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 30\r\nConnection: close\r\n\r\nToo many SIP connections\r\n');
      return;
    }
    // Counted from now, so a burst of upgrades in flight cannot overshoot the caps.
    this.perAddress.set(address, fromAddress + 1);
    this.pending++;
    let settled = false;
    const release = () => {
      if (settled) return;
      settled = true;
      this.pending--;
    };
    socket.once('close', () => {
      if (!settled) {
        release();
        this.leave(address);
      }
    });
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      release();
      this.accept(ws, req, address, secure);
    });
  }

  private accept(ws: WebSocket, req: IncomingMessage, address: string, secure: boolean): void {
    const remote = `${address}:${req.socket.remotePort ?? 0}`;
    const flow = new Flow(ws, remote, address, secure);
    this.flows.set(flow.id, flow);
    this.log.debug('sip flow open', { flow: flow.id, remote });
    const authDeadline = setTimeout(() => {
      if (flow.authenticated) return;
      this.log.info('sip flow closed: not authenticated in time', { flow: flow.id, remote, after_s: this.limits.authTimeoutMs / 1000 });
      flow.close(1008, 'authenticate first');
      // A peer that ignores the closing handshake is dropped all the same.
      setTimeout(() => flow.terminate(), 2_000).unref();
    }, this.limits.authTimeoutMs);
    authDeadline.unref();
    ws.on('pong', () => (flow.alive = true));
    ws.on('message', (data, isBinary) => this.receive(flow, data as Buffer, isBinary));
    ws.on('close', () => {
      clearTimeout(authDeadline);
      flow.markClosed();
      this.flows.delete(flow.id);
      this.leave(address);
      this.log.debug('sip flow closed', { flow: flow.id });
      this.handlers.closed(flow);
    });
    ws.on('error', (err) => this.log.warn('sip flow error', { flow: flow.id, error: err.message }));
  }

  private leave(address: string): void {
    const n = (this.perAddress.get(address) ?? 1) - 1;
    if (n > 0) this.perAddress.set(address, n);
    else this.perAddress.delete(address);
  }

  private pingAll(): void {
    for (const flow of this.flows.values()) {
      if (!flow.alive) {
        this.log.info('sip flow lost: no pong', { flow: flow.id, remote: flow.remote });
        // terminate() emits 'close', which ends the flow's registrations and calls.
        flow.terminate();
        continue;
      }
      flow.ping();
    }
  }

  private logRefusal(cap: string, address: string): void {
    const now = Date.now();
    const r = this.refusals.get(cap) ?? { count: 0, loggedAt: 0 };
    r.count++;
    if (now - r.loggedAt >= CAP_LOG_EVERY_MS) {
      this.log.warn('sip connection refused: cap reached', { cap, address, refused_since_last_log: r.count });
      r.count = 0;
      r.loggedAt = now;
    }
    this.refusals.set(cap, r);
  }

  private receive(flow: Flow, data: Buffer | Buffer[] | ArrayBuffer, _isBinary: boolean): void {
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    // A frame of only whitespace is a keep-alive. The double-CRLF ping gets a CRLF pong (RFC 5626
    // s3.5.1); anything else (a lone CRLF is itself a pong) is not answered, or two peers
    // could keep each other busy.
    if (bytes.every((b) => b === 13 || b === 10 || b === 32)) {
      if (bytes.toString('latin1') === '\r\n\r\n') flow.sendText('\r\n');
      return;
    }
    const result = parseMessage(bytes, { datagram: true });
    if (!result.ok) {
      this.log.info('sip message rejected', { flow: flow.id, status: result.status, reason: result.reason });
      // Invalid responses are dropped; requests get the error answer when we can address it.
      if (result.partial?.type === 'request' && result.partial.method !== 'ACK' && result.partial.headers.has('Via')) {
        flow.send(createResponse(result.partial, result.status, result.reason));
      }
      return;
    }
    try {
      this.handlers.message(result.message, flow);
    } catch (err) {
      // One bad message must never take the platform down.
      this.log.error('sip handler failed', { flow: flow.id, error: (err as Error).stack ?? String(err) });
      const msg = result.message;
      if (msg.type === 'request' && msg.method !== 'ACK') flow.send(createResponse(msg, 500, 'Server Internal Error'));
    }
  }

  /** A deleted device's flows close: what they authenticated no longer exists (RFC 5626 flows). */
  closeFlowsOf(deviceId: string): void {
    for (const flow of this.flows.values()) if (flow.identity?.deviceId === deviceId) flow.close(1008, 'device removed');
  }

  closeAll(): void {
    clearInterval(this.pinger);
    for (const flow of this.flows.values()) flow.close(1001, 'server shutting down');
  }
}
