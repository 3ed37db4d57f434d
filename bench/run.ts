/**
 * `npm run bench [-- --quick]`: runs the benchmarks, prints a table, and writes the figures
 * with the machine's description and the date to bench/results/. Nothing here passes or fails
 * on a threshold: the figures are for comparing runs on the same machine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runSipLoad, type LoadFigures } from './sip-load.js';

const quick = process.argv.includes('--quick');
const sizes = quick ? [100] : [100, 1000];
const calls = quick ? 100 : 1000;

const machine = {
  cpus: `${os.cpus().length} x ${os.cpus()[0]?.model ?? 'unknown'}`,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  node: process.version,
  platform: `${os.type()} ${os.release()}`,
};

const rows: LoadFigures[] = [];
for (const clients of sizes) {
  process.stderr.write(`bench: ${clients} clients, ${calls} calls...\n`);
  rows.push(await runSipLoad({ clients, calls, concurrency: 20 }));
}

const f = (n: number, d = 1) => n.toFixed(d);
const lines = [
  `Switchboard platform benchmark (${new Date().toISOString()}; ${machine.cpus}; node ${machine.node})`,
  '',
  '| clients | registrations/s | REGISTER median ms | call set-ups/s | set-up median ms | set-up p95 ms | RSS idle MiB | RSS registered MiB | MiB per 1,000 clients |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) => `| ${r.clients} | ${f(r.registrationsPerS, 0)} | ${f(r.registerMedianMs, 2)} | ${f(r.callsPerS, 0)} | ${f(r.callSetupMedianMs, 2)} | ${f(r.callSetupP95Ms, 2)} | ${f(r.rssIdleMiB)} | ${f(r.rssRegisteredMiB)} | ${f(r.rssPer1000ClientsMiB)} |`),
];
process.stdout.write(lines.join('\n') + '\n');

const dir = path.join(import.meta.dirname, 'results');
fs.mkdirSync(dir, { recursive: true });
const file = path.join(dir, `platform-${new Date().toISOString().replace(/[:.]/g, '-')}${quick ? '-quick' : ''}.json`);
fs.writeFileSync(file, JSON.stringify({ date: new Date().toISOString(), machine, quick, concurrency: 20, calls, results: rows }, null, 2) + '\n');
process.stdout.write(`\nfigures written to ${path.relative(process.cwd(), file)}\n`);
