/**
 * Platform load: registrations per second, call set-ups per second (INVITE -> 200 -> ACK -> BYE
 * -> 200) and resident memory per 1,000 registered WebSocket clients, for any SIP-over-WebSocket
 * server (a LoadTarget): our platform, started here as its own process as `npm start` runs it,
 * or Kamailio (kamailio.ts). The clients live in separate generator processes (load-worker.ts)
 * so the generator is not the bottleneck being measured. Figures are printed, never judged.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { hashPassword } from '../server/auth/passwords.js';
import { computeHa1 } from '../server/sip/digest.js';
import { openSqliteStore } from '../server/store/sqlite.js';
import { openPostgresStore } from '../server/store/postgres.js';
import { databaseUrlFor, dropDatabaseFor } from '../test/support/test-db.js';
import { SipUa, type IncomingCall } from '../test/support/sip-ua.js';

export const BENCH_DOMAIN = 'bench.example';
export const BENCH_PASSWORD = 'bench-secret';
export const benchUser = (i: number) => `b${String(i).padStart(5, '0')}`;

/** Where the load goes and which processes are the server (their memory and CPU are figures). */
export interface LoadTarget {
  wsUrl: string;
  domain: string;
  password: string;
  pids(): number[];
}

export interface LoadOptions {
  clients: number;
  calls: number;
  /** Requests in flight per generator process. */
  concurrency: number;
  /** Generator processes (default 2: this machine has 2 cores; more would only share them). */
  workers?: number;
  /** At least this many re-REGISTERs (whole rounds over all clients) after registration; default 3,000. */
  minReregistrations?: number;
}

export interface LoadFigures {
  clients: number;
  calls: number;
  registrationsPerS: number;
  registerMedianMs: number;
  registerP95Ms: number;
  callsPerS: number;
  callSetupMedianMs: number;
  callSetupP95Ms: number;
  /** Resident set of the server processes, summed (for several processes shared pages count once per process). */
  rssIdleMiB: number;
  rssRegisteredMiB: number;
  rssPer1000ClientsMiB: number;
  /** Proportional set: shared pages divided among the processes sharing them, so sums are honest. */
  pssIdleMiB: number;
  pssRegisteredMiB: number;
  pssPer1000ClientsMiB: number;
  /** REGISTERs and calls that failed or timed out (their times are not in the figures). */
  failures: number;
  firstError?: string;
  /**
   * Share of one core used during each phase (100 = one core busy): by the server, by the
   * generator processes, and by everything else on the machine (noise from other work, and the
   * kernel's loopback networking, which no process is charged for), plus time stolen by the host.
   */
  cpu: { register: PhaseCpu; reregister: PhaseCpu; calls: PhaseCpu };
  /** Refreshes of existing bindings (each client registers again, several rounds), per second. */
  reregistrationsPerS: number;
  reregisterMedianMs: number;
  reregistrations: number;
}

/** Generator protocol (parent -> load-worker.ts); users are plain user names of `domain`. */
export type WorkerCommand =
  | { type: 'connect'; wsUrl: string; domain: string; password: string; users: string[]; concurrency: number }
  /** Every client registers `rounds` times (default once), one after another. */
  | { type: 'register'; concurrency: number; rounds?: number }
  /** [index of the local caller, callee AOR] */
  | { type: 'calls'; calls: Array<[number, string]>; concurrency: number }
  | { type: 'close' };

export interface PhaseReport {
  /** Epoch ms, so spans from several processes can be combined. */
  startedAt: number;
  finishedAt: number;
  samples: number[];
  failures: number;
  firstError?: string;
  cpuMs: number;
}

export interface PhaseCpu {
  /**
   * Server CPU time (user + system, all its processes) per completed operation, ms: per
   * REGISTER (challenge and authenticated retry, i.e. two requests) or per call (INVITE, 200,
   * ACK, BYE, 200). Unlike a rate, it does not depend on how hard the generators pushed.
   */
  serverMsPerOp: number;
  serverPct: number;
  generatorPct: number;
  otherPct: number;
  stealPct: number;
}

export type WorkerReply = { id: number; report: PhaseReport | null } | { id: number; error: string };

const root = path.resolve(import.meta.dirname, '..');

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * `bash -c 'ulimit -n ...; exec cmd'`: every client is a socket in the server and in a generator,
 * so 5,000 clients need more descriptors than a default soft limit of 1,024. As root the hard
 * limit can be raised too; otherwise the soft limit goes up to the hard one.
 */
export function fdLimitArgs(cmd: string, args: string[]): [string, string[]] {
  return ['bash', ['-c', 'ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"', 'bench', cmd, ...args]];
}

