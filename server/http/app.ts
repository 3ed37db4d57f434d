/**
 * The HTTP side of the platform: REST API under /api/v2, the built web app, and the upgrade
 * hand-off for the two WebSocket endpoints (/sip and /api/v2/events) on the same port.
 */
import fs from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import { AuthError, type AuthService } from '../auth/service.js';
import type { EventBus } from '../events/bus.js';
import type { Logger } from '../log.js';
import type { SwitchOffers } from '../events/switch-offers.js';
import type { RecordingNotices } from '../events/recording-notices.js';
import type { Presence } from '../events/presence.js';
import type { SipQueries } from '../sip/queries.js';
import type { RecordingFiles } from '../store/recording-files.js';
import type { RecordingQuota } from './recording-quota.js';
import type { Store } from '../store/types.js';
import type { Config } from '../config.js';
import { ApiError, unauthorized } from './errors.js';
import { addSecurityHeaders } from './security-headers.js';
import { skipStaleVariants } from './precompressed.js';
import { statusRoutes } from './routes/status.js';
import { tokenRoutes } from './routes/tokens.js';
import { userRoutes } from './routes/users.js';
import { deviceRoutes } from './routes/devices.js';
import { cdrRoutes } from './routes/cdrs.js';
import { callRoutes } from './routes/calls.js';
import { recordingRoutes } from './routes/recordings.js';
import { contactRoutes } from './routes/contacts.js';
import { voicemailRoutes } from './routes/voicemails.js';
import { greetingRoutes } from './routes/greetings.js';
import { mailboxRoutes } from './routes/mailboxes.js';
import type { MailboxFiles } from '../voicemail/mailbox-files.js';
import type { UserGreetings } from '../voicemail/user-greetings.js';
import { constraintViolation } from '../store/errors.js';
import { timeFrameRoutes } from './routes/time-frames.js';
import { answerRuleRoutes } from './routes/answer-rules.js';
import { messageRoutes } from './routes/messages.js';
import type { Messaging } from '../messaging/service.js';
import type { UserRules } from '../rules/user-rules.js';
import type { ActiveRuleTicker } from '../rules/active-rule-ticker.js';
import { smsRoutes, type SmsWebhookConfig } from './routes/sms.js';
import type { SmsInbox } from '../messaging/sms-port.js';
import type { MediaLinks } from '../sms/media-links.js';

export interface Services {
  config: Config;
  store: Store;
  auth: AuthService;
  /** SIP state, through its query interface only. */
  sip: SipQueries;
  presence: Presence;
  switchOffers: SwitchOffers;
  /** "The other party records this call" notices (optional for tests that build the app alone). */
  recordingNotices?: RecordingNotices;
  recordingFiles: RecordingFiles;
  /** Largest recording upload (bytes); config.recordingMaxBytes unless a test says otherwise. */
  recordingMaxBytes?: number;
  recordingQuota: RecordingQuota;
  /** Voicemail audio, when voicemail runs. */
  mailboxFiles?: MailboxFiles;
  /** Users' voicemail greetings (absent when voicemail is off). */
  greetings?: UserGreetings;
  bus: EventBus;
  log: Logger;
  startedAt: number;
  /** Users' answering rules and frames, cached; invalidated through `ruleEvents.changed` after every write. */
  rules: UserRules;
  /** Forgets and tells (the `answerrules` event) after a change of rules, frames or zones. */
  ruleEvents: Pick<ActiveRuleTicker, 'changed'>;
  /** The clock rules are judged by (matches_now, is_active). */
  now: () => number;
  /** Chat, SMS and MMS (absent for tests that build the app alone). */
  messaging?: Messaging;
  /** The messaging core's side of the carrier webhooks (absent: they answer 503). */
  smsInbox?: SmsInbox;
  /** How the carrier webhooks are verified (absent when SWITCHBOARD_SMS_CARRIER=none: they answer 404). */
  smsWebhooks?: SmsWebhookConfig;
  /** Attachments of outgoing MMS, published for the carrier to fetch (server/sms/media-links.ts). */
  smsMedia?: MediaLinks;
}

/** JSON bodies larger than this are refused with 413 before they are parsed. */
const BODY_LIMIT = 64 * 1024;

