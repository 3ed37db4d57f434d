/**
 * The fuzz run: mutated SIP (RFC 4475 torture messages and captured real traffic, unauthenticated
 * on raw connections, authenticated on registered flows and inside live dialogs) and mutated REST
 * API requests thrown at a platform for a set time, then a report: what was sent, crashes, 5xx
 * answers, error log lines, memory growth, and whether the platform still serves a call.
 *
 * Determinism: every worker draws from its own stream of one seed, so the same seed produces the
 * same mutations in the same order per worker; timing (which response arrives when) still varies.
 */
import http from 'node:http';
import { randomBytes } from 'node:crypto';
import WebSocket from 'ws';
import { md5 } from '../server/sip/digest.js';
import { serialize, createResponse, type SipRequest } from '../server/sip/message.js';
import { parseMessage } from '../server/sip/parser.js';
import { SipUa, type IncomingCall } from '../test/support/sip-ua.js';
import { nextApiRequest, type ApiContext, type ApiRequest } from './api-mutator.js';
import { loadCorpus, type Seed } from './corpus.js';
import { startChildPlatform, rssKiB, type ChildPlatform, type LogLine } from './platform-child.js';
import { Rng } from './prng.js';
import { mutateSip } from './sip-mutator.js';
import { RawFlow, newFlowStats, watchSocket, type FlowStats, type SipFinding } from './sip-flow.js';

export interface FuzzOptions {
  durationMs: number;
  seed: number;
  /** Fuzz a platform that is already running instead of starting one. */
  url?: string;
  /** With `url`: the platform's process id, to read its memory. */
  pid?: number;
  /** Concurrent API request loops (3). */
  apiConcurrency?: number;
  /** Progress lines (stderr). */
  log?: (line: string) => void;
}

export interface ApiFinding {
  method: string;
  path: string;
  status: number;
  requestHeaders: Record<string, string>;
  requestBody: string;
  responseBody: string;
  ops: string[];
  loggedErrors: string[];
  count: number;
}

export interface FuzzReport {
  seed: number;
  target: string;
  durationS: number;
  sip: {
    framesSent: number;
    rawFrames: number;
    inDialogFrames: number;
    registeredFlowFrames: number;
    responses: number;
    expected5xx: number;
    callsSetUp: number;
    callSetupFailures: number;
    reconnects: number;
    closeCodes: Record<string, number>;
    fiveXXCount: number;
    fiveXX: SipFinding[];
  };
  api: {
    requests: number;
    byClass: Record<string, number>;
    byStatus: Record<string, number>;
    clientErrors: number;
    timeouts: number;
    fiveXXCount: number;
    fiveXX: ApiFinding[];
  };
  crashes: number;
  crash: string | null;
  errorLogLines: number;
  errorLog: string[];
  rss: {
    startKiB: number | null; endKiB: number | null; peakKiB: number | null; growthKiB: number | null; growthPct: number | null;
    /** Lowest RSS of the first and of the last fifth of the run: less at the mercy of when the GC ran. */
    lowFirstKiB: number | null; lowLastKiB: number | null;
    /** One sample every 30 s: [seconds into the run, KiB]. */
    samples: Array<[number, number]>;
  };
  /** False when fuzzing a platform we did not start: its log is not ours to read. */
  errorLogWatched: boolean;
  servesCall: boolean;
  servesDetail: string;
  ok: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rand = (n = 6) => randomBytes(n).toString('hex');
const short = (s: string, n = 400) => (s.length > n ? `${s.slice(0, n)}... (${s.length} chars)` : s);

interface HttpAnswer { status: number; body: string }

/** A raw HTTP request: the path goes out as given (no URL normalisation of "..", unlike fetch). */
function httpRequest(base: string, agent: http.Agent, method: string, path: string, headers: Record<string, string>, body: string | Buffer | undefined, timeoutMs = 15_000): Promise<HttpAnswer> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    let req: http.ClientRequest;
    try {
      req = http.request({ host: u.hostname, port: u.port, method, path, headers, agent, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => { if (chunks.length < 64) chunks.push(c); });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
    } catch (err) {
      reject(Object.assign(err as Error, { client: true }));
      return;
    }
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { timeout: true })));
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

async function json(base: string, agent: http.Agent, method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: any }> {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await httpRequest(base, agent, method, path, headers, body === undefined ? undefined : JSON.stringify(body));
  let parsed: unknown = res.body;
  try { parsed = res.body ? JSON.parse(res.body) : null; } catch { /* not JSON */ }
  return { status: res.status, body: parsed };
}

async function loginToken(base: string, agent: http.Agent, username: string): Promise<string> {
  const res = await json(base, agent, 'POST', '/api/v2/tokens', undefined, { grant_type: 'password', username, password: 'switchboard' });
  if (res.status !== 200 || !res.body?.access_token) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.access_token as string;
}

