/**
 * Starts a real platform for a test: its own port, its own temporary data directory, the demo
 * organisation seeded. Everything is reached over real sockets (HTTP, WebSocket). With
 * TEST_DATABASE_URL set, its store is PostgreSQL (a schema per data directory, see test-db.ts).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateTotp } from '../../server/auth/totp.js';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/log.js';
import { createPlatform, type Platform, type PlatformOptions } from '../../server/platform.js';
import { DEMO_MFA_SECRET } from '../../server/seed.js';
import WebSocket from 'ws';
import { SipUa, type IncomingCall, type OutgoingCall } from './sip-ua.js';
import { dropDatabaseFor, PLATFORM_PG, testStoreEnv } from './test-db.js';

export interface TestPlatform {
  platform: Platform;
  url: string;
  wsUrl: string;
  dataDir: string;
  close(): Promise<void>;
}

/** `dataDir`: start on that directory (a restart) and leave it there on close. */
export async function startPlatform(opts: Partial<PlatformOptions> & { env?: Record<string, string>; dataDir?: string } = {}): Promise<TestPlatform> {
  const keep = opts.dataDir !== undefined;
  const dataDir = opts.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-test-'));
  // A test that names its own data directory (to restart on it) owns that store's lifetime too.
  const ownStore = !opts.store && !keep && !opts.env?.SWITCHBOARD_DATA;
  const storeEnv = opts.store ? {} : await testStoreEnv(opts.env?.SWITCHBOARD_DATA ?? dataDir);
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', SWITCHBOARD_DATA: dataDir, LOG_LEVEL: 'silent', SWITCHBOARD_WEB_ROOT: path.join(dataDir, 'no-web'),
    // Most tests look at how unanswered calls fail; voicemail tests turn it on (and transcription tests a transcriber).
    SWITCHBOARD_VOICEMAIL: '0', SWITCHBOARD_TRANSCRIBER: 'none', ...storeEnv, ...opts.env });
  const platform = await createPlatform({ config, log: createLogger(process.env.TEST_LOG === '1' ? 'debug' : 'silent'), ...opts });
  await platform.listen();
  const url = platform.url();
  return {
    platform,
    url,
    wsUrl: `${url.replace(/^http/, 'ws')}/sip`,
    dataDir,
    async close() {
      await platform.close();
      if (!keep) fs.rmSync(dataDir, { recursive: true, force: true });
      if (ownStore && PLATFORM_PG) await dropDatabaseFor(PLATFORM_PG, dataDir);
    },
  };
}

