/**
 * Leaving a voicemail through the real platform: a caller (a SIP user agent with a WebRTC peer
 * for its media) reaches voicemail when the callee is offline, does not answer in time, or
 * declines; hears the greeting and the beep; says something (a tone) that is kept as a message
 * with the right caller and a duration within 0.5 s of what was said, the audio on disk being
 * that tone. Short messages are dropped; # ends a message; the call records say what happened.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { api, delay, eventually, login, registeredUa, startPlatform, type TestPlatform } from '../support/harness.js';
import type { SipUa } from '../support/sip-ua.js';
import { dominantTone, rms } from '../support/webrtc-peer.js';
import { beepHeard, callVoicemail, TONES } from '../support/voicemail-caller.js';
import { tone } from '../../server/media/opus-codec.js';
import { decodePackets } from '../../server/media/opus-codec.js';
import { readOggOpus } from '../../server/media/ogg-opus.js';

async function messages(t: TestPlatform, token: string, folder = 'new'): Promise<any[]> {
  const res = await api(t.url, 'GET', `/api/v2/domains/~/users/~/voicemails/${folder}`, { token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.items;
}

describe('leaving a voicemail', () => {
  let t: TestPlatform;
  let alice: SipUa;
  let bobToken: string;
  before(async () => {
    t = await startPlatform({ env: { SWITCHBOARD_VOICEMAIL: '1' }, ringTimeoutMs: 1500, voicemailMaxMs: 4000 });
    alice = await registeredUa(t, '1001');
    bobToken = await login(t.url, '1002@demo');
  });
  after(async () => { await alice.close(); await t.close(); });

  it('an offline user\'s caller hears the greeting and the beep; what they say becomes a new message', async () => {
    const vm = await callVoicemail(alice, 'sip:1002@demo');
    // The spoken default greeting comes first: not silence.
    await eventually(() => vm.peer.heard.length > 48_000, 10_000);
    assert.ok(rms(vm.peer.heard.slice(4_800, 48_000)) > 300, 'the greeting is heard');
    await vm.press('1'); // any key skips to the beep
    const afterBeep = await beepHeard(vm.peer, 0);
    void afterBeep;
    vm.peer.say(tone(620, 2000));
    await eventually(() => vm.peer.sendingMs === 0, 5000);
    await delay(300);
    await vm.hangUp();
    const [message] = (await eventually(async () => { const m = await messages(t, bobToken); return m.length ? m : null; }, 5000))!;
    assert.equal(message.caller_number, '1001');
    assert.equal(message.caller_name, 'Alice Anders');
    assert.equal(message.folder, 'new');
    assert.ok(Math.abs(message.duration_s - 2.3) <= 0.5, `duration ${message.duration_s} s for about 2.3 s said`);
    // The audio kept is what was said.
    const file = readOggOpus(fs.readFileSync(t.platform.voicemail!.files.pathOf('demo', '1002', message.id)));
    const pcm = decodePackets(file.packets);
    assert.equal(dominantTone(pcm.subarray(24_000, 24_000 + 48_000), TONES).frequency, 620);
  });

  it('no answer in time, and a decline, both reach voicemail; the records say answered and missed', async () => {
    const bob = await registeredUa(t, '1002');
    try {
      const before = (await messages(t, bobToken)).length;
      // Bob's phone rings and nobody answers: after the ring timeout, voicemail.
      const ringing = bob.nextInvite();
      const noAnswer = callVoicemail(alice, 'sip:1002@demo');
      (await ringing).ring();
      const vm1 = await noAnswer;
      await vm1.press('#');
      await beepHeard(vm1.peer, 0);
      vm1.peer.say(tone(440, 1500));
      await eventually(() => vm1.peer.sendingMs === 0, 5000);
      await vm1.hangUp();
      // Bob declines: voicemail at once.
      const incoming = bob.nextInvite();
      const declined = callVoicemail(alice, 'sip:1002@demo');
      (await incoming).reject(603);
      const vm2 = await declined;
      await vm2.press('#');
      await beepHeard(vm2.peer, 0);
      vm2.peer.say(tone(880, 1500));
      await eventually(() => vm2.peer.sendingMs === 0, 5000);
      await vm2.hangUp();
      await eventually(async () => (await messages(t, bobToken)).length === before + 2, 5000);
      await t.platform.recorder.flush();
      const aliceToken = await login(t.url, '1001@demo');
      const [callerRecord] = (await api(t.url, 'GET', '/api/v2/domains/~/users/~/cdrs?limit=1', { token: aliceToken })).body.items;
      const [calleeRecord] = (await api(t.url, 'GET', '/api/v2/domains/~/users/~/cdrs?limit=1', { token: bobToken })).body.items;
      assert.equal(callerRecord.disposition, 'answered', 'the caller talked to voicemail');
      assert.equal(calleeRecord.disposition, 'missed', 'Bob missed the call');
    } finally {
      await bob.close();
    }
  });

  it('drops a message shorter than a second, and # ends one with a goodbye', async () => {
    const before = (await messages(t, bobToken)).length;
    const short = await callVoicemail(alice, 'sip:1002@demo');
    await short.press('#');
    await beepHeard(short.peer, 0);
    await delay(400);
    await short.hangUp();
    await delay(500);
    assert.equal((await messages(t, bobToken)).length, before, 'a 0.4 s message is no message');

    const pound = await callVoicemail(alice, 'sip:1002@demo');
    await pound.press('#');
    await beepHeard(pound.peer, 0);
    pound.peer.say(tone(620, 1500));
    await eventually(() => pound.peer.sendingMs === 0, 5000);
    const bye = alice.nextRequest('BYE', 8000);
    await pound.press('#');
    await bye; // the service hangs up after "Goodbye"
    await pound.peer.close();
    await eventually(async () => (await messages(t, bobToken)).length === before + 1, 5000);
  });

  it('ends a message at the time limit', async () => {
    const before = (await messages(t, bobToken)).length;
    const vm = await callVoicemail(alice, 'sip:1002@demo');
    await vm.press('#');
    await beepHeard(vm.peer, 0);
    const bye = alice.nextRequest('BYE', 10_000);
    vm.peer.say(tone(440, 8000));
    await bye;
    await vm.peer.close();
    const [message] = (await eventually(async () => { const m = await messages(t, bobToken); return m.length > before ? m : null; }, 5000))!;
    assert.ok(message.duration_s <= 4.3, `cut at the 4 s limit, got ${message.duration_s} s`);
  });
});
