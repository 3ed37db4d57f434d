/**
 * Web phone call set-up through the platform on loopback, as a user sees it: from the click on
 * "Call" to the callee's card ringing, and to both cards showing Connected (the callee answers
 * as soon as its card rings, through the test driver). Timestamps are taken inside the pages (same browser, same clock)
 * by a tight polling loop, so no test-runner latency is counted. Between the calls, in the same
 * browser, the floor: two bare RTCPeerConnections connecting (web-floor.ts).
 */
import type { Page } from 'playwright-core';
import { loginAs, startE2E } from '../test/e2e/browser.js';
import { measurePeerFloor } from './web-floor.js';

export interface CallSetupFigures {
  runs: number;
  toRingingMs: number[];
  /** Includes the time the test driver takes to click Answer once the card rings. */
  toConnectedMs: number[];
  /** From the click on Answer to both cards Connected. */
  answerToConnectedMs: number[];
  /** Two bare RTCPeerConnections in one page, offer to both connected. */
  floorToConnectedMs: number[];
}

/** Resolves, in the page, with Date.now() when an element matching `text` appears in any shadow root. */
function whenText(page: Page, text: string): Promise<number> {
  // A string, not a function: tsx would wrap named inner functions in a helper the page lacks.
  return page.evaluate(`new Promise((resolve) => {
    const needle = ${JSON.stringify(text)};
    const has = (root) => {
      if (root.textContent && root.textContent.includes(needle)) return true;
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot && has(el.shadowRoot)) return true;
      return false;
    };
    const poll = () => (has(document) ? resolve(Date.now()) : setTimeout(poll, 1));
    poll();
  })`) as Promise<number>;
}

export async function measureCallSetup(runs: number): Promise<CallSetupFigures> {
  const e2e = await startE2E();
  try {
    const alice = (await e2e.newUser()).page;
    const bob = (await e2e.newUser()).page;
    await loginAs(alice, '1001');
    await loginAs(bob, '1002');
    const toRingingMs: number[] = [];
    const toConnectedMs: number[] = [];
    const answerToConnectedMs: number[] = [];
    const floorToConnectedMs: number[] = [];
    const floor = (await e2e.newUser()).page;
    // A page of the same (secure, loopback) origin that runs no app code: the status JSON.
    await floor.goto('/api/v2/status');
    for (let i = 0; i < runs; i++) {
      await alice.getByRole('button', { name: 'New Call' }).first().click();
      await alice.getByLabel('Number').fill('1002');
      const ringing = whenText(bob, 'Incoming call');
      const aliceConnected = whenText(alice, 'Connected');
      const bobConnected = whenText(bob, 'Connected');
      // Click times are taken in the page, as the event reaches it.
      const clickAt = (page: Page) => page.evaluate(() => new Promise<number>((resolve) => window.addEventListener('click', () => resolve(Date.now()), { capture: true, once: true })));
      const callClicked = clickAt(alice);
      await alice.getByRole('button', { name: 'Call', exact: true }).click();
      const t0 = await callClicked;
      const t1 = await ringing;
      const answerClicked = clickAt(bob);
      await bob.getByRole('button', { name: 'Answer' }).click();
      const tAnswer = await answerClicked;
      const t2 = Math.max(await aliceConnected, await bobConnected);
      toRingingMs.push(t1 - t0);
      toConnectedMs.push(t2 - t0);
      answerToConnectedMs.push(t2 - tAnswer);
      await alice.getByRole('button', { name: 'Hang Up' }).click();
      await bob.getByRole('article').waitFor({ state: 'detached', timeout: 10_000 });
      await alice.getByRole('article').waitFor({ state: 'detached', timeout: 10_000 });
      floorToConnectedMs.push((await measurePeerFloor(floor)).toConnectedMs);
    }
    return { runs, toRingingMs, toConnectedMs, answerToConnectedMs, floorToConnectedMs };
  } finally {
    await e2e.close();
  }
}
