/**
 * The call router's decision per call with answering rules: the time to pick the active rule
 * (10 rules over 10 time frames per user, in a time zone) and to plan a call with it, next to the
 * plan of a user without rules, in the same run. Also prints what the router plans for five
 * representative rules, so a reader sees the plans themselves.
 *
 * `node --import tsx bench/routing.ts` (or `npm run bench -- --only routing`).
 */
import { activeRule } from '../server/rules/active-rule.js';
import { defaultRuleActions, type AnswerRuleRecord } from '../server/rules/types.js';
import { CallPlanner, type RulePolicy } from '../server/sip/routing/planner.js';
import { DefaultRouter } from '../server/sip/routing/router.js';
import type { Binding } from '../server/sip/registrar.js';
import type { SipFlow } from '../server/sip/flow.js';
import type { User } from '../server/store/types.js';
import type { AnswerRuleActions, TimeFrameInput } from '../src/data/wire.js';

export interface RoutingResult {
  /** Microseconds per call, median of rounds. */
  activeRuleUs: number;
  planWithRulesUs: number;
  planWithoutRulesUs: number;
  plans: Array<{ rule: string; plan: unknown }>;
}

const ZONE = 'America/New_York';
const users = new Map<string, User>(['1001', '1002', '1003', '1004'].map((extension) => [extension, {
  domain: 'demo', extension, firstName: extension, lastName: '', email: '', role: 'user', passwordHash: '', mfaSecret: null, ringNoAnswerTimeoutS: 25, createdAt: 0,
} as User]));

/** Ten frames a busy office might have: hours per weekday, lunch, nights, two date ranges, holidays. */
function frames(): Map<string, TimeFrameInput> {
  const m = new Map<string, TimeFrameInput>();
  for (let day = 1; day <= 5; day++) m.set(`d${day}`, { name: `Day ${day}`, kind: 'days-of-week', days: [{ day: day as 1, ranges: [{ start: '09:00', end: '12:30' }, { start: '13:30', end: '17:30' }] }] });
  m.set('night', { name: 'Nights', kind: 'days-of-week', days: [0, 1, 2, 3, 4, 5, 6].map((day) => ({ day: day as 0, ranges: [{ start: '22:00', end: '06:00' }] })) });
  m.set('lunch', { name: 'Lunch', kind: 'days-of-week', days: [1, 2, 3, 4, 5].map((day) => ({ day: day as 1, ranges: [{ start: '12:30', end: '13:30' }] })) });
  m.set('trip', { name: 'Trip', kind: 'dates', dates: [{ start: '2027-03-01T00:00', end: '2027-03-10T00:00' }], yearly: false });
  m.set('summer', { name: 'Summer', kind: 'dates', dates: [{ start: '2026-07-01T00:00', end: '2026-08-31T00:00' }], yearly: true });
  m.set('hol', { name: 'Holidays', kind: 'holidays', holidays: [{ name: 'New Year', date: '2027-01-01' }, { name: 'Christmas', date: '2026-12-25' }], yearly: true });
  return m;
}

function rules(frameIds: string[]): AnswerRuleRecord[] {
  const base = { domain: 'demo', extension: '1002', enabled: true };
  // The frames least likely to match first, so the search walks most of the list.
  const list = frameIds.map((id, i): AnswerRuleRecord => ({ ...base, ...defaultRuleActions(), timeFrameId: id, order: i + 1, forward_no_answer: { enabled: true, destination: { kind: 'user', extension: '1003' } } }));
  return [...list, { ...base, ...defaultRuleActions(), timeFrameId: null, order: list.length + 1 }];
}

function planner(policy: RulePolicy | undefined): CallPlanner {
  const deviceFlow = { id: 'device', isOpen: true } as SipFlow;
  return new CallPlanner({
    router: new DefaultRouter({ voicemail: 'voicemail' }), voicemail: 'voicemail', rules: policy,
    users: { async get(_d, ext) { return users.get(ext); } },
    registrar: { lookup: (_d, extension) => [{ flow: deviceFlow, deviceId: `d${extension}`, contact: '', deviceLabel: '' } as unknown as Binding] },
    dialogs: { dialogsOf: () => [] },
  });
}

const callerFlow = { id: 'caller', isOpen: true } as SipFlow;
const call = (p: CallPlanner) => p.plan({ method: 'INVITE', caller: { domain: 'demo', extension: '1001' }, callerFlow, domain: 'demo', dialled: '1002', callee: users.get('1002')!, straightToVoicemail: false });

