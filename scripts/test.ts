/**
 * `npm test`: every suite, one after the other, and one closing line with the totals.
 *   0. a production build of the web app (the end-to-end tests load it)
 *   1. platform and end-to-end tests (Node's test runner over real sockets, real Chromium), on
 *      the SQLite store
 *   2. when TEST_DATABASE_URL is set (postgres://... of a server the tests may create schemas
 *      on): the platform tests again, on the PostgreSQL store
 *   3. browser component tests (@web/test-runner in Chromium)
 * Exits non-zero when any test failed or a runner could not run. Tests that did not run
 * (skipped, e.g. the PostgreSQL half of the store contract without PostgreSQL) are counted
 * and named as not run: never as passed.
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
function run(cmd: string, args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1', ...env } });
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

// Runners colour their summaries even when asked not to; read the text without the escapes.
const plainText = (output: string) => output.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
const count = (output: string, re: RegExp) => {
  const matches = [...plainText(output).matchAll(re)];
  return matches.length ? Number(matches[matches.length - 1]![1]) : 0;
};
/** The names of the tests Node's spec reporter marked skipped ("﹣ name (1ms) # reason"). */
const skippedNames = (output: string) => [...plainText(output).matchAll(/^\s*﹣ (.+?) \([\d.]+m?s\) # (.*)$/gmu)].map((m) => `${m[1]} (${m[2]})`);

/** Per-test deadline for Node's test runner (ms). */
const NODE_TEST_TIMEOUT_MS = 120_000;

const suites: Array<{ name: string; passed: number; failed: number; code: number; notRun: string[] }> = [];
/** Node's test runner over `files`, counted as one suite. */
async function nodeSuite(name: string, files: string[], env: Record<string, string | undefined> = {}): Promise<void> {
  // Every test has a deadline: a regression that leaves a wait unanswered fails with a message
  // ("test timed out after ...") instead of hanging the run. Tests with their own, shorter
  // deadlines keep them; this is the ceiling (the slowest e2e tests take about 40 s).
  const started = Date.now();
  const r = await run(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-concurrency=2', `--test-timeout=${NODE_TEST_TIMEOUT_MS}`, ...files], env);
  const skipped = count(r.output, /ℹ skipped (\d+)/g);
  const names = skippedNames(r.output);
  suites.push({
    name: `${name} (${Math.round((Date.now() - started) / 1000)} s)`,
    passed: count(r.output, /ℹ pass (\d+)/g),
    failed: count(r.output, /ℹ fail (\d+)/g),
    code: r.code,
    notRun: names.length === skipped ? names : [...names, ...Array(Math.max(0, skipped - names.length)).fill('(a skipped test)')],
  });
}

// The end-to-end tests load the production build; build it once here rather than racing to
// build it from two test files at once.
{
  const r = await run(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'error']);
  if (r.code !== 0) {
    process.stdout.write('\ntotal: 0 passed, 1 failed (the web app does not build)\n');
    process.exit(1);
  }
}

const serverTests = findTests(path.join(root, 'test', 'server'), '.test.ts');
const nodeTests = [...serverTests, ...findTests(path.join(root, 'test', 'e2e'), '.test.ts')];
// TEST_STORE=sqlite: the platforms of this pass are on SQLite even when TEST_DATABASE_URL is set
// (which the store contract test still uses for its PostgreSQL half).
await nodeSuite('platform + e2e', nodeTests, { TEST_STORE: 'sqlite' });
const postgresServer = process.env.TEST_DATABASE_URL;
if (postgresServer) {
  await nodeSuite('platform on PostgreSQL', serverTests, { TEST_STORE: 'postgres' });
} else {
  suites.push({ name: 'platform on PostgreSQL', passed: 0, failed: 0, code: 0, notRun: ['the whole pass (TEST_DATABASE_URL is not set)'] });
}
{
  const r = await run(process.execPath, [path.join(root, 'node_modules', '@web', 'test-runner', 'dist', 'bin.js')]);
  suites.push({ name: 'browser components', passed: count(r.output, /(\d+) passed, \d+ failed/g), failed: count(r.output, /\d+ passed, (\d+) failed/g), code: r.code, notRun: [] });
}

const passed = suites.reduce((n, s) => n + s.passed, 0);
const failed = suites.reduce((n, s) => n + s.failed, 0);
// A runner that failed without counting a failure, or counted nothing at all, is broken too.
const broken = suites.filter((s) => (s.code !== 0 && s.failed === 0) || (s.passed + s.failed === 0 && s.notRun.length === 0));
const notRun = suites.reduce((n, s) => n + s.notRun.length, 0);
process.stdout.write('\n');
for (const s of suites) {
  process.stdout.write(`  ${s.name}: ${s.passed} passed, ${s.failed} failed${s.notRun.length ? `, ${s.notRun.length} not run` : ''}${s.code !== 0 ? ` (exit ${s.code})` : ''}\n`);
  for (const name of s.notRun) process.stdout.write(`    not run: ${name}\n`);
}
process.stdout.write(`\ntotal: ${passed} passed, ${failed + broken.length} failed${notRun ? `, ${notRun} not run` : ''}\n`);
process.exit(failed > 0 || broken.length > 0 || suites.some((s) => s.code !== 0) ? 1 : 0);
