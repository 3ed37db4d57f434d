/**
 * The events channel (WebSocket at /api/v2/events): the browser opens it, sends
 * `{"type":"auth","access_token":"...","device_id":"..."}` first (tokens never go in URLs, which
 * end up in logs), and then receives JSON events meant for it: presence of colleagues, its own
 * call records, its live calls, changes of its personal contacts (`contacts-changed`, so other
 * tabs and devices sync), changes of its user's devices (`devices-changed`: one came online, went
 * offline, was added, renamed or removed), the other party of a call starting or stopping a
 * recording of it (`recording-started` / `recording-stopped`), and Switch Phone offers for its
 * device. `device_id` is optional
 * and only taken when it names a device of the authenticated user.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AuthService, Principal } from '../auth/service.js';
import type { Logger } from '../log.js';
import type { DialogChange } from '../sip/dialogs.js';
import type { SipQueries } from '../sip/queries.js';
import type { DeviceRepo } from '../store/types.js';
import type { MailboxGrantRepo } from '../voicemail/grant-types.js';
import type { RecordingNotices } from './recording-notices.js';
import { cdrView } from '../views/cdr.js';
import { liveCallView } from '../views/live-call.js';
import type { PlatformBus, PlatformEvents } from './bus.js';
import type { CallsEvent, PlatformEvent, ReadyEvent } from '../../src/data/wire.js';

const AUTH_TIMEOUT_MS = 10_000;

interface Subscriber {
  ws: WebSocket;
  principal: Principal;
  /** The web phone's device this socket speaks for, when it named one of its user's devices. */
  deviceId: string | null;
}

export interface EventsChannelDeps {
  devices: DeviceRepo;
  /** Live calls, through the SIP query interface. */
  sip: Pick<SipQueries, 'callLegs'>;
  /** Recordings of my calls by the other party, told again to a socket as it connects. */
  recordingNotices?: RecordingNotices;
  /** Who else reads a mailbox (shared voicemail): they hear of its messages too. */
  mailboxGrants?: Pick<MailboxGrantRepo, 'forMailbox'>;
}

export class EventsChannel {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  private readonly subscribers = new Set<Subscriber>();

  constructor(private readonly auth: AuthService, bus: PlatformBus, private readonly log: Logger, private readonly deps: EventsChannelDeps) {
    // `state` says what the user is doing (online, ringing, on-call, offline); `online` (whether a
    // device is registered) stays for clients that predate it.
    bus.on('user-presence', (e) => this.publish((s) => s.principal.domain === e.domain, { type: 'presence', ...e }));
    bus.on('cdr', (c: PlatformEvents['cdr'][0]) =>
      this.publish((s) => isUser(s, c.domain, c.extension), { type: 'cdr', cdr: cdrView(c) }),
    );
    bus.on('dialog', (change) => this.dialogChanged(change));
    bus.on('voicemail', (e) => void this.voicemailChanged(e));
    bus.on('contacts', (e) => this.publish((s) => isUser(s, e.domain, e.extension), { type: 'contacts-changed', ids: e.ids }));
    bus.on('device-event', (e) => this.publish((s) => isUser(s, e.domain, e.extension) && s.deviceId === e.deviceId, e.event));
    // Another device of mine came online, went offline, or was added, renamed or removed.
    bus.on('devices-changed', (e) => this.publish((s) => isUser(s, e.domain, e.extension), { type: 'devices-changed', device_id: e.deviceId, change: e.change }));
    bus.on('user-event', (e) => this.publish((s) => isUser(s, e.domain, e.extension), e.event));
    // A login that ended hears nothing more: its sockets close (4401, as for a bad token).
    bus.on('login-ended', (e) => {
      for (const s of this.subscribers) {
        if (s.principal.session !== e.family) continue;
        this.subscribers.delete(s);
        s.ws.close(4401, e.reason === 'logout' ? 'logged out' : 'login revoked');
      }
    });
  }

  get size(): number {
    return this.subscribers.size;
  }

