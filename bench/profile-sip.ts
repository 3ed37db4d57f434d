/**
 * `node --import tsx bench/profile-sip.ts [--only register|calls] [--clients 1000] [--calls 3000]`:
 * where the platform's CPU goes under SIP load. The platform runs as its own process under the V8
 * CPU profiler (node --cpu-prof, as BENCH_CPU_PROF does for the bench), the bench's generators
 * load it (driveLoad), and the samples taken while the load ran (start-up left out) are summed:
 * self time by function (file:line), by file, and inclusive time of the platform's own functions.
 * `--only register` is registrations and refreshes alone; `--only calls` mostly calls.
 * A diagnosis tool beside the benchmark; it prints, it does not judge.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkTarget, driveLoad, startPlatform } from './sip-load.js';

interface CallFrame { functionName: string; url: string; lineNumber: number; columnNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const arg = (name: string) => process.argv.find((_, i, all) => all[i - 1] === `--${name}`);
const only = arg('only') as 'register' | 'calls' | undefined;
const clients = Number(arg('clients') ?? 1000);
const calls = only === 'register' ? 0 : Number(arg('calls') ?? 3000);
const minReregistrations = only === 'calls' ? 0 : Number(arg('reregistrations') ?? 6000);
const top = Number(arg('top') ?? 30);
const root = path.resolve(import.meta.dirname, '..');

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-prof-'));
process.env.BENCH_CPU_PROF = dir;
const spawnedAt = performance.now();
const server = await startPlatform(clients);
let loadFrom = 0;
let loadTo = 0;
try {
  await checkTarget(server);
  loadFrom = performance.now() - spawnedAt;
  const figures = await driveLoad(server, { clients, calls, concurrency: 20, workers: 2, minReregistrations });
  loadTo = performance.now() - spawnedAt;
  process.stdout.write(`load: ${clients} clients, ${figures.reregistrations} re-REGISTERs, ${calls} calls; server CPU ms per REGISTER first ${figures.cpu.register.serverMsPerOp.toFixed(3)}, refresh ${figures.cpu.reregister.serverMsPerOp.toFixed(3)}, per call ${figures.cpu.calls.serverMsPerOp.toFixed(3)} (profiler on: slower than the bench)\n`);
} finally {
  await server.stop();
}

const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
if (!file) throw new Error(`no CPU profile was written to ${dir}`);
const profile = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Profile;
fs.rmSync(dir, { recursive: true, force: true });

const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const short = (url: string) => url.replace(/^file:\/\//, '').replace(`${root}/`, '').replace(/^.*node_modules\//, 'node_modules/');
const where = (f: CallFrame) => (f.url ? `${short(f.url)}:${f.lineNumber + 1}` : '');
const key = (f: CallFrame) => `${f.functionName || '(anonymous)'} ${where(f)}`;

// Samples in the load window: the profile starts about when the process does.
const self = new Map<string, number>();
const selfByFile = new Map<string, number>();
const inclusive = new Map<string, number>();
let total = 0;
let idle = 0;
let t = 0;
for (let i = 0; i < profile.samples.length; i++) {
  t += profile.timeDeltas[i]!;
  const ms = t / 1000;
  if (ms < loadFrom || ms > loadTo) continue;
  const node = byId.get(profile.samples[i]!)!;
  const dt = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i]!) / 1000;
  if (node.callFrame.functionName === '(idle)') { idle += dt; continue; }
  total += dt;
  self.set(key(node.callFrame), (self.get(key(node.callFrame)) ?? 0) + dt);
  const f = node.callFrame.url ? short(node.callFrame.url) : node.callFrame.functionName;
  selfByFile.set(f, (selfByFile.get(f) ?? 0) + dt);
  const seen = new Set<string>();
  for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
    const k = key(byId.get(id)!.callFrame);
    if (seen.has(k)) continue;
    seen.add(k);
    inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
  }
}

const table = (title: string, m: Map<string, number>, filter: (k: string) => boolean = () => true) => [
  title,
  ...[...m].filter(([k]) => filter(k)).sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, v]) => `${((v / total) * 100).toFixed(1).padStart(5)}%  ${v.toFixed(0).padStart(6)} ms  ${k}`),
  '',
].join('\n');

process.stdout.write([
  `profile: ${total.toFixed(0)} ms on CPU in the load window (${((loadTo - loadFrom) / 1000).toFixed(1)} s), ${idle.toFixed(0)} ms idle`,
  '',
  table('self time by function', self),
  table('self time by file', selfByFile),
  table("inclusive time, the platform's own code (server/)", inclusive, (k) => / server\//.test(k)),
].join('\n'));
