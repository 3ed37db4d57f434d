/**
 * Lighthouse (npm `lighthouse`, with Debian's Chromium headless) on the production build served
 * by the platform, with its default mobile preset: a mid-range phone's screen and CPU (4x
 * slowdown) on a simulated slow 4G link (150 ms RTT, 1.6 Mbit/s). Two pages, each from a cold
 * start (Lighthouse clears the origin's storage, cache and service worker first):
 * - login: `/` with no session, the login screen;
 * - workspace: `/` signed in as 1001@demo. A fresh refresh token and user are put in
 *   localStorage by a script that runs at the start of every document, after Lighthouse's reset
 *   and before the app's own scripts, and only when the app has not saved one itself (the app
 *   rotates the token on start; putting the used one back would end the login).
 *
 * Reports the performance, accessibility and best-practices scores and first contentful paint,
 * largest contentful paint, total blocking time, time to interactive and speed index (the
 * simulated figures Lighthouse scores with), plus the audits that cost points. Nothing is asserted.
 *
 * `node --import tsx bench/web-lighthouse.ts` runs it alone: the build as served, and then the
 * same build without its precompressed copies (.br/.gz), for comparison.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import lighthouse from 'lighthouse';
import puppeteer, { type Browser } from 'puppeteer-core';
import { ensureBuilt } from '../test/e2e/browser.js';
import { api, startPlatform } from '../test/support/harness.js';
import { DEEP } from './page-helpers.js';
import { summarize, type Samples } from './web-stats.js';

const root = path.resolve(import.meta.dirname, '..');
const CATEGORIES = ['performance', 'accessibility', 'best-practices'] as const;
const TIMINGS = {
  fcpMs: 'first-contentful-paint',
  lcpMs: 'largest-contentful-paint',
  tbtMs: 'total-blocking-time',
  ttiMs: 'interactive',
  speedIndexMs: 'speed-index',
} as const;

type Category = (typeof CATEGORIES)[number];
type Timing = keyof typeof TIMINGS;

/** One Lighthouse run of one page. */
export interface LighthouseRun {
  scores: Record<Category, number>;
  timings: Record<Timing, number>;
  /** Bytes the page transferred, as Lighthouse counted them (`total-byte-weight`). */
  transferBytes: number;
  /** Audits that cost points (score below 1), worst first: id, title and what it shows. */
  flagged: Array<{ id: string; category: string; title: string; score: number; display: string }>;
  lighthouseVersion: string;
}

/** A page's runs, and each figure's median with its spread. */
export interface LighthousePage {
  page: 'login' | 'workspace';
  url: string;
  runs: LighthouseRun[];
  scores: Record<Category, Samples>;
  timings: Record<Timing, Samples>;
  transferBytes: Samples;
}

export interface LighthouseFigures {
  /** What was served: the build as made (with .br/.gz) or without its precompressed copies. */
  variant: string;
  pages: LighthousePage[];
}

function chromiumPath(): string {
  return process.env.CHROME_PATH || '/usr/bin/chromium';
}

/** One audit, tried again (up to twice) when Lighthouse itself asks for that (NO_NAVSTART and other runtime errors of a busy machine). */
async function audit(browser: Browser, url: string, page: LighthousePage['page'], session?: string): Promise<LighthouseRun> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await auditOnce(browser, url, page, session);
    } catch (err) {
      if (!(err instanceof LighthouseRuntimeError) || attempt >= 3) throw err;
      process.stderr.write(`bench (lighthouse): ${err.message}; again\n`);
    }
  }
}

class LighthouseRuntimeError extends Error {}