export async function buildHttpApp(services: Services): Promise<FastifyInstance> {
  const { config } = services;
  const app = Fastify({
    https: config.tls ? { cert: config.tls.cert, key: config.tls.key } : null,
    bodyLimit: BODY_LIMIT,
    trustProxy: false,
    logger: false,
    // No type coercion: a number where a string belongs is an error, not silently "42".
    ajv: { customOptions: { removeAdditional: false, allErrors: false, coerceTypes: false } },
  }) as unknown as FastifyInstance;

  addSecurityHeaders(app, Boolean(config.tls));
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (req) => {
    if (!req.url.startsWith('/api/')) return;
    if (req.routeOptions.config?.public) return;
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw unauthorized();
    req.principal = await services.auth.authenticate(match[1]!);
  });

  app.setErrorHandler((err: FastifyError | ApiError | AuthError, req, reply) => {
    if (err instanceof ApiError) {
      void reply.code(err.status).headers(err.headers).send({ code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}), ...err.details });
      return;
    }
    if (err instanceof AuthError) {
      const status = err.code === 'locked' || err.code === 'busy' ? 429 : 401;
      if (err.retryAfterS) void reply.header('Retry-After', String(err.retryAfterS));
      void reply.code(status).send({ code: err.code, message: err.message });
      return;
    }
    if ('validation' in err && err.validation) {
      const v = err.validation[0];
      const params = v?.params as { missingProperty?: string; additionalProperty?: string; allowedValues?: unknown[] } | undefined;
      // Nested fields are named by their path: numbers.0.label.
      const at = v?.instancePath.replace(/^\//, '').replace(/\//g, '.') ?? '';
      const member = params?.missingProperty ?? params?.additionalProperty;
      const field = member !== undefined ? (at ? `${at}.${member}` : member) : at || undefined;
      const where = err.validationContext ?? 'body';
      const message = params?.missingProperty !== undefined ? `${field} is required`
        : params?.additionalProperty !== undefined ? `${field} is not a known field`
        : params?.allowedValues ? `${field ?? where} must be one of: ${params.allowedValues.join(', ')}`
        : `${field ?? where} ${v?.message ?? 'is invalid'}`;
      void reply.code(400).send({ code: 'invalid_request', message, ...(field ? { field } : {}) });
      return;
    }
    const code = (err as FastifyError).code;
    if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      const limit = req.routeOptions.bodyLimit ?? BODY_LIMIT;
      const size = limit >= 1024 * 1024 ? `${Math.round(limit / 1024 / 102.4) / 10} MB` : `${limit} bytes`;
      void reply.code(413).send({ code: 'body_too_large', message: `The request is larger than the limit of ${size}` });
      return;
    }
    if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      void reply.code(400).send({ code: 'invalid_json', message: 'Request body is not valid JSON' });
      return;
    }
    if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      void reply.code(415).send({ code: 'unsupported_media_type', message: 'Send JSON (Content-Type: application/json)' });
      return;
    }
    const constraint = constraintViolation(err);
    if (constraint) {
      // A route let through a change the store refuses (a missing user, a duplicate): the
      // request is at fault, never the platform. Said without the SQL, which names our tables.
      services.log.warn('store constraint refused a change', { url: req.url, code, error: err.message });
      const message = constraint === 'foreign-key' ? 'The change refers to something that does not exist'
        : constraint === 'unique' ? 'The change would duplicate something that already exists'
        : 'The change conflicts with stored data';
      void reply.code(409).send({ code: 'conflict', message });
      return;
    }
    const status = (err as FastifyError).statusCode ?? 500;
    if (status >= 500) services.log.error('api error', { url: req.url, error: err.stack ?? String(err) });
    void reply.code(status).send({ code: status >= 500 ? 'internal_error' : 'error', message: status >= 500 ? 'Internal error' : err.message });
  });

  await app.register(async (api) => {
    await api.register(statusRoutes(services));
    await api.register(tokenRoutes(services));
    await api.register(userRoutes(services));
    await api.register(deviceRoutes(services));
    await api.register(cdrRoutes(services));
    await api.register(callRoutes(services));
    await api.register(recordingRoutes(services));
    await api.register(contactRoutes(services));
    await api.register(voicemailRoutes(services));
    await api.register(greetingRoutes(services));
    await api.register(mailboxRoutes(services));
    await api.register(timeFrameRoutes(services));
    await api.register(answerRuleRoutes(services));
    if (services.messaging) await api.register(messageRoutes({ ...services, messaging: services.messaging }));
    await api.register(smsRoutes(services));
    api.setNotFoundHandler((req, reply) => {
      void reply.code(404).send({ code: 'not_found', message: `No such API route: ${req.method} ${req.url.split('?')[0]}` });
    });
  }, { prefix: '/api/v2' });

  await registerWebApp(app, config.webRoot);
  return app;
}

/**
 * Serves the built web phone; unknown paths get index.html so client-side routes work.
 *
 * The build leaves a brotli `name.br` and a gzip `name.gz` beside each compressible file
 * (vite.config.ts, `precompress`): a request that accepts one gets it with Content-Encoding (br
 * first), and every answer says `Vary: Accept-Encoding` so caches keep the variants apart. Each
 * variant has its own ETag (send's, from its size and time). A Range applies to the variant
 * sent (RFC 9110 s14: ranges are of the selected representation); browsers ask for ranges of
 * media, which the build does not compress. The `.br`/`.gz` files have no URL of their own,
 * and a variant older than its file is not sent (precompressed.ts).
 */
async function registerWebApp(app: FastifyInstance, webRoot: string): Promise<void> {
  const index = path.join(webRoot, 'index.html');
  if (!fs.existsSync(index)) {
    app.get('/', async (_req, reply) => reply.type('text/plain').send('Switchboard platform is running; the web app is not built (run `npm run build`).\n'));
    return;
  }
  skipStaleVariants(app, webRoot);
  await app.register(fastifyStatic, {
    root: webRoot,
    wildcard: false,
    preCompressed: true,
    globIgnore: ['**/*.br', '**/*.gz'],
    // Our own Cache-Control below; the plugin's default (public, max-age=0) would overwrite it.
    cacheControl: false,
    // The service worker and the HTML must revalidate so a new version is found; hashed assets may be cached for good.
    setHeaders(res, file) {
      // `file` is the variant sent (index.html.br); the rules are about the file it encodes.
      const name = path.basename(file).replace(/\.(br|gz)$/, '');
      res.setHeader('Vary', 'Accept-Encoding');
      if (name === 'sw.js' || name.endsWith('.html') || name.endsWith('.webmanifest')) res.setHeader('Cache-Control', 'no-cache');
      else if (file.includes(`${path.sep}assets${path.sep}`)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
    },
  });
  app.setNotFoundHandler((req, reply) => {
    if (req.method !== 'GET' || req.url.startsWith('/api/') || path.extname(req.url.split('?')[0]!)) {
      void reply.code(404).send({ code: 'not_found', message: 'Not found' });
      return;
    }
    void reply.header('Cache-Control', 'no-cache').sendFile('index.html');
  });
}
