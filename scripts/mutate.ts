/**
 * `npm run mutate -- <area> [--dry-run]`: mutation testing (StrykerJS) of one area of the code
 * against the tests that guard it. Each mutant (a flipped condition, a changed number, a removed
 * call) runs the area's tests; a mutant that survives is a breakage the tests do not notice.
 *
 * Areas (what is mutated -> which tests run):
 *   auth      server/auth/**                    -> login throttle, API auth, auth hardening
 *   nonces    server/sip/digest.ts               -> its unit tests (fast)
 *   digest    server/sip/digest.ts, sip-auth.ts, registrar.ts -> registrar expiry, SIP hardening, SIP calls
 *   proxy     server/sip/proxy.ts               -> forking, SIP calls, transfers
 *   state     src/state/**                      -> browser tests of test/browser/state
 *   contacts  src/data/contact-merge.ts, src/state/contact-book.ts -> merge rule and contact book tests
 *   merge     src/data/contact-merge.ts         -> its unit tests (fast)
 *   outbox    src/data/outbox.ts                -> its unit tests on a real IndexedDB
 *
 * Slow by nature (the tests run once per mutant): run one area at a time. Needs the
 * @stryker-mutator/core package. The report lands in reports/mutation/<area>.html.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

const nodeTests = (files: string[]) =>
  `node --import tsx --test --test-reporter=dot --test-concurrency=1 --test-timeout=60000 ${files.join(' ')}`;
const browserTests = (files: string[]) =>
  `node node_modules/@web/test-runner/dist/bin.js ${files.join(' ')} --concurrency 1`;

const areas: Record<string, { mutate: string[]; command: string }> = {
  auth: {
    mutate: ['server/auth/**/*.ts'],
    command: nodeTests(['test/server/login-throttle.test.ts', 'test/server/api-auth.test.ts', 'test/server/auth-hardening.test.ts']),
  },
  // The nonce rules alone against their fast unit tests (about 3 minutes): the quick check.
  nonces: {
    mutate: ['server/sip/digest.ts'],
    command: nodeTests(['test/server/digest-unit.test.ts']),
  },
  digest: {
    mutate: ['server/sip/digest.ts', 'server/sip/sip-auth.ts', 'server/sip/registrar.ts'],
    command: nodeTests(['test/server/registrar-expiry.test.ts', 'test/server/sip-hardening.test.ts', 'test/server/sip-calls.test.ts']),
  },
  proxy: {
    mutate: ['server/sip/proxy.ts'],
    command: nodeTests(['test/server/forking.test.ts', 'test/server/sip-calls.test.ts', 'test/server/sip-transfer.test.ts']),
  },
  state: {
    mutate: ['src/state/**/*.ts'],
    command: browserTests(['test/browser/state/*.test.ts']),
  },
  contacts: {
    mutate: ['src/data/contact-merge.ts', 'src/state/contact-book.ts'],
    command: browserTests(['test/browser/data/contact-merge.test.ts', 'test/browser/state/contact-book.test.ts']),
  },
  // The merge rule alone against its unit tests: the quick check.
  merge: {
    mutate: ['src/data/contact-merge.ts'],
    command: browserTests(['test/browser/data/contact-merge.test.ts']),
  },
  outbox: {
    mutate: ['src/data/outbox.ts'],
    command: browserTests(['test/browser/data/outbox.test.ts']),
  },
};
// Names as the issue spells them.
const aliases: Record<string, string> = { 'digest+registrar': 'digest', registrar: 'digest', forking: 'proxy', 'proxy-forking': 'proxy', 'contact-merge': 'merge' };

const args = process.argv.slice(2);
const dryRun = args.includes('--dry-run');
const name = args.find((a) => !a.startsWith('--'));
const key = name ? (aliases[name] ?? name) : undefined;
const area = key ? areas[key] : undefined;
if (!area) {
  process.stderr.write(`usage: npm run mutate -- <area> [--dry-run]\nareas: ${Object.keys(areas).join(', ')}\n`);
  process.exit(2);
}

const env = { ...process.env, STRYKER_MUTATE: area.mutate.join(','), STRYKER_TEST_COMMAND: area.command, STRYKER_AREA: key! };
process.stdout.write(`mutate: ${area.mutate.join(' ')}\ntests:  ${area.command}\n`);
if (dryRun) process.exit(0);

const bin = path.join(root, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
const child = spawn(process.execPath, [bin, 'run', 'stryker.config.mjs'], { cwd: root, env, stdio: 'inherit' });
child.on('close', (code) => process.exit(code ?? 1));
