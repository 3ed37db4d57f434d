/**
 * Start-up of the web phone, as a signed-in user sees it, against a blank page served by the same
 * platform process in the same run:
 * - cold: a fresh browser context (empty HTTP cache, no service worker), signed in already (a
 *   fresh refresh token and this browser's SIP device in localStorage, as after a new version of
 *   the app was deployed);
 * - warm: the installed app's case, a new page in a context whose service worker has installed
 *   and controls the origin, so the app shell comes from its precache.
 *
 * Times are taken inside the page relative to navigation start (performance.now()). An init
 * script watches the document and every shadow root with MutationObservers (no polling, which
 * would compete with the app for the main thread) and notes when a condition first holds; the
 * figure is the next animation frame after it, the frame that shows it:
 * - "shell": the navigation pane's items and the call workspace's card grid are rendered (the
 *   phone's module has loaded: New Call and incoming calls work);
 * - "registered": the navigation pane's status says Registered;
 * - "blank": the blank page's paragraph (the floor for both).
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { loginAs, startE2E } from '../test/e2e/browser.js';
import { login as apiLogin, api } from '../test/support/harness.js';
import { blankUrl, installBlankWorker, webRootWithBlank } from './web-floor.js';
import { summarize, type Samples } from './web-stats.js';
import { DEEP } from './page-helpers.js';

export interface StartFigures {
  runs: number;
  cold: { shellMs: Samples; registeredMs: Samples; fcpMs: Samples; blankMs: Samples; blankFcpMs: Samples };
  warm: { shellMs: Samples; registeredMs: Samples; fcpMs: Samples; blankMs: Samples; blankFcpMs: Samples };
}

/** Marks in window.__benchMarks (string: tsx would add helpers the page lacks to a function). */
const WATCH = `(() => {
  ${DEEP}
  const hasText = (root, selector, text) => {
    for (const el of root.querySelectorAll(selector)) if (el.textContent.includes(text)) return true;
    for (const el of root.querySelectorAll('*')) if (el.shadowRoot && hasText(el.shadowRoot, selector, text)) return true;
    return false;
  };
  const conditions = {
    shell: () => {
      const nav = deep(document, 'sb-nav-pane');
      const calls = deep(document, 'sb-call-workspace');
      return !!(nav && nav.shadowRoot && nav.shadowRoot.querySelector('nav button') && calls && calls.shadowRoot && calls.shadowRoot.querySelector('sb-card-grid'));
    },
    registered: () => !!deep(document, 'sb-registration-indicator[state="registered"]'),
    blank: () => !!document.getElementById('blank'),
  };
  const marks = (window.__benchMarks = {});
  const options = { childList: true, subtree: true, attributes: true, characterData: true };
  const check = () => {
    for (const name of Object.keys(conditions)) {
      if (marks[name] !== undefined || !conditions[name]()) continue;
      marks[name] = null;
      requestAnimationFrame((frame) => { marks[name] = frame; });
    }
  };
  const observe = (root) => {
    new MutationObserver(check).observe(root, options);
  };
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    const root = attach.call(this, init);
    observe(root);
    return root;
  };
  observe(document);
})()`;

interface Load {
  marks: Record<string, number>;
  fcp: number;
}

/** Waits for the named marks of the page's current load, and its first contentful paint. */
async function marksOf(page: Page, names: string[]): Promise<Load> {
  const expr = `(() => {
    const m = window.__benchMarks || {};
    const fcp = performance.getEntriesByName('first-contentful-paint')[0];
    return ${JSON.stringify(names)}.every((n) => typeof m[n] === 'number') && fcp ? { marks: m, fcp: fcp.startTime } : null;
  })()`;
  const handle = await page.waitForFunction(expr, undefined, { timeout: 30_000, polling: 50 });
  return (await handle.jsonValue()) as Load;
}

async function benchContext(browser: Browser, baseURL: string, storageState?: Awaited<ReturnType<BrowserContext['storageState']>>): Promise<BrowserContext> {
  // The page's CSP forbids string evaluation, which the marks' polling uses; CSP costs no start-up time.
  const context = await browser.newContext({ permissions: ['microphone', 'notifications'], baseURL, viewport: { width: 1280, height: 800 }, storageState, bypassCSP: true });
  await context.addInitScript(WATCH);
  return context;
}