interface Device { id: string; uri: string; user: string; password: string }

async function newDevice(base: string, agent: http.Agent, token: string, label: string): Promise<Device> {
  const res = await json(base, agent, 'POST', '/api/v2/domains/~/users/~/devices', token, { label });
  if (res.status !== 201) throw new Error(`device ${label}: ${res.status} ${JSON.stringify(res.body)}`);
  return { id: res.body.id, uri: res.body.sip.uri, user: res.body.sip.authorization_user, password: res.body.sip.password };
}

/**
 * A test UA whose message handler cannot throw into this process (a forwarded message our own
 * parser chokes on is a finding of its own, not a fuzzer crash).
 */
async function guardedUa(wsUrl: string, d: Device, name: string, stats: FlowStats, lastSent: () => { text: string; ops: string[] }, onError: (e: string) => void): Promise<SipUa> {
  const ua = new SipUa(wsUrl, { uri: d.uri, authorizationUser: d.user, password: d.password });
  await ua.connect();
  const ws = ua.ws;
  ws.on('error', () => { /* closes are handled by the workers */ });
  for (const l of ws.listeners('message') as Array<(...a: unknown[]) => void>) {
    ws.off('message', l);
    ws.on('message', (...a: unknown[]) => {
      try { l(...a); } catch (err) { onError(`${name}: ${(err as Error).stack ?? String(err)}`); }
    });
  }
  watchSocket(ws, name, stats, lastSent);
  return ua;
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | null> {
  return Promise.race([p, sleep(ms).then(() => null)]);
}

/** Digest response for a request (RFC 2617, qop=auth). */
function digest(d: Device, realm: string, nonce: string, method: string, uri: string, nc: number, header: 'Authorization' | 'Proxy-Authorization'): string {
  const ha1 = md5(`${d.user}:${realm}:${d.password}`);
  const cnonce = rand(4);
  const ncs = nc.toString(16).padStart(8, '0');
  const response = md5(`${ha1}:${nonce}:${ncs}:${cnonce}:auth:${md5(`${method}:${uri}`)}`);
  return `${header}: Digest username="${d.user}", realm="${realm}", nonce="${nonce}", uri="${uri}", response="${response}", algorithm=MD5, cnonce="${cnonce}", qop=auth, nc=${ncs}`;
}

interface Template { method: string; body: string; contentType?: string; extra: Array<[string, string]>; name: string }

const IN_DIALOG = new Set(['INVITE', 'ACK', 'BYE', 'INFO', 'MESSAGE', 'REFER', 'NOTIFY', 'UPDATE', 'PRACK', 'OPTIONS']);
const CARRIED = ['Refer-To', 'Referred-By', 'Event', 'Subscription-State', 'Replaces', 'Require', 'Supported', 'User-Agent', 'Allow'];

/** Captured requests sent by a UA, reduced to what an in-dialog request of that kind carries. */
function templatesOf(captured: Seed[]): Template[] {
  const out: Template[] = [];
  for (const s of captured) {
    if (s.kind !== 'request' || !/-out-/.test(s.name) || !IN_DIALOG.has(s.method)) continue;
    const parsed = parseMessage(Buffer.from(s.text, 'latin1'));
    if (!parsed.ok || parsed.message.type !== 'request') continue;
    const m = parsed.message;
    const extra: Array<[string, string]> = [];
    for (const h of CARRIED) for (const v of m.headers.getAll(h)) extra.push([h, v]);
    out.push({ method: m.method, body: m.body.toString('latin1'), contentType: m.headers.get('Content-Type'), extra, name: s.name });
  }
  return out;
}

export async function runFuzz(opts: FuzzOptions): Promise<FuzzReport> {
  const log = opts.log ?? (() => {});
  const rng = new Rng(opts.seed);
  const corpus = loadCorpus();
  if (corpus.rfc4475.length === 0) log('warning: RFC 4475 corpus not found; fuzzing captured traffic only');
  if (corpus.captured.length === 0) log('warning: no captured traffic (run npm run fuzz -- --capture)');
  const seeds = [...corpus.rfc4475, ...corpus.captured];
  const templates = templatesOf(corpus.captured);

  let child: ChildPlatform | null = null;
  let base = opts.url?.replace(/\/$/, '') ?? '';
  if (!opts.url) {
    child = await startChildPlatform();
    base = child.url;
  }
  const pid = child?.pid ?? opts.pid;
  const wsUrl = `${base.replace(/^http/, 'ws')}/sip`;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
  const stats = newFlowStats();
  const fuzzerErrors: string[] = [];
  const t0 = Date.now();
  const until = t0 + opts.durationMs;
  let stopped = false;
  let crash: string | null = null;
  const setCrash = (why: string) => {
    if (crash) return;
    crash = why;
    stopped = true;
    log(`CRASH: ${why}`);
  };
  let stopping = false;
  child?.onExit(() => !stopping && setCrash(`platform exited (code ${child!.exited?.code}, signal ${child!.exited?.signal})`));
  const running = () => !stopped && Date.now() < until;
  // A socket the platform resets while we write to it (after a 413, a 1009 close) is expected.
  const onUncaught = (err: Error & { code?: string }) => {
    if (err.code === 'ECONNRESET' || err.code === 'EPIPE') return;
    if (fuzzerErrors.length < 20) fuzzerErrors.push(`uncaught in fuzzer: ${err.stack ?? String(err)}`);
  };
  process.on('uncaughtException', onUncaught);

  const counts = { raw: 0, inDialog: 0, registered: 0, calls: 0, setupFailures: 0, reconnects: 0 };
  const api = { requests: 0, byClass: {} as Record<string, number>, byStatus: {} as Record<string, number>, clientErrors: 0, timeouts: 0, fiveXXCount: 0, fiveXX: new Map<string, ApiFinding>() };
  let peakKiB: number | null = null;
  const rssSeries: Array<[number, number]> = [];
  const sampleRss = () => {
    const v = pid ? rssKiB(pid) : null;
    if (v !== null) {
      peakKiB = Math.max(peakKiB ?? 0, v);
      rssSeries.push([(Date.now() - t0) / 1000, v]);
    }
    return v;
  };

  // --- Set-up: real users, devices, registered phones, some data for the API to find -------
  const aliceToken = await loginToken(base, agent, '1001@demo');
  const bobToken = await loginToken(base, agent, '1002@demo');
  const danToken = await loginToken(base, agent, '1004@demo');
  const adminToken = await loginToken(base, agent, '1005@demo');
  const aliceDev = await newDevice(base, agent, aliceToken, 'fuzz alice');
  const bobDev = await newDevice(base, agent, bobToken, 'fuzz bob');
  const danDev = await newDevice(base, agent, danToken, 'fuzz dan');

  let live: { callId: string; out: import('../test/support/sip-ua.js').Dialog; inc: IncomingCall } | null = null;
  // The API fuzzer has logins of its own: the ones above stay usable for the final check.
  const ctx: ApiContext = {
    token: await loginToken(base, agent, '1001@demo'), otherToken: await loginToken(base, agent, '1002@demo'), adminToken: await loginToken(base, agent, '1005@demo'),
    contactIds: [], deviceIds: [], recordingIds: [], offerIds: [],
    callId: () => live?.callId,
  };
  for (let i = 0; i < 3; i++) {
    const c = await json(base, agent, 'POST', '/api/v2/domains/~/users/~/contacts', ctx.token, { first_name: `Fuzz ${i}`, numbers: [{ label: 'work', number: `555-010${i}` }] });
    if (c.status === 201) ctx.contactIds.push(c.body.id);
  }
  const rec = await httpRequest(base, agent, 'POST', '/api/v2/domains/~/users/~/recordings', {
    authorization: `Bearer ${ctx.token}`, 'content-type': 'audio/webm', 'x-recording-id': crypto.randomUUID(), 'x-call-id': 'fuzz-call', 'x-duration-s': '1',
  }, Buffer.alloc(2000, 0x1a));
  if (rec.status === 201) ctx.recordingIds.push(JSON.parse(rec.body).id);

  // --- SIP phones: Alice calls Bob; both answer what the fuzz sends them by a policy ---------
  const uaLast = { alice: { text: '', ops: [] as string[] }, bob: { text: '', ops: [] as string[] } };
  const onUaError = (e: string) => { if (fuzzerErrors.length < 20) fuzzerErrors.push(e); };
  let alice = await guardedUa(wsUrl, aliceDev, 'alice', stats, () => uaLast.alice, onUaError);
  let bob = await guardedUa(wsUrl, bobDev, 'bob', stats, () => uaLast.bob, onUaError);
  const policyRng = rng.fork(7);
  let pendingSetup: ((c: IncomingCall) => void) | null = null;
  const policy = (ua: SipUa, name: 'alice' | 'bob') => (call: IncomingCall) => {
    if (call.invite.headers.get('X-Fuzz-Setup') && pendingSetup && name === 'bob') {
      pendingSetup(call);
      return;
    }
    const r = policyRng.next();
    try {
      if (r < 0.5) call.reject(policyRng.pick([486, 603, 480, 404]));
      else if (r < 0.7) {
        call.ring();
        call.answer();
        setTimeout(() => { void withTimeout(call.dialog.bye(), 3000); }, 300);
      } else if (r < 0.85) {
        // A broken answer: headers mutated, status line kept (so any 5xx seen is the platform's).
        const res = createResponse(call.invite, policyRng.pick([180, 183, 200]), undefined, [['Contact', `<${ua.contact}>`]]);
        res.headers.set('To', `${call.invite.headers.get('To')};tag=${call.toTag}`);
        for (const rr of call.invite.headers.getAll('Record-Route')) res.headers.append('Record-Route', rr);
        const m = mutateSip(serialize(res).toString('latin1'), policyRng, corpus.donors, { keepStartLine: true, maxOps: 2 });
        uaLast[name] = { text: m.bytes.toString('latin1'), ops: m.ops };
        ua.ws.send(m.bytes);
        counts.registered++;
        if (policyRng.chance(0.5)) call.reject(487);
      }
      // else: left ringing; the proxy's ring timeout cancels it.
    } catch (err) {
      onUaError(`${name} policy: ${(err as Error).stack}`);
    }
  };
  const connectPhones = async () => {
    for (const [name, dev] of [['alice', aliceDev], ['bob', bobDev]] as const) {
      const ua = name === 'alice' ? alice : bob;
      if (ua.ws.readyState === WebSocket.OPEN) continue;
      counts.reconnects++;
      const next = await guardedUa(wsUrl, dev, name, stats, () => uaLast[name], onUaError);
      if (name === 'alice') alice = next; else bob = next;
    }
    for (const [name, ua] of [['alice', alice], ['bob', bob]] as const) {
      if (ua.listenerCount('invite') === 0) ua.on('invite', policy(ua, name));
      const reg = await withTimeout(ua.register(), 5000);
      if (reg?.status !== 200) throw new Error(`REGISTER ${name}: ${reg?.status ?? 'timeout'}`);
    }
  };
  await connectPhones();

  // --- Workers ---------------------------------------------------------------------------
  const rawWorker = async () => {
    const r = rng.fork(1);
    const flow = new RawFlow(wsUrl, 'raw', stats);
    while (running()) {
      const seed = r.pick(seeds);
      const m = r.chance(0.05) ? { bytes: Buffer.from(seed.text, 'latin1'), ops: ['as is'] } : mutateSip(seed.text, r, corpus.donors);
      try {
        await flow.send(m.bytes, [seed.name, ...m.ops], r.chance(0.5));
        counts.raw++;
      } catch {
        await sleep(50);
      }
      await sleep(r.int(4));
    }
    counts.reconnects += flow.reconnects;
    flow.close();
  };

  /** Authenticated REGISTERs (mutated around valid credentials) and requests on Dan's registered flow. */
  const registeredWorker = async () => {
    const r = rng.fork(2);
    const flow = new RawFlow(wsUrl, 'dan', stats);
    let nonce = '';
    let nonceAt = 0;
    let nc = 0;
    const realm = danDev.uri.split('@')[1] ?? 'demo';
    const register = (auth: string, extra: string[] = []) => [
      `REGISTER sip:${realm} SIP/2.0`, `Via: SIP/2.0/WS ${rand(4)}.invalid;branch=z9hG4bK${rand()}`, 'Max-Forwards: 70',
      `From: <${danDev.uri}>;tag=${rand(4)}`, `To: <${danDev.uri}>`, `Call-ID: reg-fuzz-${rand(4)}`, `CSeq: ${r.range(1, 9999)} REGISTER`,
      `Contact: <sip:1004-${rand(3)}@${rand(3)}.invalid;transport=ws>;+sip.instance="<urn:uuid:${crypto.randomUUID()}>";expires=${r.pick([0, 60, 600])}`,
      'Expires: 600', ...(auth ? [auth] : []), ...extra, 'Content-Length: 0', '', '',
    ].join('\r\n');
    while (running()) {
      try {
        await flow.ensure();
        if (!nonce || Date.now() - nonceAt > 120_000) {
          const answer = flow.next((t) => /^SIP\/2\.0 401/.test(t));
          await flow.send(Buffer.from(register('')), ['challenge'], false);
          const challenge = await answer;
          nonce = /nonce="([^"]+)"/.exec(challenge ?? '')?.[1] ?? '';
          nonceAt = Date.now();
          if (!nonce) { await sleep(100); continue; }
        }
        let text: string;
        let what: string;
        if (r.chance(0.6) || templates.length === 0) {
          text = register(digest(danDev, realm, nonce, 'REGISTER', `sip:${realm}`, ++nc, 'Authorization'));
          what = 'authenticated REGISTER';
        } else {
          // A request from a registered flow: trusted for Dan, so it reaches routing.
          const t = r.pick(templates.filter((x) => ['INVITE', 'MESSAGE', 'OPTIONS', 'REFER', 'INFO'].includes(x.method)));
          const target = r.pick(['sip:1001@demo', 'sip:1002@demo', 'sip:1004@demo', 'sip:1099@demo', 'sip:1003@demo', 'sip:demo']);
          const lines = [
            `${t.method} ${target} SIP/2.0`, `Via: SIP/2.0/WS ${rand(4)}.invalid;branch=z9hG4bK${rand()}`, 'Max-Forwards: 70',
            `From: <${danDev.uri}>;tag=${rand(4)}`, `To: <${target}>`, `Call-ID: ${rand(8)}`, `CSeq: 1 ${t.method}`, `Contact: <sip:1004@${rand(3)}.invalid;transport=ws>`,
            ...t.extra.map(([k, v]) => `${k}: ${v}`), ...(t.contentType ? [`Content-Type: ${t.contentType}`] : []), `Content-Length: ${Buffer.byteLength(t.body, 'latin1')}`, '', t.body,
          ];
          if (live && r.chance(0.3)) lines.splice(8, 0, `Replaces: ${live.out.replaces}`);
          text = lines.join('\r\n');
          what = `dan ${t.method} from ${t.name}`;
        }
        const m = mutateSip(text, r, corpus.donors, { keepStartLine: r.chance(0.7), maxOps: r.pick([1, 2, 3]) });
        await flow.send(m.bytes, [what, ...m.ops], r.chance(0.3));
        counts.registered++;
      } catch {
        await sleep(50);
      }
      await sleep(2 + r.int(6));
    }
    counts.reconnects += flow.reconnects;
    flow.close();
  };

  /** Live calls between Alice and Bob, with mutated in-dialog requests from both sides. */
  const dialogWorker = async () => {
    const r = rng.fork(3);
    while (running()) {
      try {
        await connectPhones();
        const incoming = new Promise<IncomingCall>((resolve) => { pendingSetup = resolve; });
        const out = alice.call('sip:1002@demo', [['X-Fuzz-Setup', '1']]);
        const inc = await withTimeout(incoming, 5000);
        pendingSetup = null;
        if (!inc) throw new Error('setup INVITE did not arrive');
        inc.ring();
        inc.answer();
        const final = await withTimeout(out.final, 5000);
        if (final?.status !== 200 || !out.dialog) throw new Error(`setup call: ${final?.status ?? 'timeout'}`);
        counts.calls++;
        live = { callId: out.dialog.callId, out: out.dialog, inc };
        const n = r.range(5, 30);
        for (let k = 0; k < n && running(); k++) {
          const fromAlice = r.chance(0.6);
          const dialog = fromAlice ? out.dialog : inc.dialog;
          const ua = fromAlice ? alice : bob;
          if (ua.ws.readyState !== WebSocket.OPEN) break;
          const t = r.pick(templates);
          const extra = [...t.extra];
          if (r.chance(0.2)) extra.push(['Replaces', (fromAlice ? inc.dialog : out.dialog).replaces]);
          if (t.method === 'REFER' && r.chance(0.5)) extra.push(['Refer-To', `<sip:1004@demo?Replaces=${encodeURIComponent(out.dialog.replaces)}>`]);
          const cseq = r.chance(0.8) ? ++dialog.localCSeq : r.pick([0, 1, dialog.localCSeq - 1, 2 ** 31, 2 ** 32 - 1]);
          const req: SipRequest = dialog.build(t.method, cseq, t.body, t.contentType, extra);
          if (t.method === 'INVITE' && r.chance(0.3)) {
            // An INVITE with Replaces outside the dialog: to the other party, naming this call.
            req.headers.set('To', `<sip:1002@demo>`);
            req.headers.set('Call-ID', rand(8));
            req.headers.delete('Route');
            req.uri = 'sip:1002@demo';
            req.headers.set('Replaces', inc.dialog.replaces);
          }
          const text = serialize(req).toString('latin1');
          const m = r.chance(0.1) ? { bytes: Buffer.from(text, 'latin1'), ops: ['valid'] } : mutateSip(text, r, corpus.donors, { keepStartLine: r.chance(0.5), maxOps: r.pick([1, 1, 2, 3]) });
          uaLast[fromAlice ? 'alice' : 'bob'] = { text: m.bytes.toString('latin1'), ops: [`${fromAlice ? 'alice' : 'bob'} in-dialog ${t.method} from ${t.name}`, ...m.ops] };
          ua.ws.send(m.bytes, { binary: r.chance(0.2) });
          counts.inDialog++;
          await sleep(5 + r.int(20));
        }
        live = null;
        if (alice.ws.readyState === WebSocket.OPEN) await withTimeout(out.dialog.bye(), 3000);
      } catch (err) {
        live = null;
        counts.setupFailures++;
        if (counts.setupFailures <= 3 || counts.setupFailures % 50 === 0) log(`call set-up failed (${counts.setupFailures}): ${(err as Error).message}`);
        await sleep(200);
      }
    }
  };

  const apiWorker = async (i: number) => {
    const r = rng.fork(10 + i);
    while (running()) {
      const req: ApiRequest = nextApiRequest(r, ctx);
      const sentAt = Date.now();
      let answer: HttpAnswer;
      try {
        answer = await httpRequest(base, agent, req.method, req.path, req.headers, req.body);
      } catch (err) {
        const e = err as Error & { timeout?: boolean; client?: boolean; code?: string };
        if (e.timeout) {
          api.timeouts++;
          log(`API request timed out: ${req.method} ${short(req.path, 120)}`);
        } else if (e.client || e.code === 'ERR_INVALID_CHAR' || e.code === 'ERR_UNESCAPED_CHARACTERS' || e.code === 'ERR_HTTP_INVALID_HEADER_VALUE') {
          api.clientErrors++;
        } else {
          // The server reset the connection (allowed, e.g. after a 413) or is gone (the probe tells).
          api.clientErrors++;
        }
        continue;
      }
      api.requests++;
      const cls = `${Math.floor(answer.status / 100)}xx`;
      api.byClass[cls] = (api.byClass[cls] ?? 0) + 1;
      api.byStatus[answer.status] = (api.byStatus[answer.status] ?? 0) + 1;
      if (answer.status >= 500) {
        api.fiveXXCount++;
        const key = `${req.route} ${answer.status}`;
        const seen = api.fiveXX.get(key);
        if (seen) seen.count++;
        else {
          await sleep(200);
          const logged = (child?.errors ?? []).filter((l) => l.at >= sentAt - 50).map((l) => short(l.text, 2000));
          api.fiveXX.set(key, {
            method: req.method, path: short(req.path, 300), status: answer.status, requestHeaders: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, k === 'authorization' ? `${v.slice(0, 16)}... (redacted)` : short(v, 200)])),
            requestBody: short(req.body === undefined ? '' : Buffer.isBuffer(req.body) ? `<${req.body.length} bytes>` : req.body, 500),
            responseBody: short(answer.body, 300), ops: req.ops, loggedErrors: logged.slice(0, 3), count: 1,
          });
          log(`API ${answer.status}: ${req.method} ${short(req.path, 120)} [${req.ops.join('; ')}]`);
        }
      }
      // Learn ids the platform hands out, so later requests name real resources.
      if (answer.status === 201 || answer.status === 202) {
        try {
          const b = JSON.parse(answer.body);
          const keep = (list: string[], id: unknown) => { if (typeof id === 'string') { list.push(id); if (list.length > 50) list.shift(); } };
          if (req.route === 'POST /contacts') keep(ctx.contactIds, b.id);
          if (req.route === 'POST /devices') keep(ctx.deviceIds, b.id);
          if (req.route === 'POST /recordings') keep(ctx.recordingIds, b.id);
          if (b.offer_id) keep(ctx.offerIds, b.offer_id);
        } catch { /* not JSON */ }
      }
    }
  };

  const probe = async () => {
    let failures = 0;
    while (running()) {
      await sleep(2000);
      sampleRss();
      try {
        const res = await httpRequest(base, agent, 'GET', '/api/v2/status', {}, undefined, 5000);
        failures = res.status === 200 ? 0 : failures + 1;
      } catch {
        failures++;
      }
      if (failures >= 3) setCrash('platform unreachable: /api/v2/status failed 3 times in a row');
    }
  };

  const progress = async () => {
    while (running()) {
      await sleep(Math.min(30_000, Math.max(5000, opts.durationMs / 10)));
      if (!running()) break;
      log(`${Math.round((Date.now() - t0) / 1000)} s: SIP ${counts.raw + counts.inDialog + counts.registered} frames (${counts.calls} calls), API ${api.requests} requests, 5xx ${api.fiveXXCount + stats.fiveXX.length}, error lines ${child?.errors.length ?? '?'}, RSS ${pid ? `${((rssKiB(pid) ?? 0) / 1024).toFixed(1)} MiB` : '?'}`);
    }
  };

  let startKiB: number | null = null;
  const warmup = (async () => {
    await sleep(Math.min(10_000, opts.durationMs * 0.1));
    startKiB = sampleRss();
  })();

  log(`seed ${opts.seed}, target ${opts.url ?? base + ' (child process)'}, ${seeds.length} seed messages (${corpus.rfc4475.length} RFC 4475, ${corpus.captured.length} captured), ${templates.length} in-dialog templates`);
  const n = opts.apiConcurrency ?? 2;
  await Promise.all([rawWorker(), registeredWorker(), dialogWorker(), ...Array.from({ length: n }, (_, i) => apiWorker(i)), probe(), progress(), warmup]);
  const durationS = (Date.now() - t0) / 1000;

  // --- After the storm: memory, then can it still serve a call? ------------------------------
  for (const ua of [alice, bob]) await withTimeout(ua.close(), 2000);
  await sleep(500);
  const endKiB = sampleRss();
  let servesCall = false;
  let servesDetail = '';
  if (!crash) {
    try {
      const a = await newDevice(base, agent, aliceToken, 'final check alice');
      const b = await newDevice(base, agent, bobToken, 'final check bob');
      const ua1 = new SipUa(wsUrl, { uri: a.uri, authorizationUser: a.user, password: a.password });
      const ua2 = new SipUa(wsUrl, { uri: b.uri, authorizationUser: b.user, password: b.password });
      await ua1.connect();
      await ua2.connect();
      const r1 = await withTimeout(ua1.register(), 5000);
      const r2 = await withTimeout(ua2.register(), 5000);
      if (r1?.status !== 200 || r2?.status !== 200) throw new Error(`REGISTER: ${r1?.status ?? 'timeout'} / ${r2?.status ?? 'timeout'}`);
      const incoming = ua2.nextInvite(5000);
      const call = ua1.call('sip:1002@demo');
      const inc = await incoming;
      inc.ring();
      inc.answer();
      const final = await withTimeout(call.final, 5000);
      if (final?.status !== 200) throw new Error(`INVITE: ${final?.status ?? 'timeout'}`);
      const bye = await withTimeout(call.dialog!.bye(), 5000);
      if (bye?.status !== 200) throw new Error(`BYE: ${bye?.status ?? 'timeout'}`);
      servesCall = true;
      servesDetail = 'REGISTER 200, 200; INVITE 200; BYE 200';
      await ua1.close();
      await ua2.close();
    } catch (err) {
      servesDetail = (err as Error).message;
    }
  } else {
    servesDetail = 'not tried: the platform crashed';
  }
  agent.destroy();
  process.off('uncaughtException', onUncaught);

  const errorLines: LogLine[] = child?.errors ?? [];
  const errorLog = dedupErrors(errorLines);
  for (const e of fuzzerErrors) errorLog.push(`(fuzzer side) ${short(e, 1000)}`);
  const crashDetail = crash ? `${crash}${child ? `\n${child.tail.slice(-30).join('\n')}` : ''}` : null;
  stopping = true;
  if (child) await child.stop();

  const growthKiB = startKiB !== null && endKiB !== null ? endKiB - startKiB : null;
  const fifth = durationS / 5;
  const low = (from: number, to: number) => {
    const xs = rssSeries.filter(([t]) => t >= from && t <= to).map(([, v]) => v);
    return xs.length ? Math.min(...xs) : null;
  };
  const samples: Array<[number, number]> = [];
  for (const [t, v] of rssSeries) if (!samples.length || t - samples[samples.length - 1]![0] >= 30) samples.push([Math.round(t), v]);
  const report: FuzzReport = {
    seed: opts.seed,
    target: opts.url ?? 'child process',
    durationS: Math.round(durationS * 10) / 10,
    sip: {
      framesSent: counts.raw + counts.inDialog + counts.registered,
      rawFrames: counts.raw,
      inDialogFrames: counts.inDialog,
      registeredFlowFrames: counts.registered,
      responses: stats.responses,
      expected5xx: stats.expected5xx,
      callsSetUp: counts.calls,
      callSetupFailures: counts.setupFailures,
      reconnects: counts.reconnects,
      closeCodes: Object.fromEntries([...stats.closes].map(([k, v]) => [String(k), v])),
      fiveXXCount: stats.fiveXX.length,
      fiveXX: dedupSip(stats.fiveXX).slice(0, 10),
    },
    api: {
      requests: api.requests, byClass: api.byClass, byStatus: api.byStatus, clientErrors: api.clientErrors, timeouts: api.timeouts,
      fiveXXCount: api.fiveXXCount, fiveXX: [...api.fiveXX.values()].slice(0, 10),
    },
    crashes: crash ? 1 : 0,
    crash: crashDetail,
    errorLogLines: errorLines.length + fuzzerErrors.length,
    errorLog: errorLog.slice(0, 10),
    rss: {
      startKiB, endKiB, peakKiB, growthKiB,
      growthPct: growthKiB !== null && startKiB ? Math.round((growthKiB / startKiB) * 1000) / 10 : null,
      lowFirstKiB: low(Math.min(10, fifth / 2), Math.max(fifth, 6)), lowLastKiB: low(durationS - fifth, durationS + 60),
      samples,
    },
    errorLogWatched: child !== null,
    servesCall,
    servesDetail,
    ok: false,
  };
  report.ok = report.crashes === 0 && report.api.fiveXXCount === 0 && report.sip.fiveXXCount === 0 && report.errorLogLines === 0 && report.servesCall;
  return report;
}

