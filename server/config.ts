/**
 * Typed platform configuration read from the environment. Every setting is checked at start-up
 * so that a typo fails fast with a message naming the variable, instead of surfacing later as a
 * strange runtime error.
 */
import { isTimeZone } from './rules/time-frame-match.js';
import path from 'node:path';
import fs from 'node:fs';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** postgres://... : the store is this PostgreSQL database instead of SQLite in dataDir. */
  databaseUrl?: string;
  /** PEM certificate and key for HTTPS/WSS; both or neither. */
  tls?: { cert: Buffer; key: Buffer };
  /** Directory holding the built web app (index.html, sw.js, ...). */
  webRoot: string;
  accessTokenTtlS: number;
  refreshTokenTtlS: number;
  /** Seed the demo organisation when the store is empty. */
  seedDemo: boolean;
  /** The demo organisation's time zone when it is seeded (SWITCHBOARD_DEMO_TIME_ZONE, UTC). */
  demoTimeZone: string;
  /** Unanswered calls go to voicemail (the platform answers them with its own media). */
  voicemail: boolean;
  /** Voicemail transcription (see server/voicemail/transcription/). */
  transcription: TranscriptionConfig;
  logLevel: 'silent' | 'error' | 'warn' | 'info' | 'debug';
  /** Largest recording upload, and the recordings one user may keep in all (bytes). */
  recordingMaxBytes: number;
  recordingQuotaBytes: number;
  /** Bounds on SIP WebSocket connections (see server/sip/ws-transport.ts). */
  sipFlows: {
    authTimeoutMs: number;
    maxFlows: number;
    maxFlowsPerAddress: number;
    pingIntervalMs: number;
  };
  /**
   * The base URL the outside world reaches this platform at (SWITCHBOARD_PUBLIC_URL), without a
   * trailing slash; unset: the platform's own URL. Carrier webhooks are signed over it.
   */
  publicUrl?: string;
  /** The SMS/MMS carrier (see server/sms/). */
  sms: SmsConfig;
}

export const SMS_CARRIERS = ['twilio', 'local', 'none'] as const;
export interface SmsConfig {
  /** `local`: the loopback carrier of server/sms/local-carrier.ts; `none`: no SMS at all. */
  carrier: (typeof SMS_CARRIERS)[number];
  /** Twilio's account (carrier `twilio`). */
  twilio?: { accountSid: string; authToken: string; apiBase: string };
}

export const TRANSCRIBERS = ['auto', 'pocketsphinx', 'http', 'none'] as const;
export interface TranscriptionConfig {
  /** `auto`: PocketSphinx when it is installed, else none. */
  engine: (typeof TRANSCRIBERS)[number];
  /** The HTTP speech-to-text service (engine `http`). */
  url?: string;
  key?: string;
  model?: string;
}

export class ConfigError extends Error {}

type Env = Record<string, string | undefined>;

function intSetting(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ConfigError(`${name} must be a whole number, got "${raw}"`);
  const value = Number(raw);
  if (value < min || value > max) throw new ConfigError(`${name} must be between ${min} and ${max}, got ${value}`);
  return value;
}

