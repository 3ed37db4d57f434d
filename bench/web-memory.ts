/**
 * JavaScript heap of the web phone's page: signed in and idle, and on four live calls at once
 * (callers in other browser contexts; the user answers each, the app holds the earlier ones);
 * the floor is the blank page's heap in the same browser. Each figure is the page's used V8 heap
 * after forced garbage collections (Chrome DevTools Protocol), sampled a few times.
 */
import type { Page } from 'playwright-core';
import { loginAs, startE2E } from '../test/e2e/browser.js';
import { blankUrl, webRootWithBlank } from './web-floor.js';
import { settle, summarize, type Samples } from './web-stats.js';

export interface MemoryFigures {
  /** Used JS heap, MiB. */
  signedInMiB: Samples;
  fourCallsMiB: Samples;
  blankMiB: Samples;
}

/** Used heap after two full collections (the second frees what the first's finalisers left). */
async function heapSamples(page: Page, samples = 3): Promise<number[]> {
  const cdp = await page.context().newCDPSession(page);
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    await cdp.send('HeapProfiler.collectGarbage');
    await cdp.send('HeapProfiler.collectGarbage');
    const { usedSize } = await cdp.send('Runtime.getHeapUsage');
    out.push(usedSize / 2 ** 20);
    await settle(200);
  }
  await cdp.detach();
  return out;
}

/** Callers: three other users and a second device of one of them (1003 signs in with MFA). */
const CALLERS = ['1002', '1004', '1005', '1002'];

export async function measureMemory(): Promise<MemoryFigures> {
  const root = webRootWithBlank();
  const e2e = await startE2E({ env: { SWITCHBOARD_WEB_ROOT: root.dir } });
  try {
    const blank = (await e2e.newUser()).page;
    await blank.goto(blankUrl(e2e.platform.url));
    const blankMiB = await heapSamples(blank);

    const alice = (await e2e.newUser()).page;
    await loginAs(alice, '1001');
    // The first seconds after sign-in load the directory and history; let them finish.
    await settle(2000);
    const signedInMiB = await heapSamples(alice);

    for (const [i, extension] of CALLERS.entries()) {
      const caller = (await e2e.newUser()).page;
      await loginAs(caller, extension);
      await caller.getByRole('button', { name: 'New Call' }).first().click();
      await caller.getByLabel('Number').fill('1001');
      await caller.getByRole('button', { name: 'Call', exact: true }).click();
      await alice.getByRole('button', { name: 'Answer' }).first().click();
      // Connected on the caller's side: the active call; the app holds the ones before it.
      await caller.getByText('Connected', { exact: true }).first().waitFor({ timeout: 15_000 });
      await alice.getByText('Connected', { exact: true }).first().waitFor();
      if (i === CALLERS.length - 1) await alice.getByText('On Hold', { exact: true }).nth(CALLERS.length - 2).waitFor({ timeout: 15_000 });
    }
    await settle(2000);
    const fourCallsMiB = await heapSamples(alice);
    return { signedInMiB: summarize(signedInMiB), fourCallsMiB: summarize(fourCallsMiB), blankMiB: summarize(blankMiB) };
  } finally {
    await e2e.close();
    root.close();
  }
}