/** Memory of a set of processes, MiB: VmRSS from status, Pss from smaps_rollup. */
export function memoryMiB(pids: number[]): { rss: number; pss: number } {
  let rss = 0;
  let pss = 0;
  for (const pid of pids) {
    try {
      rss += Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      pss += Number(/Pss:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'))?.[1] ?? 0);
    } catch {
      // A process that has just exited has no memory left to count.
    }
  }
  return { rss: rss / 1024, pss: pss / 1024 };
}

let clockTicks = 0;
/** CPU seconds (user + system) used so far by a set of processes, from /proc/<pid>/stat. */
export function cpuSeconds(pids: number[]): number {
  clockTicks ||= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  let ticks = 0;
  for (const pid of pids) {
    try {
      // Fields after the parenthesised name; utime and stime are fields 14 and 15.
      const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      // Exited: nothing more to count.
    }
  }
  return ticks / clockTicks;
}

/**
 * CPU seconds used so far by a set of processes, to the nanosecond: the sum over their threads of
 * the time on CPU in /proc/<pid>/task/<tid>/schedstat. /proc/<pid>/stat counts in 10 ms ticks,
 * rounded per process: with Kamailio's dozen processes a phase of a few hundred ms of CPU would be
 * off by tens of percent. Falls back to cpuSeconds() where schedstat is missing. For differences
 * over a phase only: a thread that exits takes its time with it (the platform's threads live as
 * long as it does, and Kamailio's processes are single-threaded).
 */
export function cpuSecondsPrecise(pids: number[]): number {
  let ns = 0;
  for (const pid of pids) {
    let tasks: string[];
    try {
      tasks = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // Exited.
    }
    for (const tid of tasks) {
      try {
        ns += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT' && fs.existsSync(`/proc/${pid}/task/${tid}`)) return cpuSeconds(pids);
      }
    }
  }
  return ns / 1e9;
}

/** Busy and stolen CPU seconds of the whole machine so far, from /proc/stat. */
export function machineCpuSeconds(): { busy: number; steal: number } {
  clockTicks ||= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  // cpu user nice system idle iowait irq softirq steal ...
  const [user, nice, system, , , irq, softirq, steal] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return { busy: (user! + nice! + system! + irq! + softirq!) / clockTicks, steal: steal! / clockTicks };
}

export const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? 0;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A generator process and a request/reply channel to it. */
class Worker {
  private readonly child: ChildProcess;
  private readonly waiting = new Map<number, { resolve(r: PhaseReport | null): void; reject(e: Error): void }>();
  private nextId = 0;

  constructor() {
    const [cmd, args] = fdLimitArgs(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'load-worker.ts')]);
    // fork() cannot go through bash; spawn with an 'ipc' stdio slot gives the same channel.
    this.child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (reply: WorkerReply) => {
      const w = this.waiting.get(reply.id);
      this.waiting.delete(reply.id);
      if ('error' in reply) w?.reject(new Error(`load worker: ${reply.error}`));
      else w?.resolve(reply.report);
    });
    this.child.once('exit', (code) => {
      for (const w of this.waiting.values()) w.reject(new Error(`load worker exited with ${code}`));
      this.waiting.clear();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  run(cmd: WorkerCommand): Promise<PhaseReport | null> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.waiting.set(id, { resolve, reject });
      this.child.send({ id, cmd });
    });
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    await this.run({ type: 'close' }).catch(() => this.child.kill());
    await exited;
  }
}

interface PhaseResult {
  perS: number;
  samples: number[];
  failures: number;
  firstError?: string;
  cpu: PhaseCpu;
}

/** Runs one command on every worker at once; rates use the span from the first start to the last finish. */
async function runPhase(workers: Worker[], target: LoadTarget, cmdFor: (w: number) => WorkerCommand): Promise<PhaseResult> {
  const pids = target.pids();
  const cpu0 = cpuSecondsPrecise(pids);
  const machine0 = machineCpuSeconds();
  const t0 = performance.now();
  const reports = (await Promise.all(workers.map((w, i) => w.run(cmdFor(i))))) as PhaseReport[];
  const wallS = (performance.now() - t0) / 1000;
  const serverS = cpuSecondsPrecise(pids) - cpu0;
  const machine1 = machineCpuSeconds();
  const generatorS = reports.reduce((n, r) => n + r.cpuMs, 0) / 1000;
  const pct = (s: number) => (s / wallS) * 100;
  const spanS = (Math.max(...reports.map((r) => r.finishedAt)) - Math.min(...reports.map((r) => r.startedAt))) / 1000;
  const samples = reports.flatMap((r) => r.samples);
  return {
    perS: samples.length / spanS,
    samples,
    failures: reports.reduce((n, r) => n + r.failures, 0),
    firstError: reports.find((r) => r.firstError)?.firstError,
    cpu: {
      serverMsPerOp: samples.length > 0 ? (serverS * 1000) / samples.length : 0,
      serverPct: pct(serverS),
      generatorPct: pct(generatorS),
      otherPct: pct(Math.max(0, machine1.busy - machine0.busy - serverS - generatorS)),
      stealPct: pct(machine1.steal - machine0.steal),
    },
  };
}

