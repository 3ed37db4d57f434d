/**
 * Helpers for tests of JsSipPhone against the real platform (started by
 * web-test-runner.config.mjs and reached through its server commands).
 */
import { executeServerCommand } from '@web/test-runner-commands';
import type { JsSipCall } from '../../../src/phone/jssip-call.js';
import type { JsSipPhone } from '../../../src/phone/jssip-phone.js';
import { IncomingCallEvent, OutgoingCallEvent, type PhoneCall, type SipCredentials } from '../../../src/phone/types.js';

/** Credentials of a new device of a demo user (1001 Alice Anders, 1002 Bob Baker, 1004 Dan Diaz ...). */
export function device(extension: string): Promise<SipCredentials> {
  return executeServerCommand<SipCredentials, { extension: string }>('sip-device', { extension });
}

export function dropFlows(extension: string): Promise<number> {
  return executeServerCommand<number, { extension: string }>('sip-drop-flows', { extension });
}

/**
 * Test files run two at a time against one platform, and a call to a user rings every phone
 * registered for it: a file that registers phones holds this lock from before() to after().
 */
export function lockDemoUsers(owner: string): Promise<boolean> {
  return executeServerCommand<boolean, { owner: string }>('sip-lock', { owner });
}

export function unlockDemoUsers(owner: string): Promise<boolean> {
  return executeServerCommand<boolean, { owner: string }>('sip-unlock', { owner });
}

export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = 5_000): Promise<T> {
  const until = performance.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (performance.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function nextIncoming(phone: JsSipPhone): Promise<PhoneCall> {
  return new Promise((resolve) => {
    phone.addEventListener(IncomingCallEvent.eventName, (e) => resolve((e as IncomingCallEvent).call), { once: true });
  });
}

export function nextOutgoing(phone: JsSipPhone): Promise<PhoneCall> {
  return new Promise((resolve) => {
    phone.addEventListener(OutgoingCallEvent.eventName, (e) => resolve((e as OutgoingCallEvent).call), { once: true });
  });
}

export async function packetsReceived(call: PhoneCall): Promise<number> {
  const stats = await call.getStats();
  let packets = 0;
  stats?.forEach((report: { type: string; kind?: string; packetsReceived?: number }) => {
    if (report.type === 'inbound-rtp' && report.kind === 'audio') packets += report.packetsReceived ?? 0;
  });
  return packets;
}

let meterContext: AudioContext | null = null;

/**
 * The loudest sample of `stream` during `ms` (0 to about 1), read with an AnalyserNode.
 * Chromium's fake microphone beeps every 500 ms, so any window of 1 s catches a beep when the
 * stream carries it. (inbound-rtp audioLevel/totalAudioEnergy stay 0 in headless Chromium:
 * they are measured at playout, and there is no audio output device.) A remote stream must be
 * playing in a media element (see play()).
 */
export async function peakLevel(stream: MediaStream | null, ms: number): Promise<number> {
  if (!stream) throw new Error('no stream');
  meterContext ??= new AudioContext();
  const source = meterContext.createMediaStreamSource(stream);
  const analyser = meterContext.createAnalyser();
  analyser.fftSize = 1024; // about 21 ms at 48 kHz: polling every 15 ms misses nothing
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  let peak = 0;
  const until = performance.now() + ms;
  try {
    while (performance.now() < until) {
      analyser.getFloatTimeDomainData(samples);
      for (const v of samples) peak = Math.max(peak, Math.abs(v));
      await sleep(15);
    }
  } finally {
    source.disconnect();
  }
  return peak;
}

/** Waits until RTP arrives on both calls (the two ends of one media session). */
export async function audioBothWays(a: PhoneCall, b: PhoneCall): Promise<void> {
  const [a0, b0] = [await packetsReceived(a), await packetsReceived(b)];
  await waitFor('RTP at one end', async () => (await packetsReceived(a)) > a0 + 5);
  await waitFor('RTP at the other end', async () => (await packetsReceived(b)) > b0 + 5);
}

export function audioSender(call: PhoneCall): RTCRtpSender {
  const sender = (call as JsSipCall).peerConnection?.getSenders().find((s) => s.track?.kind === 'audio');
  if (!sender) throw new Error('no audio sender');
  return sender;
}

export function ended(call: PhoneCall, timeoutMs = 5_000): Promise<unknown> {
  return waitFor(`call ${call.snapshot.remote.number} to end`, () => call.snapshot.status === 'ended', timeoutMs);
}

export function connected(call: PhoneCall, timeoutMs = 5_000): Promise<unknown> {
  return waitFor(`call ${call.snapshot.remote.number} to connect`, () => call.snapshot.status === 'connected', timeoutMs);
}

/** The error `promise` rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected the promise to reject');
}

/**
 * Plays a call's remote audio in a muted <audio>: Chrome feeds a remote WebRTC stream into
 * Web Audio only while a media element plays it (the app's sb-remote-audio does this).
 */
export function play(stream: MediaStream | null): HTMLAudioElement {
  if (!stream) throw new Error('no remote stream');
  const audio = document.createElement('audio');
  audio.muted = true;
  audio.srcObject = stream;
  document.body.append(audio);
  audio.play().catch(() => undefined);
  return audio;
}
