/**
 * The platform's events channel (WebSocket /api/v2/events): authenticates with the access token
 * (and this browser's device id, so offers meant for this device reach it), reconnects with
 * backoff, and re-dispatches each event as a typed DOM event.
 */

import type { LiveCall, PlatformEvent, PlatformEventType, SwitchOfferEvent } from './wire.js';

// The events themselves are declared in wire.ts, which the platform's channel also uses.
export type { LiveCall, PlatformEvent, PlatformEventType };

/** A Switch Phone offer as the app keeps it: the `switch-offer` event without its type. */
export type SwitchOffer = Omit<SwitchOfferEvent, 'type'>;

/**
 * Every event type of the wire, once: `satisfies` makes a missing or an extra key a type error,
 * so this list is the union at run time. Events of any other type (from a newer platform) are
 * not dispatched.
 */
const EVENT_TYPES = {
  ready: true,
  presence: true,
  cdr: true,
  calls: true,
  'contacts-changed': true,
  'switch-offer': true,
  'switch-offer-ended': true,
  'devices-changed': true,
  'recording-started': true,
  'recording-stopped': true,
  voicemail: true,
  answerrules: true,
  message: true,
  'message-session': true,
  typing: true,
} as const satisfies Record<PlatformEventType, true>;

export const PLATFORM_EVENT_TYPES = Object.keys(EVENT_TYPES) as PlatformEventType[];

export function isPlatformEvent(data: unknown): data is PlatformEvent {
  const type = (data as { type?: unknown } | null)?.type;
  return typeof type === 'string' && Object.hasOwn(EVENT_TYPES, type);
}

export class PlatformEventMessage extends Event {
  constructor(readonly data: PlatformEvent) {
    super(`platform-${data.type}`);
  }
}

const MAX_BACKOFF_MS = 30_000;

export class EventsClient extends EventTarget {
  private ws: WebSocket | null = null;
  private stopped = true;
  private backoffMs = 1000;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly url: () => string,
    private readonly token: () => Promise<string>,
    private readonly deviceId: () => string | null,
  ) {
    super();
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.ws?.close(1000);
    this.ws = null;
  }

  private connect(): void {
    if (this.stopped) return;
    const ws = new WebSocket(this.url());
    this.ws = ws;
    ws.onopen = async () => {
      try {
        ws.send(JSON.stringify({ type: 'auth', access_token: await this.token(), device_id: this.deviceId() ?? undefined }));
      } catch {
        ws.close();
      }
    };
    ws.onmessage = (e) => {
      let data: unknown;
      try {
        data = JSON.parse(String(e.data));
      } catch {
        return;
      }
      if (!isPlatformEvent(data)) return;
      if (data.type === 'ready') this.backoffMs = 1000;
      this.dispatchEvent(new PlatformEventMessage(data));
    };
    ws.onclose = () => {
      if (this.ws !== ws || this.stopped) return;
      this.timer = setTimeout(() => this.connect(), this.backoffMs);
      this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    };
  }
}