export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A tiny JSON client for the REST API. */
export async function api<T = any>(base: string, method: string, pathname: string, opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined;
  if (opts.raw !== undefined) {
    body = opts.raw;
    headers['content-type'] ??= 'application/json';
  } else if (opts.body !== undefined) {
    body = JSON.stringify(opts.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(base + pathname, { method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/**
 * Logs in; for the demo's MFA user (1003) it completes the TOTP step too. A code works once per
 * 30-second step, so that token is reused for later logins to the same platform.
 */
export async function login(base: string, username: string, password = 'switchboard'): Promise<string> {
  const cached = mfaTokens.get(`${base} ${username}`);
  if (cached) return cached;
  let res = await api(base, 'POST', '/api/v2/tokens', { body: { grant_type: 'password', username, password } });
  const mfa = res.status === 200 && res.body.mfa_required;
  if (mfa) {
    res = await api(base, 'POST', '/api/v2/tokens', { body: { grant_type: 'mfa', mfa_token: res.body.mfa_token, passcode: generateTotp(DEMO_MFA_SECRET) } });
  }
  if (res.status !== 200 || !res.body.access_token) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
  if (mfa) mfaTokens.set(`${base} ${username}`, res.body.access_token as string);
  return res.body.access_token as string;
}

/** TOTP codes are single-use, so an MFA login's token is kept for the platform's lifetime. */
const mfaTokens = new Map<string, string>();

/** Logs in, creates a device, and returns a connected (not yet registered) user agent. */
export async function deviceUa(t: TestPlatform, extension: string, label = 'test device'): Promise<SipUa> {
  const token = await login(t.url, `${extension}@demo`);
  const res = await api(t.url, 'POST', '/api/v2/domains/~/users/~/devices', { token, body: { label } });
  if (res.status !== 201) throw new Error(`device for ${extension}: ${res.status} ${JSON.stringify(res.body)}`);
  const sip = res.body.sip;
  const ua = new SipUa(t.wsUrl, { uri: sip.uri, authorizationUser: sip.authorization_user, password: sip.password });
  await ua.connect();
  return ua;
}

export interface Phone {
  ua: SipUa;
  token: string;
  deviceId: string;
  label: string;
}

/** A registered user agent with its access token and device id (what a web phone holds). */
export async function phone(t: TestPlatform, extension: string, label = `${extension} phone`): Promise<Phone> {
  const token = await login(t.url, `${extension}@demo`);
  const res = await api(t.url, 'POST', '/api/v2/domains/~/users/~/devices', { token, body: { label } });
  if (res.status !== 201) throw new Error(`device for ${extension}: ${res.status} ${JSON.stringify(res.body)}`);
  const sip = res.body.sip;
  const ua = new SipUa(t.wsUrl, { uri: sip.uri, authorizationUser: sip.authorization_user, password: sip.password });
  await ua.connect();
  const reg = await ua.register();
  if (reg.status !== 200) throw new Error(`REGISTER ${extension}: ${reg.status}`);
  return { ua, token, deviceId: res.body.id as string, label };
}

/** An authenticated events socket; `received` fills as events arrive. */
export interface EventsSocket {
  ws: WebSocket;
  received: any[];
  /** Resolves with the first event (already received or still to come) matching `pred`. */
  next(pred: (e: any) => boolean, timeoutMs?: number): Promise<any>;
  close(): void;
}

export async function openEvents(t: TestPlatform, token: string, deviceId?: string): Promise<EventsSocket> {
  const ws = new WebSocket(`${t.url.replace(/^http/, 'ws')}/api/v2/events`);
  const received: any[] = [];
  ws.on('message', (d) => received.push(JSON.parse(String(d))));
  await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
  ws.send(JSON.stringify({ type: 'auth', access_token: token, ...(deviceId ? { device_id: deviceId } : {}) }));
  // The first 'calls' snapshot follows 'ready' at once.
  await eventually(() => received.some((e) => e.type === 'calls'));
  let seen = 0;
  return {
    ws,
    received,
    async next(pred, timeoutMs = 3000) {
      const found = await eventually(() => {
        const i = received.findIndex((e, n) => n >= seen && pred(e));
        if (i < 0) return null;
        seen = i + 1;
        return { e: received[i] };
      }, timeoutMs);
      return found!.e;
    },
    close() { ws.close(); },
  };
}

/** A registered user agent for `extension` of the demo organisation. */
export async function registeredUa(t: TestPlatform, extension: string): Promise<SipUa> {
  const ua = await deviceUa(t, extension);
  const res = await ua.register();
  if (res.status !== 200) throw new Error(`REGISTER ${extension}: ${res.status}`);
  return ua;
}

export function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `check` until it returns a truthy value or the time is up. */
export async function eventually<T>(check: () => Promise<T> | T, timeoutMs = 3000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error('condition not met in time');
    await delay(20);
  }
}

/** `from` calls `target` and `answerer` answers: resolves once the 200 is ACKed. */
export async function answeredCall(from: SipUa, answerer: SipUa, target: string, extra: Array<[string, string]> = []): Promise<{ out: OutgoingCall; inc: IncomingCall }> {
  const incoming = answerer.nextInvite();
  const out = from.call(target, extra);
  const inc = await incoming;
  const ack = answerer.nextRequest('ACK');
  inc.answer();
  const final = await out.final;
  if (final.status !== 200) throw new Error(`call to ${target}: ${final.status}`);
  await ack;
  return { out, inc };
}
