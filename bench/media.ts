/**
 * Server media under load: N callers leave a voicemail at the same time and the platform's CPU
 * time is measured while it plays them the greeting and while it records what they say.
 *
 * The platform runs as its own process (sip-load.ts startPlatform, voicemail on), so its CPU time
 * (/proc/<pid>/task/<tid>/schedstat, every thread) is its own; the callers live in this process:
 * each a SIP user agent over WebSocket with a werift WebRTC peer (test/support/webrtc-peer.ts)
 * that hears the greeting, waits for the beep, says a 620 Hz tone for TONE_MS and hangs up. One
 * mailbox user who never registers is called by all of them, so every call goes to voicemail at
 * once. Afterwards every message must be listed (GET .../voicemails/new), last about as long as
 * the caller spoke after the beep (within 0.5 s), and decode to the tone.
 *
 * Timeline of one deposit (all N start together):
 *   INVITE -> 200 (answer SDP) -> ICE/DTLS -> greeting + "leave a message" (~9 s) -> beep
 *   -> caller says the tone (~10 s) -> BYE -> message listed
 * CPU is sampled every 100 ms; "playing" is the window where every session is hearing the
 * greeting (the last session's first audio to the first beep), "recording" the window where every
 * session is recording (the last beep to the first hang-up). Divided by the window and by N, each
 * is CPU ms per second of media per session; 1000 / that is the sessions one core would sustain.
 */
import fs from 'node:fs';
import os from 'node:os';
import { decodePackets, encodePcm, tone } from '../server/media/opus-codec.js';
import { readOggOpus } from '../server/media/ogg-opus.js';
import { Prompts } from '../server/media/prompts.js';
import { SipUa } from '../test/support/sip-ua.js';
import { dominantTone, TestPeer } from '../test/support/webrtc-peer.js';
import { BENCH_DOMAIN, BENCH_PASSWORD, benchUser, cpuSecondsPrecise, machineCpuSeconds, quantile, startPlatform, type PlatformProcess } from './sip-load.js';

/** How long each caller speaks after the beep. */
const TONE_MS = 10_000;
/** Silence after the tone before hanging up, as a caller would. */
const TAIL_MS = 300;
const TONE_HZ = 620;
const BEEP_HZ = 1000;
const TONES = [440, TONE_HZ, 880, BEEP_HZ];
/** A message may be this far from what was said after the beep and still count as intact. */
const DURATION_TOLERANCE_S = 0.5;
const RATE = 48_000;

export interface MediaRow {
  sessions: number;
  /** Deposits whose call was answered and whose message was listed. */
  listed: number;
  lost: number;
  /** Messages within DURATION_TOLERANCE_S of the time spoken after the beep, and decoding to the tone. */
  intact: number;
  /** Largest |message duration - time spoken after the beep|, s. */
  durationErrorMaxS: number;
  /** Share of 100 ms windows of the tone in the messages where the tone dominates (median over messages). */
  toneShare: number;
  /** CPU ms of the platform per second of media per session, and the window it was measured over. */
  playing: PhaseFigure | null;
  recording: PhaseFigure | null;
  /** Whole platform CPU from the first INVITE to the last message listed, per deposit (set-up, greeting, recording, storing). */
  cpuMsPerDeposit: number;
  /** Mean wall time of a deposit, INVITE to BYE, s. */
  depositS: number;
  /** Deposits one core sustains at once: 1000 * depositS / (cpuMsPerDeposit). */
  depositsPerCore: number;
  /** BYE sent to the message first seen in GET .../voicemails/new (polled every POLL_MS), ms. */
  listedLatencyMedianMs: number;
  listedLatencyMaxMs: number;
  /** INVITE sent to 200 received, ms. */
  answerMedianMs: number;
  /** This process's CPU (the callers' peers) and everything else on the machine, % of a core over the whole run. */
  callersPct: number;
  otherPct: number;
  loadAverage: number[];
  errors: string[];
}

