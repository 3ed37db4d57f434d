/**
 * The SMS carrier's side of the HTTP API (Twilio's webhooks, and the links it fetches MMS media
 * from). None takes a bearer token, because the carrier has none; each proves itself otherwise:
 *   POST /api/v2/sms/twilio/inbound  a text to one of our numbers  -> empty TwiML <Response/>
 *   POST /api/v2/sms/twilio/status   what became of one we sent    -> 204
 *        both signed with X-Twilio-Signature (server/sms/twilio-signature.ts); unsigned or
 *        wrongly signed is 403 and a log line. The signed URL is the public base URL
 *        (SWITCHBOARD_PUBLIC_URL, else the platform's own) + the request's path and query: the
 *        URL configured at the carrier must be exactly that.
 *   GET  /api/v2/sms/media/{token}   an attachment of a message we send, for an hour
 *        (server/sms/media-links.ts); the unguessable token is the only credential.
 * The verified webhooks hand over to the messaging core through its SmsInbox.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../app.js';
import type { CarrierStatus, SmsInbox } from '../../messaging/sms-port.js';
import { parseForm, verifyTwilioSignature } from '../../sms/twilio-signature.js';
import { deliveryFailureReason } from '../../sms/twilio-errors.js';
import { fetchInboundMedia, type MediaSource } from '../../sms/inbound-media.js';

/** How the webhooks check their caller: the carrier account's credentials and our public base URL. */
export interface SmsWebhookConfig {
  accountSid: string;
  authToken: string;
  /** The carrier's API origin; inbound media there is fetched with the account's credentials. */
  apiBase: string;
  /** e.g. https://pbx.example.com (no trailing slash); read per request, known after listen. */
  publicBase: () => string;
}

const FORM_LIMIT = 64 * 1024;
const TOKEN = /^[A-Za-z0-9_-]{32}$/;
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

const STATUSES: Record<string, CarrierStatus> = { sent: 'sent', delivered: 'delivered', undelivered: 'failed', failed: 'failed' };

export function smsRoutes(s: Pick<Services, 'smsInbox' | 'smsWebhooks' | 'smsMedia' | 'log'>): FastifyPluginAsync {
  return async (app) => {
    // Webhooks are form posts; kept as text so the signature is checked on exactly what came.
    app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: FORM_LIMIT },
      (_req, body, done) => done(null, body));

    app.get<{ Params: { token: string } }>('/sms/media/:token', { config: { public: true } }, async (req, reply) => {
      const medium = TOKEN.test(req.params.token) ? s.smsMedia?.get(req.params.token) ?? null : null;
      if (!medium) return reply.code(404).send({ code: 'not_found', message: 'No such attachment, or its link has expired' });
      return reply
        .header('Content-Type', medium.contentType)
        .header('Cache-Control', 'private, no-store')
        .header('Content-Disposition', `inline; filename="${medium.name.replace(/[^\w.-]/g, '_')}"`)
        .send(medium.data);
    });

    /** The verified form of a webhook, or null once the answer (404, 403, 503) has been sent. */
    function verified(req: FastifyRequest, reply: FastifyReply): { params: Array<[string, string]>; inbox: SmsInbox; hooks: SmsWebhookConfig } | null {
      const hooks = s.smsWebhooks;
      if (!hooks) {
        void reply.code(404).send({ code: 'not_found', message: 'SMS is not enabled on this platform' });
        return null;
      }
      const params = parseForm(typeof req.body === 'string' ? req.body : '');
      const url = hooks.publicBase().replace(/\/+$/, '') + req.url;
      const header = req.headers['x-twilio-signature'];
      if (!verifyTwilioSignature(hooks.authToken, url, params, typeof header === 'string' ? header : undefined)) {
        // Either a forgery or a misconfigured URL at the carrier; the log says which URL we signed.
        s.log.warn('sms webhook refused: signature missing or wrong', { url, address: req.ip, signed: typeof header === 'string' });
        void reply.code(403).send({ code: 'forbidden', message: 'The request is not signed by the carrier' });
        return null;
      }
      if (!s.smsInbox) {
        s.log.error('sms webhook arrived but no messaging core takes it', { url });
        void reply.code(503).send({ code: 'unavailable', message: 'Messaging is not running' });
        return null;
      }
      return { params, inbox: s.smsInbox, hooks };
    }

    app.post('/sms/twilio/inbound', { config: { public: true } }, async (req, reply) => {
      const ok = verified(req, reply);
      if (!ok) return reply;
      const form = new Map(ok.params);
      const from = form.get('From') ?? '';
      const to = form.get('To') ?? '';
      const carrierId = form.get('MessageSid') ?? form.get('SmsSid') ?? '';
      if (!from || !to || !carrierId) return reply.code(400).send({ code: 'invalid_request', message: 'From, To and MessageSid are required' });
      const count = Number(form.get('NumMedia') ?? '0');
      const sources: MediaSource[] = [];
      for (let i = 0; Number.isSafeInteger(count) && i < Math.min(count, 100); i++) {
        const url = form.get(`MediaUrl${i}`);
        if (url) sources.push({ url, contentType: form.get(`MediaContentType${i}`) ?? '' });
      }
      const { media, failures } = await fetchInboundMedia(sources, ok.hooks);
      let text = form.get('Body') ?? '';
      // An attachment we could not fetch is said in the message rather than lost without a word.
      if (failures.length > 0) {
        s.log.warn('sms inbound media not received', { carrierId, failures });
        text += `${text ? '\n\n' : ''}[Not received: ${failures.join('; ')}]`;
      }
      await ok.inbox.received({ carrierId, from, to, text, media });
      return reply.type('text/xml').send(EMPTY_TWIML);
    });

    app.post('/sms/twilio/status', { config: { public: true } }, async (req, reply) => {
      const ok = verified(req, reply);
      if (!ok) return reply;
      const form = new Map(ok.params);
      const carrierId = form.get('MessageSid') ?? form.get('SmsSid') ?? '';
      const raw = form.get('MessageStatus') ?? form.get('SmsStatus') ?? '';
      if (!carrierId || !raw) return reply.code(400).send({ code: 'invalid_request', message: 'MessageSid and MessageStatus are required' });
      const status = STATUSES[raw];
      // queued, accepted, sending, scheduled: steps on the way, nothing the user needs to see.
      if (status) await ok.inbox.status(carrierId, status, status === 'failed' ? deliveryFailureReason(form.get('ErrorCode')) : null);
      return reply.code(204).send();
    });
  };
}
