/**
 * Forking (RFC 3261 s16.7): a call rings every device of the callee; when one answers, or one
 * declines with a 6xx, the others must be CANCELled. Every wait here is bounded, so a proxy that
 * forgets a branch fails with a message instead of hanging the run.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { registeredUa, startPlatform, type TestPlatform } from '../support/harness.js';
import { waitForEvent, type IncomingCall, type SipUa } from '../support/sip-ua.js';

const CANCEL_WITHIN_MS = 2000;

function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms); }),
  ]);
}

describe('forking to every device of the callee', () => {
  let t: TestPlatform;
  let caller: SipUa;
  let deviceA: SipUa;
  let deviceB: SipUa;
  before(async () => {
    t = await startPlatform();
    caller = await registeredUa(t, '1001');
    deviceA = await registeredUa(t, '1002');
    deviceB = await registeredUa(t, '1002');
  });
  after(async () => {
    await Promise.all([caller, deviceA, deviceB].map((u) => u?.close()));
    await t.close();
  });

  async function ringBoth(): Promise<{ call: ReturnType<SipUa['call']>; a: IncomingCall; b: IncomingCall }> {
    const invA = deviceA.nextInvite(3000);
    const invB = deviceB.nextInvite(3000);
    const call = caller.call('sip:1002@demo');
    const [a, b] = await within(Promise.all([invA, invB]), 3000, 'both devices of 1002 ring');
    a.ring();
    b.ring();
    return { call, a, b };
  }

  it('when device A answers, device B gets a CANCEL saying the call was completed elsewhere', async () => {
    const { call, a, b } = await ringBoth();
    const cancelOfB = waitForEvent<IncomingCall>(deviceB, 'cancel', CANCEL_WITHIN_MS);
    a.answer();
    const final = await within(call.final, 3000, 'the caller gets a final response');
    assert.equal(final.status, 200);
    await cancelOfB.catch(() => assert.fail(`device B got no CANCEL within ${CANCEL_WITHIN_MS} ms after device A answered`));
    assert.equal(b.cancelled, true);
    assert.match(b.cancelReason, /cause=200/, 'the CANCEL carries Reason cause=200 (answered elsewhere)');
    assert.equal(a.cancelled, false, 'the answering device is not cancelled');
    assert.equal((await within(call.dialog!.bye(), 3000, 'BYE answered')).status, 200);
  });

  it('when device A declines (603), the caller gets 603 and device B gets a CANCEL', async () => {
    const { call, a, b } = await ringBoth();
    const cancelOfB = waitForEvent<IncomingCall>(deviceB, 'cancel', CANCEL_WITHIN_MS);
    a.reject(603);
    await cancelOfB.catch(() => assert.fail(`device B got no CANCEL within ${CANCEL_WITHIN_MS} ms after device A declined`));
    assert.equal(b.cancelled, true);
    const final = await within(call.final, 3000, 'the caller gets a final response after the decline');
    assert.equal(final.status, 603, 'a 6xx from one device is final for the whole call');
  });
});
