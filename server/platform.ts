/**
 * Wires the platform together: store, auth, SIP (transport, registrar, proxy, call records),
 * HTTP API and the events channel, all on one port. main.ts runs it; tests start it on port 0
 * with an in-memory or temporary store.
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { AuthService } from './auth/service.js';
import { LoginThrottle, type ThrottleRule } from './auth/throttle.js';
import type { Config } from './config.js';
import { EventBus } from './events/bus.js';
import { EventsChannel } from './events/channel.js';
import { Presence } from './events/presence.js';
import { SwitchOffers, SWITCH_OFFER_TTL_MS } from './events/switch-offers.js';
import { RecordingNotices } from './events/recording-notices.js';
import { buildHttpApp } from './http/app.js';
import { RecordingQuota } from './http/recording-quota.js';
import { createLogger, type Logger } from './log.js';
import { seedDemo } from './seed.js';
import { CallRecorder } from './sip/call-recorder.js';
import { DialogRegistry } from './sip/dialogs.js';
import { CallerAuthenticator } from './sip/caller-auth.js';
import { confirmDialog } from './sip/dialog-setup.js';
import { joinFlows } from './sip/flow.js';
import { InDialogForwarder } from './sip/in-dialog.js';
import { SipProxy } from './sip/proxy.js';
import { MessageWaiting } from './sip/mwi.js';
import { SipMessages } from './sip/messages.js';
import { Referrals } from './sip/referrals.js';
import { ReplacesPolicy } from './sip/replaces.js';
import { PlanExecutor } from './sip/routing/executor.js';
import { DefaultRouter, type CallRouter } from './sip/routing/router.js';
import { CallPlanner } from './sip/routing/planner.js';
import { sipQueries } from './sip/queries.js';
import { PlatformServices } from './sip/services/registry.js';
import type { PlatformService } from './sip/services/service.js';
import { TransactionTable } from './sip/transactions.js';
import { setUpVoicemail, type Voicemail as VoicemailPart } from './voicemail/setup.js';
import type { Transcriber } from './voicemail/transcription/transcriber.js';
import { Registrar } from './sip/registrar.js';
import { SipAuthenticator } from './sip/sip-auth.js';
import { SipWsTransport, type FlowLimits } from './sip/ws-transport.js';
import { RecordingFiles } from './store/recording-files.js';
import { openStore } from './store/open.js';
import { cachedDomains } from './store/cached-domains.js';
import type { PinLockRule, Store } from './store/types.js';
import type { PromptSource } from './media/prompts.js';
import { UserRules } from './rules/user-rules.js';
import { ActiveRuleTicker, ACTIVE_RULE_TICK_MS } from './rules/active-rule-ticker.js';
import { Messaging } from './messaging/service.js';
import { AttachmentFiles } from './messaging/attachment-files.js';
import type { SmsCarrier, SmsInbox } from './messaging/sms-port.js';
import { createSmsCarrier, type SmsCarrierSetup } from './sms/setup.js';
import type { SendRateRule } from './messaging/send-rate.js';

/** How often the platform writes that it is alive (the end time of calls cut by a crash). */
const HEARTBEAT_MS = 5_000;

/**
 * Calls still open in the store were live when the platform last stopped without closing them
 * (killed, or the machine lost power): they end at its last heartbeat, as `interrupted` when
 * answered (or missed / failed when still ringing), instead of staying "answered" forever.
 * One platform per store for now; several instances will need a heartbeat each.
 */
async function closeInterruptedCalls(store: Store, log: Logger): Promise<void> {
  const lastAlive = (await store.heartbeat.last()) ?? Date.now();
  const closed = await store.cdrs.closeInterrupted(lastAlive);
  if (closed > 0) log.warn('closed call records left open by an unclean stop', { records: closed, ended_at: new Date(lastAlive).toISOString() });
}

