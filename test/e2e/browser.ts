/**
 * End-to-end support: the real platform serving the production build of the web phone, and
 * Debian's Chromium driven by playwright-core with fake microphones, one browser context per
 * user. Peer connections are recorded by an init script so tests can read WebRTC statistics
 * without any test hook in the app itself.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startPlatform, type TestPlatform } from '../support/harness.js';

const root = path.resolve(import.meta.dirname, '../..');
const dist = path.join(root, 'dist');

/** Builds the web app unless dist/ is newer than every source file. */
export function ensureBuilt(): void {
  const newest = (dir: string): number => fs.readdirSync(dir, { withFileTypes: true }).reduce((m, e) => {
    const p = path.join(dir, e.name);
    return Math.max(m, e.isDirectory() ? newest(p) : fs.statSync(p).mtimeMs);
  }, 0);
  const sources = Math.max(newest(path.join(root, 'src')), newest(path.join(root, 'sw')), fs.statSync(path.join(root, 'index.html')).mtimeMs);
  const index = path.join(dist, 'index.html');
  if (fs.existsSync(index) && fs.statSync(index).mtimeMs > sources) return;
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'error'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('vite build failed');
}

export interface E2E {
  platform: TestPlatform;
  browser: Browser;
  newUser(): Promise<{ context: BrowserContext; page: Page }>;
  close(): Promise<void>;
}

export async function startE2E(opts: Parameters<typeof startPlatform>[0] = {}): Promise<E2E> {
  ensureBuilt();
  const platform = await startPlatform({ ...opts, env: { SWITCHBOARD_WEB_ROOT: dist, ...opts.env } });
  const browser = await chromium.launch({
    executablePath: process.env.CHROME_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
      '--autoplay-policy=user-gesture-required',
    ],
  });
  const contexts: BrowserContext[] = [];
  // The app runs under the platform's Content-Security-Policy; anything it blocks fails the file.
  const cspViolations: string[] = [];
  return {
    platform,
    browser,
    async newUser() {
      const context = await browser.newContext({ permissions: ['microphone', 'notifications'], baseURL: platform.url, viewport: { width: 1280, height: 800 } });
      contexts.push(context);
      await context.addInitScript(() => {
        const pcs: RTCPeerConnection[] = [];
        (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs = pcs;
        const Native = window.RTCPeerConnection;
        window.RTCPeerConnection = class extends Native {
          constructor(config?: RTCConfiguration) {
            super(config);
            pcs.push(this);
          }
        } as typeof RTCPeerConnection;
      });
      const page = await context.newPage();
      page.on('pageerror', (err) => process.stderr.write(`[page error] ${err.message}\n`));
      page.on('console', (msg) => {
        if (/Content Security Policy/i.test(msg.text())) cspViolations.push(msg.text());
      });
      return { context, page };
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await platform.close();
      if (cspViolations.length) throw new Error(`the Content-Security-Policy blocked something:\n${cspViolations.join('\n')}`);
    },
  };
}

/** Logs in through the UI and waits until the phone says Registered. */
export async function loginAs(page: Page, extension: string, password = 'switchboard'): Promise<void> {
  await page.goto('/');
  try {
    await page.getByLabel('Username').waitFor({ timeout: 20_000 });
  } catch (err) {
    // Say what the page shows instead of the login form (a rare failure under load).
    const shown = await page.evaluate(() => {
      const app = document.querySelector('sb-app') as (HTMLElement & { session?: { state: string; error: string } }) | null;
      const text = (app?.shadowRoot?.textContent ?? document.body.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 300);
      return `session ${app?.session?.state ?? 'none'} (${app?.session?.error ?? ''}); url ${location.href}; page: ${text}`;
    }).catch((e: unknown) => `page not readable: ${String(e)}`);
    throw new Error(`no login form for ${extension}: ${shown}`, { cause: err });
  }
  await page.getByLabel('Username').fill(`${extension}@demo`);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.getByRole('status').filter({ hasText: 'Registered' }).first().waitFor({ timeout: 15_000 });
}

/** Total inbound RTP audio packets over every peer connection of the page. */
export async function packetsReceived(page: Page): Promise<number> {
  return page.evaluate(async () => {
    let total = 0;
    for (const pc of (window as unknown as { __pcs: RTCPeerConnection[] }).__pcs) {
      if (pc.connectionState === 'closed') continue;
      const stats = await pc.getStats();
      stats.forEach((s: { type: string; kind?: string; packetsReceived?: number }) => {
        if (s.type === 'inbound-rtp' && s.kind === 'audio') total += s.packetsReceived ?? 0;
      });
    }
    return total;
  });
}

/** A platform, a browser and a page per extension, each signed in (in that order). */
export async function signedInUsers(...extensions: string[]): Promise<{ e2e: E2E; pages: Page[] }> {
  const e2e = await startE2E();
  const pages: Page[] = [];
  for (const ext of extensions) pages.push((await e2e.newUser()).page);
  for (const [i, ext] of extensions.entries()) await loginAs(pages[i]!, ext);
  return { e2e, pages };
}