/**
 * Connects `clients` WebSocket clients (users benchUser(0..)) spread over the generator
 * processes, registers them all, then runs `calls` calls: caller i (first half) calls
 * callee i (second half) and hangs up as soon as the call is answered.
 */
export async function driveLoad(target: LoadTarget, opts: LoadOptions): Promise<LoadFigures> {
  const n = opts.workers ?? 2;
  const workers = Array.from({ length: n }, () => new Worker());
  // Client i lives in worker i % n at index floor(i / n).
  const usersOf = (w: number) => Array.from({ length: opts.clients }, (_, i) => i).filter((i) => i % n === w).map(benchUser);
  try {
    await sleep(500);
    const idle = memoryMiB(target.pids());
    const connect = await runPhase(workers, target, (w) => ({ type: 'connect', wsUrl: target.wsUrl, domain: target.domain, password: target.password, users: usersOf(w), concurrency: 50 }));
    if (connect.failures > 0) throw new Error(`${connect.failures} clients could not connect: ${connect.firstError}`);
    const reg = await runPhase(workers, target, () => ({ type: 'register', concurrency: opts.concurrency }));
    await sleep(500);
    const registered = memoryMiB(target.pids());
    // Refreshes, enough of them that CPU time per REGISTER is well measured even at 100 clients.
    const rounds = Math.max(1, Math.ceil((opts.minReregistrations ?? 3000) / opts.clients));
    const rereg = await runPhase(workers, target, () => ({ type: 'register', concurrency: opts.concurrency, rounds }));

    const half = Math.floor(opts.clients / 2);
    const calls: Array<Array<[number, string]>> = workers.map(() => []);
    for (let k = 0; k < opts.calls; k++) {
      const caller = k % half;
      const callee = half + (k % (opts.clients - half));
      calls[caller % n]!.push([Math.floor(caller / n), `sip:${benchUser(callee)}@${target.domain}`]);
    }
    const call = await runPhase(workers, target, (w) => ({ type: 'calls', calls: calls[w]!, concurrency: opts.concurrency }));

    return {
      clients: opts.clients,
      calls: opts.calls,
      registrationsPerS: reg.perS,
      registerMedianMs: quantile(reg.samples, 0.5),
      registerP95Ms: quantile(reg.samples, 0.95),
      callsPerS: call.perS,
      callSetupMedianMs: quantile(call.samples, 0.5),
      callSetupP95Ms: quantile(call.samples, 0.95),
      rssIdleMiB: idle.rss,
      rssRegisteredMiB: registered.rss,
      rssPer1000ClientsMiB: ((registered.rss - idle.rss) / opts.clients) * 1000,
      pssIdleMiB: idle.pss,
      pssRegisteredMiB: registered.pss,
      pssPer1000ClientsMiB: ((registered.pss - idle.pss) / opts.clients) * 1000,
      reregistrationsPerS: rereg.perS,
      reregisterMedianMs: quantile(rereg.samples, 0.5),
      reregistrations: rereg.samples.length,
      failures: reg.failures + rereg.failures + call.failures,
      firstError: reg.firstError ?? rereg.firstError ?? call.firstError,
      cpu: { register: reg.cpu, reregister: rereg.cpu, calls: call.cpu },
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
}

/**
 * By hand, before any load: two clients register, one calls the other, the callee rings and
 * answers, the caller ACKs and hangs up. Throws naming the step that went wrong.
 */
export async function checkTarget(target: LoadTarget): Promise<void> {
  const [a, b] = [0, 1].map((i) => new SipUa(target.wsUrl, { uri: `sip:${benchUser(i)}@${target.domain}`, authorizationUser: benchUser(i), password: target.password }));
  try {
    for (const ua of [a!, b!]) {
      await ua.connect();
      const res = await ua.register(600);
      if (res.status !== 200) throw new Error(`REGISTER ${ua.aor}: ${res.status} ${res.reason}`);
    }
    b!.once('invite', (inv: IncomingCall) => {
      inv.ring();
      setTimeout(() => inv.answer(), 20);
    });
    const acked = b!.nextRequest('ACK', 5000).then(() => true, () => false);
    const call = a!.call(b!.aor);
    const answered = await Promise.race([call.final, sleep(5000).then(() => null)]);
    if (!answered) throw new Error('INVITE: no final response in 5 s');
    if (answered.status !== 200) throw new Error(`INVITE: ${answered.status} ${answered.reason}`);
    if (!call.responses.some((r) => r.status === 180)) throw new Error('INVITE: the caller saw no 180 Ringing');
    if (!(await acked)) throw new Error('ACK did not reach the callee');
    const bye = await call.dialog!.bye();
    if (bye.status !== 200) throw new Error(`BYE: ${bye.status} ${bye.reason}`);
  } finally {
    await Promise.all([a!, b!].map((ua) => ua.close().catch(() => undefined)));
  }
}

/**
 * Users benchUser(0..users-1) of BENCH_DOMAIN, each with one device whose SIP password is
 * BENCH_PASSWORD; those in `portalUsers` can also log in to the REST API with BENCH_PASSWORD.
 */
/**
 * BENCH_DATABASE_URL=postgres://... runs the platform on PostgreSQL: each started platform gets a
 * schema of its own on that server, dropped when it stops. Unset: SQLite in its data directory.
 */
const BENCH_PG = process.env.BENCH_DATABASE_URL || undefined;

async function provision(dataDir: string, users: number, portalUsers: number[] = []): Promise<void> {
  const store = BENCH_PG ? await openPostgresStore(await databaseUrlFor(BENCH_PG, dataDir)) : openSqliteStore(dataDir);
  const now = Date.now();
  await store.domains.create({ name: BENCH_DOMAIN, description: 'benchmark', createdAt: now });
  for (let i = 0; i < users; i++) {
    const ext = benchUser(i);
    // Only portal users log in, so only they need an scrypt hash.
    const passwordHash = portalUsers.includes(i) ? await hashPassword(BENCH_PASSWORD) : 'none';
    await store.users.create({ domain: BENCH_DOMAIN, extension: ext, firstName: 'Bench', lastName: ext, email: '', role: 'user', passwordHash, mfaSecret: null, ringNoAnswerTimeoutS: 25, createdAt: now });
    await store.devices.create({ id: `dev-${ext}`, domain: BENCH_DOMAIN, extension: ext, label: 'bench', sipUsername: ext, ha1: computeHa1(ext, BENCH_DOMAIN, BENCH_PASSWORD), createdAt: now, lastSeenAt: null, loginFamily: null });
  }
  await store.close();
}

export interface RunningServer extends LoadTarget {
  stop(): Promise<void>;
}

export interface PlatformProcess extends RunningServer {
  /** http://127.0.0.1:<port> for the REST API. */
  url: string;
  dataDir: string;
}

/**
 * Our platform with `users` provisioned users, in its own process on a free loopback port;
 * `env` adds to (or overrides) its environment, `portalUsers` are users who can log in.
 */
export async function startPlatform(users: number, opts: { env?: Record<string, string>; portalUsers?: number[] } = {}): Promise<PlatformProcess> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-'));
  await provision(dataDir, users, opts.portalUsers);
  const database = BENCH_PG ? { DATABASE_URL: await databaseUrlFor(BENCH_PG, dataDir) } : {};
  const port = await freePort();
  // BENCH_CPU_PROF=dir writes a V8 CPU profile of the platform, to find where the time goes.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const [cmd, args] = fdLimitArgs(process.execPath, [...profile, '--import', 'tsx', path.join(root, 'server', 'main.ts')]);
  const child = spawn(cmd, args, {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', SWITCHBOARD_DATA: dataDir, SWITCHBOARD_SEED_DEMO: '0', LOG_LEVEL: 'error',
      // The load generators all connect from 127.0.0.1.
      SIP_MAX_CONNECTIONS_PER_ADDRESS: '1000000', SIP_MAX_CONNECTIONS: '1000000', ...database, ...opts.env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => { if (d.toString().includes('running at')) resolve(); });
    child.once('exit', (code) => reject(new Error(`platform exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    dataDir,
    wsUrl: `ws://127.0.0.1:${port}/sip`,
    domain: BENCH_DOMAIN,
    password: BENCH_PASSWORD,
    // bash exec'd node, so the pid is the platform's own.
    pids: () => [child.pid!],
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      if (BENCH_PG) await dropDatabaseFor(BENCH_PG, dataDir);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Our platform under `opts` load, started and stopped for this one measurement. */
export async function runSipLoad(opts: LoadOptions): Promise<LoadFigures> {
  const server = await startPlatform(opts.clients);
  try {
    return await driveLoad(server, opts);
  } finally {
    await server.stop();
  }
}