export interface PlatformOptions {
  config: Config;
  /** Defaults to the store the config names (store/open.ts): PostgreSQL at DATABASE_URL, else SQLite in dataDir. */
  store?: Store;
  log?: Logger;
  throttle?: { account: ThrottleRule; address: ThrottleRule };
  /** Replaces every user's ring timeout (tests use short ones). */
  ringTimeoutMs?: number;
  /** Platform services answering calls in this process (voicemail, ...; tests add their own). */
  services?: readonly PlatformService[];
  /** Numbers that reach a service rather than a user, e.g. { '*97': 'voicemail' }. */
  serviceNumbers?: Record<string, string>;
  /** Replaces the default call router. */
  router?: CallRouter;
  /** Longest voicemail message (3 minutes); tests use shorter ones. */
  voicemailMaxMs?: number;
  /** Replaces the voicemail prompt files (tests use tones they can tell apart). */
  voicemailPrompts?: PromptSource;
  /** Wrong voicemail PINs in a row before a mailbox locks, and for how long (5, 15 minutes). */
  voicemailPinLock?: PinLockRule;
  /** The longest and shortest message-waiting subscription granted (3600 s, 60 s); tests use short ones. */
  mwiExpires?: { maxExpiresS?: number; minExpiresS?: number };
  /** Replaces the voicemail transcriber the settings name (tests use fakes); null for none. */
  transcriber?: Transcriber | null;
  /** Our SIP host name (Via, Record-Route). */
  sipHost?: string;
  /** How long a Switch Phone offer waits for the other device (30 s). */
  switchOfferTtlMs?: number;
  /** Largest recording upload in bytes (50 MB). */
  recordingMaxBytes?: number;
  /** Overrides config.sipFlows (tests use short ping intervals and deadlines). */
  flowLimits?: Partial<FlowLimits>;
  /**
   * The clock answering rules are judged by (Date.now). Tests pass a function reading a variable
   * they control, to stand in "a business hour" or pass a time frame's boundary.
   */
  now?: () => number;
  /** How often the active rule of connected users is judged again (30 s); tests use short ones. */
  activeRuleTickMs?: number;
  /** Where SMS and MMS go out (server/sms/); without one, texts fail with "No SMS carrier is configured". */
  smsCarrier?: SmsCarrier;
  /** How fast one user may send messages (messaging/send-rate.ts); null: no limit (benchmarks). */
  messageSendRate?: SendRateRule | null;
}

export interface Platform {
  readonly http: FastifyInstance;
  readonly store: Store;
  readonly registrar: Registrar;
  readonly recorder: CallRecorder;
  readonly presence: Presence;
  readonly dialogs: DialogRegistry;
  readonly transport: SipWsTransport;
  /** Null when voicemail is off (SWITCHBOARD_VOICEMAIL=0). */
  readonly voicemail: VoicemailPart | null;
  readonly events: EventsChannel;
  readonly seeded: boolean;
  /** The clock answering rules are judged by (PlatformOptions.now). */
  readonly now: () => number;
  /** Users' answering rules, cached: `activeRuleOf(domain, extension)` for every call. */
  readonly rules: UserRules;
  /** Tells users when their active rule changes (`changed` after a write; a boundary on its ticks). */
  readonly ruleEvents: ActiveRuleTicker;
  /** Chat, SMS and MMS: conversations, messages, attachments. */
  readonly messaging: Messaging;
  /** What a carrier's (verified) webhooks call: texts received, and what became of those sent. */
  readonly smsInbox: SmsInbox;
  /** The SMS carrier of the settings (server/sms/setup.ts); `sms.local` is the local carrier when it runs. */
  readonly sms: SmsCarrierSetup;
  /** Base URL, e.g. http://127.0.0.1:8080 (valid after listen). */
  url(): string;
  listen(): Promise<void>;
  close(): Promise<void>;
}

