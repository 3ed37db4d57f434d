/**
 * Registrar (RFC 3261 s10.3): keeps each user's live bindings in memory. A binding belongs to the
 * WebSocket flow it arrived on and dies with it, so presence is truthful: a closed browser is
 * offline at once, not when its registration would have expired.
 */
import type { LocationService } from './ports.js';
import { readableLabel } from '../../src/data/device-label.js';
import type { EventPublisher } from '../events/bus.js';
import type { Store } from '../store/types.js';
import type { Logger } from '../log.js';
import { createResponse, type SipRequest } from './message.js';
import type { SipAuthenticator } from './sip-auth.js';
import { formatUri, parseNameAddr, type SipUri } from './uri.js';
import type { SipFlow as Flow } from './flow.js';

/** How precisely a device's last-seen time is kept. */
const LAST_SEEN_RESOLUTION_MS = 60_000;

export interface Binding {
  domain: string;
  extension: string;
  /** Contact URI exactly as registered; the Request-URI of requests sent to it. */
  contact: string;
  contactUri: SipUri;
  /** +sip.instance (RFC 5626), identifies the device across re-registrations. */
  instance: string | null;
  flow: Flow;
  deviceId: string;
  deviceLabel: string;
  userAgent: string;
  expiresAt: number;
  registeredAt: number;
}

export const MIN_EXPIRES_S = 60;
export const MAX_EXPIRES_S = 3600;
const DEFAULT_EXPIRES_S = 600;

const aorKey = (domain: string, extension: string) => `${extension}@${domain}`;

