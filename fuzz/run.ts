/**
 * `npm run fuzz -- [--minutes N | --seconds N] [--seed S] [--url http://host:port [--pid P]] [--json FILE]`
 * `npm run fuzz -- --capture`   re-record fuzz/corpus/captured/ from a real session
 *
 * Without --url the platform runs in a child process of its own (temporary data directory),
 * so a crash is seen as the child exiting. The report is printed as a table and as one JSON
 * line (FUZZ_RESULT {...}); the exit status is 1 on a crash, a 5xx answer, an error log line or
 * a platform that no longer serves a call.
 */
import fs from 'node:fs';
import { writeCapture } from './capture.js';
import { formatReport, runFuzz } from './fuzzer.js';
import { randomSeed } from './prng.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i < 0) return undefined;
  const v = process.argv[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`--${name} needs a value`);
  return v;
}

function num(name: string): number | undefined {
  const v = arg(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name} must be a number, got "${v}"`);
  return n;
}

async function main(): Promise<void> {
  if (process.argv.includes('--capture')) {
    const n = await writeCapture();
    process.stdout.write(`captured ${n} frames into fuzz/corpus/captured/\n`);
    return;
  }
  const seconds = num('seconds') ?? (num('minutes') ?? 1) * 60;
  const seed = num('seed') ?? randomSeed();
  const url = arg('url');
  const pid = num('pid');
  const log = (line: string) => process.stderr.write(`fuzz: ${line}\n`);
  log(`seed ${seed} (replay with --seed ${seed}), ${seconds} s`);
  const report = await runFuzz({ durationMs: seconds * 1000, seed, url, pid, log });
  process.stdout.write(formatReport(report) + '\n\n');
  process.stdout.write(`FUZZ_RESULT ${JSON.stringify(report)}\n`);
  const out = arg('json');
  if (out) fs.writeFileSync(out, JSON.stringify(report, null, 2) + '\n');
  process.exitCode = report.ok ? 0 : 1;
}

main().catch((err: unknown) => {
  process.stderr.write(`fuzz: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(2);
});
