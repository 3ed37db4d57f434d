/**
 * The platform's events channel (WebSocket /api/v2/events): authenticates with the access token
 * (and this browser's device id, so offers meant for this device reach it), reconnects with
 * backoff, and re-dispatches each event as a typed DOM event.
 */

export interface LiveCall {
  call_id: string;
  device_id: string;
  device_label: string;
  local_tag: string;
  remote_tag: string;
  remote: { number: string; name: string };
  direction: 'inbound' | 'outbound';
  since: string | number;
}

export interface SwitchOffer {
  offer_id: string;
  call: LiveCall;
  from_device_label: string;
}

export type PlatformEvent =
  | { type: 'ready' }
  /** `state` says what they are doing; platforms before it send only `online`. */
  | { type: 'presence'; domain: string; extension: string; online: boolean; state?: 'on-call' | 'ringing' | 'online' | 'offline' }
  | { type: 'cdr'; cdr: unknown }
  | { type: 'calls'; calls: LiveCall[] }
  | { type: 'contacts-changed'; ids: string[] }
  | { type: 'switch-offer'; offer_id: string; call: LiveCall; from_device_label: string };

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
      let data: PlatformEvent;
      try {
        data = JSON.parse(String(e.data)) as PlatformEvent;
      } catch {
        return;
      }
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
