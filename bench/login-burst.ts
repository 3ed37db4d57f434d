/**
 * `node --import tsx bench/login-burst.ts`: what a burst of bad logins does to everyone else.
 * The platform runs as its own process (as `npm start` runs it); this process sends 200 parallel
 * wrong passwords for one account and, 20 ms into the burst, one good login of another user and
 * one GET /api/v2/status. Printed: how many passwords the platform checked (401 answers), how
 * many it refused outright (429), and how long the good login and /status took, each the median
 * of 3 runs on a fresh platform with the range beside it. Figures only: nothing passes or fails.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const RUNS = 3;
const BURST = 200;

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

const post = (url: string, body: unknown) => fetch(`${url}/api/v2/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

async function timed(work: () => Promise<Response>): Promise<{ ms: number; status: number }> {
  const t0 = performance.now();
  const res = await work();
  await res.arrayBuffer();
  return { ms: performance.now() - t0, status: res.status };
}

async function oneRun(): Promise<{ checked: number; refused: number; goodMs: number; goodStatus: number; statusMs: number }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-login-bench-'));
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'server', 'main.ts')], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', SWITCHBOARD_DATA: dataDir, LOG_LEVEL: 'error', SWITCHBOARD_WEB_ROOT: path.join(dataDir, 'none') },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; ; i++) {
      if (await fetch(`${url}/api/v2/status`).then((r) => r.ok, () => false)) break;
      if (i > 400) throw new Error('the platform did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
    const burst = Promise.all(Array.from({ length: BURST }, (_, i) =>
      timed(() => post(url, { grant_type: 'password', username: '1004@demo', password: `wrong-${i}` }))));
    await new Promise((r) => setTimeout(r, 20));
    const [good, status] = await Promise.all([
      timed(() => post(url, { grant_type: 'password', username: '1001@demo', password: 'switchboard' })),
      timed(() => fetch(`${url}/api/v2/status`)),
    ]);
    const answers = await burst;
    return {
      checked: answers.filter((a) => a.status === 401).length,
      refused: answers.filter((a) => a.status === 429).length,
      goodMs: good.ms, goodStatus: good.status, statusMs: status.ms,
    };
  } finally {
    child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const runs = [];
for (let i = 0; i < RUNS; i++) runs.push(await oneRun());
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fig = (xs: number[]) => `${median(xs).toFixed(0)} ms (${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)})`;
process.stdout.write([
  `login burst: ${BURST} parallel wrong passwords for one account, ${RUNS} runs (median, range)`,
  `  passwords checked (401): ${runs.map((r) => r.checked).join(', ')}; refused at once (429): ${runs.map((r) => r.refused).join(', ')}`,
  `  good login of another user during the burst: ${fig(runs.map((r) => r.goodMs))}, answered ${runs.map((r) => r.goodStatus).join(', ')}`,
  `  GET /api/v2/status during the burst: ${fig(runs.map((r) => r.statusMs))}`,
].join('\n') + '\n');
