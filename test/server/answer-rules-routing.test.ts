/**
 * Answering rules carried out by the platform over real SIP: Do Not Disturb to voicemail, forward
 * always (the caller's identity kept), simultaneous ring with a delay (first answer wins, the rest
 * cancelled), no answer after the ring timeout to voicemail, forward on busy and when
 * unregistered, a forwarding loop that ends, a time frame that applies only in its hours (the
 * platform's clock injected), and call records that say where each call went.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { api, eventually, login, registeredUa, startPlatform, type TestPlatform } from '../support/harness.js';
import type { IncomingCall, SipUa } from '../support/sip-ua.js';
import { callVoicemail } from '../support/voicemail-caller.js';
import { defaultRuleActions } from '../../server/rules/types.js';
import type { AnswerRuleActions, AnswerRuleView, TimeFrameView } from '../../src/data/wire.js';

const user = (extension: string) => ({ kind: 'user' as const, extension });
const on = (extension: string) => ({ enabled: true, destination: user(extension) });

/** A Wednesday at 10:00 UTC (the demo organisation's zone), inside "Business Hours". */
const WEDNESDAY_10 = Date.UTC(2026, 11, 2, 10, 0);
const WEDNESDAY_20 = Date.UTC(2026, 11, 2, 20, 0);