  /** The users with an events socket open (once per socket; the same user may come more than once). */
  *connectedUsers(): Iterable<{ domain: string; extension: string }> {
    for (const s of this.subscribers) yield { domain: s.principal.domain, extension: s.principal.extension };
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.accept(ws));
  }

  private accept(ws: WebSocket): void {
    let subscriber: Subscriber | null = null;
    let authenticating = false;
    const timer = setTimeout(() => ws.close(4401, 'authenticate first'), AUTH_TIMEOUT_MS);
    ws.on('message', async (data) => {
      if (subscriber || authenticating) return; // the channel is one-way once authenticated
      let token: unknown;
      let deviceId: unknown;
      try {
        const msg = JSON.parse(String(data)) as { type?: unknown; access_token?: unknown; device_id?: unknown };
        token = msg.type === 'auth' ? msg.access_token : undefined;
        deviceId = msg.device_id;
      } catch {
        token = undefined;
      }
      if (typeof token !== 'string') {
        ws.close(4400, 'expected {"type":"auth","access_token":...}');
        return;
      }
      authenticating = true;
      let principal: Principal;
      try {
        principal = await this.auth.authenticate(token);
      } catch {
        ws.close(4401, 'invalid token');
        return;
      }
      clearTimeout(timer);
      if (ws.readyState !== ws.OPEN) return;
      const device = typeof deviceId === 'string' && deviceId ? await this.deps.devices.get(deviceId).catch(() => undefined) : undefined;
      const ownDevice = device && device.domain === principal.domain && device.extension === principal.extension ? device.id : null;
      if (ws.readyState !== ws.OPEN) return;
      subscriber = { ws, principal, deviceId: ownDevice };
      this.subscribers.add(subscriber);
      const ready: ReadyEvent = { type: 'ready', device_id: ownDevice };
      ws.send(JSON.stringify(ready));
      ws.send(JSON.stringify(this.callsEvent(principal.domain, principal.extension)));
      for (const e of this.deps.recordingNotices?.eventsFor(principal.domain, principal.extension) ?? []) ws.send(JSON.stringify(e));
    });
    ws.on('close', () => {
      clearTimeout(timer);
      if (subscriber) this.subscribers.delete(subscriber);
    });
    ws.on('error', (err) => this.log.debug('events socket error', { error: err.message }));
  }

  /** Every user with a leg in the changed dialog(s) gets their whole list of live calls again. */
  /** The mailbox's user, and the users it is granted to, hear of a message's changes. */
  private async voicemailChanged(e: PlatformEvents['voicemail'][0]): Promise<void> {
    const readers = new Set([e.extension]);
    try {
      for (const g of (await this.deps.mailboxGrants?.forMailbox(e.domain, e.extension)) ?? []) readers.add(g.grantee);
    } catch (err) {
      this.log.warn('shared mailbox readers could not be looked up', { error: (err as Error).message });
    }
    this.publish((s) => s.principal.domain === e.domain && readers.has(s.principal.extension), { type: 'voicemail', id: e.id, mailbox: e.extension, change: e.change });
  }

  private dialogChanged(change: DialogChange): void {
    const parties = [change.dialog.caller, change.dialog.callee];
    if (change.kind === 'replaced') parties.push(change.by.caller, change.by.callee);
    const users = new Map(parties.map((p) => [`${p.extension}@${p.domain}`, p]));
    for (const p of users.values()) {
      if (![...this.subscribers].some((s) => isUser(s, p.domain, p.extension))) continue;
      this.publish((s) => isUser(s, p.domain, p.extension), this.callsEvent(p.domain, p.extension));
    }
  }

  private callsEvent(domain: string, extension: string): CallsEvent {
    return { type: 'calls', calls: this.deps.sip.callLegs(domain, extension).map(liveCallView) };
  }

  /** Every event sent after `ready` goes through here, typed as the wire's PlatformEvent (src/data/wire.ts). */
  private publish(to: (s: Subscriber) => boolean, event: PlatformEvent): void {
    const text = JSON.stringify(event);
    for (const s of this.subscribers) if (to(s)) s.ws.send(text);
  }

  closeAll(): void {
    for (const s of this.subscribers) s.ws.close(1001, 'server shutting down');
  }
}

function isUser(s: Subscriber, domain: string, extension: string): boolean {
  return s.principal.domain === domain && s.principal.extension === extension;
}
