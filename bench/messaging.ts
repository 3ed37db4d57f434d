/**
 * `node --import tsx bench/messaging.ts [--quick]`: chat on the platform. Send-to-delivered
 * latency: from 1001's POST of a message to the `message` event on 1002's events socket (the
 * path a web phone's card is updated by), median and p95 of sequential messages; and how many
 * messages per second the platform takes from 20 senders at once (each POST answered and its
 * event delivered to the other side). The platform runs in this process on SQLite, as the tests
 * run it. Figures only: nothing passes or fails.
 */
import { randomUUID } from 'node:crypto';
import { api, login, openEvents, startPlatform, type EventsSocket } from '../test/support/harness.js';

export interface MessagingResult {
  latencyMs: { median: number; p95: number; n: number };
  throughput: { messagesPerS: number; senders: number; n: number };
}

const U = '/api/v2/domains/~/users/~';
const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))]!;

export async function runMessagingBench({ quick = false } = {}): Promise<MessagingResult> {
  // No send limit: the figure is what the platform takes, not what one user may send.
  const t = await startPlatform({ env: { SWITCHBOARD_SMS_CARRIER: 'none' }, messageSendRate: null });
  const sockets: EventsSocket[] = [];
  try {
    const users = ['1001', '1002', '1004', '1005'];
    const tokens = new Map(await Promise.all(users.map(async (u) => [u, await login(t.url, `${u}@demo`)] as const)));
    const session = async (from: string, to: string) =>
      (await api(t.url, 'POST', `${U}/messagesessions`, { token: tokens.get(from)!, body: { participants: [{ kind: 'user', extension: to }] } })).body.id as string;

    // Latency, one message at a time.
    const bobEvents = await openEvents(t, tokens.get('1002')!);
    sockets.push(bobEvents);
    const s = await session('1001', '1002');
    const n = quick ? 50 : 300;
    const latencies: number[] = [];
    for (let i = 0; i < n; i++) {
      const clientId = randomUUID();
      const t0 = performance.now();
      // Its own listener on the socket: the harness's next() polls, which would add its interval.
      const arrived = new Promise<void>((resolve) => {
        const listener = (data: unknown) => {
          const e = JSON.parse(String(data));
          if (e.type === 'message' && e.message.client_id === clientId) {
            bobEvents.ws.off('message', listener);
            resolve();
          }
        };
        bobEvents.ws.on('message', listener);
      });
      await api(t.url, 'POST', `${U}/messagesessions/${s}/messages`, { token: tokens.get('1001')!, body: { client_id: clientId, text: `message ${i}` } });
      await arrived;
      latencies.push(performance.now() - t0);
    }

    // Throughput: 20 senders (five per user, each to the next user), all at once.
    const senders = 20;
    const perSender = quick ? 25 : 100;
    const pairs = Array.from({ length: senders }, (_, i) => [users[i % users.length]!, users[(i + 1) % users.length]!] as const);
    const sessions = await Promise.all(pairs.map(([a, b]) => session(a, b)));
    const watch = await Promise.all(users.map((u) => openEvents(t, tokens.get(u)!)));
    sockets.push(...watch);
    const delivered = () => watch.reduce((sum, w) => sum + w.received.filter((e) => e.type === 'message' && e.message.direction === 'inbound' && String(e.message.text).startsWith('load ')).length, 0);
    const t0 = performance.now();
    await Promise.all(pairs.map(async ([from], i) => {
      for (let k = 0; k < perSender; k++) {
        await api(t.url, 'POST', `${U}/messagesessions/${sessions[i]}/messages`, { token: tokens.get(from)!, body: { client_id: randomUUID(), text: `load ${i}.${k}` } });
      }
    }));
    const total = senders * perSender;
    while (delivered() < total && performance.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 5));
    const seconds = (performance.now() - t0) / 1000;
    return {
      latencyMs: { median: quantile(latencies, 0.5), p95: quantile(latencies, 0.95), n },
      throughput: { messagesPerS: delivered() / seconds, senders, n: total },
    };
  } finally {
    for (const w of sockets) w.close();
    await t.close();
  }
}

export function messagingTable(r: MessagingResult): string {
  return [
    'Chat on the platform (SQLite, in process)',
    `  send to delivered (POST -> the other side's event)   median ${r.latencyMs.median.toFixed(1)} ms, p95 ${r.latencyMs.p95.toFixed(1)} ms (${r.latencyMs.n} messages)`,
    `  sustained, ${r.throughput.senders} senders at once                    ${r.throughput.messagesPerS.toFixed(0)} messages/s (${r.throughput.n} messages)`,
  ].join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(messagingTable(await runMessagingBench({ quick: process.argv.includes('--quick') })) + '\n');
}