async function auditOnce(browser: Browser, url: string, page: LighthousePage['page'], session?: string): Promise<LighthouseRun> {
  // A browser context of its own: nothing of an earlier audit's origin data can carry over.
  const context = await browser.createBrowserContext();
  const tab = await context.newPage();
  try {
    if (session) {
      await tab.evaluateOnNewDocument((value: string) => {
        if (location.protocol.startsWith('http') && !localStorage.getItem('switchboard.session')) localStorage.setItem('switchboard.session', value);
      }, session);
    }
    const result = await lighthouse(url, {
      logLevel: 'error',
      output: 'json',
      onlyCategories: [...CATEGORIES],
      // The mobile preset is Lighthouse's default config: no config passed.
    }, undefined, tab);
    if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
    const lhr = result.lhr;
    if (lhr.runtimeError) throw new LighthouseRuntimeError(`Lighthouse on ${url}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
    const scores = Object.fromEntries(CATEGORIES.map((c) => [c, lhr.categories[c]?.score ?? NaN])) as LighthouseRun['scores'];
    const timings = Object.fromEntries(Object.entries(TIMINGS).map(([k, id]) => [k, lhr.audits[id]?.numericValue ?? NaN])) as LighthouseRun['timings'];
    const flagged: LighthouseRun['flagged'] = [];
    for (const c of CATEGORIES) {
      for (const ref of lhr.categories[c]?.auditRefs ?? []) {
        const a = lhr.audits[ref.id];
        if (!a || a.score === null || a.score >= 1 || (ref.weight === 0 && a.scoreDisplayMode !== 'metricSavings')) continue;
        flagged.push({ id: a.id, category: c, title: a.title, score: a.score, display: a.displayValue ?? '' });
      }
    }
    flagged.sort((a, b) => a.score - b.score);
    // What the audited page showed at the end: the login form, or the signed-in workspace.
    const shows = await tab.evaluate(`(() => {
      ${DEEP}
      return deep(document, 'sb-login-form') ? 'login' : deep(document, 'sb-nav-pane') ? 'workspace' : 'neither';
    })()`) as string;
    if (shows !== page) throw new Error(`the ${page} audit ended on ${tab.url()} showing ${shows}`);
    const shot = (lhr.audits['final-screenshot']?.details as { data?: string } | undefined)?.data;
    if (process.env.LIGHTHOUSE_SCREENSHOTS && shot) {
      fs.writeFileSync(path.join(process.env.LIGHTHOUSE_SCREENSHOTS, `${page}.jpg`), Buffer.from(shot.replace(/^data:image\/\w+;base64,/, ''), 'base64'));
    }
    return {
      scores, timings, flagged,
      transferBytes: lhr.audits['total-byte-weight']?.numericValue ?? NaN,
      lighthouseVersion: lhr.lighthouseVersion,
    };
  } finally {
    await context.close().catch(() => undefined);
  }
}

/** A fresh session for the app's localStorage, as the app saves one after login. */
async function freshSession(url: string): Promise<string> {
  const res = await api(url, 'POST', '/api/v2/tokens', { body: { grant_type: 'password', username: '1001@demo', password: 'switchboard' } });
  if (res.status !== 200) throw new Error(`login for the workspace audit failed: ${res.status}`);
  return JSON.stringify({ refreshToken: res.body.refresh_token, user: res.body.user });
}

function pageOf(page: LighthousePage['page'], url: string, runs: LighthouseRun[]): LighthousePage {
  const of = <K extends string>(keys: readonly K[], pick: (r: LighthouseRun, k: K) => number) =>
    Object.fromEntries(keys.map((k) => [k, summarize(runs.map((r) => pick(r, k)))])) as Record<K, Samples>;
  return {
    page, url, runs,
    scores: of(CATEGORIES, (r, c) => r.scores[c]),
    timings: of(Object.keys(TIMINGS) as Timing[], (r, t) => r.timings[t]),
    transferBytes: summarize(runs.map((r) => r.transferBytes)),
  };
}

/**
 * Lighthouse on the login page and the signed-in workspace, `runs` times each (alternating),
 * served from `webRoot` (dist/ by default).
 */
export async function measureLighthouse(opts: { webRoot?: string; variant?: string; runs?: number } = {}): Promise<LighthouseFigures> {
  ensureBuilt();
  const platform = await startPlatform({ env: { SWITCHBOARD_WEB_ROOT: opts.webRoot ?? path.join(root, 'dist') } });
  const browser = await puppeteer.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  try {
    const url = `${platform.url}/`;
    const login: LighthouseRun[] = [];
    const workspace: LighthouseRun[] = [];
    for (let i = 0; i < (opts.runs ?? 3); i++) {
      login.push(await audit(browser, url, 'login'));
      workspace.push(await audit(browser, url, 'workspace', await freshSession(platform.url)));
    }
    return { variant: opts.variant ?? 'as built (precompressed .br/.gz)', pages: [pageOf('login', url, login), pageOf('workspace', url, workspace)] };
  } finally {
    await browser.close();
    await platform.close();
  }
}

export function lighthouseTable(f: LighthouseFigures): string {
  const score = (s: Samples) => (s.min === s.max ? s.median.toFixed(2) : `${s.median.toFixed(2)} (${s.min.toFixed(2)}–${s.max.toFixed(2)})`);
  const sec = (s: Samples) => `${(s.median / 1000).toFixed(2)} s`;
  const runs = f.pages[0]?.runs.length ?? 0;
  const lines = [
    `Lighthouse ${f.pages[0]?.runs[0]?.lighthouseVersion ?? ''}, mobile preset (simulated slow 4G, 4x CPU slowdown), Debian Chromium headless, cold loads;`,
    `${f.variant}; medians of ${runs} runs (score spread in brackets)`,
    '',
    '| page | performance | accessibility | best practices | FCP | LCP | TBT | TTI | Speed Index | transferred |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...f.pages.map((p) => `| ${p.page} | ${score(p.scores.performance)} | ${score(p.scores.accessibility)} | ${score(p.scores['best-practices'])} | ${sec(p.timings.fcpMs)} | ${sec(p.timings.lcpMs)} | ${Math.round(p.timings.tbtMs.median)} ms (${Math.round(p.timings.tbtMs.min)}–${Math.round(p.timings.tbtMs.max)}) | ${sec(p.timings.ttiMs)} | ${sec(p.timings.speedIndexMs)} | ${(p.transferBytes.median / 1024).toFixed(0)} KiB |`),
  ];
  for (const p of f.pages) {
    // The audits of the run with the median performance score.
    const median = [...p.runs].sort((a, b) => a.scores.performance - b.scores.performance)[Math.floor((p.runs.length - 1) / 2)];
    if (!median?.flagged.length) continue;
    lines.push('', `Audits that cost points on the ${p.page} page (its median run):`, '');
    for (const a of median.flagged.slice(0, 12)) lines.push(`- [${a.category}] ${a.title} (${a.id}, score ${a.score.toFixed(2)}${a.display ? `: ${a.display}` : ''})`);
  }
  return lines.join('\n') + '\n';
}

/** dist/ copied without its .br/.gz files: what the platform served before it sent precompressed assets. */
function uncompressedCopy(): { dir: string; close(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-plain-'));
  fs.cpSync(path.join(root, 'dist'), dir, { recursive: true, filter: (src) => !/\.(br|gz)$/.test(src) });
  return { dir, close: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

if (process.argv[1] && path.resolve(process.argv[1]) === import.meta.filename) {
  const started = new Date();
  const built = await measureLighthouse();
  process.stdout.write(`${lighthouseTable(built)}\n`);
  const plain = uncompressedCopy();
  let before: LighthouseFigures;
  try {
    before = await measureLighthouse({ webRoot: plain.dir, variant: 'the same build without its precompressed copies (identity only)' });
  } finally {
    plain.close();
  }
  process.stdout.write(`${lighthouseTable(before)}\n`);
  const dir = path.join(import.meta.dirname, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `lighthouse-${started.toISOString().replace(/[:.]/g, '-')}.json`);
  fs.writeFileSync(file, JSON.stringify({ date: started.toISOString(), node: process.version, load: os.loadavg(), runs: [built, before] }, null, 2) + '\n');
  process.stdout.write(`figures written to ${path.relative(process.cwd(), file)}\n`);
}
