/**
 * One load-generator process (started by sip-load.ts over an IPC channel). It holds its share
 * of the SIP clients, each one WebSocket connection, and runs the phases the parent asks for,
 * reporting per-request latencies, its own wall-clock span and its own CPU time. Being a
 * separate process is the point: the figures then measure the server, not the generator.
 */
import { performance } from 'node:perf_hooks';
import { SipUa, type IncomingCall } from '../test/support/sip-ua.js';
import type { PhaseReport, WorkerCommand, WorkerReply } from './sip-load.js';

/** A request with no final answer by then counts as a failure instead of stalling the run. */
const TIMEOUT_MS = 15_000;

const uas: SipUa[] = [];
const now = () => performance.timeOrigin + performance.now();

function withTimeout<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what}: no answer in ${TIMEOUT_MS} ms`)), TIMEOUT_MS); });
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/**
 * Runs `count` tasks with at most `limit` in flight; each task returns its latency in ms.
 * Failures are counted (and the first one kept) so one lost request does not void the run.
 */
async function phase(count: number, limit: number, task: (i: number) => Promise<number>): Promise<PhaseReport> {
  const samples: number[] = [];
  let failures = 0;
  let firstError: string | undefined;
  const cpu0 = process.cpuUsage();
  const startedAt = now();
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, count) }, async () => {
    while (next < count) {
      const i = next++;
      try {
        samples.push(await task(i));
      } catch (err) {
        failures++;
        firstError ??= (err as Error).message;
      }
    }
  }));
  const finishedAt = now();
  const cpu = process.cpuUsage(cpu0);
  return { startedAt, finishedAt, samples, failures, firstError, cpuMs: (cpu.user + cpu.system) / 1000 };
}

async function run(cmd: WorkerCommand): Promise<PhaseReport | null> {
  switch (cmd.type) {
    case 'connect':
      for (const user of cmd.users) {
        const ua = new SipUa(cmd.wsUrl, { uri: `sip:${user}@${cmd.domain}`, authorizationUser: user, password: cmd.password });
        // Every client answers at once: the figure is the servers' routing, not a ringing time.
        ua.on('invite', (inv: IncomingCall) => inv.answer());
        uas.push(ua);
      }
      return phase(uas.length, cmd.concurrency, async (i) => {
        const t0 = performance.now();
        await withTimeout(uas[i]!.connect(), `connect ${i}`);
        return performance.now() - t0;
      });
    case 'register':
      // Task i is client i % n: a client's registrations come one after another, never two at once.
      return phase(uas.length * (cmd.rounds ?? 1), Math.min(cmd.concurrency, uas.length), async (i) => {
        const ua = uas[i % uas.length]!;
        const t0 = performance.now();
        const res = await withTimeout(ua.register(3600), `REGISTER ${ua.aor}`);
        if (res.status !== 200) throw new Error(`REGISTER ${ua.aor}: ${res.status}`);
        return performance.now() - t0;
      });
    case 'calls':
      return phase(cmd.calls.length, cmd.concurrency, async (i) => {
        const [caller, callee] = cmd.calls[i]!;
        const t0 = performance.now();
        const call = uas[caller]!.call(callee);
        const res = await withTimeout(call.final, `INVITE ${callee}`);
        if (res.status !== 200) throw new Error(`INVITE ${callee}: ${res.status}`);
        const setup = performance.now() - t0;
        const bye = await withTimeout(call.dialog!.bye(), `BYE ${callee}`);
        if (bye.status !== 200) throw new Error(`BYE ${callee}: ${bye.status}`);
        return setup;
      });
    case 'close':
      await Promise.all(uas.map((u) => u.close().catch(() => undefined)));
      return null;
  }
}

process.on('message', (msg: { id: number; cmd: WorkerCommand }) => {
  run(msg.cmd).then(
    (report): WorkerReply => ({ id: msg.id, report }),
    (err: unknown): WorkerReply => ({ id: msg.id, error: (err as Error).stack ?? String(err) }),
  ).then((reply) => {
    process.send!(reply);
    if (msg.cmd.type === 'close') process.disconnect();
  });
});
