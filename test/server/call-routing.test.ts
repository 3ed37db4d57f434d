/**
 * The call router's plans carried out over real sockets: sequences that move on after a step's
 * ring timeout, a decline or a step whose targets are all gone; platform services rung as a
 * device would be (answer, hang up, CANCEL before the answer, BYE from the caller), with call
 * records written; and each user's own ring timeout.
 */
import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { api, delay, eventually, login, registeredUa, startPlatform, type TestPlatform } from '../support/harness.js';
import type { IncomingCall, SipUa } from '../support/sip-ua.js';
import { answeringService, ScriptedService } from '../support/test-services.js';
import { DefaultRouter, type CallRouter, type RouteInput } from '../../server/sip/routing/router.js';
import type { CallPlan } from '../../server/sip/routing/plan.js';

const user = (extension: string) => ({ domain: 'demo', extension });
const devices = (extension: string) => ({ kind: 'devices', user: user(extension) }) as const;

/** The default router, except for numbers a test gives a plan of its own. */
class TestRouter implements CallRouter {
  readonly plans = new Map<string, CallPlan>();
  private readonly fallback = new DefaultRouter({ serviceNumbers: new Map([['7001', 'hangs-up'], ['7002', 'rings'], ['7003', 'answers']]) });
  route(input: RouteInput): CallPlan {
    return this.plans.get(input.dialled) ?? this.fallback.route(input);
  }
}

async function latestCdr(t: TestPlatform, extension: string): Promise<Record<string, any>> {
  await t.platform.recorder.flush();
  const token = await login(t.url, `${extension}@demo`);
  return (await api(t.url, 'GET', '/api/v2/domains/~/users/~/cdrs?limit=1', { token })).body.items[0];
}

const provisional = (call: ReturnType<SipUa['call']>, status: number) =>
  new Promise<void>((resolve) => call.on('provisional', (res) => res.status === status && resolve()));