export async function createPlatform(opts: PlatformOptions): Promise<Platform> {
  const { config } = opts;
  const log = opts.log ?? createLogger(config.logLevel);
  const store = opts.store ?? (await openStore(config, log));
  const seeded = config.seedDemo ? await seedDemo(store, Date.now(), config.demoTimeZone) : false;
  await closeInterruptedCalls(store, log);
  const bus = new EventBus();
  const throttle = new LoginThrottle(opts.throttle);
  const auth = new AuthService(store, { accessS: config.accessTokenTtlS, refreshS: config.refreshTokenTtlS }, {
    throttle,
    // Awaited by logout: when it answers, the login's sockets are closed and its devices gone.
    onLoginEnded: async (login) => {
      bus.emit('login-ended', login);
      for (const device of await store.devices.listForLogin(login.family)) {
        if (await store.devices.delete(device.id)) bus.emit('device-removed', { domain: device.domain, extension: device.extension, deviceId: device.id });
      }
    },
  });
  const sipAuth = new SipAuthenticator(store.devices);
  // SIP asks for the request's domain every time: from memory once it has been found.
  const sipStore: Store = { ...store, domains: cachedDomains(store.domains) };
  const registrar = new Registrar(sipStore, sipAuth, bus, log);
  const recorder = new CallRecorder(store, bus, log);
  const presence = new Presence(bus, registrar);
  const dialogs = new DialogRegistry((change) => bus.emit('dialog', change));
  const switchOffers = new SwitchOffers(bus, opts.switchOfferTtlMs ?? SWITCH_OFFER_TTL_MS);
  const recordingNotices = new RecordingNotices(bus);
  const recordingFiles = new RecordingFiles(path.join(config.dataDir, 'recordings'));
  recordingFiles.sweepTemporaryFiles();
  const attachmentFiles = new AttachmentFiles(path.join(config.dataDir, 'attachments'));
  attachmentFiles.sweepTemporaryFiles();
  // SMS: the carrier of the settings (server/sms/: Twilio, the local carrier, or none); its
  // verified webhooks call the messaging core, which is the platform's SMS inbox.
  const sms = await createSmsCarrier(config, { log, platformUrl: () => ownUrl() });
  const messaging = new Messaging({ store, bus, files: attachmentFiles, log, carrier: opts.smsCarrier ?? sms.carrier ?? undefined, sendRate: opts.messageSendRate });
  const smsInbox: SmsInbox = messaging;

  // The transport and the services need the proxy's handler; the proxy needs their flows.
  let proxy: SipProxy | undefined;
  const deliver = (msg: Parameters<SipProxy['handle']>[0], flow: Parameters<SipProxy['handle']>[1]) => {
    proxy!.handle(msg, flow).catch((err: unknown) => log.error('sip handling failed', { error: (err as Error).stack }));
  };
  const transport = new SipWsTransport({
    message: deliver,
    closed: (flow) => {
      sipAuth.digest.flowClosed(flow.id);
      registrar.flowClosed(flow);
      proxy!.flowClosed(flow);
    },
  }, log, { ...config.sipFlows, ...opts.flowLimits });
  const voicemail = config.voicemail ? setUpVoicemail({
    dataDir: config.dataDir, store, bus, log, maxMessageMs: opts.voicemailMaxMs, prompts: opts.voicemailPrompts, pinLock: opts.voicemailPinLock,
    transcription: config.transcription, transcriber: opts.transcriber,
  }) : null;
  const services = new PlatformServices([...(voicemail ? [voicemail.service, voicemail.access] : []), ...(opts.services ?? [])], deliver);
  const host = opts.sipHost ?? 'switchboard.invalid';
  const flows = joinFlows(transport.flows, services);
  const transactions = new TransactionTable(host);
  const referrals = new Referrals();
  const callers = new CallerAuthenticator(store.users, registrar, sipAuth);
  const now = opts.now ?? Date.now;
  const rules = new UserRules(store, now);
  proxy = new SipProxy({
    host, store: sipStore, registrar, dialogs, recorder, transactions, referrals, log, callers,
    mwi: new MessageWaiting({ host, callers, devices: store.devices, voicemails: store.voicemails, bus, log, ...opts.mwiExpires }),
    messages: new SipMessages({ host, store: sipStore, registrar, callers, messaging, log }),
    replaces: new ReplacesPolicy(dialogs, flows, log),
    planner: new CallPlanner({
      router: opts.router ?? new DefaultRouter({
        ringTimeoutMs: opts.ringTimeoutMs,
        serviceNumbers: new Map(Object.entries(opts.serviceNumbers ?? {})),
        voicemail: voicemail?.service.name,
        voicemailAccess: voicemail?.access.name,
      }),
      users: store.users, registrar, dialogs, rules, voicemail: voicemail?.service.name,
    }),
    executor: new PlanExecutor({
      transactions, users: store.users, registrar, services, recorder, log,
      answered: (_tx, branch, res) => confirmDialog(branch, res, dialogs, recorder, Date.now()),
    }),
    inDialog: new InDialogForwarder({ host, dialogs, recorder, flows, referrals, transactions }),
  });
  // A device goes with everything it authenticated.
  bus.on('device-removed', ({ domain, extension, deviceId }) => {
    registrar.dropDevice(deviceId);
    transport.closeFlowsOf(deviceId);
    bus.emit('devices-changed', { domain, extension, deviceId, change: 'removed' });
  });
  const sip = sipQueries(registrar, dialogs);
  const events = new EventsChannel(auth, bus, log, { devices: store.devices, sip, recordingNotices, mailboxGrants: store.mailboxGrants });
  const ruleEvents = new ActiveRuleTicker({ rules, bus, connected: () => events.connectedUsers(), now, log },
    opts.activeRuleTickMs ?? ACTIVE_RULE_TICK_MS);
  const http = await buildHttpApp({
    config, store, auth, sip, presence, switchOffers, recordingNotices, recordingFiles, recordingMaxBytes: opts.recordingMaxBytes,
    recordingQuota: new RecordingQuota(store.recordings, config.recordingQuotaBytes), mailboxFiles: voicemail?.files, greetings: voicemail?.greetings,
    bus, log, startedAt: Date.now(), rules, ruleEvents, now, messaging,
    smsInbox, smsWebhooks: sms.webhooks, smsMedia: sms.media,
  });

  const secure = Boolean(config.tls);
  function ownUrl(): string {
    const addr = http.server.address() as AddressInfo;
    const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
    return `${secure ? 'https' : 'http'}://${host === '0.0.0.0' ? '127.0.0.1' : host}:${addr.port}`;
  }
  http.server.on('upgrade', (req, socket, head) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/sip') transport.handleUpgrade(req, socket, head, secure);
    else if (path === '/api/v2/events') events.handleUpgrade(req, socket, head);
    else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  });

  // The liveness mark that lets the next start date the end of calls this process leaves open.
  const heartbeat = setInterval(() => {
    store.heartbeat.beat(Date.now()).catch((err: unknown) => log.warn('heartbeat not written', { error: (err as Error).message }));
  }, HEARTBEAT_MS);
  heartbeat.unref();
  await store.heartbeat.beat(Date.now());

  let minutes = 0;
  const housekeeping = setInterval(() => {
    throttle.sweep();
    store.tokens.purgeExpired(Date.now()).catch((err: unknown) => log.warn('expired tokens not purged', { error: (err as Error).message }));
    if (++minutes % 60 === 0) messaging.sweepUnsentAttachments().catch((err: unknown) => log.warn('unsent attachments not swept', { error: (err as Error).message }));
  }, 60_000);
  housekeeping.unref();

  return {
    http, store, registrar, recorder, presence, dialogs, transport, events, seeded, voicemail, now, rules, ruleEvents, messaging, smsInbox, sms,
    url: ownUrl,
    async listen() {
      registrar.start();
      ruleEvents.start();
      await http.listen({ port: config.port, host: config.host });
    },
    async close() {
      clearInterval(housekeeping);
      clearInterval(heartbeat);
      ruleEvents.stop();
      registrar.stop();
      services.close();
      proxy!.stop();
      switchOffers.stop();
      transport.closeAll();
      events.closeAll();
      // Before the HTTP server: the local carrier's webhooks in flight still find it listening.
      await sms.close();
      // Node closes idle keep-alive connections when closing starts, but one whose response
      // was still being sent (a recording streaming, say) would stay open until the keep-alive
      // timeout (72 s in fastify): close such connections too, as soon as they fall idle.
      const sweep = setInterval(() => http.server.closeIdleConnections(), 50);
      try {
        await http.close();
      } finally {
        clearInterval(sweep);
      }
      await recorder.flush();
      await messaging.flush();
      await voicemail?.close();
      await store.close();
    },
  };
}
