/**
 * The platform under fuzz, in a child process of its own: a crash shows as the child exiting,
 * its error log lines and stack traces are read from its stderr, and its memory from
 * /proc/<pid>/status. A temporary data directory keeps the run away from any real store.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

export interface LogLine {
  at: number;
  text: string;
  /** Parsed JSON log line, if it was one. */
  json?: { level?: string; msg?: string; [k: string]: unknown };
}

export interface ChildPlatform {
  url: string;
  pid: number;
  dataDir: string;
  /** Every error-level log line and every non-JSON stderr line (stack traces). */
  errors: LogLine[];
  /** The last stderr lines, whatever their level. */
  tail: string[];
  exited: { code: number | null; signal: string | null; at: number } | null;
  onExit(fn: () => void): void;
  stop(): Promise<void>;
}

export function rssKiB(pid: number): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

export async function startChildPlatform(env: Record<string, string> = {}): Promise<ChildPlatform> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-fuzz-'));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      SWITCHBOARD_DATA: dataDir,
      SWITCHBOARD_WEB_ROOT: path.join(dataDir, 'no-web'),
      LOG_LEVEL: 'error',
      ACCESS_TOKEN_TTL: String(24 * 3600),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const errors: LogLine[] = [];
  const tail: string[] = [];
  const exitListeners: Array<() => void> = [];
  const state: ChildPlatform = {
    url: '', pid: child.pid ?? 0, dataDir, errors, tail, exited: null,
    onExit(fn) { exitListeners.push(fn); },
    async stop() {
      if (!state.exited) {
        const gone = new Promise<void>((r) => child.once('exit', () => r()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await gone;
        clearTimeout(timer);
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
  let buffered = '';
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      // Stack traces name files relative to the checkout: reports are kept and shared.
      const text = line.split(ROOT).join('.');
      tail.push(text);
      if (tail.length > 200) tail.shift();
      let json: LogLine['json'];
      try { json = JSON.parse(text); } catch { /* a stack trace or other raw output */ }
      if (!json || json.level === 'error') errors.push({ at: Date.now(), text, json });
    }
  });
  // Never leave the platform running behind a fuzzer that dies.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  child.on('exit', (code, signal) => {
    process.off('exit', killOnExit);
    state.exited = { code, signal, at: Date.now() };
    for (const fn of exitListeners) fn();
  });
  state.url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`platform did not start in 30 s: ${tail.join('\n')}`)), 30_000);
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const m = /running at (https?:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!.replace('localhost', '127.0.0.1'));
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      reject(new Error(`platform exited during start: ${tail.join('\n')}`));
    });
  });
  return state;
}
