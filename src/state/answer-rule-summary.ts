/**
 * What an answering rule does, in one line of words, as the Answering Rules area lists it:
 * "Ring my phones, then voicemail after 25 s", "Do Not Disturb: callers go to voicemail",
 * "Forward all calls to 1003 (Carol Chen)", "Ring my phones and 1003 after 10 s; no answer:
 * forward to 1004". Pure: the rule, my ring timeout and a name lookup in, a sentence out.
 */
import type { AnswerRuleActions, ForwardAction, RuleDestination } from '../data/wire.js';

export interface SummaryContext {
  /** My ring timeout (ring_no_answer_timeout_s): how long my phones ring before voicemail. */
  ringTimeoutS: number;
  /** My extension: a voicemail destination of mine is "my voicemail". */
  me: string;
  /** The directory name of an extension, if it has one. */
  nameOf?: (extension: string) => string | undefined;
}

/** A destination in words: "1003 (Carol Chen)", "my voicemail", "voicemail of 1003 (Carol Chen)", "+33 1 23 45 67 89". */
export function destinationText(d: RuleDestination, ctx: Pick<SummaryContext, 'me' | 'nameOf'>): string {
  const who = (extension: string) => {
    const name = ctx.nameOf?.(extension)?.trim();
    return name ? `${extension} (${name})` : extension;
  };
  switch (d.kind) {
    case 'user':
      return who(d.extension);
    case 'voicemail':
      return d.extension === ctx.me || d.extension === '~' ? 'my voicemail' : `voicemail of ${who(d.extension)}`;
    case 'queue':
      return `queue ${who(d.extension)}`;
    case 'number':
      return d.number;
  }
}

/** "a", "a and b", "a, b and c". */
function listText(items: string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

const callers = (n: number) => `${n} ${n === 1 ? 'caller' : 'callers'}`;

/** The forward's destination when it is on and has one. */
function forwardTo(f: ForwardAction): RuleDestination | null {
  return f.enabled && f.destination ? f.destination : null;
}

export function summarizeRule(rule: AnswerRuleActions, ctx: SummaryContext): string {
  const dest = (d: RuleDestination) => destinationText(d, ctx);
  const { reject, allow } = rule.screening;
  const screening: string[] = [];
  if (reject.length) screening.push(`rejects ${callers(reject.length)}`);

  if (rule.do_not_disturb) {
    const except = allow.length ? ` (except ${callers(allow.length)} always allowed)` : '';
    return [`Do Not Disturb: callers go to voicemail${except}`, ...screening].join('; ');
  }
  if (allow.length) screening.push(`always allows ${callers(allow.length)}`);

  const always = forwardTo(rule.forward_always);
  if (always) return [`Forward all calls to ${dest(always)}`, ...screening].join('; ');

  const parts: string[] = [];
  const targets = rule.simultaneous_ring.enabled ? rule.simultaneous_ring.targets : [];
  const rung = targets.map((t) => `${dest(t.destination)}${t.delay_s > 0 ? ` after ${t.delay_s} s` : ''}`);
  const noAnswer = forwardTo(rule.forward_no_answer);
  const ring = `Ring ${listText(['my phones', ...rung])}`;
  parts.push(noAnswer ? ring : `${ring}, then voicemail after ${ctx.ringTimeoutS} s`);
  if (noAnswer) parts.push(`no answer: forward to ${dest(noAnswer)}`);
  const busy = forwardTo(rule.forward_on_busy);
  if (busy) parts.push(`busy: forward to ${dest(busy)}`);
  const unregistered = forwardTo(rule.forward_when_unregistered);
  if (unregistered) parts.push(`no phone online: forward to ${dest(unregistered)}`);
  return [...parts, ...screening].join('; ');
}

/** Whether a rule sends calls to an outside number (which cannot ring until outside calling is set up). */
export function usesOutsideNumber(rule: AnswerRuleActions): boolean {
  const forwards = [rule.forward_always, rule.forward_on_busy, rule.forward_no_answer, rule.forward_when_unregistered];
  return forwards.some((f) => forwardTo(f)?.kind === 'number')
    || (rule.simultaneous_ring.enabled && rule.simultaneous_ring.targets.some((t) => t.destination.kind === 'number'));
}

/** A rule that does nothing special: ring my phones, then voicemail (the form's starting point). */
export function emptyActions(): AnswerRuleActions {
  const off = (): ForwardAction => ({ enabled: false, destination: null });
  return {
    do_not_disturb: false,
    forward_always: off(),
    simultaneous_ring: { enabled: false, targets: [] },
    forward_on_busy: off(),
    forward_no_answer: off(),
    forward_when_unregistered: off(),
    screening: { reject: [], allow: [] },
  };
}