describe('plans carried out by the executor', () => {
  let t: TestPlatform;
  let alice: SipUa;
  let bob: SipUa;
  let carol: SipUa;
  const router = new TestRouter();
  const hangsUp = answeringService('hangs-up', 0, 300);
  const rings = new ScriptedService('rings', (call) => call.ring());
  const answers = answeringService('answers');
  before(async () => {
    t = await startPlatform({ router, services: [hangsUp, rings, answers] });
    [alice, bob, carol] = await Promise.all([registeredUa(t, '1001'), registeredUa(t, '1002'), registeredUa(t, '1003')]);
  });
  afterEach(() => router.plans.clear());
  after(async () => { await Promise.all([alice.close(), bob.close(), carol.close()]); await t.close(); });

  it('a sequence rings the next step when the first one times out, cancelling it', async () => {
    router.plans.set('1002', { kind: 'sequence', steps: [{ targets: [devices('1002')], timeoutMs: 400 }, { targets: [devices('1003')], timeoutMs: 5000 }] });
    const atBob = bob.nextInvite();
    const atCarol = carol.nextInvite();
    const call = alice.call('sip:1002@demo');
    const bobCall = await atBob;
    bobCall.ring();
    const cancelled = new Promise<IncomingCall>((r) => bob.once('cancel', r));
    const carolCall = await atCarol;
    assert.ok((await cancelled).cancelled, 'Bob\'s device stopped ringing before Carol\'s rang');
    carolCall.answer();
    assert.equal((await call.final).status, 200);
    assert.equal(t.platform.dialogs.dialogsOf('demo', '1003').length, 1, 'the dialog is with Carol');
    await call.dialog!.bye();
    assert.equal((await latestCdr(t, '1001')).disposition, 'answered');
  });

  it('a device cannot pose as a platform service: its X-Switchboard-Service never reaches the caller', async () => {
    const atBob = bob.nextInvite();
    const call = alice.call('sip:1002@demo');
    (await atBob).answer([['X-Switchboard-Service', 'Voicemail']]);
    const final = await call.final;
    assert.equal(final.status, 200);
    assert.equal(final.headers.get('X-Switchboard-Service'), undefined, 'a person answered, whatever the device says');
    await call.dialog!.bye();
  });

  it('skips a step whose targets are all gone, and moves on after a decline', async () => {
    // Dan has no device: his step is skipped at once. Bob declines: Carol's step follows.
    router.plans.set('1002', { kind: 'sequence', steps: [
      { targets: [devices('1004')], timeoutMs: 60_000 },
      { targets: [devices('1002')], timeoutMs: 60_000 },
      { targets: [devices('1003')], timeoutMs: 60_000 },
    ] });
    const atBob = bob.nextInvite(2000);
    const atCarol = carol.nextInvite(3000);
    const call = alice.call('sip:1002@demo');
    (await atBob).reject(603);
    const carolCall = await atCarol;
    carolCall.reject(486);
    const final = await call.final;
    assert.equal(final.status, 486, 'the last step\'s answer is the caller\'s');
    assert.equal((await latestCdr(t, '1001')).disposition, 'busy');
  });

  it('says 480 unavailable when no step has anything to ring (no device, a service not running)', async () => {
    router.plans.set('1002', { kind: 'sequence', steps: [
      { targets: [devices('1004')], timeoutMs: 1000 },
      { targets: [{ kind: 'service', service: 'not-running', user: null }], timeoutMs: null },
    ] });
    const final = await alice.call('sip:1002@demo').final;
    assert.equal(final.status, 480);
    assert.equal((await latestCdr(t, '1001')).disposition, 'unavailable');
  });

  it('a service answers with its SDP and hangs up: the caller gets the BYE, both records end', async () => {
    const call = alice.call('sip:7001@demo');
    const final = await call.final;
    assert.equal(final.status, 200);
    assert.match(final.body.toString(), /m=audio/);
    assert.equal(t.platform.dialogs.dialogsOf('demo', '1001').length, 1, 'a live dialog, as with a device');
    const bye = await alice.nextRequest('BYE', 3000);
    assert.equal(bye.headers.get('Call-ID'), call.invite.headers.get('Call-ID'));
    await eventually(() => t.platform.dialogs.dialogsOf('demo', '1001').length === 0);
    assert.equal(hangsUp.ends.get(call.invite.headers.get('Call-ID')!), 'service');
    const cdr = await latestCdr(t, '1001');
    assert.equal(cdr.disposition, 'answered');
    assert.equal(cdr.remote_number ?? cdr.number ?? '7001', '7001');
    assert.ok(cdr.ended_at, 'the record is closed');
  });

  it('a caller that CANCELs before a service answers gets 487, and the service hears of it', async () => {
    const call = alice.call('sip:7002@demo');
    await provisional(call, 180);
    alice.cancel(call);
    assert.equal((await call.final).status, 487);
    const callId = call.invite.headers.get('Call-ID')!;
    await eventually(() => rings.ends.get(callId) === 'caller');
    assert.equal((await latestCdr(t, '1001')).disposition, 'cancelled');
  });

  it('a caller that hangs up on a service ends it with a BYE through the proxy', async () => {
    const call = alice.call('sip:7003@demo');
    assert.equal((await call.final).status, 200);
    const callId = call.invite.headers.get('Call-ID')!;
    await delay(50); // the ACK on its way
    const res = await call.dialog!.bye();
    assert.equal(res.status, 200, 'the service answered the BYE');
    await eventually(() => answers.ends.get(callId) === 'caller');
    assert.equal(t.platform.dialogs.dialogsOf('demo', '1001').length, 0);
    const cdr = await latestCdr(t, '1001');
    assert.equal(cdr.disposition, 'answered');
    assert.ok(cdr.ended_at);
  });

  it('a sequence can end at a service: Bob does not answer in time, the service does', async () => {
    router.plans.set('1002', { kind: 'sequence', steps: [
      { targets: [devices('1002')], timeoutMs: 300 },
      { targets: [{ kind: 'service', service: 'answers', user: user('1002') }], timeoutMs: null },
    ] });
    const atBob = bob.nextInvite();
    const call = alice.call('sip:1002@demo');
    (await atBob).ring();
    assert.equal((await call.final).status, 200);
    const handed = answers.calls.at(-1)!;
    assert.deepEqual(handed.user, user('1002'), 'the service knows whom it acts for');
    assert.match(handed.caller, /1001@demo/, 'and who is calling, as asserted');
    await call.dialog!.bye();
  });
});

describe('each user\'s own ring timeout', () => {
  let t: TestPlatform;
  let alice: SipUa;
  let bob: SipUa;
  before(async () => {
    // No platform-wide override: the router uses the callee's ring_no_answer_timeout_s.
    t = await startPlatform();
    [alice, bob] = await Promise.all([registeredUa(t, '1001'), registeredUa(t, '1002')]);
  });
  after(async () => { await Promise.all([alice.close(), bob.close()]); await t.close(); });

  it('ends an unanswered call with 480 No Answer after the callee\'s ring timeout', async () => {
    await t.platform.store.users.updateSettings('demo', '1002', { ringNoAnswerTimeoutS: 1 });
    const atBob = bob.nextInvite();
    const started = Date.now();
    const call = alice.call('sip:1002@demo');
    (await atBob).ring();
    const final = await call.final;
    const rang = Date.now() - started;
    assert.equal(final.status, 480);
    assert.equal(final.reason, 'No Answer');
    assert.ok(rang >= 900, `rang ${rang} ms, not the 1 s asked for`);
    assert.equal((await latestCdr(t, '1001')).disposition, 'no-answer');
    assert.equal((await latestCdr(t, '1002')).disposition, 'missed');
  });
});
