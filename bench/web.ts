/**
 * The web phone half of `npm run bench`: size, start-up, calls, memory and lists, in headless
 * Chromium with fake media devices, each figure beside its floor measured in the same run
 * (a blank page from the same server, two bare RTCPeerConnections, the idle frame interval).
 * The figures are medians of several repetitions with their spread; nothing is asserted.
 */
import { measureCallSetup } from './web-calls.js';
import { measureHistoryList } from './web-history.js';
import { lighthouseTable, measureLighthouse, type LighthouseFigures } from './web-lighthouse.js';
import { measureLists, type ListFigures } from './web-lists.js';
import { measureMemory, type MemoryFigures } from './web-memory.js';
import { measureSize, type SizeFigures } from './web-size.js';
import { measureStart, type StartFigures } from './web-start.js';
import { summarize, type Samples } from './web-stats.js';

export interface WebBench {
  quick: boolean;
  /** Repetitions of start-up and call set-up. */
  runs: number;
  size: SizeFigures;
  start: StartFigures;
  calls: { toRingingMs: Samples; toConnectedMs: Samples; answerToConnectedMs: Samples; floorToConnectedMs: Samples };
  memory: MemoryFigures;
  lists: ListFigures;
  history: { records: number; pages: number; firstPageMs: Samples; loadMoreMs: Samples; lateLoadMoreMs: Samples; scrollFrameMs: Samples; deepPageMs: Samples };
  lighthouse: LighthouseFigures;
}

const step = (what: string) => process.stderr.write(`bench (web): ${what}...\n`);

