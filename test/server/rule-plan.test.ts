/**
 * Answering rules as plans, as data: what the router plans for each action, and how the planner
 * expands forwards into the destination's own plan (conditions shifted, loops cut). Carried
 * out over real SIP in answer-rules-routing.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { planForRule, type RulePlanInput } from '../../server/sip/routing/rule-plan.js';
import { CallPlanner, type RulePolicy } from '../../server/sip/routing/planner.js';
import { DefaultRouter } from '../../server/sip/routing/router.js';
import { defaultRuleActions } from '../../server/rules/types.js';
import type { AnswerRuleActions } from '../../src/data/wire.js';
import type { User } from '../../server/store/types.js';
import type { Binding } from '../../server/sip/registrar.js';
import type { SipFlow } from '../../server/sip/flow.js';

const alice = { domain: 'demo', extension: '1001' };
const bob = { domain: 'demo', extension: '1002' };
const carol = { domain: 'demo', extension: '1003' };
const vm = { kind: 'service', service: 'voicemail', user: bob } as const;

const rule = (over: Partial<AnswerRuleActions> = {}): AnswerRuleActions => ({ ...defaultRuleActions(), ...over });
const input = (over: Partial<RulePlanInput> = {}): RulePlanInput => ({
  caller: alice, callee: bob, rule: rule(), ringTimeoutMs: 25_000, devices: 1, busy: false, voicemail: 'voicemail', ...over,
});
const to = (extension: string) => ({ enabled: true, destination: { kind: 'user' as const, extension } });

describe('an answering rule as a plan', () => {
  it('the default rule rings my devices for my ring timeout, then voicemail whatever happened', () => {
    assert.deepEqual(planForRule(input()), { kind: 'sequence', steps: [
      { targets: [{ kind: 'devices', user: bob }], timeoutMs: 25_000 },
      { targets: [vm], timeoutMs: null, routedTo: 'to voicemail' },
    ] });
    // Without voicemail: only my devices.
    assert.deepEqual(planForRule(input({ voicemail: undefined })), { kind: 'sequence', steps: [{ targets: [{ kind: 'devices', user: bob }], timeoutMs: 25_000 }] });
  });

  it('Do Not Disturb sends callers to voicemail, or refuses them busy without it; an allowed caller still rings', () => {
    assert.deepEqual(planForRule(input({ rule: rule({ do_not_disturb: true }) })),
      { kind: 'service', service: 'voicemail', user: bob, routedTo: 'to voicemail (Do Not Disturb)' });
    assert.deepEqual(planForRule(input({ rule: rule({ do_not_disturb: true }), voicemail: undefined })),
      { kind: 'reject', status: 486, reason: 'Busy Here', cause: 'busy', routedTo: 'rejected: DND' });
    const allowed = planForRule(input({ rule: rule({ do_not_disturb: true, screening: { reject: [], allow: ['1001'] } }) }));
    assert.equal(allowed.kind === 'sequence' && allowed.steps[0]!.targets[0]!.kind, 'devices');
  });

  it('refuses a caller on the reject list whatever else the rule says', () => {
    assert.deepEqual(planForRule(input({ rule: rule({ forward_always: to('1003'), screening: { reject: ['1001'], allow: [] } }) })),
      { kind: 'reject', status: 603, reason: 'Decline', cause: 'declined', routedTo: 'rejected: caller blocked' });
    // Someone else is not refused.
    assert.equal(planForRule(input({ caller: carol, rule: rule({ screening: { reject: ['1001'], allow: [] } }) })).kind, 'sequence');
  });

  it('forward always hands the call to the other user (whose own rule the planner applies)', () => {
    assert.deepEqual(planForRule(input({ rule: rule({ forward_always: to('1003') }) })),
      { kind: 'sequence', steps: [{ targets: [{ kind: 'user', user: carol }], timeoutMs: null, routedTo: 'forwarded to 1003' }] });
  });

  it('simultaneous ring rings the others with my devices, each after its delay, in the same step', () => {
    const plan = planForRule(input({ rule: rule({ simultaneous_ring: { enabled: true, targets: [
      { destination: { kind: 'user', extension: '1003' }, delay_s: 2 },
      { destination: { kind: 'number', number: '+15550100123' }, delay_s: 0 },
    ] } }) }));
    assert.deepEqual(plan.kind === 'sequence' && plan.steps[0], { targets: [
      { kind: 'devices', user: bob }, { kind: 'devices', user: carol, delayMs: 2000 },
    ], timeoutMs: 25_000 });
  });

  it('forward on busy and on no answer follow how my devices\' step ended; voicemail takes the rest', () => {
    const plan = planForRule(input({ rule: rule({ forward_on_busy: to('1003'), forward_no_answer: to('1004') }) }));
    assert.deepEqual(plan, { kind: 'sequence', steps: [
      { targets: [{ kind: 'devices', user: bob }], timeoutMs: 25_000 },
      { targets: [{ kind: 'user', user: carol }], timeoutMs: null, routedTo: 'forwarded to 1003 (busy)', when: [{ step: 0, causes: ['busy'] }] },
      { targets: [{ kind: 'user', user: { domain: 'demo', extension: '1004' } }], timeoutMs: null, routedTo: 'forwarded to 1004 (no answer)', when: [{ step: 0, causes: ['no-answer', 'unavailable'] }] },
      { targets: [vm], timeoutMs: null, routedTo: 'to voicemail', when: [{ step: 0, causes: ['declined', 'failed'] }] },
    ] });
  });

  it('with no device online: forward when unregistered, else voicemail; all busy: forward on busy', () => {
    assert.deepEqual(planForRule(input({ devices: 0, rule: rule({ forward_when_unregistered: to('1003') }) })),
      { kind: 'sequence', steps: [{ targets: [{ kind: 'user', user: carol }], timeoutMs: null, routedTo: 'forwarded to 1003 (no device online)' }] });
    assert.deepEqual(planForRule(input({ devices: 0 })), { kind: 'service', service: 'voicemail', user: bob, routedTo: 'to voicemail' });
    assert.deepEqual(planForRule(input({ busy: true, rule: rule({ forward_on_busy: to('1003') }) })),
      { kind: 'sequence', steps: [{ targets: [{ kind: 'user', user: carol }], timeoutMs: null, routedTo: 'forwarded to 1003 (busy)' }] });
  });

  it('a forward to an outside number cannot ring yet: the caller reaches voicemail, and the record says why', () => {
    assert.deepEqual(planForRule(input({ rule: rule({ forward_always: { enabled: true, destination: { kind: 'number', number: '+15550100123' } } }) })),
      { kind: 'service', service: 'voicemail', user: bob, routedTo: 'to voicemail (forward to +15550100123 not possible: outside calls not set up)' });
  });

  it('a forward to a voicemail box goes to that box', () => {
    assert.deepEqual(planForRule(input({ rule: rule({ forward_always: { enabled: true, destination: { kind: 'voicemail', extension: '1003' } } }) })),
      { kind: 'sequence', steps: [{ targets: [{ kind: 'service', service: 'voicemail', user: carol }], timeoutMs: null, routedTo: 'to voicemail of 1003' }] });
  });
});

describe('the planner', () => {
  const users = new Map<string, User>(['1001', '1002', '1003', '1004'].map((extension) => [extension, {
    domain: 'demo', extension, firstName: extension, lastName: '', email: '', role: 'user', passwordHash: '', mfaSecret: null, ringNoAnswerTimeoutS: 20, createdAt: 0,
  } as User]));
  const callerFlow = { id: 'caller', isOpen: true } as SipFlow;
  const deviceFlow = { id: 'device', isOpen: true } as SipFlow;
  function planner(rules: Record<string, Partial<AnswerRuleActions>>): CallPlanner {
    const policy: RulePolicy = { async activeRuleOf(_domain, extension) { return { rule: rule(rules[extension]) }; } };
    return new CallPlanner({
      router: new DefaultRouter({ voicemail: 'voicemail' }), voicemail: 'voicemail', rules: policy,
      users: { async get(_d, ext) { return users.get(ext); } },
      registrar: { lookup: (_d, extension) => [{ flow: deviceFlow, deviceId: `d${extension}`, contact: '', deviceLabel: '' } as unknown as Binding] },
      dialogs: { dialogsOf: () => [] },
    });
  }
  const call = (p: CallPlanner, dialled = '1002') => p.plan({ method: 'INVITE', caller: alice, callerFlow, domain: 'demo', dialled, callee: users.get(dialled)!, straightToVoicemail: false });

  it('expands a forward into the destination\'s own plan, naming where the call went', async () => {
    assert.deepEqual(await call(planner({ 1002: { forward_always: to('1003') } })), { kind: 'sequence', steps: [
      { targets: [{ kind: 'devices', user: carol }], timeoutMs: 20_000, routedTo: 'forwarded to 1003' },
      { targets: [{ kind: 'service', service: 'voicemail', user: carol }], timeoutMs: null, routedTo: 'forwarded to 1003, to voicemail' },
    ] });
    // 1003 on Do Not Disturb: straight to 1003's voicemail.
    assert.deepEqual(await call(planner({ 1002: { forward_always: to('1003') }, 1003: { do_not_disturb: true } })), { kind: 'sequence', steps: [
      { targets: [{ kind: 'service', service: 'voicemail', user: carol }], timeoutMs: null, routedTo: 'forwarded to 1003, to voicemail (Do Not Disturb)' },
    ] });
  });

  it('keeps a conditional forward conditional all through the destination\'s steps', async () => {
    const plan = await call(planner({ 1002: { forward_on_busy: to('1003') } }));
    assert.deepEqual(plan, { kind: 'sequence', steps: [
      { targets: [{ kind: 'devices', user: bob }], timeoutMs: 20_000 },
      { targets: [{ kind: 'devices', user: carol }], timeoutMs: 20_000, routedTo: 'forwarded to 1003 (busy)', when: [{ step: 0, causes: ['busy'] }] },
      { targets: [{ kind: 'service', service: 'voicemail', user: carol }], timeoutMs: null, routedTo: 'forwarded to 1003 (busy), to voicemail', when: [{ step: 0, causes: ['busy'] }] },
      { targets: [{ kind: 'service', service: 'voicemail', user: bob }], timeoutMs: null, routedTo: 'to voicemail', when: [{ step: 0, causes: ['no-answer', 'unavailable', 'declined', 'failed'] }] },
    ] });
  });

  it('ends a forwarding loop in the first callee\'s voicemail, never ringing in circles', async () => {
    const plan = await call(planner({ 1002: { forward_always: to('1003') }, 1003: { forward_always: to('1002') } }));
    assert.deepEqual(plan, { kind: 'sequence', steps: [{
      targets: [{ kind: 'service', service: 'voicemail', user: bob }], timeoutMs: null,
      routedTo: 'forwarded to 1003, forwarded to 1002, forwarding loop, to voicemail of 1002',
    }] });
  });

  it('a forward back to the caller is a loop too: the callee\'s voicemail, not the caller\'s own phones', async () => {
    const plan = await call(planner({ 1002: { forward_always: to('1001') } }));
    assert.deepEqual(plan, { kind: 'sequence', steps: [{
      targets: [{ kind: 'service', service: 'voicemail', user: bob }], timeoutMs: null,
      routedTo: 'forwarded to 1001, forwarding loop, to voicemail of 1002',
    }] });
  });

  it('a forward that expands to nothing leaves the other steps\' conditions on my devices\' step', async () => {
    // 1002 forwards on busy to 1099 (gone) and on no answer to 1003: 1003's steps are still only for no answer.
    const plan = await call(planner({ 1002: { forward_on_busy: to('1099'), forward_no_answer: to('1003') } }));
    assert.equal(plan.kind, 'sequence');
    const steps = plan.kind === 'sequence' ? plan.steps : [];
    assert.deepEqual(steps.map((s) => s.when ?? null), [
      null,
      [{ step: 0, causes: ['no-answer', 'unavailable'] }],
      [{ step: 0, causes: ['no-answer', 'unavailable'] }],
      [{ step: 0, causes: ['declined', 'failed'] }],
    ]);
  });

  it('a forward to someone who no longer exists leaves nothing to ring: the call is unavailable', async () => {
    const plan = await call(planner({ 1002: { forward_always: to('1099') } }));
    assert.equal(plan.kind, 'reject');
    assert.equal(plan.kind === 'reject' && plan.status, 480);
  });
});