describe('answering rules over SIP', () => {
  let t: TestPlatform;
  let alice: SipUa;
  let bob: SipUa;
  let carol: SipUa;
  const tokens = new Map<string, string>();
  let clock = WEDNESDAY_10;
  const token = async (ext: string) => tokens.get(ext) ?? tokens.set(ext, await login(t.url, `${ext}@demo`)).get(ext)!;

  async function setDefaultRule(ext: string, actions: Partial<AnswerRuleActions>): Promise<void> {
    const res = await api(t.url, 'PUT', '/api/v2/domains/~/users/~/answerrules/*', { token: await token(ext), body: { ...defaultRuleActions(), ...actions, enabled: true } });
    assert.equal(res.status, 200, JSON.stringify(res.body));
  }
  async function latestCdr(ext: string): Promise<Record<string, any>> {
    await t.platform.recorder.flush();
    return (await api(t.url, 'GET', '/api/v2/domains/~/users/~/cdrs?limit=1', { token: await token(ext) })).body.items[0];
  }

  before(async () => {
    t = await startPlatform({ ringTimeoutMs: 3000, now: () => clock, env: { SWITCHBOARD_VOICEMAIL: '1' } });
    [alice, bob, carol] = await Promise.all([registeredUa(t, '1001'), registeredUa(t, '1002'), registeredUa(t, '1003')]);
  });
  afterEach(async () => {
    clock = WEDNESDAY_10;
    for (const ext of ['1002', '1003', '1004']) await setDefaultRule(ext, {});
    await api(t.url, 'PUT', '/api/v2/domains/~/users/~/dnd', { token: await token('1002'), body: { enabled: false } });
  });
  after(async () => { await Promise.all([alice.close(), bob.close(), carol.close()]); await t.close(); });

  it('Do Not Disturb: the call goes straight to voicemail and nothing rings', async () => {
    assert.equal((await api(t.url, 'PUT', '/api/v2/domains/~/users/~/dnd', { token: await token('1002'), body: { enabled: true } })).status, 200);
    let rang = false;
    bob.once('invite', () => (rang = true));
    const vm = await callVoicemail(alice, 'sip:1002@demo');
    await vm.hangUp();
    assert.equal(rang, false, 'Bob\'s device did not ring');
    assert.equal((await latestCdr('1001')).routed_to, 'to voicemail (Do Not Disturb)');
    assert.equal((await latestCdr('1002')).routed_to, 'to voicemail (Do Not Disturb)');
  });

  it('forward always: 1003 rings instead, and sees the original caller', async () => {
    await setDefaultRule('1002', { forward_always: on('1003') });
    let bobRang = false;
    bob.once('invite', () => (bobRang = true));
    const atCarol = carol.nextInvite();
    const call = alice.call('sip:1002@demo');
    const inc = await atCarol;
    assert.equal(inc.from, '1001', 'the caller is still Alice');
    assert.match(inc.invite.headers.get('P-Asserted-Identity') ?? '', /1001@demo/);
    inc.answer();
    assert.equal((await call.final).status, 200);
    await call.dialog!.bye();
    assert.equal(bobRang, false);
    assert.equal((await latestCdr('1001')).routed_to, 'forwarded to 1003');
    const bobs = await latestCdr('1002');
    assert.equal(bobs.routed_to, 'forwarded to 1003');
    assert.equal(bobs.type, 'missed', 'Bob did not take it himself');
  });

  it('simultaneous ring: 1003 rings 2 s after my devices, the first answer wins and the rest stop', async () => {
    await setDefaultRule('1002', { simultaneous_ring: { enabled: true, targets: [{ destination: user('1003'), delay_s: 2 }] } });
    const atBob = bob.nextInvite();
    const atCarol = carol.nextInvite(8000);
    const call = alice.call('sip:1002@demo');
    const bobCall = await atBob;
    const bobAt = Date.now();
    bobCall.ring();
    const cancelled = new Promise<IncomingCall>((r) => bob.once('cancel', r));
    const carolCall = await atCarol;
    assert.ok(Date.now() - bobAt >= 1500, `1003 rang ${Date.now() - bobAt} ms after 1002, not at once`);
    carolCall.answer();
    assert.equal((await call.final).status, 200);
    assert.ok((await cancelled).cancelled, 'Bob\'s device stopped ringing');
    assert.equal(t.platform.dialogs.dialogsOf('demo', '1003').length, 1);
    await call.dialog!.bye();
  });

  it('a decline before the delay is up stops the simultaneous ring too: the caller reaches voicemail', async () => {
    await setDefaultRule('1002', { simultaneous_ring: { enabled: true, targets: [{ destination: user('1003'), delay_s: 2 }] } });
    let carolRang = false;
    const mark = () => (carolRang = true);
    carol.on('invite', mark);
    const atBob = bob.nextInvite();
    const vmCall = callVoicemail(alice, 'sip:1002@demo');
    (await atBob).reject(603);
    const vm = await vmCall;
    await new Promise((r) => setTimeout(r, 2500));
    carol.off('invite', mark);
    await vm.hangUp();
    assert.equal(carolRang, false, '1003 never rang after 1002 declined');
  });

  it('no answer within the ring timeout (3 s here): voicemail answers', async () => {
    const atBob = bob.nextInvite();
    const vmCall = callVoicemail(alice, 'sip:1002@demo');
    (await atBob).ring();
    const vm = await vmCall;
    await vm.hangUp();
    assert.equal((await latestCdr('1001')).routed_to, 'to voicemail');
  });

  it('forward on busy: a busy device sends the call to 1003', async () => {
    await setDefaultRule('1002', { forward_on_busy: on('1003') });
    const atBob = bob.nextInvite();
    const atCarol = carol.nextInvite();
    const call = alice.call('sip:1002@demo');
    (await atBob).reject(486);
    (await atCarol).answer();
    assert.equal((await call.final).status, 200);
    await call.dialog!.bye();
    assert.equal((await latestCdr('1001')).routed_to, 'forwarded to 1003 (busy)');
  });

  it('forward when unregistered: 1004 has no device, so 1003 rings', async () => {
    await setDefaultRule('1004', { forward_when_unregistered: on('1003') });
    const atCarol = carol.nextInvite();
    const call = alice.call('sip:1004@demo');
    (await atCarol).answer();
    assert.equal((await call.final).status, 200);
    await call.dialog!.bye();
    assert.equal((await latestCdr('1004')).routed_to, 'forwarded to 1003 (no device online)');
  });

  it('a forwarding loop (1002 -> 1003 -> 1002) ends in 1002\'s voicemail, ringing nobody', async () => {
    await setDefaultRule('1002', { forward_always: on('1003') });
    await setDefaultRule('1003', { forward_always: on('1002') });
    let rang = 0;
    const count = () => rang++;
    bob.on('invite', count);
    carol.on('invite', count);
    const vm = await callVoicemail(alice, 'sip:1002@demo');
    await vm.hangUp();
    bob.off('invite', count);
    carol.off('invite', count);
    assert.equal(rang, 0);
    assert.match((await latestCdr('1001')).routed_to, /forwarding loop, to voicemail of 1002$/);
  });

  it('a Business Hours rule forwards only during business hours; the blue dot follows the clock', async () => {
    const frames = (await api<TimeFrameView[]>(t.url, 'GET', '/api/v2/domains/~/timeframes', { token: await token('1002') })).body;
    const hours = frames.find((f) => f.name === 'Business Hours');
    assert.ok(hours, 'the demo organisation has Business Hours');
    const created = await api(t.url, 'POST', '/api/v2/domains/~/users/~/answerrules', {
      token: await token('1002'), body: { ...defaultRuleActions(), time_frame_id: hours.id, enabled: true, forward_always: on('1003') },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    try {
      const rules = (await api<AnswerRuleView[]>(t.url, 'GET', '/api/v2/domains/~/users/~/answerrules', { token: await token('1002') })).body;
      assert.deepEqual(rules.filter((r) => r.is_active).map((r) => r.time_frame_name), ['Business Hours']);
      const atCarol = carol.nextInvite();
      const call = alice.call('sip:1002@demo');
      (await atCarol).answer();
      assert.equal((await call.final).status, 200);
      await call.dialog!.bye();

      clock = WEDNESDAY_20;
      await eventually(async () => {
        const now = (await api<AnswerRuleView[]>(t.url, 'GET', '/api/v2/domains/~/users/~/answerrules', { token: await token('1002') })).body;
        return now.find((r) => r.is_active)?.time_frame_id === null;
      });
      const atBob = bob.nextInvite();
      const evening = alice.call('sip:1002@demo');
      (await atBob).answer();
      assert.equal((await evening.final).status, 200);
      await evening.dialog!.bye();
    } finally {
      await api(t.url, 'DELETE', `/api/v2/domains/~/users/~/answerrules/${hours.id}`, { token: await token('1002') });
    }
  });
});
