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
import { createRequire } from 'node:module';
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
const sourceMaps = tsxSourceMaps();
/** file:line in the TypeScript source: tsx runs esbuild's output (whitespace minified), so map it back. */
const where = (f: CallFrame) => {
  if (!f.url) return '';
  const file = f.url.replace(/^file:\/\//, '');
  if (!file.startsWith('/')) return `${file}:${f.lineNumber + 1}`;
  const line = sourceMaps.get(file)?.(f.lineNumber, f.columnNumber);
  return `${short(f.url)}:${line ?? `${f.lineNumber + 1} (generated)`}`;
};
const key = (f: CallFrame) => `${f.functionName || '(anonymous)'} ${where(f)}`;

// Samples in the load window: the profile starts about when the process does.
const self = new Map<string, number>();
const selfByFile = new Map<string, number>();
const inclusive = new Map<string, number>();
const viaServer = new Map<string, number>();
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
  // The nearest caller in the platform's own code, for the self time of anything outside it.
  for (let id = parent.get(node.id); id !== undefined; id = parent.get(id)) {
    const cf = byId.get(id)!.callFrame;
    if (!cf.url.includes('/server/')) continue;
    const k = `${key(node.callFrame)} <- ${key(cf)}`;
    viaServer.set(k, (viaServer.get(k) ?? 0) + dt);
    break;
  }
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
  table('self time outside server/ (node, V8, ws, sqlite), by the nearest server/ caller', viaServer, (k) => !/^\S+ server\//.test(k)),
].join('\n'));

/**
 * Source maps of the TypeScript files as tsx compiled them: tsx runs esbuild's output with the
 * whitespace minified, so the profile's positions are in that. The same transform with tsx's own
 * esbuild and options (ESM, this node as the target, keepNames) gives the same code and its map.
 * Returns file -> (generated line, column; 0-based) -> source line (1-based).
 */
function tsxSourceMaps(): { get(file: string): ((line: number, column: number) => number | undefined) | undefined } {
  const requireFromTsx = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'));
  const esbuild = requireFromTsx('esbuild') as typeof import('esbuild');
  const memo = new Map<string, ((line: number, column: number) => number | undefined) | undefined>();
  return {
    get(file) {
      if (memo.has(file)) return memo.get(file);
      let lookup: ((line: number, column: number) => number | undefined) | undefined;
      if (/\.[cm]?ts$/.test(file)) {
        try {
          const r = esbuild.transformSync(fs.readFileSync(file, 'utf8'), {
            loader: 'ts', format: 'esm', sourcefile: file, target: `node${process.versions.node}`, sourcemap: true, sourcesContent: false, minifyWhitespace: true, keepNames: true,
          });
          const lines = decodeMappings((JSON.parse(r.map) as { mappings: string }).mappings);
          lookup = (line, column) => {
            let best: number | undefined;
            for (const [col, srcLine] of lines[line] ?? []) if (col <= column) best = srcLine + 1;
            return best;
          };
        } catch {
          // Left at the generated position.
        }
      }
      memo.set(file, lookup);
      return lookup;
    },
  };
}

/** Source-map "mappings" (base64 VLQ): per generated line, [generated column, source line] pairs. */
function decodeMappings(mappings: string): Array<Array<[number, number]>> {
  const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const lines: Array<Array<[number, number]>> = [];
  let srcLine = 0;
  for (const lineText of mappings.split(';')) {
    const segs: Array<[number, number]> = [];
    let col = 0;
    for (const seg of lineText.split(',')) {
      if (!seg) continue;
      const values: number[] = [];
      let value = 0;
      let shift = 0;
      for (const ch of seg) {
        const digit = B64.indexOf(ch);
        value += (digit & 31) << shift;
        if (digit & 32) shift += 5;
        else {
          values.push(value & 1 ? -(value >>> 1) : value >>> 1);
          value = 0;
          shift = 0;
        }
      }
      col += values[0]!;
      if (values.length >= 4) {
        srcLine += values[2]!;
        segs.push([col, srcLine]);
      }
    }
    lines.push(segs);
  }
  return lines;
}