export interface PhaseFigure {
  windowS: number;
  cpuMsPerSessionS: number;
  /** 1000 / cpuMsPerSessionS (the idle platform's CPU is taken off cpuMsPerSessionS, not off serverPct). */
  sessionsPerCore: number;
  serverPct: number;
}

export interface MediaBench {
  rows: MediaRow[];
  idleServerPct: number;
  notes: string[];
}

const POLL_MS = 50;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

async function waitFor<T>(check: () => T | Promise<T>, timeoutMs: number, what: string, stepMs = 20): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await sleep(stepMs);
  }
}

/** The platform's CPU time, sampled: CPU seconds at any past moment, interpolated. */
class CpuTimeline {
  private readonly samples: Array<{ t: number; cpu: number }> = [];
  private readonly timer: NodeJS.Timeout;
  constructor(private readonly pids: () => number[]) {
    this.sample();
    this.timer = setInterval(() => this.sample(), 100);
  }
  sample(): void {
    this.samples.push({ t: Date.now(), cpu: cpuSecondsPrecise(this.pids()) });
  }
  stop(): void {
    clearInterval(this.timer);
    this.sample();
  }
  at(t: number): number {
    const s = this.samples;
    if (t <= s[0]!.t) return s[0]!.cpu;
    for (let i = 1; i < s.length; i++) {
      if (s[i]!.t >= t) {
        const a = s[i - 1]!;
        const b = s[i]!;
        return a.cpu + ((b.cpu - a.cpu) * (t - a.t)) / Math.max(1, b.t - a.t);
      }
    }
    return s[s.length - 1]!.cpu;
  }
}

/** The beep's Opus packets: the platform sends clips as they are, so the beep is known on the wire. */
const BEEP = new Set(new Prompts().get('beep').packets.map((p) => p.toString('base64')));

/**
 * Watches the RTP a peer receives (without decoding it): when audio first arrives, and when the
 * beep ended. Nothing is sent to the caller while recording, so the beep's end is its last
 * packet: the platform starts recording one packet time after sending it.
 */
class Listener {
  firstAudioAt = 0;
  beepAt = 0;
  private sawBeep = false;
  private lastAt = 0;
  private readonly timer: NodeJS.Timeout;
  constructor(peer: TestPeer) {
    peer.pc.onTrack.subscribe((remote) => remote.onReceiveRtp.subscribe((rtp) => {
      const now = Date.now();
      this.firstAudioAt ||= now;
      this.lastAt = now;
      if (!this.sawBeep && BEEP.has(rtp.payload.toString('base64'))) this.sawBeep = true;
    }));
    this.timer = setInterval(() => {
      if (this.sawBeep && !this.beepAt && Date.now() - this.lastAt >= 120) this.beepAt = this.lastAt;
    }, 20);
  }
  stop(): void {
    clearInterval(this.timer);
  }
}

interface Deposit {
  caller: string;
  invitedAt: number;
  answeredAt: number;
  firstAudioAt: number;
  beepAt: number;
  byeAt: number;
  listedAt: number;
  /** Seconds the caller spent after the beep, to the BYE. */
  spokeS: number;
  error?: string;
}

