/**
 * The events channel (WebSocket at /api/v2/events): the browser opens it, sends
 * `{"type":"auth","access_token":"..."}` first (tokens never go in URLs, which end up in logs),
 * and then receives JSON events meant for it: presence of colleagues, its own call records.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AuthService, Principal } from '../auth/service.js';
import type { Logger } from '../log.js';
import { cdrView } from '../http/routes/cdrs.js';
import type { EventBus, PlatformEvents } from './bus.js';

const AUTH_TIMEOUT_MS = 10_000;

interface Subscriber {
  ws: WebSocket;
  principal: Principal;
}

export class EventsChannel {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private readonly subscribers = new Set<Subscriber>();

  constructor(private readonly auth: AuthService, bus: EventBus, private readonly log: Logger) {
    bus.on('presence', (e) => this.publish((s) => s.principal.domain === e.domain, { type: 'presence', ...e }));
    bus.on('cdr', (c: PlatformEvents['cdr'][0]) =>
      this.publish((s) => s.principal.domain === c.domain && s.principal.extension === c.extension, { type: 'cdr', cdr: cdrView(c) }),
    );
  }

  get size(): number {
    return this.subscribers.size;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    let subscriber: Subscriber | null = null;
    const timer = setTimeout(() => ws.close(4401, 'authenticate first'), AUTH_TIMEOUT_MS);
    ws.on('message', async (data) => {
      if (subscriber) return; // the channel is one-way once authenticated
      let token: unknown;
      try {
        const msg = JSON.parse(String(data)) as { type?: unknown; access_token?: unknown };
        token = msg.type === 'auth' ? msg.access_token : undefined;
      } catch {
        token = undefined;
      }
      if (typeof token !== 'string') {
        ws.close(4400, 'expected {"type":"auth","access_token":...}');
        return;
      }
      try {
        const principal = await this.auth.authenticate(token);
        clearTimeout(timer);
        subscriber = { ws, principal };
        this.subscribers.add(subscriber);
        ws.send(JSON.stringify({ type: 'ready' }));
      } catch {
        ws.close(4401, 'invalid token');
      }
    });
    ws.on('close', () => {
      clearTimeout(timer);
      if (subscriber) this.subscribers.delete(subscriber);
    });
    ws.on('error', (err) => this.log.debug('events socket error', { error: err.message }));
  }

  private publish(to: (s: Subscriber) => boolean, event: object): void {
    const text = JSON.stringify(event);
    for (const s of this.subscribers) if (to(s)) s.ws.send(text);
  }

  closeAll(): void {
    for (const s of this.subscribers) s.ws.close(1001, 'server shutting down');
  }
}
