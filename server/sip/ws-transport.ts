/**
 * SIP over WebSocket (RFC 7118). Each WebSocket connection is a "flow": messages for a UA that
 * registered over it are sent back over the same connection (the UA is not reachable any other
 * way, its Contact host is a made-up `.invalid` name).
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { createResponse, serialize, type SipMessage } from './message.js';
import { parseMessage } from './parser.js';
import type { Logger } from '../log.js';

/** Largest SIP message accepted in one frame; larger frames close the connection (1009). */
const MAX_MESSAGE_BYTES = 64 * 1024;

export class Flow {
  /** 128 random bits: flow ids appear in Record-Route, so they must not be guessable. */
  readonly id = randomBytes(16).toString('base64url');
  /** Set once a REGISTER on this flow authenticated: "ext@domain". */
  identity: { domain: string; extension: string; deviceId: string } | null = null;
  userAgent = '';
  private closed = false;

  constructor(private readonly ws: WebSocket, readonly remote: string, readonly secure: boolean) {}

  get isOpen(): boolean {
    return !this.closed;
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

  constructor(private readonly handlers: SipTransportHandlers, private readonly log: Logger) {}

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, secure: boolean): void {
    const offered = String(req.headers['sec-websocket-protocol'] ?? '').split(',').map((s) => s.trim());
    if (!offered.includes('sip')) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\nWebSocket subprotocol "sip" required\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws, req, secure));
  }

  private accept(ws: WebSocket, req: IncomingMessage, secure: boolean): void {
    const remote = `${req.socket.remoteAddress ?? '?'}:${req.socket.remotePort ?? 0}`;
    const flow = new Flow(ws, remote, secure);
    this.flows.set(flow.id, flow);
    this.log.debug('sip flow open', { flow: flow.id, remote });
    ws.on('message', (data, isBinary) => this.receive(flow, data as Buffer, isBinary));
    ws.on('close', () => {
      flow.markClosed();
      this.flows.delete(flow.id);
      this.log.debug('sip flow closed', { flow: flow.id });
      this.handlers.closed(flow);
    });
    ws.on('error', (err) => this.log.warn('sip flow error', { flow: flow.id, error: err.message }));
  }

  private receive(flow: Flow, data: Buffer | Buffer[] | ArrayBuffer, _isBinary: boolean): void {
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    // A frame of only CRLFs is a keep-alive (RFC 5626 s4.4.1 style); nothing to answer.
    if (bytes.every((b) => b === 13 || b === 10 || b === 32)) return;
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
    for (const flow of this.flows.values()) flow.close(1001, 'server shutting down');
  }
}
