/**
 * `npm run bench [-- --quick]`: the web phone (bench/web.ts) and the platform beside Kamailio
 * (bench/platform.ts), and concurrent voicemail deposits on the platform's media engine
 * (bench/media.ts), the call router's decision with answering rules (bench/routing.ts) and chat
 * latency and throughput (bench/messaging.ts), measured on this machine. Prints the tables and writes every figure, with
 * the machine's description and the date, to bench/results/. Nothing here passes or fails on a
 * threshold: the figures are for comparing runs, and ratios to floors measured in the same run.
 * See bench/README.md for what each figure means.
 *
 * `--only web,platform,media,routing,messaging` runs some parts alone (default: all of them).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mediaTable, runMediaBench } from './media.js';
import { platformTable, runPlatformBench } from './platform.js';
import { routingTable, runRoutingBench } from './routing.js';
import { messagingTable, runMessagingBench } from './messaging.js';
import { runWebBench, webTable } from './web.js';

const quick = process.argv.includes('--quick');
const PARTS = ['web', 'platform', 'media', 'routing', 'messaging'] as const;
type Part = (typeof PARTS)[number];
const onlyArg = process.argv.find((a, i, all) => a.startsWith('--only=') || all[i - 1] === '--only');
const only = new Set<Part>(onlyArg ? (onlyArg.replace(/^--only=/, '').split(',') as Part[]) : PARTS);
for (const p of only) if (!PARTS.includes(p)) throw new Error(`--only: unknown part ${p} (parts: ${PARTS.join(', ')})`);

// Ctrl-C ends through process.exit, so exit hooks (Kamailio's process group) still run.
process.on('SIGINT', () => process.exit(130));
process.on('SIGTERM', () => process.exit(143));

const cpus = os.cpus();
const machine = {
  cpus: `${cpus.length} x ${cpus[0]?.model ?? 'unknown'}`,
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  loadAverage: os.loadavg().map((n) => Number(n.toFixed(2))),
  node: process.version,
  platform: `${os.type()} ${os.release()}`,
};

const started = new Date();
const t0 = performance.now();
const web = only.has('web') ? await runWebBench({ quick }) : null;
const platform = only.has('platform') ? await runPlatformBench({ quick }) : null;
const media = only.has('media') ? await runMediaBench({ quick }) : null;
const routing = only.has('routing') ? await runRoutingBench({ quick }) : null;
const messaging = only.has('messaging') ? await runMessagingBench({ quick }) : null;
const minutes = (performance.now() - t0) / 60_000;

process.stdout.write([
  `Switchboard benchmark, ${started.toISOString()}${quick ? ' (quick run)' : ''}`,
  `Machine: ${machine.cpus}, ${machine.memoryGiB} GiB, ${machine.platform}, node ${machine.node}; load average at start ${machine.loadAverage.join(' ')}`,
  '',
  ...(web ? [webTable(web)] : []),
  ...(platform ? [platformTable(platform)] : []),
  ...(media ? ['', mediaTable(media)] : []),
  ...(routing ? ['', routingTable(routing)] : []),
  ...(messaging ? ['', messagingTable(messaging)] : []),
  '',
  `(${minutes.toFixed(1)} minutes)`,
].join('\n') + '\n');

const dir = path.join(import.meta.dirname, 'results');
fs.mkdirSync(dir, { recursive: true });
const parts = only.size < PARTS.length ? `-${[...only].join('-')}` : '';
const file = path.join(dir, `bench-${started.toISOString().replace(/[:.]/g, '-')}${parts}${quick ? '-quick' : ''}.json`);
fs.writeFileSync(file, JSON.stringify({ date: started.toISOString(), machine, quick, parts: [...only], minutes, web, platform, media, routing, messaging }, null, 2) + '\n');
process.stdout.write(`figures written to ${path.relative(process.cwd(), file)}\n`);