async function login(url: string, username: string): Promise<string> {
  const res = await fetch(`${url}/api/v2/tokens`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ grant_type: 'password', username, password: BENCH_PASSWORD }) });
  const body = (await res.json()) as { access_token?: string };
  if (!res.ok || !body.access_token) throw new Error(`login ${username}: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

interface ListedMessage {
  id: string;
  caller_number: string;
  duration_s: number;
  audio_url: string;
}

async function listNew(url: string, token: string): Promise<ListedMessage[]> {
  const res = await fetch(`${url}/api/v2/domains/~/users/~/voicemails/new?limit=200`, { headers: { authorization: `Bearer ${token}` } });
  if (!res.ok) throw new Error(`GET voicemails/new: ${res.status}`);
  return ((await res.json()) as { items: ListedMessage[] }).items;
}

/** One caller: registers, calls the mailbox, hears the greeting to the beep, says the tone, hangs up. */
async function deposit(ua: SipUa, mailbox: string, speech: Buffer[], d: Deposit): Promise<void> {
  // Not decoded: see TestPeer's constructor (opusscript instances overwrite each other).
  const peer = new TestPeer({ decode: false });
  const listener = new Listener(peer);
  try {
    const offer = await peer.offer();
    d.invitedAt = Date.now();
    const call = ua.call(mailbox, [], offer);
    const final = await Promise.race([call.final, sleep(15_000).then(() => null)]);
    if (!final) throw new Error('INVITE: no answer in 15 s');
    if (final.status !== 200) throw new Error(`INVITE: ${final.status} ${final.reason}`);
    d.answeredAt = Date.now();
    await peer.accept(final.body.toString('utf8'));
    await waitFor(() => listener.beepAt, 30_000, 'the beep').catch((err: Error) => {
      const pc = peer.pc;
      throw new Error(`${err.message} (${listener.firstAudioAt ? `audio from ${listener.firstAudioAt - d.answeredAt} ms after the 200` : 'no audio heard'}; connection ${pc.connectionState}, ICE ${pc.iceConnectionState})`);
    });
    d.firstAudioAt = listener.firstAudioAt;
    d.beepAt = listener.beepAt;
    peer.sayEncoded(speech);
    await waitFor(() => peer.sendingMs === 0, TONE_MS + 10_000, 'saying the tone');
    await sleep(TAIL_MS);
    d.byeAt = Date.now();
    d.spokeS = (d.byeAt - d.beepAt) / 1000;
    const bye = await call.dialog!.bye();
    if (bye.status !== 200) throw new Error(`BYE: ${bye.status}`);
  } finally {
    listener.stop();
    await peer.close();
  }
}

/** N deposits at once on a running platform (callers benchUser(first..first+N-1)). */
export async function runRow(server: PlatformProcess, token: string, mailbox: string, firstCaller: number, n: number, speech: Buffer[], idlePct = 0): Promise<MediaRow> {
  const errors: string[] = [];
  const uas = Array.from({ length: n }, (_, i) => new SipUa(server.wsUrl, { uri: `sip:${benchUser(firstCaller + i)}@${BENCH_DOMAIN}`, authorizationUser: benchUser(firstCaller + i), password: BENCH_PASSWORD }));
  for (const ua of uas) {
    await ua.connect();
    const res = await ua.register(600);
    if (res.status !== 200) throw new Error(`REGISTER ${ua.aor}: ${res.status}`);
  }
  const before = new Set((await listNew(server.url, token)).map((m) => m.id));
  const deposits: Deposit[] = uas.map((_, i) => ({ caller: benchUser(firstCaller + i), invitedAt: 0, answeredAt: 0, firstAudioAt: 0, beepAt: 0, byeAt: 0, listedAt: 0, spokeS: 0 }));
  const loadAverage = os.loadavg().map((x) => Number(x.toFixed(2)));

  const timeline = new CpuTimeline(() => server.pids());
  const machine0 = machineCpuSeconds();
  const own0 = process.cpuUsage();
  const t0 = Date.now();
  const found = new Map<string, ListedMessage>();
  // One poller for every deposit: the time a message first shows up in the list.
  let polling = true;
  const poller = (async () => {
    while (polling) {
      if (deposits.some((d) => d.byeAt && !d.listedAt)) {
        try {
          for (const m of await listNew(server.url, token)) {
            if (before.has(m.id) || found.has(m.caller_number)) continue;
            found.set(m.caller_number, m);
            const d = deposits.find((x) => x.caller === m.caller_number);
            if (d) d.listedAt = Date.now();
          }
        } catch (err) {
          errors.push((err as Error).message);
        }
      }
      await sleep(POLL_MS);
    }
  })();
  // Started 20 ms apart, as calls arriving together would.
  await Promise.all(uas.map(async (ua, i) => {
    await sleep(i * 20);
    try {
      await deposit(ua, `sip:${mailbox}@${BENCH_DOMAIN}`, speech, deposits[i]!);
    } catch (err) {
      deposits[i]!.error = (err as Error).message;
    }
  }));
  const hungUp = deposits.filter((d) => d.byeAt && !d.error);
  await waitFor(() => hungUp.every((d) => d.listedAt), 15_000, 'every message listed', 50).catch((err: Error) => errors.push(err.message));
  polling = false;
  await poller;
  const t1 = Date.now();
  timeline.stop();
  const machine1 = machineCpuSeconds();
  const own = process.cpuUsage(own0);
  await Promise.all(uas.map((ua) => ua.close().catch(() => undefined)));

  for (const d of deposits) if (d.error) errors.push(`${d.caller}: ${d.error}`);
  const ok = deposits.filter((d) => !d.error && d.beepAt);
  const phase = (from: number, to: number, sessions: number): PhaseFigure | null => {
    const windowS = (to - from) / 1000;
    if (!(windowS >= 1)) return null;
    const cpuMs = (timeline.at(to) - timeline.at(from)) * 1000;
    // What the sessions add: the idle platform's share (idlePct of a core) comes off.
    const perSessionS = Math.max(0, cpuMs / windowS - idlePct * 10) / sessions;
    return { windowS, cpuMsPerSessionS: perSessionS, sessionsPerCore: 1000 / perSessionS, serverPct: cpuMs / windowS / 10 };
  };
  // Every session hearing the greeting: from the last one's first audio (plus a jitter margin) to the first beep.
  const playing = ok.length === n ? phase(Math.max(...ok.map((d) => d.firstAudioAt)) + 200, Math.min(...ok.map((d) => d.beepAt)) - 600, n) : null;
  // Every session recording: from the last beep to the first hang-up.
  const recording = ok.length === n ? phase(Math.max(...ok.map((d) => d.beepAt)) + 100, Math.min(...ok.map((d) => d.byeAt)), n) : null;
  const totalCpuMs = (timeline.at(t1) - timeline.at(t0)) * 1000;
  const depositS = ok.length ? ok.reduce((s, d) => s + (d.byeAt - d.invitedAt) / 1000, 0) / ok.length : 0;
  const cpuMsPerDeposit = totalCpuMs / n;

  // Intact: listed, about as long as what was said after the beep, and the tone in it.
  let intact = 0;
  let durationErrorMaxS = 0;
  const toneShares: number[] = [];
  for (const d of hungUp) {
    const m = found.get(d.caller);
    if (!m) continue;
    const err = Math.abs(m.duration_s - d.spokeS);
    durationErrorMaxS = Math.max(durationErrorMaxS, err);
    const res = await fetch(`${server.url}${m.audio_url}`, { headers: { authorization: `Bearer ${token}` } });
    const pcm = decodePackets(readOggOpus(Buffer.from(await res.arrayBuffer())).packets);
    // The tone starts within ~0.2 s of the beep: look at 100 ms windows from 0.5 s to its end.
    let windows = 0;
    let tonal = 0;
    for (let at = RATE / 2; at + RATE / 10 <= Math.min(pcm.length, ((TONE_MS - 300) * RATE) / 1000); at += RATE / 10) {
      windows++;
      const t = dominantTone(pcm.subarray(at, at + RATE / 10), TONES);
      if (t.frequency === TONE_HZ && t.share > 0.5) tonal++;
    }
    const share = windows ? tonal / windows : 0;
    // Where the tone starts (20 ms steps): about 0.15 s in when recording began with the beep's end.
    let onset = -1;
    for (let at = 0; onset < 0 && at + RATE / 50 <= pcm.length; at += RATE / 50) {
      const t = dominantTone(pcm.subarray(at, at + RATE / 50), TONES);
      if (t.frequency === TONE_HZ && t.share > 0.5) onset = at / RATE;
    }
    toneShares.push(share);
    if (err <= DURATION_TOLERANCE_S && share >= 0.95) intact++;
    else errors.push(`${d.caller}: message ${m.duration_s} s for ${d.spokeS.toFixed(2)} s spoken, tone from ${onset.toFixed(2)} s and in ${(share * 100).toFixed(0)}% of it`);
  }
  const latencies = hungUp.filter((d) => d.listedAt).map((d) => d.listedAt - d.byeAt);
  const wallS = (t1 - t0) / 1000;
  const ownS = (own.user + own.system) / 1e6;
  return {
    sessions: n,
    listed: found.size,
    lost: n - found.size,
    intact,
    durationErrorMaxS,
    toneShare: quantile(toneShares, 0.5),
    playing,
    recording,
    cpuMsPerDeposit,
    depositS,
    depositsPerCore: (1000 * depositS) / cpuMsPerDeposit,
    listedLatencyMedianMs: quantile(latencies, 0.5),
    listedLatencyMaxMs: latencies.length ? Math.max(...latencies) : 0,
    answerMedianMs: quantile(ok.map((d) => d.answeredAt - d.invitedAt), 0.5),
    callersPct: (ownS / wallS) * 100,
    otherPct: (Math.max(0, machine1.busy - machine0.busy - totalCpuMs / 1000 - ownS) / wallS) * 100,
    loadAverage,
    errors: errors.slice(0, 8),
  };
}

export async function runMediaBench(opts: { quick: boolean; sizes?: number[] }): Promise<MediaBench> {
  const sizes = opts.sizes ?? (opts.quick ? [5] : [5, 10, 20]);
  // User 0 is the mailbox (never registered, so every call to it goes to voicemail); callers follow.
  const callers = 1 + sizes.reduce((a, b) => a + b, 0);
  const server = await startPlatform(1 + callers, { env: { SWITCHBOARD_VOICEMAIL: '1' }, portalUsers: [0] });
  const rows: MediaRow[] = [];
  let idleServerPct = 0;
  try {
    const token = await login(server.url, `${benchUser(0)}@${BENCH_DOMAIN}`);
    const speech = encodePcm(tone(TONE_HZ, TONE_MS)).packets;
    // A first deposit warms up the platform (JIT, the spoken greeting synthesised and cached).
    const t0 = performance.now();
    await runRow(server, token, benchUser(0), 1, 1, speech);
    log(`media: warm-up deposit (${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    // The idle platform's own CPU (timers, keep-alives), taken off the media windows' figures.
    await sleep(1000);
    const idle0 = cpuSecondsPrecise(server.pids());
    await sleep(2000);
    idleServerPct = ((cpuSecondsPrecise(server.pids()) - idle0) / 2) * 100;
    let next = 2;
    for (const n of sizes) {
      const t = performance.now();
      rows.push(await runRow(server, token, benchUser(0), next, n, speech, idleServerPct));
      next += n;
      log(`media: ${n} concurrent deposits (${((performance.now() - t) / 1000).toFixed(0)} s)`);
      await sleep(1000);
    }
  } finally {
    await server.stop();
  }
  return { rows, idleServerPct, notes: notes(rows, idleServerPct) };
}

function notes(rows: MediaRow[], idleServerPct: number): string[] {
  const out = [
    `Each deposit: a SIP UA over WebSocket and a werift WebRTC peer in the bench process call one offline mailbox on the platform (its own process); they hear the spoken greeting and "leave a message" to the beep (~9 s, the playing window), say a ${TONE_HZ} Hz tone for ${TONE_MS / 1000} s plus ${TAIL_MS} ms of silence (the recording window) and hang up. Started 20 ms apart. A warm-up deposit comes first, not counted.`,
    `CPU: the platform process's CPU time (every thread, schedstat) sampled every 100 ms. Per second of media per session = (CPU in the window / window length - the idle platform's CPU rate) / sessions; sessions per core = 1000 / that. Per deposit = all the platform's CPU from the first INVITE to the last message listed (set-up, ICE, DTLS, greeting, recording, storing, the list polling), / sessions; deposits per core = deposit wall time (INVITE to BYE) x 1000 / CPU ms per deposit. The idle platform used ${idleServerPct.toFixed(1)}% of a core.`,
    `Intact: the message is listed, lasts within ${DURATION_TOLERANCE_S} s of the time from the beep to the hang-up, and decodes to the tone in at least 95% of its 100 ms windows. Listed latency: BYE sent to the message first seen by GET .../voicemails/new, polled every ${POLL_MS} ms (so up to ${POLL_MS} ms of it is the polling).`,
  ];
  for (const r of rows) {
    out.push(`${r.sessions} sessions: callers (this process) ${Math.round(r.callersPct)}% of a core, other work on the machine ${Math.round(r.otherPct)}%, load average before ${r.loadAverage.join(' ')}.${r.errors.length ? ` Errors: ${r.errors.join('; ')}` : ''}`);
  }
  if (rows.some((r) => r.callersPct > 80)) out.push('The callers\' process was near a full core: the platform may not have been the bottleneck, and its timing may have suffered from theirs.');
  if (rows.some((r) => r.otherPct > 25)) out.push('Other work used a noticeable share of the CPU: rerun on a quiet machine for absolute figures.');
  return out;
}

const f = (x: number | undefined | null, digits: number) => (x === undefined || x === null || !Number.isFinite(x) ? '-' : x.toFixed(digits));

export function mediaTable(b: MediaBench): string {
  const r = b.rows;
  const row = (label: string, cell: (m: MediaRow) => string) => `| ${label} | ${r.map(cell).join(' | ')} |`;
  return [
    'Server media: concurrent voicemail deposits (platform in its own process, werift)',
    '',
    `| figure | ${r.map((m) => `${m.sessions} sessions`).join(' | ')} |`,
    `|---|${r.map(() => '---:').join('|')}|`,
    row('CPU ms per second of media per session, recording', (m) => f(m.recording?.cpuMsPerSessionS, 2)),
    row('sessions per core, recording', (m) => f(m.recording?.sessionsPerCore, 0)),
    row('CPU ms per second of media per session, playing the greeting', (m) => f(m.playing?.cpuMsPerSessionS, 2)),
    row('sessions per core, playing', (m) => f(m.playing?.sessionsPerCore, 0)),
    row('server CPU while recording / playing, % of a core', (m) => `${f(m.recording?.serverPct, 0)} / ${f(m.playing?.serverPct, 0)}`),
    row('measured window recording / playing, s', (m) => `${f(m.recording?.windowS, 1)} / ${f(m.playing?.windowS, 1)}`),
    row('CPU ms per whole deposit (set-up to listed)', (m) => f(m.cpuMsPerDeposit, 0)),
    row('deposit wall time, INVITE to BYE, s', (m) => f(m.depositS, 1)),
    row('concurrent deposits one core sustains', (m) => f(m.depositsPerCore, 0)),
    row('messages listed / lost', (m) => `${m.listed} / ${m.lost}`),
    row('messages intact (duration within 0.5 s, tone)', (m) => `${m.intact} of ${m.sessions}`),
    row('largest duration error, s', (m) => f(m.durationErrorMaxS, 2)),
    row('hang-up to listed, median / max ms', (m) => `${f(m.listedLatencyMedianMs, 0)} / ${f(m.listedLatencyMaxMs, 0)}`),
    row('INVITE to 200, median ms', (m) => f(m.answerMedianMs, 0)),
    row('load average before (1 min)', (m) => f(m.loadAverage[0], 2)),
    '',
    ...b.notes.map((n) => `- ${n}`),
  ].join('\n');
}

/** `node --import tsx bench/media.ts [--quick] [--sizes 5,10]`: this part alone. */
if (import.meta.url === `file://${process.argv[1]}`) {
  const sizesArg = process.argv.find((a, i, all) => all[i - 1] === '--sizes');
  const b = await runMediaBench({ quick: process.argv.includes('--quick'), sizes: sizesArg?.split(',').map(Number) });
  process.stdout.write(mediaTable(b) + '\n');
  if (process.env.BENCH_MEDIA_JSON) fs.writeFileSync(process.env.BENCH_MEDIA_JSON, JSON.stringify(b, null, 2) + '\n');
}
