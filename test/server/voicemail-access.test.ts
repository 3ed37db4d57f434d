/**
 * The mailbox by phone through the real platform: a SIP user agent with a WebRTC peer dials *97
 * (its own box, no PIN) or *98 (a box and its PIN) and presses keys as SIP INFO. The prompts are
 * replaced by tones the test can tell apart (the count "two" is 600 Hz, each message its own
 * tone), so what the caller hears is checked in order: the count, then each message, oldest
 * first; 9 saves, 7 deletes (to the trash), # goes on. Wrong PINs hang up after three tries and
 * lock the box after too many; the real prompt files are all there and heard.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { api, delay, eventually, login, registeredUa, startPlatform, type TestPlatform } from '../support/harness.js';
import type { OutgoingCall, SipUa } from '../support/sip-ua.js';
import { dominantTone, rms, TestPeer } from '../support/webrtc-peer.js';
import { encodePcm, tone } from '../../server/media/opus-codec.js';
import { OggOpusWriter, type OpusClip } from '../../server/media/ogg-opus.js';
import { PROMPT_TEXTS, Prompts, SPOKEN_NUMBERS, type PromptName, type PromptSource } from '../../server/media/prompts.js';
import type { Voicemail, VoicemailFolder } from '../../server/voicemail/types.js';

/** The prompts the test listens for, as tones; every other prompt is a short silence. */
const PROMPT_TONES: Partial<Record<PromptName, number>> = {
  'not-right': 300, 'mailbox-locked': 350, 'no-new-messages': 450, 'n-1': 500, 'n-2': 600, 'n-3': 700,
};
const MESSAGE_TONES = [1500, 2000, 2500];
const CANDIDATES = [...Object.values(PROMPT_TONES) as number[], ...MESSAGE_TONES];

class TonePrompts implements PromptSource {
  private readonly cache = new Map<string, OpusClip>();
  get(name: PromptName): OpusClip {
    let clip = this.cache.get(name);
    if (!clip) {
      const f = PROMPT_TONES[name];
      clip = encodePcm(f ? tone(f, 300) : new Int16Array(7_200));
      this.cache.set(name, clip);
    }
    return clip;
  }
}

/** The tones heard from `from` on, in order, each once per stretch. */
function tonesHeard(peer: TestPeer, from = 0): number[] {
  const seen: number[] = [];
  for (let at = from; at + 4_800 <= peer.heard.length; at += 2_400) {
    const window = peer.heard.slice(at, at + 4_800);
    if (rms(window) < 1_000) continue;
    const best = dominantTone(window, CANDIDATES);
    if (best.share > 0.6 && seen.at(-1) !== best.frequency) seen.push(best.frequency);
  }
  return seen;
}

async function toneHeard(peer: TestPeer, frequency: number, from = 0, timeoutMs = 10_000): Promise<void> {
  await eventually(() => tonesHeard(peer, from).includes(frequency), timeoutMs).catch(() => {
    throw new Error(`${frequency} Hz not heard; heard ${JSON.stringify(tonesHeard(peer, from))}`);
  });
}

interface MailboxCall {
  peer: TestPeer;
  call: OutgoingCall;
  press(keys: string): Promise<void>;
  hangUp(): Promise<void>;
}

async function dial(ua: SipUa, number: string): Promise<MailboxCall> {
  const peer = new TestPeer();
  const call = ua.call(`sip:${number}@demo`, [], await peer.offer());
  const final = await call.final;
  assert.equal(final.status, 200, `${number} answered (${final.status})`);
  await peer.accept(final.body.toString('utf8'));
  return {
    peer, call,
    async press(keys) {
      for (const key of keys) {
        const res = await call.dialog!.request('INFO', `Signal=${key}\r\nDuration=160\r\n`, 'application/dtmf-relay');
        assert.equal(res.status, 200);
      }
    },
    async hangUp() {
      if (call.dialog!.state !== 'terminated') await call.dialog!.bye();
      await peer.close();
    },
  };
}

