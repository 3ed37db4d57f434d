/**
 * For tests of the carrier layer (the adapter, the webhooks, the local carrier): a recording
 * SmsInbox, a fake of the messaging core, and a small HTTP app serving only the SMS routes with
 * it, as the platform's app does (same plugin, same /api/v2 prefix).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { CarrierStatus, InboundSms, SmsInbox } from '../../server/messaging/sms-port.js';
import { smsRoutes, type SmsWebhookConfig } from '../../server/http/routes/sms.js';
import type { MediaLinks } from '../../server/sms/media-links.js';
import { createLogger, type Logger } from '../../server/log.js';

export interface StatusReport { carrierId: string; status: CarrierStatus; reason: string | null }

export class RecordingInbox implements SmsInbox {
  /** Every text received, in order. */
  readonly texts: InboundSms[] = [];
  readonly statuses: StatusReport[] = [];
  private waiters: Array<() => void> = [];

  async received(sms: InboundSms): Promise<void> {
    this.texts.push(sms);
    this.wake();
  }

  async status(carrierId: string, status: CarrierStatus, reason: string | null): Promise<void> {
    this.statuses.push({ carrierId, status, reason });
    this.wake();
  }

  /** Resolves when `check` holds (checked after every report), or rejects after `ms`. */
  async until(check: () => boolean, ms = 5_000, what = 'the expected reports'): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; statuses: ${JSON.stringify(this.statuses)}, texts: ${JSON.stringify(this.texts.map((t) => t.text))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 100));
        this.waiters.push(() => { clearTimeout(t); resolve(); });
      });
    }
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
}

/** Log lines kept for tests to read (e.g. that a refused webhook was logged). */
export function memoryLog(): { log: Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { log: createLogger('debug', (line) => lines.push(JSON.parse(line) as Record<string, unknown>)), lines };
}

export interface SmsApp {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** The SMS routes alone on a loopback port. `webhooks(url)` builds their config once the URL is known. */
export async function startSmsApp(opts: {
  inbox?: SmsInbox;
  media?: MediaLinks;
  log?: Logger;
  webhooks: (url: string) => SmsWebhookConfig | undefined;
}): Promise<SmsApp> {
  const app = Fastify({ logger: false });
  let url = '';
  let webhooks: SmsWebhookConfig | undefined;
  await app.register(smsRoutes({
    log: opts.log ?? createLogger('silent'),
    smsInbox: opts.inbox,
    smsMedia: opts.media,
    get smsWebhooks() { return webhooks; },
  }), { prefix: '/api/v2' });
  await app.listen({ port: 0, host: '127.0.0.1' });
  url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  webhooks = opts.webhooks(url);
  return { app, url, close: () => app.close() };
}
