/**
 * The platform half of `npm run bench`: our platform and Kamailio under the same load from the
 * same generator processes, in the same run, at each client count, so every figure is also a
 * ratio to a proven C SIP server. Sizes alternate between the two servers so that noise from
 * other work on a shared machine falls on both alike.
 */
import { ensureKamailio, startKamailio } from './kamailio.js';
import { checkTarget, driveLoad, quantile, startPlatform, type LoadFigures, type LoadOptions, type RunningServer } from './sip-load.js';

/** The median of each figure over several runs, with the range of the headline ones. */
export interface MedianFigures extends LoadFigures {
  runs: number;
  spread: Record<SpreadKey, [min: number, max: number]>;
}

type SpreadKey = 'registrationsPerS' | 'registerMedianMs' | 'callsPerS' | 'callSetupMedianMs' | 'callSetupP95Ms' | 'rssPer1000ClientsMiB' | 'pssPer1000ClientsMiB' | 'cpuMsPerRegister' | 'cpuMsPerReregister' | 'cpuMsPerCall';
const SPREAD_KEYS: SpreadKey[] = ['registrationsPerS', 'registerMedianMs', 'callsPerS', 'callSetupMedianMs', 'callSetupP95Ms', 'rssPer1000ClientsMiB', 'pssPer1000ClientsMiB', 'cpuMsPerRegister', 'cpuMsPerReregister', 'cpuMsPerCall'];
/** Values of the spread keys that are not top-level figures. */
const spreadValue = (r: LoadFigures, k: SpreadKey): number =>
  k === 'cpuMsPerRegister' ? r.cpu.register.serverMsPerOp
    : k === 'cpuMsPerReregister' ? r.cpu.reregister.serverMsPerOp
      : k === 'cpuMsPerCall' ? r.cpu.calls.serverMsPerOp
        : r[k];

export interface PlatformBench {
  ours: MedianFigures[];
  kamailio: { available: boolean; reason?: string; version?: string; rows: MedianFigures[] };
  generatorProcesses: number;
  notes: string[];
}

/** This machine has 2 cores: two generator processes can use both while the server runs. */
const GENERATOR_PROCESSES = 2;
/** Requests in flight per generator process. */
const CONCURRENCY = 20;
/**
 * Runs per client count in a full run, as a shared machine is noisy: 3 up to 1,000 clients, one
 * at 5,000 (a minute per server) to stay within a few minutes; one of each in quick mode.
 */
const runsFor = (clients: number, quick: boolean) => (quick || clients >= 5000 ? 1 : 3);

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

