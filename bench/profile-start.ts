/**
 * `node --import tsx bench/profile-start.ts [--cold]`: where a warm start's time goes (the
 * installed app's case: the service worker serves the shell). One signed-in warm start under the
 * V8 CPU profiler, then: the navigation's timeline (service worker start, response, scripts
 * fetched, DOM interactive) and the main thread's self time by script file and by function.
 * A diagnosis tool beside the benchmark; it prints, it does not judge.
 */
import type { Page } from 'playwright-core';
import { loginAs, startE2E } from '../test/e2e/browser.js';

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const SHELL = `(() => {
  const deep = (root, sel) => { const f = root.querySelector(sel); if (f) return f; for (const el of root.querySelectorAll('*')) { if (el.shadowRoot) { const x = deep(el.shadowRoot, sel); if (x) return x; } } return null; };
  const ws = deep(document, 'sb-call-workspace') || deep(document, 'sb-calls-view');
  return !!(ws && ws.shadowRoot && ws.shadowRoot.childElementCount > 0);
})()`;

async function profileLoad(page: Page): Promise<{ profile: Profile; shellMs: number; timeline: Record<string, number>; scripts: Array<{ name: string; ms: number; start: number }> }> {
  const cdp = await page.context().newCDPSession(page);
  const profiling = !process.argv.includes('--no-profile');
  if (profiling) {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 100 });
    await cdp.send('Profiler.start');
  }
  await page.goto('/', { waitUntil: 'commit' });
  await page.waitForFunction(SHELL, undefined, { timeout: 30_000, polling: 'raf' });
  const shellMs = await page.evaluate(() => performance.now());
  const { profile } = profiling ? ((await cdp.send('Profiler.stop')) as unknown as { profile: Profile }) : { profile: { nodes: [], samples: [], timeDeltas: [], startTime: 0, endTime: 0 } };
  const timeline = await page.evaluate(() => {
    const n = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    return { workerStart: n.workerStart, fetchStart: n.fetchStart, responseStart: n.responseStart, responseEnd: n.responseEnd, domInteractive: n.domInteractive, domContentLoaded: n.domContentLoadedEventEnd, fcp: fcp?.startTime ?? -1 };
  });
  const scripts = await page.evaluate(() => (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).map((r) => ({ name: r.name.replace(location.origin, ''), ms: r.duration, start: r.startTime })));
  return { profile, shellMs, timeline, scripts };
}

function selfTimes(profile: Profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const byFile = new Map<string, number>();
  const byFn = new Map<string, number>();
  for (const [id, ms] of self) {
    const f = byId.get(id)!.callFrame;
    const file = f.url ? f.url.replace(/^https?:\/\/[^/]+/, '') : `(${f.functionName || 'native'})`;
    byFile.set(file, (byFile.get(file) ?? 0) + ms);
    const fn = `${f.functionName || '(anonymous)'} ${file}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + ms);
  }
  const top = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n);
  return { byFile: top(byFile, 12), byFn: top(byFn, 20) };
}

const e2e = await startE2E();
try {
  const context = await e2e.browser.newContext({ permissions: ['microphone', 'notifications'], baseURL: e2e.platform.url, viewport: { width: 1280, height: 800 }, bypassCSP: true });
  const first = await context.newPage();
  await loginAs(first, '1001');
  await first.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 30_000 });
  await first.close();
  // Two warm-ups so the code cache is warm as for a user who opens the app daily, then the profile.
  for (let i = 0; i < 2; i++) {
    const p = await context.newPage();
    await p.goto('/');
    await p.waitForFunction(SHELL, undefined, { timeout: 30_000 });
    await p.close();
  }
  if (process.argv.includes('--trace')) {
    // Blink's own view: how long the main thread spent in script, style, layout and paint.
    const page = await context.newPage();
    await e2e.browser.startTracing(page, { categories: ['devtools.timeline', 'v8', 'blink'] });
    await page.goto('/', { waitUntil: 'commit' });
    await page.waitForFunction(SHELL, undefined, { timeout: 30_000, polling: 'raf' });
    const trace = JSON.parse((await e2e.browser.stopTracing()).toString()) as { traceEvents: Array<{ name: string; ph: string; dur?: number; tid: number; pid: number; ts: number; args?: { name?: string; data?: { frame?: string } } }> };
    const events = trace.traceEvents;
    // The renderer's main thread: the one that laid out the page.
    const layoutBy = new Map<string, number>();
    for (const e of events) if (e.name === 'UpdateLayoutTree' || e.name === 'Layout') layoutBy.set(`${e.pid}:${e.tid}`, (layoutBy.get(`${e.pid}:${e.tid}`) ?? 0) + 1);
    const main = [...layoutBy].sort((a, b) => b[1] - a[1])[0]?.[0];
    const totals = new Map<string, number>();
    for (const e of events) {
      if (`${e.pid}:${e.tid}` !== main || e.ph !== 'X' || !e.dur) continue;
      totals.set(e.name, (totals.get(e.name) ?? 0) + e.dur / 1000);
    }
    process.stdout.write('trace: main-thread time by event (ms, nested events counted in their parents too):\n');
    for (const [k, v] of [...totals].sort((a, b) => b[1] - a[1]).slice(0, 25)) process.stdout.write(`  ${v.toFixed(1).padStart(7)}  ${k}\n`);
    await context.close();
    process.exit(0);
  }
  const page = await context.newPage();
  const r = await profileLoad(page);
  const out: string[] = [`warm start to the call grid: ${r.shellMs.toFixed(0)} ms`, '', 'navigation (ms from navigation start):'];
  for (const [k, v] of Object.entries(r.timeline)) out.push(`  ${k.padEnd(18)} ${v.toFixed(1)}`);
  out.push('', 'resources (start, duration ms):');
  for (const s of r.scripts.slice(0, 20)) out.push(`  ${s.start.toFixed(0).padStart(6)} ${s.ms.toFixed(1).padStart(7)}  ${s.name}`);
  const t = selfTimes(r.profile);
  out.push('', 'main-thread self time by file (ms):');
  for (const [k, v] of t.byFile) out.push(`  ${v.toFixed(1).padStart(7)}  ${k}`);
  out.push('', 'by function (ms):');
  for (const [k, v] of t.byFn) out.push(`  ${v.toFixed(1).padStart(7)}  ${k}`);
  process.stdout.write(out.join('\n') + '\n');
  await context.close();
} finally {
  await e2e.close();
}
