/**
 * The default call router as data: each plan kind, the default policy, busy, timeouts. The
 * executor that carries plans out is tested over real sockets in call-routing.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DefaultRouter, straightToVoicemailExtension, type CalleeState, type RouteInput } from '../../server/sip/routing/router.js';
import { stepsOf, type CallPlan } from '../../server/sip/routing/plan.js';

const bob = { domain: 'demo', extension: '1002' };
const callee = (over: Partial<CalleeState> = {}): CalleeState => ({
  user: bob, ringNoAnswerTimeoutS: 25, devices: 2, devicesOnCall: 0, callWaiting: true, rule: null, ...over,
});
const input = (over: Partial<RouteInput> = {}): RouteInput => ({
  method: 'INVITE', caller: { domain: 'demo', extension: '1001' }, domain: 'demo', dialled: '1002', callee: callee(), ...over,
});

describe('the default call router', () => {
  const router = new DefaultRouter();

  it('rings every device of the callee at once until their own ring timeout', () => {
    assert.deepEqual(router.route(input()), { kind: 'parallel', targets: [{ kind: 'devices', user: bob }], timeoutMs: 25_000 });
    assert.deepEqual(router.route(input({ callee: callee({ ringNoAnswerTimeoutS: 7 }) })),
      { kind: 'parallel', targets: [{ kind: 'devices', user: bob }], timeoutMs: 7_000 });
  });

  it('lets the platform replace every user\'s ring timeout', () => {
    const plan = new DefaultRouter({ ringTimeoutMs: 800 }).route(input({ callee: callee({ ringNoAnswerTimeoutS: 60 }) }));
    assert.equal(plan.kind === 'parallel' && plan.timeoutMs, 800);
  });

  it('gives other requests (MESSAGE, OPTIONS) to the devices with no ring timeout', () => {
    assert.deepEqual(router.route(input({ method: 'MESSAGE' })), { kind: 'parallel', targets: [{ kind: 'devices', user: bob }], timeoutMs: null });
  });

  it('refuses a number that is nobody: 404, or 403 with its own phrase for an outside number', () => {
    assert.deepEqual(router.route(input({ dialled: '1999', callee: null })), { kind: 'reject', status: 404, reason: 'Not Found', cause: 'failed' });
    for (const outside of ['+15550100', '5550100123', '+442071234567']) {
      const plan = router.route(input({ dialled: outside, callee: null }));
      assert.equal(plan.kind, 'reject');
      assert.equal(plan.kind === 'reject' && plan.status, 403, outside);
      assert.equal(plan.kind === 'reject' && plan.reason, 'Outside Calls Not Set Up');
      assert.match(plan.kind === 'reject' ? plan.warning ?? '' : '', /outside numbers/);
    }
    // Six digits is an extension, sixteen is no telephone number.
    assert.equal((router.route(input({ dialled: '123456', callee: null })) as { status: number }).status, 404);
    assert.equal((router.route(input({ dialled: '1234567890123456', callee: null })) as { status: number }).status, 404);
  });

  it('says unavailable when the callee has no device that could ring', () => {
    assert.deepEqual(router.route(input({ callee: callee({ devices: 0 }) })),
      { kind: 'reject', status: 480, reason: 'Temporarily Unavailable', cause: 'unavailable' });
    assert.equal(router.route(input({ method: 'MESSAGE', callee: callee({ devices: 0 }) })).kind, 'reject');
  });

  it('says busy only when every device is on a call and call waiting is off', () => {
    const busy = { kind: 'reject', status: 486, reason: 'Busy Here', cause: 'busy' };
    assert.deepEqual(router.route(input({ callee: callee({ devices: 2, devicesOnCall: 2, callWaiting: false }) })), busy);
    assert.equal(router.route(input({ callee: callee({ devices: 2, devicesOnCall: 1, callWaiting: false }) })).kind, 'parallel', 'one device is free');
    assert.equal(router.route(input({ callee: callee({ devices: 2, devicesOnCall: 2, callWaiting: true }) })).kind, 'parallel', 'call waiting rings');
    assert.equal(router.route(input({ method: 'MESSAGE', callee: callee({ devices: 1, devicesOnCall: 1, callWaiting: false }) })).kind, 'parallel', 'a message is no call');
  });

  it('sends *97 to the mailbox service for the caller\'s own box, and *98 for a box to be asked for', () => {
    const withAccess = new DefaultRouter({ voicemail: 'voicemail', voicemailAccess: 'voicemail-access' });
    const alice = { domain: 'demo', extension: '1001' };
    assert.deepEqual(withAccess.route(input({ dialled: '*97', callee: null })), { kind: 'service', service: 'voicemail-access', user: alice });
    assert.deepEqual(withAccess.route(input({ caller: bob, dialled: '*97', callee: null })), { kind: 'service', service: 'voicemail-access', user: bob });
    assert.deepEqual(withAccess.route(input({ dialled: '*98', callee: null })), { kind: 'service', service: 'voicemail-access', user: null });
    assert.equal(withAccess.route(input({ method: 'MESSAGE', dialled: '*97', callee: null })).kind, 'reject', 'only calls');
    assert.equal(router.route(input({ dialled: '*97', callee: null })).kind, 'reject', 'no voicemail: *97 is nobody');
  });

  it('sends a service number to its service, acting for the user of that number if any', () => {
    const withServices = new DefaultRouter({ serviceNumbers: new Map([['*97', 'voicemail'], ['1002', 'park']]) });
    assert.deepEqual(withServices.route(input({ dialled: '*97', callee: null })), { kind: 'service', service: 'voicemail', user: null });
    assert.deepEqual(withServices.route(input({ dialled: '1002' })), { kind: 'service', service: 'park', user: bob });
    assert.equal(withServices.route(input({ method: 'MESSAGE', dialled: '*97', callee: null })).kind, 'reject', 'only calls reach services');
  });
});

describe('straight to voicemail (*<extension>)', () => {
  it('names the extension of *1002, and no other number', () => {
    assert.equal(straightToVoicemailExtension('*1002'), '1002');
    for (const other of ['1002', '*97', '*98', '*', '**1002', '*10 02', '*../x']) assert.equal(straightToVoicemailExtension(other), null, other);
  });

  it('hands the call to the callee\'s voicemail without ringing them, even with devices online', () => {
    const plan = new DefaultRouter({ voicemail: 'voicemail' }).route(input({ dialled: '*1002', straightToVoicemail: true, callee: callee({ devices: 2 }) }));
    assert.deepEqual(plan, { kind: 'service', service: 'voicemail', user: bob });
  });

  it('is 404 when the platform has no voicemail', () => {
    const plan = new DefaultRouter().route(input({ dialled: '*1002', straightToVoicemail: true }));
    assert.equal(plan.kind, 'reject');
    assert.equal(plan.kind === 'reject' && plan.status, 404);
  });
});

describe('plan steps', () => {
  it('are one step for parallel and service plans, the steps for a sequence, none for a reject', () => {
    const devices = { kind: 'devices', user: bob } as const;
    assert.deepEqual(stepsOf({ kind: 'parallel', targets: [devices], timeoutMs: 5 }), [{ targets: [devices], timeoutMs: 5 }]);
    assert.deepEqual(stepsOf({ kind: 'service', service: 'voicemail', user: bob }),
      [{ targets: [{ kind: 'service', service: 'voicemail', user: bob }], timeoutMs: null }]);
    const steps = [{ targets: [devices], timeoutMs: 20_000 }, { targets: [{ kind: 'service', service: 'voicemail', user: bob } as const], timeoutMs: null }];
    assert.deepEqual(stepsOf({ kind: 'sequence', steps }), steps);
    assert.deepEqual(stepsOf({ kind: 'reject', status: 486, reason: 'Busy Here', cause: 'busy' }), []);
    assert.throws(() => stepsOf({ kind: 'bogus' } as unknown as CallPlan), /unknown plan/);
  });
});
