/**
 * Platform load: registrations per second, call set-ups per second (INVITE -> 200 -> ACK -> BYE
 * -> 200) and resident memory per 1,000 registered WebSocket clients. The platform runs as its
 * own process (as `npm start` runs it); this process is the load generator, speaking SIP over
 * WebSocket on loopback. Figures are printed, never judged: compare runs on the same machine.
 *
 *   npm run bench                 full run
 *   npm run bench -- --quick      fewer clients and calls
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { computeHa1 } from '../server/sip/digest.js';
import { openSqliteStore } from '../server/store/sqlite.js';
import { SipUa } from '../test/support/sip-ua.js';

const DOMAIN = 'bench.example';
const PASSWORD = 'bench-secret';

export interface LoadOptions {
  clients: number;
  calls: number;
  concurrency: number;
}

export interface LoadFigures {
  clients: number;
  registrationsPerS: number;
  registerMedianMs: number;
  callsPerS: number;
  callSetupMedianMs: number;
  callSetupP95Ms: number;
  rssIdleMiB: number;
  rssRegisteredMiB: number;
  rssPer1000ClientsMiB: number;
}

const root = path.resolve(import.meta.dirname, '..');

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Users bench0000..benchNNNN, each with one device whose SIP password is PASSWORD. */
async function provision(dataDir: string, users: number): Promise<void> {
  const store = openSqliteStore(dataDir);
  const now = Date.now();
  await store.domains.create({ name: DOMAIN, description: 'benchmark', createdAt: now });
  for (let i = 0; i < users; i++) {
    const ext = `b${String(i).padStart(5, '0')}`;
    // Nobody logs in to the portal here, so no scrypt hash is needed.
    await store.users.create({ domain: DOMAIN, extension: ext, firstName: 'Bench', lastName: ext, email: '', role: 'user', passwordHash: 'none', mfaSecret: null, createdAt: now });
    await store.devices.create({ id: `dev-${ext}`, domain: DOMAIN, extension: ext, label: 'bench', sipUsername: ext, ha1: computeHa1(ext, DOMAIN, PASSWORD), createdAt: now, lastSeenAt: null });
  }
  store.close();
}

async function startServer(dataDir: string, port: number): Promise<ChildProcess> {
  // BENCH_CPU_PROF=dir writes a V8 CPU profile of the platform, to find where the time goes.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(root, 'server', 'main.ts')], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', SWITCHBOARD_DATA: dataDir, SWITCHBOARD_SEED_DEMO: '0', LOG_LEVEL: 'error' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('running at')) resolve(); });
    child.once('exit', (code) => reject(new Error(`platform exited with ${code}`)));
  });
  return child;
}

function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};

/** Runs `tasks` with at most `limit` in flight. */
async function pool<T>(count: number, limit: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, count) }, async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  }));
  return results;
}

export async function runSipLoad(opts: LoadOptions): Promise<LoadFigures> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-'));
  await provision(dataDir, opts.clients);
  const port = await freePort();
  const server = await startServer(dataDir, port);
  const uas: SipUa[] = [];
  try {
    await new Promise((r) => setTimeout(r, 500));
    const rssIdle = rssMiB(server.pid!);
    const wsUrl = `ws://127.0.0.1:${port}/sip`;

    // Registrations: connect every client, then REGISTER them (challenge + credentials).
    for (let i = 0; i < opts.clients; i++) {
      const ext = `b${String(i).padStart(5, '0')}`;
      uas.push(new SipUa(wsUrl, { uri: `sip:${ext}@${DOMAIN}`, authorizationUser: ext, password: PASSWORD }));
    }
    await pool(uas.length, 100, (i) => uas[i]!.connect());
    const regStart = performance.now();
    const regTimes = await pool(uas.length, opts.concurrency, async (i) => {
      const t0 = performance.now();
      const res = await uas[i]!.register(3600);
      if (res.status !== 200) throw new Error(`REGISTER ${i}: ${res.status}`);
      return performance.now() - t0;
    });
    const regElapsed = (performance.now() - regStart) / 1000;
    await new Promise((r) => setTimeout(r, 500));
    const rssRegistered = rssMiB(server.pid!);

    // Calls: caller i calls callee i+half; the callee answers at once; the caller hangs up.
    const half = Math.floor(uas.length / 2);
    for (const ua of uas.slice(half)) ua.on('invite', (inv) => inv.answer());
    const callStart = performance.now();
    const setupTimes = await pool(opts.calls, opts.concurrency, async (i) => {
      const caller = uas[i % half]!;
      const callee = uas[half + (i % half)]!;
      const t0 = performance.now();
      const call = caller.call(callee.aor);
      const res = await call.final;
      if (res.status !== 200) throw new Error(`INVITE ${i}: ${res.status}`);
      const setup = performance.now() - t0;
      const bye = await call.dialog!.bye();
      if (bye.status !== 200) throw new Error(`BYE ${i}: ${bye.status}`);
      return setup;
    });
    const callElapsed = (performance.now() - callStart) / 1000;

    return {
      clients: opts.clients,
      registrationsPerS: opts.clients / regElapsed,
      registerMedianMs: quantile(regTimes, 0.5),
      callsPerS: opts.calls / callElapsed,
      callSetupMedianMs: quantile(setupTimes, 0.5),
      callSetupP95Ms: quantile(setupTimes, 0.95),
      rssIdleMiB: rssIdle,
      rssRegisteredMiB: rssRegistered,
      rssPer1000ClientsMiB: ((rssRegistered - rssIdle) / opts.clients) * 1000,
    };
  } finally {
    await Promise.all(uas.map((u) => u.close().catch(() => undefined)));
    server.kill('SIGTERM');
    await new Promise((r) => server.once('exit', r));
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