async function perCallUs(n: number, work: () => unknown): Promise<number> {
  const rounds: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) await work();
    rounds.push(((performance.now() - t0) * 1000) / n);
  }
  return rounds.sort((a, b) => a - b)[2]!;
}

export async function runRoutingBench({ quick = false } = {}): Promise<RoutingResult> {
  const n = quick ? 2_000 : 20_000;
  const f = frames();
  const r = rules([...f.keys()]);
  // From Sunday 15:00 local (no weekday frame matches, so every rule is looked at), a call
  // every second: one wall-clock read per minute, as on a busy system.
  let at = Date.UTC(2026, 11, 6, 20, 0);
  const activeRuleUs = await perCallUs(n, () => activeRule(r, f, (at += 1000), ZONE));
  const withRules = planner({ async activeRuleOf() { return { rule: activeRule(r, f, (at += 1000), ZONE) }; } });
  const planWithRulesUs = await perCallUs(n, () => call(withRules));
  const without = planner(undefined);
  const planWithoutRulesUs = await perCallUs(n, () => call(without));

  const examples: Array<[string, Partial<AnswerRuleActions>]> = [
    ['default: ring my phones, then voicemail', {}],
    ['Do Not Disturb', { do_not_disturb: true }],
    ['forward always to 1003 (who has the default rule)', { forward_always: { enabled: true, destination: { kind: 'user', extension: '1003' } } }],
    ['simultaneous ring 1003 after 10 s; no answer: forward to 1004', {
      simultaneous_ring: { enabled: true, targets: [{ destination: { kind: 'user', extension: '1003' }, delay_s: 10 }] },
      forward_no_answer: { enabled: true, destination: { kind: 'user', extension: '1004' } },
    }],
    ['busy: forward to 1003; no answer: voicemail of 1004', {
      forward_on_busy: { enabled: true, destination: { kind: 'user', extension: '1003' } },
      forward_no_answer: { enabled: true, destination: { kind: 'voicemail', extension: '1004' } },
    }],
  ];
  const plans = [];
  for (const [rule, actions] of examples) {
    // Only 1002 has the rule; everyone a forward reaches has the default one.
    const policy: RulePolicy = { async activeRuleOf(_d, ext) { return { rule: { ...defaultRuleActions(), ...(ext === '1002' ? actions : {}) } }; } };
    plans.push({ rule, plan: await call(planner(policy)) });
  }
  return { activeRuleUs, planWithRulesUs, planWithoutRulesUs, plans };
}

export function routingTable(r: RoutingResult): string {
  return [
    'Call routing with answering rules (10 rules over 10 time frames, America/New_York)',
    `  pick the active rule            ${r.activeRuleUs.toFixed(2)} us per call`,
    `  plan a call with rules          ${r.planWithRulesUs.toFixed(2)} us per call`,
    `  plan a call without rules       ${r.planWithoutRulesUs.toFixed(2)} us per call (ratio ${(r.planWithRulesUs / r.planWithoutRulesUs).toFixed(2)}x)`,
    '',
    'What the router plans for five rules (1001 calls 1002):',
    ...r.plans.flatMap((p) => [`  ${p.rule}:`, ...describe(p.plan).map((l) => `    ${l}`)]),
  ].join('\n');
}

/** A plan in a line per step: targets, timeout, condition, where it goes. */
function describe(plan: unknown): string[] {
  const p = plan as { kind: string; steps?: Array<Record<string, any>>; status?: number; reason?: string; routedTo?: string };
  if (p.kind !== 'sequence') return [`${p.kind} ${p.status ?? ''} ${p.reason ?? ''} ${p.routedTo ? `(${p.routedTo})` : ''}`.trim()];
  return p.steps!.map((s, i) => {
    const targets = (s.targets as Array<Record<string, any>>).map((t) => t.kind === 'service' ? `${t.service} of ${t.user.extension}` : `${t.user.extension}'s devices${t.delayMs ? ` after ${t.delayMs / 1000} s` : ''}`).join(' + ');
    const when = s.when ? ` if step ${s.when.map((c: any) => `${c.step} ended ${c.causes.join('/')}`).join(' and ')}` : '';
    return `${i}: ring ${targets}${s.timeoutMs ? ` for ${s.timeoutMs / 1000} s` : ''}${when}${s.routedTo ? ` -> "${s.routedTo}"` : ''}`;
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(routingTable(await runRoutingBench({ quick: process.argv.includes('--quick') })) + '\n');
}
