import { expect } from '@open-wc/testing';
import type { AnswerRuleActions, RuleDestination } from '../../../src/data/wire.js';
import { destinationText, emptyActions, summarizeRule, usesOutsideNumber, type SummaryContext } from '../../../src/state/answer-rule-summary.js';

const NAMES: Record<string, string> = { '1002': 'Bob Baker', '1003': 'Carol Chen', '1004': 'Dan Dupont' };
const ctx: SummaryContext = { ringTimeoutS: 25, me: '1001', nameOf: (ext) => NAMES[ext] };
const noNames: SummaryContext = { ringTimeoutS: 25, me: '1001' };

function rule(over: Partial<AnswerRuleActions> = {}): AnswerRuleActions {
  return { ...emptyActions(), ...over };
}
const to = (destination: RuleDestination) => ({ enabled: true, destination });
const user = (extension: string): RuleDestination => ({ kind: 'user', extension });

describe('answer rule summary', () => {
  it('a rule that does nothing special rings my phones, then voicemail after my ring timeout', () => {
    expect(summarizeRule(rule(), ctx)).to.equal('Ring my phones, then voicemail after 25 s');
    expect(summarizeRule(rule(), { ...ctx, ringTimeoutS: 40 })).to.equal('Ring my phones, then voicemail after 40 s');
  });

  it('Do Not Disturb sends callers to voicemail, whatever else the rule says', () => {
    expect(summarizeRule(rule({ do_not_disturb: true }), ctx)).to.equal('Do Not Disturb: callers go to voicemail');
    expect(summarizeRule(rule({ do_not_disturb: true, forward_always: to(user('1003')) }), ctx)).to.equal('Do Not Disturb: callers go to voicemail');
    expect(summarizeRule(rule({ do_not_disturb: true, screening: { reject: [], allow: ['1002'] } }), ctx))
      .to.equal('Do Not Disturb: callers go to voicemail (except 1 caller always allowed)');
    expect(summarizeRule(rule({ do_not_disturb: true, screening: { reject: ['1002', '+15550100'], allow: [] } }), ctx))
      .to.equal('Do Not Disturb: callers go to voicemail; rejects 2 callers');
  });

  it('forward always names the destination, with the directory name when there is one', () => {
    expect(summarizeRule(rule({ forward_always: to(user('1003')) }), ctx)).to.equal('Forward all calls to 1003 (Carol Chen)');
    expect(summarizeRule(rule({ forward_always: to(user('1003')) }), noNames)).to.equal('Forward all calls to 1003');
    expect(summarizeRule(rule({ forward_always: to({ kind: 'voicemail', extension: '1001' }) }), ctx)).to.equal('Forward all calls to my voicemail');
    expect(summarizeRule(rule({ forward_always: to({ kind: 'voicemail', extension: '1002' }) }), ctx)).to.equal('Forward all calls to voicemail of 1002 (Bob Baker)');
    expect(summarizeRule(rule({ forward_always: to({ kind: 'number', number: '+33 1 23 45 67 89' }) }), ctx)).to.equal('Forward all calls to +33 1 23 45 67 89');
    expect(summarizeRule(rule({ forward_always: to({ kind: 'queue', extension: '3000' }) }), ctx)).to.equal('Forward all calls to queue 3000');
  });

  it('a forward that is off, or on without a destination, is not mentioned', () => {
    expect(summarizeRule(rule({ forward_always: { enabled: false, destination: user('1003') } }), ctx)).to.equal('Ring my phones, then voicemail after 25 s');
    expect(summarizeRule(rule({ forward_always: { enabled: true, destination: null } }), ctx)).to.equal('Ring my phones, then voicemail after 25 s');
    expect(summarizeRule(rule({ forward_on_busy: { enabled: false, destination: user('1003') } }), ctx)).to.equal('Ring my phones, then voicemail after 25 s');
  });

  it('simultaneous ring lists who else rings and after how long', () => {
    const sim = (targets: Array<[string, number]>, enabled = true) => ({ enabled, targets: targets.map(([e, d]) => ({ destination: user(e), delay_s: d })) });
    expect(summarizeRule(rule({ simultaneous_ring: sim([['1003', 10]]), forward_no_answer: to(user('1004')) }), noNames))
      .to.equal('Ring my phones and 1003 after 10 s; no answer: forward to 1004');
    expect(summarizeRule(rule({ simultaneous_ring: sim([['1003', 0]]) }), ctx)).to.equal('Ring my phones and 1003 (Carol Chen), then voicemail after 25 s');
    expect(summarizeRule(rule({ simultaneous_ring: sim([['1003', 0], ['1004', 5]]) }), noNames)).to.equal('Ring my phones, 1003 and 1004 after 5 s, then voicemail after 25 s');
    expect(summarizeRule(rule({ simultaneous_ring: sim([['1003', 10]], false) }), ctx), 'switched off').to.equal('Ring my phones, then voicemail after 25 s');
  });

  it('busy, no answer and unregistered forwards each get their clause', () => {
    expect(summarizeRule(rule({ forward_on_busy: to(user('1003')) }), noNames)).to.equal('Ring my phones, then voicemail after 25 s; busy: forward to 1003');
    expect(summarizeRule(rule({ forward_no_answer: to({ kind: 'voicemail', extension: '1002' }) }), noNames)).to.equal('Ring my phones; no answer: forward to voicemail of 1002');
    expect(summarizeRule(rule({ forward_when_unregistered: to({ kind: 'number', number: '0612345678' }) }), noNames))
      .to.equal('Ring my phones, then voicemail after 25 s; no phone online: forward to 0612345678');
    expect(summarizeRule(rule({ forward_no_answer: to(user('1004')), forward_on_busy: to(user('1003')), forward_when_unregistered: to(user('1002')) }), noNames))
      .to.equal('Ring my phones; no answer: forward to 1004; busy: forward to 1003; no phone online: forward to 1002');
  });

  it('call screening is counted, in words', () => {
    expect(summarizeRule(rule({ screening: { reject: ['1002'], allow: [] } }), ctx)).to.equal('Ring my phones, then voicemail after 25 s; rejects 1 caller');
    expect(summarizeRule(rule({ screening: { reject: [], allow: ['1002', '1003'] } }), ctx)).to.equal('Ring my phones, then voicemail after 25 s; always allows 2 callers');
    expect(summarizeRule(rule({ forward_always: to(user('1003')), screening: { reject: ['+1555'], allow: [] } }), noNames)).to.equal('Forward all calls to 1003; rejects 1 caller');
  });

  it('a name is text: whatever it holds is returned as it is, for the view to render as text', () => {
    const odd: SummaryContext = { ...ctx, nameOf: () => '<b>Eve</b>' };
    expect(destinationText(user('1005'), odd)).to.equal('1005 (<b>Eve</b>)');
    expect(destinationText(user('1005'), { ...ctx, nameOf: () => '   ' }), 'a blank name is no name').to.equal('1005');
  });

  it('knows when a rule uses an outside number', () => {
    expect(usesOutsideNumber(rule())).to.equal(false);
    expect(usesOutsideNumber(rule({ forward_on_busy: to({ kind: 'number', number: '0612' }) }))).to.equal(true);
    expect(usesOutsideNumber(rule({ forward_on_busy: { enabled: false, destination: { kind: 'number', number: '0612' } } }))).to.equal(false);
    expect(usesOutsideNumber(rule({ simultaneous_ring: { enabled: true, targets: [{ destination: { kind: 'number', number: '0612' }, delay_s: 0 }] } }))).to.equal(true);
  });
});