export class Registrar implements LocationService {
  private readonly bindings = new Map<string, Binding[]>();
  private sweepTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Store,
    private readonly auth: SipAuthenticator,
    private readonly bus: EventPublisher,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    this.sweepTimer = setInterval(() => this.sweep(), 5_000);
    this.sweepTimer.unref();
  }

  stop(): void {
    clearInterval(this.sweepTimer);
  }

  lookup(domain: string, extension: string): Binding[] {
    const now = this.now();
    return (this.bindings.get(aorKey(domain, extension)) ?? []).filter((b) => b.expiresAt > now && b.flow.isOpen);
  }

  isOnline(domain: string, extension: string): boolean {
    return this.lookup(domain, extension).length > 0;
  }

  /** Total live bindings (for status and benchmarks). */
  get size(): number {
    let n = 0;
    for (const list of this.bindings.values()) n += list.length;
    return n;
  }

  async handleRegister(req: SipRequest, flow: Flow): Promise<void> {
    const to = parseNameAddr(req.headers.get('To') ?? '');
    const scheme = to?.uri.scheme;
    if (!to || (scheme !== 'sip' && scheme !== 'sips') || !to.uri.user) {
      flow.send(createResponse(req, 400, 'Bad Request', [['Warning', '399 switchboard "To must be a SIP address of record"']]));
      return;
    }
    const domain = to.uri.host;
    if (!(await this.store.domains.get(domain))) {
      flow.send(createResponse(req, 404, 'Not Found'));
      return;
    }
    const auth = await this.auth.authenticate(req, domain, flow);
    if (!auth.ok) {
      flow.send(auth.response);
      return;
    }
    // A device may only register an address of record of its own (RFC 3261 s10.3 step 3): its
    // user's (sip:1001@demo), or its own SIP username as one (sip:1001-4f2a9c1b@demo, as hosted
    // PBXs provision desk phones and SIP clients with a single username). Either way the binding
    // is its user's; the device's own address holds that device's bindings only.
    const ownAddress = to.uri.user === auth.device.sipUsername;
    if (to.uri.user !== auth.device.extension && !ownAddress) {
      flow.send(createResponse(req, 403, 'Forbidden'));
      return;
    }
    const extension = auth.device.extension;
    const ofThisAor = (b: Binding) => !ownAddress || b.deviceId === auth.device.id;

    const contacts = req.headers.getAll('Contact');
    const headerExpires = req.headers.get('Expires');
    const now = this.now();
    const key = aorKey(domain, extension);
    const wasOnline = this.isOnline(domain, extension);
    const devicesBefore = this.onlineDevices(domain, extension);
    const others = this.lookup(domain, extension).filter((b) => !ofThisAor(b));
    let list = this.lookup(domain, extension).filter(ofThisAor);

    if (contacts.length === 1 && contacts[0]!.trim() === '*') {
      // Wildcard removes every binding of the address of record, and is only legal with
      // Expires: 0 (s10.3 step 6).
      if (headerExpires?.trim() !== '0') {
        flow.send(createResponse(req, 400, 'Bad Request'));
        return;
      }
      list = [];
    } else {
      const updates: Array<{ contact: string; uri: SipUri; instance: string | null; expires: number }> = [];
      for (const value of contacts) {
        const na = parseNameAddr(value);
        if (!na) {
          flow.send(createResponse(req, 400, 'Bad Request', [['Warning', '399 switchboard "Malformed Contact"']]));
          return;
        }
        const raw = na.params.get('expires') ?? headerExpires;
        const expires = raw === undefined || raw === null ? DEFAULT_EXPIRES_S : Number.parseInt(raw, 10);
        if (!Number.isFinite(expires) || expires < 0) {
          flow.send(createResponse(req, 400, 'Bad Request'));
          return;
        }
        if (expires > 0 && expires < MIN_EXPIRES_S) {
          flow.send(createResponse(req, 423, 'Interval Too Brief', [['Min-Expires', String(MIN_EXPIRES_S)]]));
          return;
        }
        const instance = na.params.get('+sip.instance') ?? null;
        updates.push({ contact: formatUri(na.uri), uri: na.uri, instance, expires: Math.min(expires, MAX_EXPIRES_S) });
      }
      for (const u of updates) {
        list = list.filter((b) => b.contact !== u.contact && !(u.instance && b.instance === u.instance));
        if (u.expires === 0) continue;
        list.push({
          domain, extension, contact: u.contact, contactUri: u.uri, instance: u.instance, flow,
          deviceId: auth.device.id, deviceLabel: readableLabel(auth.device.label),
          userAgent: req.headers.get('User-Agent') ?? '',
          expiresAt: now + u.expires * 1000, registeredAt: now,
        });
      }
      if (updates.some((u) => u.expires > 0)) {
        flow.identity = { domain, extension, deviceId: auth.device.id, sipUsername: auth.device.sipUsername };
        flow.userAgent = req.headers.get('User-Agent') ?? '';
        // Last seen to the minute (a write per refresh was 4% of a REGISTER's CPU). The REGISTER
        // does not wait for it, but a store that refuses it (PostgreSQL unreachable, say) is logged.
        if (auth.device.lastSeenAt === null || now - auth.device.lastSeenAt >= LAST_SEEN_RESOLUTION_MS) {
          this.store.devices.touch(auth.device.id, now).catch((err: unknown) => this.log.warn('device last-seen not written', { error: (err as Error).message }));
        }
      }
    }

    const kept = [...others, ...list];
    if (kept.length) this.bindings.set(key, kept);
    else this.bindings.delete(key);

    // The 200 lists every current binding of the address of record with its remaining time
    // (s10.3 step 8); JsSIP recognises its own registration only by finding its Contact here
    // with ;expires=.
    const extra: Array<[string, string]> = list.map((b) => [
      'Contact', `<${b.contact}>;expires=${Math.max(0, Math.round((b.expiresAt - now) / 1000))}`,
    ]);
    extra.push(['Date', new Date(now).toUTCString()]);
    flow.send(createResponse(req, 200, 'OK', extra));
    this.announce(domain, extension, wasOnline, devicesBefore);
  }

  /** A renamed device: its live bindings carry the new label (Switch Phone offers name it). */
  relabelDevice(deviceId: string, label: string): void {
    for (const list of this.bindings.values()) for (const b of list) if (b.deviceId === deviceId) b.deviceLabel = label;
  }

  /** Ids of the user's devices that have a live binding now. */
  private onlineDevices(domain: string, extension: string): Set<string> {
    return new Set(this.lookup(domain, extension).map((b) => b.deviceId));
  }

  /** A deleted device loses its registrations at once. */
  dropDevice(deviceId: string): void {
    this.removeWhere((b) => b.deviceId === deviceId);
  }

  /** Drops every binding made over a flow that has closed. */
  flowClosed(flow: Flow): void {
    this.removeWhere((b) => b.flow === flow);
  }

  private sweep(): void {
    const now = this.now();
    this.removeWhere((b) => b.expiresAt <= now || !b.flow.isOpen);
  }

  private removeWhere(doomed: (b: Binding) => boolean): void {
    for (const [key, list] of this.bindings) {
      const kept = list.filter((b) => !doomed(b));
      if (kept.length === list.length) continue;
      const { domain, extension } = list[0]!;
      // Every device of the list counts as online before: a closed flow's bindings are already
      // out of lookup() by the time they are removed here.
      const devicesBefore = new Set(list.map((b) => b.deviceId));
      if (kept.length) this.bindings.set(key, kept);
      else this.bindings.delete(key);
      this.announce(domain, extension, true, devicesBefore);
    }
  }

  /**
   * Presence when the user's first binding appeared or last one went, and `devices-changed` for
   * each of their devices that came online or went offline (another device of theirs may now
   * take a call over: Switch Phone).
   */
  private announce(domain: string, extension: string, wasOnline: boolean, devicesBefore: Set<string>): void {
    const online = this.isOnline(domain, extension);
    if (online !== wasOnline) {
      this.log.debug('presence', { domain, extension, online });
      this.bus.emit('presence', { domain, extension, online });
    }
    const devicesNow = this.onlineDevices(domain, extension);
    for (const deviceId of devicesNow) {
      if (!devicesBefore.has(deviceId)) this.bus.emit('devices-changed', { domain, extension, deviceId, change: 'online' });
    }
    for (const deviceId of devicesBefore) {
      if (!devicesNow.has(deviceId)) this.bus.emit('devices-changed', { domain, extension, deviceId, change: 'offline' });
    }
  }
}
