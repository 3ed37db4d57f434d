/**
 * The floors the web phone's figures are divided by, measured in the same run on the same
 * machine: a blank page served by the same platform process (cold, and warm from a service
 * worker's cache like the installed app), and a call between two bare RTCPeerConnections.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { ensureBuilt } from '../test/e2e/browser.js';

const dist = path.resolve(import.meta.dirname, '..', 'dist');

/** A paragraph, so that the page has a contentful paint like the app. */
const BLANK_HTML = '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>blank</title></head><body><p id="blank">blank</p></body></html>\n';

/**
 * The smallest useful installed-app worker: caches the blank page at install and answers from
 * the cache first, as Workbox's precache route does for the app.
 */
const BLANK_SW = `
self.addEventListener('install', (e) => e.waitUntil(caches.open('blank').then((c) => c.add('/blank.html')).then(() => self.skipWaiting())));
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));
self.addEventListener('fetch', (e) => e.respondWith(caches.match(e.request).then((r) => r || fetch(e.request))));
`;

export interface WebRoot {
  dir: string;
  close(): void;
}

/**
 * A copy of the built app with blank.html and blank-sw.js beside it, for the platform to serve.
 * The blank page is opened on another host name of the same server (localhost instead of
 * 127.0.0.1): on the app's origin its service worker would answer the navigation with the app.
 */
export function webRootWithBlank(): WebRoot {
  ensureBuilt();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-webroot-'));
  fs.cpSync(dist, dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'blank.html'), BLANK_HTML);
  fs.writeFileSync(path.join(dir, 'blank-sw.js'), BLANK_SW);
  return { dir, close: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** The blank page's URL for a platform at `appUrl` (http://127.0.0.1:port). */
export function blankUrl(appUrl: string): string {
  const url = new URL(appUrl);
  url.hostname = 'localhost';
  url.pathname = '/blank.html';
  return url.toString();
}

/** Installs blank-sw.js from a page showing the blank page and waits until it controls it. */
export async function installBlankWorker(page: Page): Promise<void> {
  await page.evaluate(`navigator.serviceWorker.register('/blank-sw.js').then(() => new Promise((resolve) => {
    if (navigator.serviceWorker.controller) resolve(true);
    else navigator.serviceWorker.addEventListener('controllerchange', () => resolve(true), { once: true });
  }))`);
}

export interface PeerFloor {
  /** From creating the offer to both connectionState 'connected'. */
  toConnectedMs: number;
}

/**
 * One call between two bare RTCPeerConnections in one page, with the fake microphone's track on
 * both. The offer is sent once ICE gathering has completed (no trickle), as the other side gets
 * it in one SDP like the app's INVITE; gathering on loopback with no STUN/TURN servers is host
 * candidates only. Both getUserMedia calls are inside the measurement, as the app asks for the
 * microphone on the click (caller) and on Answer (callee).
 */
export async function measurePeerFloor(page: Page): Promise<PeerFloor> {
  // A string: tsx would wrap named inner functions in a helper the page lacks.
  const ms = (await page.evaluate(`(async () => {
    const gathered = (pc) => new Promise((resolve) => {
      if (pc.iceGatheringState === 'complete') return resolve();
      pc.addEventListener('icegatheringstatechange', () => { if (pc.iceGatheringState === 'complete') resolve(); });
    });
    const connected = (pc) => new Promise((resolve) => {
      pc.addEventListener('connectionstatechange', () => { if (pc.connectionState === 'connected') resolve(); });
    });
    const t0 = performance.now();
    const caller = new RTCPeerConnection();
    const callee = new RTCPeerConnection();
    const both = Promise.all([connected(caller), connected(callee)]);
    const mine = await navigator.mediaDevices.getUserMedia({ audio: true });
    for (const t of mine.getTracks()) caller.addTrack(t, mine);
    await caller.setLocalDescription(await caller.createOffer());
    await gathered(caller);
    await callee.setRemoteDescription(caller.localDescription);
    const theirs = await navigator.mediaDevices.getUserMedia({ audio: true });
    for (const t of theirs.getTracks()) callee.addTrack(t, theirs);
    await callee.setLocalDescription(await callee.createAnswer());
    await gathered(callee);
    await caller.setRemoteDescription(callee.localDescription);
    await both;
    const ms = performance.now() - t0;
    for (const s of [mine, theirs]) s.getTracks().forEach((t) => t.stop());
    caller.close();
    callee.close();
    return ms;
  })()`)) as number;
  return { toConnectedMs: ms };
}
