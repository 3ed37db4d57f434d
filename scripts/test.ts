/**
 * `npm test`: every suite, one after the other, and one closing line with the totals.
 *   0. a production build of the web app (the end-to-end tests load it)
 *   1. platform and end-to-end tests (Node's test runner over real sockets, real Chromium)
 *   2. browser component tests (@web/test-runner in Chromium)
 * Exits non-zero when any test failed or a runner could not run.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

function findTests(dir: string, suffix: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return findTests(p, suffix);
    return e.name.endsWith(suffix) ? [path.relative(root, p)] : [];
  }).sort();
}

/** Runs a command, echoing its output, and returns the exit code and the output. */
function run(cmd: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' } });
    let output = '';
    const echo = (stream: NodeJS.WriteStream) => (chunk: Buffer) => {
      output += chunk.toString();
      stream.write(chunk);
    };
    child.stdout.on('data', echo(process.stdout));
    child.stderr.on('data', echo(process.stderr));
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

const count = (output: string, re: RegExp) => {
  // Runners colour their summaries even when asked not to; read the text without the escapes.
  const plain = output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
  const matches = [...plain.matchAll(re)];
  return matches.length ? Number(matches[matches.length - 1]![1]) : 0;
};

/** Per-test deadline for Node's test runner (ms). */
const NODE_TEST_TIMEOUT_MS = 120_000;

const suites: Array<{ name: string; passed: number; failed: number; code: number }> = [];

// The end-to-end tests load the production build; build it once here rather than racing to
// build it from two test files at once.
{
  const r = await run(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'error']);
  if (r.code !== 0) {
    process.stdout.write('\ntotal: 0 passed, 1 failed (the web app does not build)\n');
    process.exit(1);
  }
}

const nodeTests = [...findTests(path.join(root, 'test', 'server'), '.test.ts'), ...findTests(path.join(root, 'test', 'e2e'), '.test.ts')];
{
  // Every test has a deadline: a regression that leaves a wait unanswered fails with a message
  // ("test timed out after ...") instead of hanging the run. Tests with their own, shorter
  // deadlines keep them; this is the ceiling (the slowest e2e tests take about 40 s).
  const r = await run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', `--test-timeout=${NODE_TEST_TIMEOUT_MS}`, ...nodeTests]);
  suites.push({ name: 'platform + e2e', passed: count(r.output, /ℹ pass (\d+)/g), failed: count(r.output, /ℹ fail (\d+)/g), code: r.code });
}
{
  const r = await run(process.execPath, [path.join(root, 'node_modules', '@web', 'test-runner', 'dist', 'bin.js')]);
  suites.push({ name: 'browser components', passed: count(r.output, /(\d+) passed, \d+ failed/g), failed: count(r.output, /\d+ passed, (\d+) failed/g), code: r.code });
}

const passed = suites.reduce((n, s) => n + s.passed, 0);
const failed = suites.reduce((n, s) => n + s.failed, 0);
// A runner that failed without counting a failure, or counted nothing at all, is broken too.
const broken = suites.filter((s) => (s.code !== 0 && s.failed === 0) || s.passed + s.failed === 0);
process.stdout.write('\n');
for (const s of suites) process.stdout.write(`  ${s.name}: ${s.passed} passed, ${s.failed} failed${s.code !== 0 ? ` (exit ${s.code})` : ''}\n`);
process.stdout.write(`\ntotal: ${passed} passed, ${failed + broken.length} failed\n`);
process.exit(failed > 0 || broken.length > 0 || suites.some((s) => s.code !== 0) ? 1 : 0);
