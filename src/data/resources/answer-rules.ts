/**
 * My answering rules (/api/v2/domains/~/users/~/answerrules): list (in priority order), create
 * one for a time frame, replace or delete one (by its time frame's id, `*` for the default),
 * reorder them all, and the quick Do Not Disturb (PUT .../dnd).
 */
import type { Http } from '../http.js';
import type { AnswerRuleInput, AnswerRuleOrder, AnswerRuleView, DoNotDisturbToggle } from '../wire.js';

const BASE = '/api/v2/domains/~/users/~/answerrules';

/** The address of a rule: its time frame's id, or `*` for the default rule. */
export function ruleId(rule: Pick<AnswerRuleView, 'time_frame_id'>): string {
  return rule.time_frame_id ?? '*';
}

export class AnswerRulesResource {
  constructor(private readonly http: Http) {}

  /** Highest priority first; the default rule last. Exactly one has `is_active`. */
  list(): Promise<AnswerRuleView[]> {
    return this.http.send('GET', BASE);
  }

  /** A rule for a time frame that has none (`time_frame_id` required). */
  create(input: AnswerRuleInput): Promise<AnswerRuleView> {
    return this.http.send('POST', BASE, input);
  }

  /** Replaces the rule of time frame `id` (`*`: the default rule). */
  update(id: string, input: AnswerRuleInput): Promise<AnswerRuleView> {
    return this.http.send('PUT', `${BASE}/${encodeURIComponent(id)}`, input);
  }

  /** The default rule (`*`) cannot be deleted. */
  async remove(id: string): Promise<void> {
    await this.http.send('DELETE', `${BASE}/${encodeURIComponent(id)}`);
  }

  /** Every rule's id, highest priority first, `*` last. */
  async reorder(order: string[]): Promise<void> {
    const body: AnswerRuleOrder = { order };
    await this.http.send('PUT', `${BASE}/reorder`, body);
  }

  /** Do Not Disturb on (a DND rule for always, at top priority) or off; answers the rules. */
  setDoNotDisturb(enabled: boolean): Promise<AnswerRuleView[]> {
    const body: DoNotDisturbToggle = { enabled };
    return this.http.send('PUT', '/api/v2/domains/~/users/~/dnd', body);
  }
}