/** The app's localStorage entries of a signed-in context, with a fresh (unused) refresh token. */
async function signedInState(url: string, saved: Awaited<ReturnType<BrowserContext['storageState']>>) {
  const res = await api(url, 'POST', '/api/v2/tokens', { body: { grant_type: 'password', username: '1001@demo', password: 'switchboard' } });
  if (res.status !== 200) throw new Error(`login for the cold start failed: ${res.status}`);
  const session = JSON.stringify({ refreshToken: res.body.refresh_token, user: res.body.user });
  return {
    cookies: [],
    origins: saved.origins.map((o) => ({
      origin: o.origin,
      localStorage: o.localStorage.map((e) => (e.name === 'switchboard.session' ? { name: e.name, value: session } : e)),
    })),
  };
}

export async function measureStart(runs: number): Promise<StartFigures> {
  const root = webRootWithBlank();
  const e2e = await startE2E({ env: { SWITCHBOARD_WEB_ROOT: root.dir } });
  const url = e2e.platform.url;
  const blank = blankUrl(url);
  // Only checks that the platform is up and the demo user exists before the clock matters.
  await apiLogin(url, '1001@demo');
  const app = { cold: { shell: [] as number[], registered: [] as number[], fcp: [] as number[] }, warm: { shell: [] as number[], registered: [] as number[], fcp: [] as number[] } };
  const floor = { cold: { blank: [] as number[], fcp: [] as number[] }, warm: { blank: [] as number[], fcp: [] as number[] } };
  const loadApp = async (page: Page, into: { shell: number[]; registered: number[]; fcp: number[] }) => {
    await page.goto('/', { waitUntil: 'commit' });
    const load = await marksOf(page, ['shell', 'registered']);
    into.shell.push(load.marks.shell!);
    into.registered.push(load.marks.registered!);
    into.fcp.push(load.fcp);
  };
  const loadBlank = async (page: Page, into: { blank: number[]; fcp: number[] }) => {
    await page.goto(blank, { waitUntil: 'commit' });
    const load = await marksOf(page, ['blank']);
    into.blank.push(load.marks.blank!);
    into.fcp.push(load.fcp);
  };
  try {
    // A signed-in context once: its localStorage (session and this browser's SIP device) is
    // what every cold start begins with.
    const setup = await benchContext(e2e.browser, url);
    await loginAs(await setup.newPage(), '1001');
    const saved = await setup.storageState();
    await setup.close();

    // Cold: app and blank alternate so that drift in the machine's load affects both alike.
    for (let i = 0; i < runs; i++) {
      const c = await benchContext(e2e.browser, url, await signedInState(url, saved));
      await loadApp(await c.newPage(), app.cold);
      await c.close();
      const b = await benchContext(e2e.browser, url);
      await loadBlank(await b.newPage(), floor.cold);
      await b.close();
    }

    // Warm: one context each, installed once; then a new page per start (the app's previous page
    // closed first, so that it does not hold the phone's tab lock).
    const w = await benchContext(e2e.browser, url);
    const first = await w.newPage();
    await loginAs(first, '1001');
    await first.waitForFunction('navigator.serviceWorker.controller !== null', undefined, { timeout: 30_000 });
    await first.close();
    const wb = await benchContext(e2e.browser, url);
    const blankFirst = await wb.newPage();
    await blankFirst.goto(blank);
    await installBlankWorker(blankFirst);
    await blankFirst.close();
    for (let i = 0; i < runs; i++) {
      const p = await w.newPage();
      await loadApp(p, app.warm);
      await p.close();
      const q = await wb.newPage();
      await loadBlank(q, floor.warm);
      await q.close();
    }
    await w.close();
    await wb.close();
  } finally {
    await e2e.close();
    root.close();
  }
  const of = (a: typeof app.cold, f: typeof floor.cold) => ({
    shellMs: summarize(a.shell), registeredMs: summarize(a.registered), fcpMs: summarize(a.fcp),
    blankMs: summarize(f.blank), blankFcpMs: summarize(f.fcp),
  });
  return { runs, cold: of(app.cold, floor.cold), warm: of(app.warm, floor.warm) };
}
