/**
 * The `answerrules` event: a user hears it on their events sockets when their rules or time
 * frames changed (`changed`, called by the REST layer after every write; an organisation frame
 * or zone reaches every user of the domain), and when the active rule changes because a time
 * frame boundary passed: every `intervalMs` (30 s) the ticker judges, for each user with an
 * events socket open, the active rule at its previous tick and now (by the platform's clock),
 * and tells those for whom they differ. No state per user is kept: the rules themselves did not
 * change between the two judgements (a change is told by `changed`), so a difference is a boundary.
 */
import type { AnswerRulesEvent } from '../../src/data/wire.js';
import type { EventPublisher } from '../events/bus.js';
import type { Logger } from '../log.js';
import type { AnswerRuleRecord } from './types.js';
import type { UserRules } from './user-rules.js';

export const ACTIVE_RULE_TICK_MS = 30_000;

export interface ActiveRuleTickerDeps {
  rules: Pick<UserRules, 'activeRuleOf' | 'invalidate'>;
  bus: EventPublisher;
  /** The users with an events socket open now. */
  connected: () => Iterable<{ domain: string; extension: string }>;
  now: () => number;
  log: Logger;
}

export function answerRulesEvent(rule: AnswerRuleRecord): AnswerRulesEvent {
  return { type: 'answerrules', active: rule.timeFrameId ?? '*', do_not_disturb: rule.do_not_disturb };
}

export class ActiveRuleTicker {
  private timer: NodeJS.Timeout | undefined;
  private lastTick: number;
  private ticking = false;

  constructor(private readonly deps: ActiveRuleTickerDeps, private readonly intervalMs = ACTIVE_RULE_TICK_MS) {
    this.lastTick = deps.now();
  }

  start(): void {
    this.timer ??= setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The rules or frames of a user (or, no extension, of the organisation) changed: forget, then tell them. */
  async changed(domain: string, extension?: string): Promise<void> {
    this.deps.rules.invalidate(domain, extension);
    try {
      // The event only reaches open sockets: a domain-wide change is judged for the users connected.
      const extensions = extension !== undefined ? [extension]
        : [...new Set([...this.deps.connected()].filter((u) => u.domain === domain).map((u) => u.extension))];
      for (const ext of extensions) await this.publish(domain, ext, (await this.deps.rules.activeRuleOf(domain, ext)).rule);
    } catch (err) {
      this.deps.log.warn('answerrules event not sent', { domain, extension, error: (err as Error).message });
    }
  }

  /** One judgement of every connected user's active rule, at the previous tick and now. */
  async tick(): Promise<void> {
    if (this.ticking) return;
    this.ticking = true;
    const before = this.lastTick;
    const now = this.deps.now();
    this.lastTick = now;
    try {
      const seen = new Set<string>();
      for (const { domain, extension } of this.deps.connected()) {
        const k = `${extension}@${domain}`;
        if (seen.has(k)) continue;
        seen.add(k);
        try {
          const [then, current] = [await this.deps.rules.activeRuleOf(domain, extension, before), await this.deps.rules.activeRuleOf(domain, extension, now)];
          if (then.rule.timeFrameId !== current.rule.timeFrameId) await this.publish(domain, extension, current.rule);
        } catch (err) {
          this.deps.log.warn('active rule not judged', { domain, extension, error: (err as Error).message });
        }
      }
    } finally {
      this.ticking = false;
    }
  }

  private async publish(domain: string, extension: string, rule: AnswerRuleRecord): Promise<void> {
    this.deps.bus.emit('user-event', { domain, extension, event: answerRulesEvent(rule) });
  }
}
