/**
 * An SmsCarrier on Twilio's Programmable Messaging API: one POST per message to
 *   {apiBase}/2010-04-01/Accounts/{AccountSid}/Messages.json
 * form-encoded To, From, Body, MediaUrl (repeated: an MMS), StatusCallback, with HTTP Basic auth
 * AccountSid:AuthToken. Twilio answers 201 with the message's sid (SM... or MM...), and later
 * posts its fate to StatusCallback (server/http/routes/sms.ts). The local carrier speaks the
 * same subset, so this class is what runs in the demo and in tests too.
 *
 * Every failure becomes a CarrierError with a reason a user can read (the port's contract): the
 * core marks the message failed with it and offers Retry.
 */
import { CarrierError, type OutboundSms, type SmsCarrier } from '../messaging/sms-port.js';
import type { MediaLinks } from './media-links.js';
import { MEDIA_PATH } from './media-links.js';
import { formBody } from './twilio-signature.js';
import { twilioErrorWords } from './twilio-errors.js';

export const CARRIER_TIMEOUT_MS = 10_000;
const TIMEOUT_REASON = 'The carrier did not answer in time';
export const TWILIO_STATUS_PATH = '/api/v2/sms/twilio/status';
export const TWILIO_INBOUND_PATH = '/api/v2/sms/twilio/inbound';

export interface TwilioCarrierOptions {
  accountSid: string;
  authToken: string;
  /** https://api.twilio.com, or the local carrier's URL. No trailing slash. */
  apiBase: string;
  /**
   * Our public base URL (e.g. https://pbx.example.com), asked at each send: the platform's own
   * URL is only known once it listens. The StatusCallback and media links are built from it.
   */
  publicBase: () => string;
  media: MediaLinks;
  timeoutMs?: number;
  /** A label for logs and the port's `name` ('twilio', or 'local' for the local carrier). */
  name?: string;
}

/** Twilio's error body: {"code": 21211, "message": "...", "more_info": "...", "status": 400}. */
interface TwilioErrorBody { code?: number; message?: string }

export class TwilioCarrier implements SmsCarrier {
  readonly name: string;
  private readonly timeoutMs: number;

  constructor(private readonly opts: TwilioCarrierOptions) {
    this.name = opts.name ?? 'twilio';
    this.timeoutMs = opts.timeoutMs ?? CARRIER_TIMEOUT_MS;
  }

  async send(sms: OutboundSms): Promise<{ carrierId: string }> {
    const base = this.opts.publicBase().replace(/\/+$/, '');
    const params: Array<[string, string]> = [['To', sms.to], ['From', sms.from]];
    // Body may be empty for an MMS with attachments only; Twilio wants Body or MediaUrl.
    if (sms.text !== '' || sms.media.length === 0) params.push(['Body', sms.text]);
    const tokens = sms.media.map((medium) => this.opts.media.publish(medium));
    for (const token of tokens) params.push(['MediaUrl', base + MEDIA_PATH + token]);
    params.push(['StatusCallback', base + TWILIO_STATUS_PATH]);
    try {
      return await this.post(params);
    } catch (err) {
      // Refused or never sent: nobody will fetch them. After a timeout the carrier may still have
      // taken the message and fetch them later, so those stay for their hour.
      if (!(err instanceof CarrierError && err.reason === TIMEOUT_REASON)) for (const token of tokens) this.opts.media.revoke(token);
      throw err;
    }
  }

  private async post(params: Array<[string, string]>): Promise<{ carrierId: string }> {
    const url = `${this.opts.apiBase.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(this.opts.accountSid)}/Messages.json`;
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: basicAuth(this.opts.accountSid, this.opts.authToken),
          'content-type': 'application/x-www-form-urlencoded',
          accept: 'application/json',
        },
        body: formBody(params),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw fetchFailure(err);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw fetchFailure(err);
    }
    const body = parseJson(text);
    if (res.status >= 200 && res.status < 300) {
      const sid = (body as { sid?: unknown } | null)?.sid;
      if (typeof sid !== 'string' || sid === '') throw new CarrierError('The carrier accepted the message but gave no id for it');
      return { carrierId: sid };
    }
    throw refusal(res.status, body as TwilioErrorBody | null);
  }
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function fetchFailure(err: unknown): CarrierError {
  const name = (err as Error)?.name;
  // AbortSignal.timeout aborts with a TimeoutError (while connecting or reading the answer).
  if (name === 'TimeoutError' || name === 'AbortError') return new CarrierError(TIMEOUT_REASON);
  return new CarrierError('The carrier could not be reached');
}

/**
 * A 4xx is the carrier refusing this message (its own message says why, in words); a 5xx is its
 * trouble, worth a retry later. Our words for a known code fill in when it gives no message.
 */
function refusal(status: number, body: TwilioErrorBody | null): CarrierError {
  const message = typeof body?.message === 'string' && body.message.trim() ? body.message.trim() : null;
  const code = typeof body?.code === 'number' ? body.code : null;
  if (status >= 500) return new CarrierError(`The carrier had a problem (HTTP ${status}); try again later`);
  if (status === 401) return new CarrierError(twilioErrorWords(20003)!);
  return new CarrierError(message ?? twilioErrorWords(code) ?? `The carrier refused the message (HTTP ${status}${code !== null ? `, error ${code}` : ''})`);
}