/** A message in `extension`'s box whose audio is a tone. */
async function leaveMessage(t: TestPlatform, extension: string, frequency: number, folder: VoicemailFolder = 'new'): Promise<string> {
  const id = randomUUID();
  const file = t.platform.voicemail!.files.pathOf('demo', extension, id);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const pages: Buffer[] = [];
  const writer = new OggOpusWriter((p) => pages.push(p));
  for (const p of encodePcm(tone(frequency, 1200)).packets) writer.add(p);
  writer.end();
  fs.writeFileSync(file, Buffer.concat(pages));
  const vm: Voicemail = {
    id, domain: 'demo', extension, callerNumber: '1004', callerName: 'Dan Diaz', callId: randomUUID(), receivedAt: Date.now(),
    durationS: 1.2, folder, bytes: fs.statSync(file).size, transcription: null, transcriptionStatus: 'none', movedBy: null, movedAt: null,
  };
  await t.platform.store.voicemails.insert(vm);
  return id;
}

async function folderOf(t: TestPlatform, extension: string, id: string): Promise<string | undefined> {
  return (await t.platform.store.voicemails.get('demo', extension, id))?.folder;
}

describe('the mailbox by phone', () => {
  let t: TestPlatform;
  let alice: SipUa;
  let bob: SipUa;
  before(async () => {
    t = await startPlatform({ env: { SWITCHBOARD_VOICEMAIL: '1' }, voicemailPrompts: new TonePrompts(), voicemailPinLock: { maxFailures: 4, lockMs: 60_000 } });
    [alice, bob] = await Promise.all([registeredUa(t, '1001'), registeredUa(t, '1002')]);
  });
  after(async () => { await alice.close(); await bob.close(); await t.close(); });

  it('*97 plays the count and the new messages, oldest first, then the saved ones; 9 saves, 7 deletes, # goes on', async () => {
    const first = await leaveMessage(t, '1002', 1500);
    const second = await leaveMessage(t, '1002', 2000);
    const kept = await leaveMessage(t, '1002', 2500, 'save');
    const bobToken = await login(t.url, '1002@demo');
    // Bob's phone watches its lamp (mwi.ts): what is done by phone reaches it too.
    const lamp = bob.subscribe('sip:1002@demo');
    assert.equal((await lamp.response).status, 200);
    const lastSummary = () => lamp.dialog.received.filter((r) => r.method === 'NOTIFY').at(-1)?.body.toString('utf8') ?? '';
    await eventually(() => /Voice-Message: 2\/1/.test(lastSummary()));
    const vm = await dial(bob, '*97');
    try {
      await toneHeard(vm.peer, 1500);
      await vm.press('9');
      await eventually(async () => (await folderOf(t, '1002', first)) === 'save', 5000);
      await toneHeard(vm.peer, 2000);
      await vm.press('7');
      await eventually(async () => (await folderOf(t, '1002', second)) === 'trash', 5000);
      await toneHeard(vm.peer, 2500);
      const bye = bob.nextRequest('BYE', 10_000);
      await vm.press('#');
      await bye; // no more messages, goodbye, and the service hangs up
      assert.deepEqual(tonesHeard(vm.peer), [600, 1500, 2000, 2500], 'two new messages, then each message in turn');
      assert.equal(await folderOf(t, '1002', kept), 'save', '# leaves a message where it is');
      // The REST API (and so the web phone) sees the same.
      const saved = await api(t.url, 'GET', '/api/v2/domains/~/users/~/voicemails/save', { token: bobToken });
      assert.deepEqual(saved.body.items.map((m: { id: string }) => m.id).sort(), [first, kept].sort());
      const trash = await api(t.url, 'GET', '/api/v2/domains/~/users/~/voicemails/trash', { token: bobToken });
      assert.deepEqual(trash.body.items.map((m: { id: string }) => m.id), [second]);
      assert.equal(trash.body.items[0].moved_by, '1002@demo');
      await eventually(() => /Messages-Waiting: no[\s\S]*Voice-Message: 0\/2/.test(lastSummary()));
    } finally {
      await vm.hangUp();
    }
  });

  it('*97 a key during a message acts at once; with no messages it says so', async () => {
    const only = await leaveMessage(t, '1001', 1500);
    const vm = await dial(alice, '*97');
    try {
      await toneHeard(vm.peer, 500, 0);
      await toneHeard(vm.peer, 1500);
      await vm.press('7'); // while the message plays
      await eventually(async () => (await folderOf(t, '1001', only)) === 'trash', 5000);
      await alice.nextRequest('BYE', 10_000);
    } finally {
      await vm.hangUp();
    }
    const empty = await dial(alice, '*97');
    try {
      await toneHeard(empty.peer, 450);
      await alice.nextRequest('BYE', 10_000);
      assert.deepEqual(tonesHeard(empty.peer), [450], 'no new messages, and none saved');
    } finally {
      await empty.hangUp();
    }
  });

  it('*98 opens another box with its number and PIN; three wrong tries hang up', async () => {
    const dan = await login(t.url, '1004@demo');
    assert.equal((await api(t.url, 'PATCH', '/api/v2/domains/~/users/~', { token: dan, body: { voicemail_pin: '4321' } })).status, 200);
    const message = await leaveMessage(t, '1004', 2000);
    await leaveMessage(t, '1004', 2500);
    await leaveMessage(t, '1004', 1500);

    const right = await dial(alice, '*98');
    try {
      await right.press('1004#');
      await delay(300);
      await right.press('4321#');
      await toneHeard(right.peer, 700, 0, 10_000);
      await toneHeard(right.peer, 2000);
      await right.press('9');
      await eventually(async () => (await folderOf(t, '1004', message)) === 'save', 5000);
      assert.equal((await t.platform.store.voicemails.get('demo', '1004', message))?.movedBy, '1001@demo', 'moved by who called');
    } finally {
      await right.hangUp();
    }

    const wrong = await dial(alice, '*98');
    try {
      const bye = alice.nextRequest('BYE', 20_000);
      for (const pin of ['1111#', '2222#', '#']) {
        await wrong.press('1004#');
        await delay(200);
        await wrong.press(pin);
        await delay(600);
      }
      await bye;
      assert.deepEqual(tonesHeard(wrong.peer), [300], 'sorry, that is not right (three times), then goodbye');
      assert.ok(!tonesHeard(wrong.peer).some((f) => MESSAGE_TONES.includes(f)), 'no message heard');
    } finally {
      await wrong.hangUp();
    }
  });

  it('*98 locks a box after too many wrong PINs in a row: then even the right one is refused', async () => {
    const erin = await login(t.url, '1005@demo');
    assert.equal((await api(t.url, 'PATCH', '/api/v2/domains/~/users/~', { token: erin, body: { voicemail_pin: '97531' } })).status, 200);
    await leaveMessage(t, '1005', 1500);
    // Three wrong in the first call (limit 4), one more in the next locks the box.
    const first = await dial(alice, '*98');
    try {
      const bye = alice.nextRequest('BYE', 20_000);
      for (let i = 0; i < 3; i++) {
        await first.press('1005#');
        await delay(200);
        await first.press('0000#');
        await delay(600);
      }
      await bye;
    } finally {
      await first.hangUp();
    }
    const second = await dial(alice, '*98');
    try {
      const bye = alice.nextRequest('BYE', 20_000);
      await second.press('1005#');
      await delay(200);
      await second.press('0000#');
      await toneHeard(second.peer, 300);
      await second.press('1005#');
      await delay(200);
      await second.press('97531#');
      await toneHeard(second.peer, 350);
      await bye;
      assert.ok(!tonesHeard(second.peer).some((f) => f === 500 || MESSAGE_TONES.includes(f)), 'the box stayed shut');
    } finally {
      await second.hangUp();
    }
  });

  it('*97 opens nobody\'s box but the caller\'s own', async () => {
    // The router acts for the caller alone: a *97 from Alice never reaches Bob's box.
    const bobMessage = await leaveMessage(t, '1002', 2500);
    const vm = await dial(alice, '*97');
    try {
      await alice.nextRequest('BYE', 10_000);
      assert.ok(!tonesHeard(vm.peer).includes(2500));
      assert.equal(await folderOf(t, '1002', bobMessage), 'new');
    } finally {
      await vm.hangUp();
    }
  });
});

describe('the mailbox prompts', () => {
  it('are all committed files that load', () => {
    const prompts = new Prompts();
    const names = [...Object.keys(PROMPT_TEXTS), ...Array.from({ length: SPOKEN_NUMBERS }, (_, i) => `n-${i + 1}`)] as PromptName[];
    for (const name of names) assert.ok(prompts.get(name).packets.length > 10, name);
  });

  it('are heard on a *97 call with the real prompts', async () => {
    const t = await startPlatform({ env: { SWITCHBOARD_VOICEMAIL: '1' } });
    const ua = await registeredUa(t, '1002');
    try {
      const vm = await dial(ua, '*97');
      await eventually(() => vm.peer.heard.length > 48_000, 10_000);
      assert.ok(rms(vm.peer.heard.slice(4_800, 48_000)) > 300, 'you have no new messages: spoken');
      await ua.nextRequest('BYE', 15_000);
      await vm.hangUp();
    } finally {
      await ua.close();
      await t.close();
    }
  });
});