export function loadConfig(env: Env = process.env, cwd = process.cwd()): Config {
  const certPath = env.TLS_CERT;
  const keyPath = env.TLS_KEY;
  if (Boolean(certPath) !== Boolean(keyPath)) {
    throw new ConfigError('TLS_CERT and TLS_KEY must be set together');
  }
  let tls: Config['tls'];
  if (certPath && keyPath) {
    try {
      tls = { cert: fs.readFileSync(certPath), key: fs.readFileSync(keyPath) };
    } catch (err) {
      throw new ConfigError(`cannot read TLS_CERT/TLS_KEY: ${(err as Error).message}`);
    }
  }
  const logLevel = (env.LOG_LEVEL ?? 'info') as Config['logLevel'];
  if (!['silent', 'error', 'warn', 'info', 'debug'].includes(logLevel)) {
    throw new ConfigError(`LOG_LEVEL must be one of silent, error, warn, info, debug, got "${logLevel}"`);
  }
  const seed = env.SWITCHBOARD_SEED_DEMO ?? '1';
  if (seed !== '0' && seed !== '1') throw new ConfigError('SWITCHBOARD_SEED_DEMO must be 0 or 1');
  const voicemail = env.SWITCHBOARD_VOICEMAIL ?? '1';
  if (voicemail !== '0' && voicemail !== '1') throw new ConfigError('SWITCHBOARD_VOICEMAIL must be 0 or 1');
  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl !== undefined) {
    let protocol = '';
    try { protocol = new URL(databaseUrl).protocol; } catch { /* reported below */ }
    if (protocol !== 'postgres:' && protocol !== 'postgresql:') {
      throw new ConfigError('DATABASE_URL must be a postgres:// URL, e.g. postgres://switchboard@localhost/switchboard');
    }
  }
  const engine = (env.SWITCHBOARD_TRANSCRIBER || 'auto') as TranscriptionConfig['engine'];
  if (!TRANSCRIBERS.includes(engine)) throw new ConfigError(`SWITCHBOARD_TRANSCRIBER must be one of ${TRANSCRIBERS.join(', ')}, got "${engine}"`);
  const sttUrl = env.SWITCHBOARD_STT_URL || undefined;
  if (engine === 'http' && !sttUrl) throw new ConfigError('SWITCHBOARD_TRANSCRIBER=http needs SWITCHBOARD_STT_URL');
  if (sttUrl && !/^https?:\/\/[^/]/.test(sttUrl)) throw new ConfigError(`SWITCHBOARD_STT_URL must be an http(s) URL, got "${sttUrl}"`);
  const demoTimeZone = env.SWITCHBOARD_DEMO_TIME_ZONE || 'UTC';
  if (!isTimeZone(demoTimeZone)) throw new ConfigError(`SWITCHBOARD_DEMO_TIME_ZONE: "${demoTimeZone}" is not a time zone`);
  const publicUrl = baseUrlSetting(env, 'SWITCHBOARD_PUBLIC_URL');
  const sms = smsSetting(env, seed === '1', publicUrl);
  return {
    port: intSetting(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '0.0.0.0',
    dataDir: path.resolve(cwd, env.SWITCHBOARD_DATA || 'data'),
    databaseUrl,
    tls,
    webRoot: path.resolve(cwd, env.SWITCHBOARD_WEB_ROOT || 'dist'),
    accessTokenTtlS: intSetting(env, 'ACCESS_TOKEN_TTL', 15 * 60, 1, 24 * 3600),
    refreshTokenTtlS: intSetting(env, 'REFRESH_TOKEN_TTL', 30 * 24 * 3600, 60, 365 * 24 * 3600),
    seedDemo: seed === '1',
    demoTimeZone,
    voicemail: voicemail === '1',
    transcription: { engine, url: sttUrl, key: env.SWITCHBOARD_STT_KEY || undefined, model: env.SWITCHBOARD_STT_MODEL || undefined },
    logLevel,
    recordingMaxBytes: intSetting(env, 'RECORDING_MAX_BYTES', 50 * 1024 * 1024, 1024, 2 ** 40),
    recordingQuotaBytes: intSetting(env, 'RECORDING_QUOTA_BYTES', 1024 * 1024 * 1024, 1024, 2 ** 50),
    sipFlows: {
      authTimeoutMs: intSetting(env, 'SIP_AUTH_TIMEOUT', 30, 1, 3600) * 1000,
      maxFlows: intSetting(env, 'SIP_MAX_CONNECTIONS', 10_000, 1, 1_000_000),
      maxFlowsPerAddress: intSetting(env, 'SIP_MAX_CONNECTIONS_PER_ADDRESS', 200, 1, 1_000_000),
      pingIntervalMs: intSetting(env, 'SIP_PING_INTERVAL', 20, 1, 3600) * 1000,
    },
    publicUrl,
    sms,
  };
}

/** An http(s) base URL with no query or fragment, trailing slashes dropped; undefined when unset. */
function baseUrlSetting(env: Env, name: string): string | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  let url: URL | null = null;
  try { url = new URL(raw); } catch { /* reported below */ }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.search || url.hash || url.username || url.password) {
    throw new ConfigError(`${name} must be an http(s) URL without a query, e.g. https://pbx.example.com, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

function smsSetting(env: Env, seedDemo: boolean, publicUrl: string | undefined): SmsConfig {
  // The demo shows a whole SMS exchange out of the box; a real organisation opts in.
  const carrier = (env.SWITCHBOARD_SMS_CARRIER || (seedDemo ? 'local' : 'none')) as SmsConfig['carrier'];
  if (!SMS_CARRIERS.includes(carrier)) throw new ConfigError(`SWITCHBOARD_SMS_CARRIER must be one of ${SMS_CARRIERS.join(', ')}, got "${carrier}"`);
  if (carrier !== 'twilio') return { carrier };
  const accountSid = env.TWILIO_ACCOUNT_SID ?? '';
  const authToken = env.TWILIO_AUTH_TOKEN ?? '';
  // Twilio's account SIDs are AC + 32 hex digits; a test credential or subaccount is the same shape.
  if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid)) throw new ConfigError('SWITCHBOARD_SMS_CARRIER=twilio needs TWILIO_ACCOUNT_SID (AC followed by 32 hex digits, from the Twilio console)');
  if (!/^\S{8,}$/.test(authToken)) throw new ConfigError('SWITCHBOARD_SMS_CARRIER=twilio needs TWILIO_AUTH_TOKEN (the account\'s auth token, from the Twilio console)');
  // Twilio posts webhooks to us and fetches MMS media from us: it must know where we are.
  if (!publicUrl) throw new ConfigError('SWITCHBOARD_SMS_CARRIER=twilio needs SWITCHBOARD_PUBLIC_URL (the address Twilio reaches this platform at, e.g. https://pbx.example.com)');
  const apiBase = baseUrlSetting(env, 'TWILIO_API_BASE') ?? 'https://api.twilio.com';
  return { carrier, twilio: { accountSid, authToken, apiBase } };
}
