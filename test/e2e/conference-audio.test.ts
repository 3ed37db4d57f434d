/**
 * Conference audio by what is HEARD, through the UI: every party's microphone is a tone of its
 * own (an OscillatorNode standing in for getUserMedia), and after Alice's Add Call and Merge the
 * spectrum of what Bob receives must contain Dan's tone, and Dan's must contain Bob's. Packet
 * counts cannot tell mixing from no mixing; frequencies can.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BrowserContext, Page } from 'playwright-core';
import { eventually } from '../support/harness.js';
import { card, dial, gridEmpties, pick } from './phone-ui.js';
import { loginAs, startE2E, type E2E } from './browser.js';

const ALICE_HZ = 2_500;
const BOB_HZ = 440;
const DAN_HZ = 1_000;
/** A tone is "heard" when its bin is this loud (a present tone measures about -30 dB; silence below -90). */
const HEARD_DB = -60;

/** Makes getUserMedia on every page of `context` return a tone of `hz` instead of a microphone. */
async function toneMicrophone(context: BrowserContext, hz: number): Promise<void> {
  // tsx compiles this file keeping function names (a `__name` helper); the page lacks it.
  await context.addInitScript({ content: 'window.__name = (f) => f;' });
  await context.addInitScript((freq: number) => {
    const w = window as unknown as { __audio?: AudioContext };
    const audio = () => {
      w.__audio ??= new AudioContext();
      void w.__audio.resume();
      return w.__audio;
    };
    // The autoplay policy lets the context run once the user has clicked somewhere.
    addEventListener('pointerdown', () => void w.__audio?.resume(), true);
    navigator.mediaDevices.getUserMedia = async (constraints?: MediaStreamConstraints) => {
      if (!constraints?.audio) throw new DOMException('only audio here', 'NotSupportedError');
      const ctx = audio();
      const oscillator = ctx.createOscillator();
      oscillator.frequency.value = freq;
      const gain = ctx.createGain();
      gain.gain.value = 0.5;
      const destination = ctx.createMediaStreamDestination();
      oscillator.connect(gain).connect(destination);
      oscillator.start();
      return destination.stream;
    };
  }, hz);
}

/** Level (dB) at each frequency in what this page receives over its live peer connections. */
async function heard(page: Page, frequencies: number[]): Promise<number[]> {
  return page.evaluate(async (freqs: number[]) => {
    const w = window as unknown as { __audio?: AudioContext; __pcs: RTCPeerConnection[] };
    const ctx = w.__audio ??= new AudioContext();
    await ctx.resume();
    const tracks = w.__pcs.filter((pc) => pc.connectionState !== 'closed')
      .flatMap((pc) => pc.getReceivers().map((r) => r.track))
      .filter((t) => t.kind === 'audio' && t.readyState === 'live');
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 4096;
    analyser.smoothingTimeConstant = 0;
    // Chromium routes a remote WebRTC track into WebAudio only while a media element plays it.
    const sinks = tracks.map((t) => {
      const el = new Audio();
      el.muted = true;
      el.srcObject = new MediaStream([t]);
      void el.play().catch(() => undefined);
      const src = ctx.createMediaStreamSource(new MediaStream([t]));
      src.connect(analyser);
      return { el, src };
    });
    const best = freqs.map(() => -Infinity);
    const bins = new Float32Array(analyser.frequencyBinCount);
    const hzPerBin = ctx.sampleRate / analyser.fftSize;
    for (let i = 0; i < 8; i++) {
      await new Promise((r) => setTimeout(r, 150));
      analyser.getFloatFrequencyData(bins);
      freqs.forEach((hz, k) => {
        const bin = Math.round(hz / hzPerBin);
        best[k] = Math.max(best[k]!, bins[bin - 1]!, bins[bin]!, bins[bin + 1]!);
      });
    }
    for (const s of sinks) { s.src.disconnect(); s.el.srcObject = null; }
    return best;
  }, frequencies);
}

describe('conference audio (what each party hears)', { timeout: 120_000 }, () => {
  let e2e: E2E;
  let alice: Page;
  let bob: Page;
  let dan: Page;

  before(async () => {
    e2e = await startE2E();
    const users = [];
    for (const hz of [ALICE_HZ, BOB_HZ, DAN_HZ]) {
      const u = await e2e.newUser();
      await toneMicrophone(u.context, hz);
      users.push(u.page);
    }
    [alice, bob, dan] = users as [Page, Page, Page];
    await loginAs(alice, '1001');
    await loginAs(bob, '1002');
    await loginAs(dan, '1004');
  });
  after(() => e2e.close());

  it('after Add Call and Merge, Bob hears Dan and Dan hears Bob (and both hear Alice)', async () => {
    await dial(alice, '1002');
    await card(bob, 'Alice Anders').getByRole('button', { name: 'Answer' }).click();
    await card(bob, 'Alice Anders').getByText('Connected', { exact: true }).waitFor();
    // Before the merge Bob hears Alice only: the measurement can tell tones apart.
    await eventually(async () => (await heard(bob, [ALICE_HZ]))[0]! > HEARD_DB, 10_000)
      .catch(() => assert.fail('Bob never heard Alice\'s tone on a plain call'));
    const [danBefore] = await heard(bob, [DAN_HZ]);
    assert.ok(danBefore! < HEARD_DB, `Bob hears no Dan before the merge (${danBefore!.toFixed(0)} dB)`);

    await card(alice, 'Bob Baker').getByRole('button', { name: 'Add Call' }).click();
    await pick(alice, 'Dan', 'Dan Diaz');
    await card(alice, 'Bob Baker').getByText('On Hold', { exact: true }).waitFor();
    await card(dan, 'Alice Anders').getByRole('button', { name: 'Answer' }).click();
    await card(alice, 'Dan Diaz').getByRole('button', { name: 'Merge' }).click();
    await alice.getByRole('article', { name: 'Conference with Bob Baker and Dan Diaz' }).waitFor();

    let last: number[] = [];
    await eventually(async () => {
      last = [...await heard(bob, [DAN_HZ, ALICE_HZ]), ...await heard(dan, [BOB_HZ, ALICE_HZ])];
      return last.every((db) => db > HEARD_DB);
    }, 15_000).catch(() => assert.fail(
      `after Merge: Bob hears Dan ${last[0]?.toFixed(0)} dB, Alice ${last[1]?.toFixed(0)} dB; ` +
      `Dan hears Bob ${last[2]?.toFixed(0)} dB, Alice ${last[3]?.toFixed(0)} dB (heard above ${HEARD_DB} dB)`));

    await alice.getByRole('article', { name: 'Conference with Bob Baker and Dan Diaz' }).getByRole('button', { name: 'Drop Dan Diaz' }).click();
    await card(alice, 'Bob Baker').getByText('Connected', { exact: true }).waitFor();
    await card(alice, 'Bob Baker').getByRole('button', { name: 'Hang Up' }).click();
    await Promise.all([gridEmpties(alice), gridEmpties(bob), gridEmpties(dan)]);
  });
});