async function measure(name: string, start: () => Promise<RunningServer>, opts: LoadOptions, check: boolean): Promise<LoadFigures> {
  const t0 = performance.now();
  const server = await start();
  try {
    // By hand first: a server that cannot complete one call would give meaningless figures.
    if (check) await checkTarget(server);
    return await driveLoad(server, opts);
  } finally {
    await server.stop();
    log(`${name}: ${opts.clients} clients, ${opts.calls} calls (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
  }
}

export async function runPlatformBench(opts: { quick: boolean }): Promise<PlatformBench> {
  const sizes = opts.quick ? [100, 1000] : [100, 1000, 5000];
  // Enough calls in quick mode too for CPU time per call to rise well above the 10 ms clock tick.
  const calls = opts.quick ? 500 : 2000;
  const status = ensureKamailio();
  const kamailio: PlatformBench['kamailio'] = status.available ? { available: true, version: status.version, rows: [] } : { available: false, reason: status.reason, rows: [] };
  const ours: MedianFigures[] = [];
  for (const [i, clients] of sizes.entries()) {
    const load = { clients, calls, concurrency: CONCURRENCY, workers: GENERATOR_PROCESSES };
    const oursRuns: LoadFigures[] = [];
    const theirRuns: LoadFigures[] = [];
    for (let run = 0; run < runsFor(clients, opts.quick); run++) {
      const first = i === 0 && run === 0;
      oursRuns.push(await measure('switchboard', () => startPlatform(clients), load, first));
      if (!kamailio.available) continue;
      try {
        theirRuns.push(await measure(kamailio.version!, startKamailio, load, first));
      } catch (err) {
        Object.assign(kamailio, { available: false, reason: `failed at ${clients} clients: ${(err as Error).message.split('\n')[0]}`, rows: [] });
      }
    }
    ours.push(medianOf(oursRuns));
    if (kamailio.available) kamailio.rows.push(medianOf(theirRuns));
  }
  return { ours, kamailio, generatorProcesses: GENERATOR_PROCESSES, notes: notes(ours, kamailio, calls) };
}

const median = (xs: number[]) => quantile(xs, 0.5);

/** Each figure's median over the runs (failures summed): robust to one run disturbed by other work. */
function medianOf(runs: LoadFigures[]): MedianFigures {
  const first = runs[0]!;
  const numeric = Object.fromEntries(
    (Object.keys(first) as Array<keyof LoadFigures>).filter((k) => typeof first[k] === 'number').map((k) => [k, median(runs.map((r) => r[k] as number))]),
  ) as unknown as LoadFigures;
  const cpu = (phase: 'register' | 'reregister' | 'calls') => ({
    serverMsPerOp: median(runs.map((r) => r.cpu[phase].serverMsPerOp)),
    serverPct: median(runs.map((r) => r.cpu[phase].serverPct)),
    generatorPct: median(runs.map((r) => r.cpu[phase].generatorPct)),
    otherPct: median(runs.map((r) => r.cpu[phase].otherPct)),
    stealPct: median(runs.map((r) => r.cpu[phase].stealPct)),
  });
  const values = (k: SpreadKey) => runs.map((r) => spreadValue(r, k));
  return {
    ...numeric,
    failures: runs.reduce((n, r) => n + r.failures, 0),
    firstError: runs.find((r) => r.firstError)?.firstError,
    cpu: { register: cpu('register'), reregister: cpu('reregister'), calls: cpu('calls') },
    runs: runs.length,
    spread: Object.fromEntries(SPREAD_KEYS.map((k) => [k, [Math.min(...values(k)), Math.max(...values(k))]])) as MedianFigures['spread'],
  };
}

const pct = (n: number) => `${Math.round(n)}%`;

function notes(ours: MedianFigures[], kamailio: PlatformBench['kamailio'], calls: number): string[] {
  const out = [
    `Runs per client count: ${ours.map((f) => `${f.clients.toLocaleString('en')}: ${f.runs}`).join(', ')}; each run on a freshly started server, alternating Switchboard and Kamailio. With several runs a figure is their median, and the range follows in brackets.`,
    `Load: ${GENERATOR_PROCESSES} generator processes (one per core) x ${CONCURRENCY} requests in flight each; every client is one WebSocket connection and one digest-authenticated REGISTER; ${calls} calls per client count, each INVITE -> 200 -> ACK -> BYE -> 200 between two registered clients (set-up time is INVITE sent to 200 received).`,
    `CPU time per operation: the server's CPU time (user + system, every process and thread, from /proc/<pid>/task/*/schedstat) during a phase divided by the operations completed in it. "refresh" is every client registering again, in rounds, until at least 3,000 re-REGISTERs (an existing binding, the steady state of phones re-registering); "first" is the initial registration, where the binding is created (few samples at 100 clients). Each REGISTER is two requests: the 401 challenge and the authenticated retry.`,
    'Memory: resident set (VmRSS) of the server processes with no clients and with all clients registered; "per 1,000 clients" is the growth scaled to 1,000. PSS divides shared pages among the processes sharing them.',
  ];
  if (kamailio.available) {
    out.push('Kamailio runs several processes over one shared-memory segment (-m) plus private memory each (-M): its RSS sum counts the shared pages once per process that touched them, so it overstates; its PSS sum is the honest total and the one to compare.');
  }
  // Whoever is at 100% of a core is the bottleneck; a generator near its share means the server was not pushed to its limit.
  for (const [name, rows] of [['Switchboard', ours], ['Kamailio', kamailio.rows]] as const) {
    for (const r of rows) {
      const c = r.cpu.calls;
      out.push(`${name}, ${r.clients} clients, during calls${r.runs > 1 ? ' (medians)' : ''}: server ${pct(c.serverPct)} of a core, generator ${pct(c.generatorPct)}, other work on the machine ${pct(c.otherPct)}${c.stealPct >= 5 ? `, stolen by the host ${pct(c.stealPct)}` : ''}.`);
      if (r.failures > 0) out.push(`${name}, ${r.clients} clients: ${r.failures} requests failed (first: ${r.firstError}); their times are left out.`);
    }
  }
  if ([...ours, ...kamailio.rows].some((r) => r.cpu.calls.otherPct > 25 || r.cpu.register.otherPct > 25)) {
    out.push('Other work used a noticeable share of the CPU during some phases: those figures are low; compare ratios, and rerun on a quiet machine.');
  }
  return out;
}

interface Row {
  figure: string;
  better: 'higher' | 'lower' | null;
  digits: number;
  value(f: LoadFigures): number;
  /** Figures whose range over the runs is shown next to the median. */
  spread?: SpreadKey;
}

const rows: Row[] = [
  { figure: 'registrations/s', better: 'higher', digits: 0, value: (f) => f.registrationsPerS, spread: 'registrationsPerS' },
  { figure: 'REGISTER median ms', better: 'lower', digits: 1, value: (f) => f.registerMedianMs, spread: 'registerMedianMs' },
  { figure: 'call set-ups/s', better: 'higher', digits: 0, value: (f) => f.callsPerS, spread: 'callsPerS' },
  { figure: 'call set-up median ms', better: 'lower', digits: 1, value: (f) => f.callSetupMedianMs, spread: 'callSetupMedianMs' },
  { figure: 'call set-up p95 ms', better: 'lower', digits: 1, value: (f) => f.callSetupP95Ms, spread: 'callSetupP95Ms' },
  { figure: 'RSS idle MiB', better: 'lower', digits: 1, value: (f) => f.rssIdleMiB },
  { figure: 'RSS registered MiB', better: 'lower', digits: 1, value: (f) => f.rssRegisteredMiB },
  { figure: 'RSS MiB per 1,000 clients', better: 'lower', digits: 1, value: (f) => f.rssPer1000ClientsMiB, spread: 'rssPer1000ClientsMiB' },
  { figure: 'PSS registered MiB', better: 'lower', digits: 1, value: (f) => f.pssRegisteredMiB },
  { figure: 'PSS MiB per 1,000 clients', better: 'lower', digits: 1, value: (f) => f.pssPer1000ClientsMiB, spread: 'pssPer1000ClientsMiB' },
  { figure: 're-registrations/s', better: 'higher', digits: 0, value: (f) => f.reregistrationsPerS },
  { figure: 'server CPU ms per REGISTER, refresh (digest: 401 + retry)', better: 'lower', digits: 3, value: (f) => f.cpu.reregister.serverMsPerOp, spread: 'cpuMsPerReregister' },
  { figure: 'server CPU ms per REGISTER, first (new binding)', better: 'lower', digits: 3, value: (f) => f.cpu.register.serverMsPerOp, spread: 'cpuMsPerRegister' },
  { figure: 'server CPU ms per call (INVITE..200..ACK..BYE..200)', better: 'lower', digits: 3, value: (f) => f.cpu.calls.serverMsPerOp, spread: 'cpuMsPerCall' },
  { figure: 'server CPU during calls, % of a core', better: null, digits: 0, value: (f) => f.cpu.calls.serverPct },
];

/** The median, and the range over the runs when there were several. */
function cell(r: Row, f: MedianFigures): string {
  const v = r.value(f).toFixed(r.digits);
  if (!r.spread || f.runs < 2) return v;
  const [lo, hi] = f.spread[r.spread];
  return `${v} (${lo.toFixed(r.digits)}-${hi.toFixed(r.digits)})`;
}

export function platformTable(b: PlatformBench): string {
  const k = b.kamailio;
  const title = `Platform under load (${b.generatorProcesses} generator processes)`;
  const clients = (f: LoadFigures) => f.clients.toLocaleString('en');
  if (!k.available) {
    return [
      title,
      `Kamailio not available: ${k.reason}`,
      '',
      '| figure | clients | Switchboard |',
      '|---|---:|---:|',
      ...rows.flatMap((r) => b.ours.map((f) => `| ${label(r)} | ${clients(f)} | ${cell(r, f)} |`)),
      '',
      ...b.notes.map((n) => `- ${n}`),
    ].join('\n');
  }
  return [
    `${title}: Switchboard vs ${k.version}, same load in the same run`,
    '',
    '| figure | clients | Switchboard | Kamailio | Switchboard / Kamailio (>1 better for "higher is better", <1 for "lower is better") |',
    '|---|---:|---:|---:|---:|',
    ...rows.flatMap((r) => b.ours.map((f) => {
      const kf = k.rows.find((x) => x.clients === f.clients);
      const theirs = kf ? r.value(kf) : NaN;
      return `| ${label(r)} | ${clients(f)} | ${cell(r, f)} | ${kf ? cell(r, kf) : '-'} | ${theirs > 0 ? (r.value(f) / theirs).toFixed(2) : '-'} |`;
    })),
    '',
    ...b.notes.map((n) => `- ${n}`),
  ].join('\n');
}

const label = (r: Row) => (r.better ? `${r.figure} (${r.better} is better)` : r.figure);
