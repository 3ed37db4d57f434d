/**
 * Builds the SMS carrier the configuration names, in one place platform.ts calls:
 *   twilio  TwilioCarrier on api.twilio.com (or TWILIO_API_BASE)
 *   local   the loopback carrier (local-carrier.ts) started here, and the same TwilioCarrier
 *           pointed at it, so the demo runs the real adapter and the real webhooks
 *   none    no carrier; the webhooks answer 404
 * Also what the HTTP app needs for the webhooks and MMS media links (Services.smsWebhooks,
 * smsMedia). `close` stops the local carrier.
 */
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import type { SmsCarrier } from '../messaging/sms-port.js';
import type { SmsWebhookConfig } from '../http/routes/sms.js';
import { LocalCarrier } from './local-carrier.js';
import { MediaLinks } from './media-links.js';
import { TwilioCarrier } from './twilio-carrier.js';

export interface SmsCarrierSetup {
  /** Null with SWITCHBOARD_SMS_CARRIER=none. */
  carrier: SmsCarrier | null;
  /** For Services.smsWebhooks (undefined: none). */
  webhooks: SmsWebhookConfig | undefined;
  /** For Services.smsMedia. */
  media: MediaLinks;
  /** The running local carrier (carrier `local`), for tests to steer. */
  local: LocalCarrier | null;
  close(): Promise<void>;
}

export interface SmsSetupDeps {
  log: Logger;
  /** The platform's own base URL (valid after listen); SWITCHBOARD_PUBLIC_URL wins over it. */
  platformUrl: () => string;
}

export async function createSmsCarrier(config: Config, deps: SmsSetupDeps): Promise<SmsCarrierSetup> {
  const media = new MediaLinks();
  // Expired links would otherwise wait for the next publish to be swept.
  const sweeper = setInterval(() => media.sweep(), 5 * 60_000);
  sweeper.unref();
  const publicBase = () => (config.publicUrl ?? deps.platformUrl()).replace(/\/+$/, '');
  const none: SmsCarrierSetup = { carrier: null, webhooks: undefined, media, local: null, async close() { clearInterval(sweeper); } };

  if (config.sms.carrier === 'none') return none;
  if (config.sms.carrier === 'twilio') {
    const account = config.sms.twilio!;
    deps.log.info('sms carrier', { carrier: 'twilio', api: account.apiBase, webhooks: `${config.publicUrl}/api/v2/sms/twilio/{inbound,status}` });
    return {
      ...none,
      carrier: new TwilioCarrier({ ...account, publicBase, media }),
      webhooks: { ...account, publicBase },
    };
  }
  const local = await LocalCarrier.start({ platformBase: publicBase, log: deps.log });
  const account = { accountSid: local.accountSid, authToken: local.authToken, apiBase: local.url };
  deps.log.info('sms carrier', { carrier: 'local', api: local.url });
  return {
    carrier: new TwilioCarrier({ ...account, publicBase, media, name: 'local' }),
    webhooks: { ...account, publicBase },
    media,
    local,
    async close() {
      clearInterval(sweeper);
      await local.close();
    },
  };
}