function dedupSip(list: SipFinding[]): SipFinding[] {
  const seen = new Set<string>();
  return list.filter((f) => {
    const key = `${f.status} ${f.flow} ${f.ops[0] ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Error lines grouped by message and first stack frame, each with its count. */
function dedupErrors(lines: LogLine[]): string[] {
  const groups = new Map<string, { text: string; n: number }>();
  for (const l of lines) {
    const err = typeof l.json?.error === 'string' ? l.json.error : '';
    const key = l.json ? `${l.json.msg} ${err.split('\n').slice(0, 2).join(' ')}` : l.text.slice(0, 120);
    const g = groups.get(key);
    if (g) g.n++;
    else groups.set(key, { text: short(l.text, 2000), n: 1 });
  }
  return [...groups.values()].map((g) => `${g.n} x ${g.text}`);
}

export function formatReport(r: FuzzReport): string {
  const mib = (k: number | null) => (k === null ? 'n/a' : `${(k / 1024).toFixed(1)} MiB`);
  const rows: Array<[string, string]> = [
    ['seed', String(r.seed)],
    ['target', r.target],
    ['duration', `${r.durationS} s`],
    ['SIP frames sent', `${r.sip.framesSent} (raw ${r.sip.rawFrames}, in-dialog ${r.sip.inDialogFrames}, registered flows ${r.sip.registeredFlowFrames})`],
    ['SIP responses received', String(r.sip.responses)],
    ['calls set up / failed', `${r.sip.callsSetUp} / ${r.sip.callSetupFailures}`],
    ['SIP reconnects', String(r.sip.reconnects)],
    ['SIP 5xx answers', `${r.sip.fiveXXCount} (besides ${r.sip.expected5xx} of 501/505/513, right for those inputs)`],
    ['API requests', `${r.api.requests} (${Object.entries(r.api.byClass).sort().map(([k, v]) => `${k} ${v}`).join(', ')}; ${r.api.clientErrors} refused by the client or reset)`],
    ['API 5xx answers', String(r.api.fiveXXCount)],
    ['API timeouts', String(r.api.timeouts)],
    ['crashes', `${r.crashes}${r.crash ? ` (${r.crash.split('\n')[0]})` : ''}`],
    ['error log lines', r.errorLogWatched ? String(r.errorLogLines) : `n/a (not our child; ${r.errorLogLines} on the fuzzer side)`],
    ['RSS start / end / peak', `${mib(r.rss.startKiB)} / ${mib(r.rss.endKiB)} / ${mib(r.rss.peakKiB)}`],
    ['RSS growth', r.rss.growthKiB === null ? 'n/a' : `${r.rss.growthKiB >= 0 ? '+' : ''}${mib(r.rss.growthKiB)} (${r.rss.growthPct}%)`],
    ['RSS low, first / last fifth', `${mib(r.rss.lowFirstKiB)} / ${mib(r.rss.lowLastKiB)}`],
    ['still serves a call', `${r.servesCall ? 'yes' : 'NO'} (${r.servesDetail})`],
    ['result', r.ok ? 'OK' : 'FINDINGS'],
  ];
  const w = Math.max(...rows.map(([k]) => k.length));
  const out = ['', 'Fuzz report', ...rows.map(([k, v]) => `  ${k.padEnd(w)}  ${v}`)];
  if (r.api.fiveXX.length) {
    out.push('', 'API 5xx (first of each route and status):');
    for (const f of r.api.fiveXX) {
      out.push(`  ${f.status} x${f.count}  ${f.method} ${f.path}`, `    mutations: ${f.ops.join('; ')}`, `    headers: ${JSON.stringify(f.requestHeaders)}`, `    body: ${f.requestBody}`, `    answer: ${f.responseBody}`);
      for (const l of f.loggedErrors) out.push(`    logged: ${l}`);
    }
  }
  if (r.sip.fiveXX.length) {
    out.push('', 'SIP 5xx:');
    for (const f of r.sip.fiveXX) out.push(`  ${f.response} on ${f.flow}`, `    after: ${f.ops.join('; ')}`, `    frame: ${JSON.stringify(f.lastSent)}`);
  }
  if (r.errorLog.length) out.push('', 'Error log (grouped):', ...r.errorLog.map((l) => `  ${l}`));
  if (r.crash) out.push('', 'Crash:', r.crash);
  return out.join('\n');
}
