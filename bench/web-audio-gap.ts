/**
 * How long the other party hears nothing when a call moves: Switch Phone (Alice moves her call
 * with Bob to her second device; measured at Bob) and attended transfer (Bob completes the
 * transfer of Alice to Dan; measured at Alice, who was on hold: a held call still carries
 * packets, silence from the holder's muted microphone). Each page samples the inbound audio packet
 * count of all its peer connections every 5 ms; the gap is the longest stretch without a new
 * packet while the move happens.
 */
import type { Page } from 'playwright-core';
import { loginAs, startE2E } from '../test/e2e/browser.js';

export interface GapFigures {
  switchPhoneGapMs: number[];
  attendedTransferGapMs: number[];
}

const card = (page: Page, name: string) => page.getByRole('article', { name: `Call with ${name}` });

/** Starts sampling in the page (a string: tsx would add helpers the page lacks to a function). */
async function startSampling(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    window.__samples = [];
    window.__sampler = setInterval(async () => {
      let total = 0;
      for (const pc of window.__pcs) {
        if (pc.connectionState === 'closed') continue;
        const stats = await pc.getStats();
        stats.forEach((s) => { if (s.type === 'inbound-rtp' && s.kind === 'audio') total += s.packetsReceived || 0; });
      }
      window.__samples.push([performance.now(), total]);
    }, 5);
  })()`);
}

/** Stops sampling; the longest time between two increases of the packet count. */
async function longestGap(page: Page): Promise<number> {
  const samples = (await page.evaluate(`(() => { clearInterval(window.__sampler); return window.__samples; })()`)) as Array<[number, number]>;
  let gap = 0;
  let lastChange = samples[0]?.[0] ?? 0;
  let lastTotal = samples[0]?.[1] ?? 0;
  for (const [t, total] of samples) {
    if (total !== lastTotal) {
      gap = Math.max(gap, t - lastChange);
      lastChange = t;
      lastTotal = total;
    }
  }
  return Math.round(gap);
}

async function dial(page: Page, number: string): Promise<void> {
  await page.getByRole('button', { name: 'New Call' }).first().click();
  await page.getByLabel('Number').fill(number);
  await page.getByRole('button', { name: 'Call', exact: true }).click();
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function measureAudioGaps(runs: number): Promise<GapFigures> {
  const e2e = await startE2E();
  const out: GapFigures = { switchPhoneGapMs: [], attendedTransferGapMs: [] };
  try {
    const alice = (await e2e.newUser()).page;
    const alice2 = (await e2e.newUser()).page;
    const bob = (await e2e.newUser()).page;
    const dan = (await e2e.newUser()).page;
    await loginAs(alice, '1001');
    await loginAs(alice2, '1001');
    await loginAs(bob, '1002');
    await loginAs(dan, '1004');
    for (let i = 0; i < runs; i++) {
      // Switch Phone, heard at Bob.
      await dial(bob, '1001');
      await card(alice, 'Bob Baker').getByRole('button', { name: 'Answer' }).click();
      await card(bob, 'Alice Anders').getByText('Connected', { exact: true }).waitFor();
      await settle(1000);
      await startSampling(bob);
      await settle(300);
      await card(alice, 'Bob Baker').getByRole('button', { name: 'Switch Phone' }).click();
      await alice.getByRole('dialog').getByRole('button').first().click();
      await alice2.getByRole('article', { name: /Call with Bob Baker from/ }).getByRole('button', { name: 'Answer' }).click();
      await card(alice2, 'Bob Baker').getByText('Connected', { exact: true }).waitFor();
      await settle(1000);
      out.switchPhoneGapMs.push(await longestGap(bob));
      await card(bob, 'Alice Anders').getByRole('button', { name: 'Hang Up' }).click();
      await settle(5000);

      // Attended transfer, heard at Alice from the Complete Transfer click.
      await dial(alice, '1002');
      await card(bob, 'Alice Anders').getByRole('button', { name: 'Answer' }).click();
      await card(bob, 'Alice Anders').getByText('Connected', { exact: true }).waitFor();
      await card(bob, 'Alice Anders').getByRole('button', { name: 'Transfer' }).click();
      await bob.getByLabel('Search or enter a number').fill('Dan');
      await bob.getByRole('button', { name: /Dan Diaz/ }).first().click();
      await bob.getByRole('button', { name: 'Talk First' }).click();
      await card(dan, 'Bob Baker').getByRole('button', { name: 'Answer' }).click();
      await card(bob, 'Dan Diaz').getByText('Connected', { exact: true }).waitFor();
      // Alice is on hold; the gap is measured from the moment the transfer completes.
      await startSampling(alice);
      await settle(300);
      await card(bob, 'Dan Diaz').getByRole('button', { name: 'Complete Transfer' }).click();
      await card(alice, 'Dan Diaz').getByText('Connected', { exact: true }).waitFor();
      await settle(1000);
      out.attendedTransferGapMs.push(await longestGap(alice));
      await card(alice, 'Dan Diaz').getByRole('button', { name: 'Hang Up' }).click();
      await settle(5000);
    }
    return out;
  } finally {
    await e2e.close();
  }
}
