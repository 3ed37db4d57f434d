/** A caller of the platform's voicemail in tests: a SIP user agent with a WebRTC peer in Node. */
import assert from 'node:assert/strict';
import { delay, eventually } from './harness.js';
import type { OutgoingCall, SipUa } from './sip-ua.js';
import { dominantTone, rms, TestPeer } from './webrtc-peer.js';

export const TONES = [440, 620, 880, 1000];

export interface VoicemailCall {
  peer: TestPeer;
  call: OutgoingCall;
  /** Sends a digit as SIP INFO, as JsSIP does. */
  press(digit: string): Promise<void>;
  hangUp(): Promise<void>;
}

export async function callVoicemail(caller: SipUa, target: string): Promise<VoicemailCall> {
  const peer = new TestPeer();
  const call = caller.call(target, [], await peer.offer());
  const final = await call.final;
  assert.equal(final.status, 200, `the call to ${target} was answered (${final.status})`);
  await peer.accept(final.body.toString('utf8'));
  return {
    peer, call,
    async press(digit) {
      const res = await call.dialog!.request('INFO', `Signal=${digit}\r\nDuration=160\r\n`, 'application/dtmf-relay');
      assert.equal(res.status, 200);
    },
    async hangUp() {
      await call.dialog!.bye();
      await peer.close();
    },
  };
}

/** Waits for the beep: a stretch of 1 kHz in what the caller hears after `from`. */
export async function beepHeard(peer: TestPeer, from: number, timeoutMs = 15_000): Promise<number> {
  return eventually(() => {
    for (let at = from; at + 9_600 <= peer.heard.length; at += 4_800) {
      const window = peer.heard.slice(at, at + 9_600);
      if (rms(window) > 1000 && dominantTone(window, TONES).frequency === 1000 && dominantTone(window, TONES).share > 0.5) return at + 9_600;
    }
    return 0;
  }, timeoutMs);
}


/**
 * Calls `target`'s voicemail, skips the greeting with # once it is heard (a key pressed before
 * it starts playing is not seen), says `pcm` (48 kHz mono) after the beep, and hangs up.
 */
export async function leaveMessage(caller: SipUa, target: string, pcm: Int16Array): Promise<void> {
  const vm = await callVoicemail(caller, target);
  try {
    await eventually(() => vm.peer.heard.length > 9_600 && rms(vm.peer.heard.slice(-9_600)) > 300, 20_000);
    await vm.press('#');
    await beepHeard(vm.peer, 0, 20_000);
    await delay(300);
    vm.peer.say(pcm);
    await eventually(() => vm.peer.sendingMs === 0, 15_000);
    await delay(500);
  } finally {
    await vm.hangUp();
  }
}