export async function runWebBench(opts: { quick: boolean }): Promise<WebBench> {
  const runs = opts.quick ? 3 : 7;
  step('size of the first load');
  const size = await measureSize();
  step(`start-up, cold and warm, ${runs} times each`);
  const start = await measureStart(runs);
  step(`call set-up, ${runs} calls`);
  const c = await measureCallSetup(runs);
  const calls = {
    toRingingMs: summarize(c.toRingingMs), toConnectedMs: summarize(c.toConnectedMs),
    answerToConnectedMs: summarize(c.answerToConnectedMs), floorToConnectedMs: summarize(c.floorToConnectedMs),
  };
  step('memory, signed in and on four calls');
  const memory = await measureMemory();
  const contacts = opts.quick ? 2_000 : 10_000;
  step(`lists, ${contacts} contacts`);
  const lists = await measureLists(contacts);
  const records = opts.quick ? 20_000 : 100_000;
  const pages = opts.quick ? 10 : 40;
  step(`call history, ${records} records`);
  const h = await measureHistoryList({ records, runs: Math.min(runs, 5), pages });
  const history = {
    records, pages, firstPageMs: summarize(h.firstPageMs), loadMoreMs: summarize(h.loadMoreMs),
    // The last quarter of the pages: a list that slowed as it grew would show here.
    lateLoadMoreMs: summarize(h.loadMoreMs.slice(-Math.ceil(pages / 4))),
    scrollFrameMs: summarize(h.scrollFrameMs), deepPageMs: summarize(h.deepPageMs),
  };
  const lighthouseRuns = opts.quick ? 1 : 3;
  step(`Lighthouse (mobile) on the login page and the workspace, ${lighthouseRuns} times each`);
  const lighthouse = await measureLighthouse({ runs: lighthouseRuns });
  return { quick: opts.quick, runs, size, start, calls, memory, lists, history, lighthouse };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

export function webTable(b: WebBench): string {
  const ms = (s: Samples) => `${s.median.toFixed(0)} ms`;
  const spread = (s: Samples, unit = 'ms', digits = 0) => `${s.min.toFixed(digits)}–${s.max.toFixed(digits)} ${unit}`;
  const ratio = (a: Samples, floor: Samples) => `${(a.median / floor.median).toFixed(1)}×`;
  const row = (figure: string, s: Samples, floor?: Samples) =>
    `| ${figure} | ${ms(s)} | ${spread(s)} | ${floor ? ms(floor) : '—'} | ${floor ? ratio(s, floor) : '—'} |`;
  const mib = (figure: string, s: Samples, floor?: Samples) =>
    `| ${figure} | ${s.median.toFixed(2)} MiB | ${spread(s, 'MiB', 2)} | ${floor ? `${floor.median.toFixed(2)} MiB` : '—'} | ${floor ? ratio(s, floor) : '—'} |`;
  const { size, start, calls, memory, lists, history } = b;
  const records = history.records.toLocaleString('en');
  const n = b.runs;
  const lines = [
    `Web phone (headless Chromium, fake media; ${b.quick ? 'QUICK run: ' : ''}medians of ${n} runs unless stated; floors measured in the same run)`,
    '',
    '| figure | median | spread | floor | ratio |',
    '|---|---:|---:|---:|---:|',
    `| first load JS, raw / gzip / brotli | ${kib(size.js.raw)} / ${kib(size.js.gzip)} / ${kib(size.js.brotli)} | — | — | — |`,
    `| first load CSS files (styles live in the JS: Lit css\`\`) | ${kib(size.css.raw)} | — | — | — |`,
    `| index.html, raw / gzip | ${kib(size.html.raw)} / ${kib(size.html.gzip)} | — | — | — |`,
    `| JS loaded later (dynamic imports) | ${kib(size.lazyJsRaw)} | — | — | — |`,
    ...size.lazy.map((l) => `| on demand: ${l.name}, raw / gzip | ${kib(l.raw)} / ${kib(l.gzip)} | — | — | — |`),
    row('cold start: first contentful paint', start.cold.fcpMs, start.cold.blankFcpMs),
    row('cold start: app shell on screen (nav + Calls)', start.cold.shellMs, start.cold.blankMs),
    row('cold start: "Registered" on screen', start.cold.registeredMs, start.cold.blankMs),
    row('warm start (service worker): first contentful paint', start.warm.fcpMs, start.warm.blankFcpMs),
    row('warm start: app shell on screen', start.warm.shellMs, start.warm.blankMs),
    row('warm start: "Registered" on screen', start.warm.registeredMs, start.warm.blankMs),
    row('call: click on Call → callee ringing', calls.toRingingMs),
    row('call: click on Call → both Connected (incl. driver clicking Answer)', calls.toConnectedMs, calls.floorToConnectedMs),
    row('call: click on Answer → both Connected', calls.answerToConnectedMs),
    mib('JS heap, signed in, idle (3 samples)', memory.signedInMiB, memory.blankMiB),
    mib('JS heap, four live calls (3 samples)', memory.fourCallsMiB, memory.blankMiB),
    row(`open Contacts, ${lists.contacts.toLocaleString('en')} contacts (${lists.openMs.samples.length} opens)`, lists.openMs),
    row(`search-as-you-type, ${lists.contacts.toLocaleString('en')} contacts: keystroke → frame shown (${lists.keystrokeMs.samples.length} keystrokes)`, lists.keystrokeMs, lists.idleFrameMs),
    `| scroll to the bottom: frame interval (${lists.scrollFrameMs.samples.length} frames; ${lists.scrollLongFrames} longer than 2 idle frames) | ${lists.scrollFrameMs.median.toFixed(1)} ms | ${spread(lists.scrollFrameMs, 'ms', 1)} | ${lists.idleFrameMs.median.toFixed(1)} ms | ${ratio(lists.scrollFrameMs, lists.idleFrameMs)} |`,
    row(`open Call History, ${records} records in IndexedDB: click → first rows painted`, history.firstPageMs),
    row(`Load more, ${history.pages} pages of 50 in a row: click → painted`, history.loadMoreMs),
    row(`  the last ${Math.ceil(history.pages / 4)} of those pages (rows ${(history.pages * 50 - Math.ceil(history.pages / 4) * 50).toLocaleString('en')}+)`, history.lateLoadMoreMs, history.loadMoreMs),
    `| scroll ${(history.pages * 50 + 50).toLocaleString('en')} loaded records: frame interval (${history.scrollFrameMs.samples.length} frames) | ${history.scrollFrameMs.median.toFixed(1)} ms | ${spread(history.scrollFrameMs, 'ms', 1)} | ${lists.idleFrameMs.median.toFixed(1)} ms | ${ratio(history.scrollFrameMs, lists.idleFrameMs)} |`,
    `| one page of 50 at the far end of ${records} records (IndexedDB keyset cursor) | ${history.deepPageMs.median.toFixed(1)} ms | ${spread(history.deepPageMs, 'ms', 1)} | — | — |`,
    '',
    'Floors: start-up, a blank page from the same server (warm: from its own service worker\'s cache); calls, two bare',
    'RTCPeerConnections in one page (offer after ICE gathering completes, no trickle; the app sends its INVITE on the',
    'first usable candidate); heap, the blank page; lists, the same page\'s idle frame interval; the late',
    'Load more pages, all the Load more pages (a ratio near 1 means no slow-down as the list grows).',
    '',
    'Largest parts of the first-load JavaScript (minified bytes, from source maps):',
    '',
    '| package or folder | bytes | share |',
    '|---|---:|---:|',
    ...size.modules.slice(0, 8).map((m) => `| ${m.name} | ${kib(m.bytes)} | ${(m.share * 100).toFixed(1)}% |`),
    '',
    lighthouseTable(b.lighthouse),
  ];
  return lines.join('\n') + '\n';
}
