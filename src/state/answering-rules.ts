/**
 * My answering rules and time frames as the app shows them: the rules in priority order (the
 * active one marked by the platform), my time frames and the organisation's, my ring timeout
 * (for the rules' summaries) and whether the quick Do Not Disturb is on. It follows the session
 * by itself (loads at sign-in, empties at logout) and the events channel: an `answerrules` event
 * (a rule or frame changed, or a time frame boundary passed and another rule is active) or a
 * reconnect reads everything again, so the blue dot moves without a reload.
 *
 * Reordering changes the list at once and then asks the platform; if it refuses, the previous
 * order comes back and the error is kept in `error`. Enabling, disabling and Do Not Disturb wait
 * for the platform's answer. The form actions (create, update, delete a rule or a frame) throw the
 * platform's ApiError for the form to show next to itself, and reload the lists when they succeed.
 *
 * @fires answering-rules-changed - when anything shown changed
 */
import type { PlatformEventMessage } from '../data/events.js';
import type { AccountResource } from '../data/resources/account.js';
import { ruleId, type AnswerRulesResource } from '../data/resources/answer-rules.js';
import type { TimeFramesResource } from '../data/resources/time-frames.js';
import type { AnswerRuleInput, AnswerRuleView, TimeFrameInput, TimeFrameView } from '../data/wire.js';

export const ANSWERING_RULES_CHANGED = 'answering-rules-changed' as const;

/** Where a rule moves: one place up or down, or to the top or the bottom (above the default rule). */
export type RuleMove = 'up' | 'down' | 'top' | 'bottom';

interface SessionLike extends EventTarget {
  state: string;
  user: { extension: string; domain: string } | null;
}

/** The rule's fields a PUT takes back (everything but what the platform derives). */
export function ruleInput(rule: AnswerRuleView): AnswerRuleInput {
  const { time_frame_id, time_frame_name: _name, order: _order, is_active: _active, ...rest } = rule;
  return time_frame_id === null ? rest : { ...rest, time_frame_id };
}

/**
 * The order of rule ids after moving `id`; null when it cannot move so (the default rule stays
 * last, and a rule at the top cannot go up).
 */
export function movedOrder(ids: readonly string[], id: string, move: RuleMove): string[] | null {
  const movable = ids.filter((x) => x !== '*');
  const from = movable.indexOf(id);
  if (from < 0) return null;
  const to = move === 'up' ? from - 1 : move === 'down' ? from + 1 : move === 'top' ? 0 : movable.length - 1;
  if (to < 0 || to >= movable.length || to === from) return null;
  const next = [...movable];
  next.splice(from, 1);
  next.splice(to, 0, id);
  return ids.includes('*') ? [...next, '*'] : next;
}

export class AnsweringRules extends EventTarget {
  rules: AnswerRuleView[] = [];
  myFrames: TimeFrameView[] = [];
  orgFrames: TimeFrameView[] = [];
  /** My ring timeout (ring_no_answer_timeout_s); 25 s until the platform says. */
  ringTimeoutS = 25;
  /** The time zone my frames are evaluated in. */
  timeZone = '';
  doNotDisturb = false;
  loading = false;
  /** The last failure, in words; '' when the last load and change went through. */
  error = '';
  /** A reorder, toggle or DND is being sent. */
  busy = false;
  /** Why the quick Do Not Disturb (top bar) was refused, for the shell to show; '' otherwise. */
  dndError = '';
  private owner = '';
  private generation = 0;
  /** Bumped by every change sent: a load that started before one is out of date. */
  private edits = 0;
  private readonly reload = () => void this.refresh();
  private readonly onEvent = (e: Event) => {
    const data = (e as PlatformEventMessage).data;
    if (data.type !== 'answerrules') return;
    if (data.do_not_disturb !== this.doNotDisturb) {
      this.doNotDisturb = data.do_not_disturb;
      this.changed();
    }
    void this.refresh();
  };
  private readonly onSession = () => this.follow();

  constructor(
    private readonly api: Pick<AnswerRulesResource, 'list' | 'create' | 'update' | 'remove' | 'reorder' | 'setDoNotDisturb'>,
    private readonly frames: Pick<TimeFramesResource, 'mine' | 'organisation' | 'create' | 'update' | 'remove'>,
    private readonly account: Pick<AccountResource, 'get'>,
    private readonly session: SessionLike,
    private readonly events: EventTarget,
  ) {
    super();
    session.addEventListener('session-changed', this.onSession);
    events.addEventListener('platform-answerrules', this.onEvent);
    events.addEventListener('platform-ready', this.reload);
    this.follow();
  }

  dispose(): void {
    this.session.removeEventListener('session-changed', this.onSession);
    this.events.removeEventListener('platform-answerrules', this.onEvent);
    this.events.removeEventListener('platform-ready', this.reload);
    this.generation++;
  }

  /** My extension (a voicemail destination of mine reads "my voicemail"). */
  get me(): string {
    return this.session.user?.extension ?? '';
  }

  get active(): AnswerRuleView | undefined {
    return this.rules.find((r) => r.is_active);
  }

  /** Every frame a new rule could use: mine and the organisation's, without those that have a rule. */
  get freeFrames(): TimeFrameView[] {
    const used = new Set(this.rules.map((r) => r.time_frame_id));
    return [...this.myFrames, ...this.orgFrames].filter((f) => !used.has(f.id));
  }

  /** Reads the rules, both lists of frames and my settings; keeps what is shown on a failure. */
  async refresh(): Promise<void> {
    if (!this.owner) return;
    const generation = this.generation;
    const edits = this.edits;
    this.loading = true;
    this.changed();
    try {
      const [rules, mine, org, me] = await Promise.all([this.api.list(), this.frames.mine(), this.frames.organisation(), this.account.get()]);
      if (generation !== this.generation) return;
      // A change was sent meanwhile: this answer may predate it; ask again.
      if (edits !== this.edits) return void queueMicrotask(() => void this.refresh());
      this.rules = rules;
      this.myFrames = mine;
      this.orgFrames = org;
      this.ringTimeoutS = me.ring_no_answer_timeout_s;
      this.timeZone = me.effective_time_zone ?? '';
      this.doNotDisturb = me.do_not_disturb ?? rules.some((r) => r.is_active && r.do_not_disturb);
      this.error = '';
    } catch (err) {
      if (generation !== this.generation) return;
      this.error = `Answering rules could not be loaded: ${(err as Error).message}`;
    } finally {
      if (generation === this.generation) {
        this.loading = false;
        this.changed();
      }
    }
  }

  /** Moves a rule; the list shows the new order at once and goes back if the platform refuses. */
  async move(id: string, move: RuleMove): Promise<boolean> {
    const order = movedOrder(this.rules.map(ruleId), id, move);
    return order ? this.reorder(order) : false;
  }

  /** Puts the rules in this order (every id, `*` last): at once, then on the platform. */
  async reorder(order: string[]): Promise<boolean> {
    const before = this.rules;
    const byId = new Map(before.map((r) => [ruleId(r), r]));
    if (order.length !== before.length || order.some((id) => !byId.has(id))) return false;
    this.edits++;
    this.rules = order.map((id, i) => ({ ...byId.get(id)!, order: i + 1 }));
    this.error = '';
    this.busy = true;
    this.changed();
    try {
      await this.api.reorder(order);
      await this.refresh();
      return true;
    } catch (err) {
      this.rules = before;
      this.error = `The new order was not saved: ${(err as Error).message}`;
      return false;
    } finally {
      this.busy = false;
      this.changed();
    }
  }

  /** Turns a rule on or off (the default rule is always on). */
  setEnabled(rule: AnswerRuleView, enabled: boolean): Promise<boolean> {
    const name = rule.time_frame_name;
    return this.quick(async () => {
      const saved = await this.api.update(ruleId(rule), { ...ruleInput(rule), enabled });
      this.rules = this.rules.map((r) => (ruleId(r) === ruleId(rule) ? saved : r));
    }, `${name} was not ${enabled ? 'enabled' : 'disabled'}`);
  }

  /** The quick toggle: a DND rule for always at top priority, or the previous order back. */
  async setDoNotDisturb(enabled: boolean): Promise<boolean> {
    this.dndError = '';
    const done = await this.quick(async () => {
      this.rules = await this.api.setDoNotDisturb(enabled);
      this.doNotDisturb = enabled;
    }, `Do Not Disturb was not turned ${enabled ? 'on' : 'off'}`);
    if (!done) {
      this.dndError = this.error;
      this.changed();
    }
    return done;
  }

  /** The shell's notice of a refused Do Not Disturb was dismissed. */
  clearDndError(): void {
    if (!this.dndError) return;
    this.dndError = '';
    this.changed();
  }

  async createRule(input: AnswerRuleInput): Promise<AnswerRuleView> {
    return this.edit(() => this.api.create(input));
  }

  async updateRule(id: string, input: AnswerRuleInput): Promise<AnswerRuleView> {
    return this.edit(() => this.api.update(id, input));
  }

  async deleteRule(id: string): Promise<void> {
    await this.edit(() => this.api.remove(id));
  }

  async createFrame(input: TimeFrameInput): Promise<TimeFrameView> {
    return this.edit(() => this.frames.create(input));
  }

  async updateFrame(id: string, input: TimeFrameInput): Promise<TimeFrameView> {
    return this.edit(() => this.frames.update(id, input));
  }

  /** Refused (409, in words) while a rule uses the frame. */
  async deleteFrame(id: string): Promise<void> {
    await this.edit(() => this.frames.remove(id));
  }

  /** A form's change: the platform's error goes back to the form; success reloads the lists. */
  private async edit<T>(work: () => Promise<T>): Promise<T> {
    this.edits++;
    const result = await work();
    this.error = '';
    await this.refresh();
    return result;
  }

  /** A one-click change: says why in `error` when refused. */
  private async quick(work: () => Promise<void>, failed: string): Promise<boolean> {
    this.edits++;
    this.busy = true;
    this.error = '';
    this.changed();
    try {
      await work();
      // Which rule is active may have changed with it.
      await this.refresh();
      return true;
    } catch (err) {
      this.error = `${failed}: ${(err as Error).message}`;
      return false;
    } finally {
      this.busy = false;
      this.changed();
    }
  }

  /** Signed in: load. Signed out: empty. */
  private follow(): void {
    const user = this.session.state === 'signed-in' ? this.session.user : null;
    const owner = user ? `${user.extension}@${user.domain}` : '';
    if (owner === this.owner) return;
    this.owner = owner;
    this.generation++;
    this.rules = [];
    this.myFrames = [];
    this.orgFrames = [];
    this.doNotDisturb = false;
    this.loading = false;
    this.busy = false;
    this.error = '';
    this.dndError = '';
    this.changed();
    if (owner) void this.refresh();
  }

  private changed(): void {
    this.dispatchEvent(new Event(ANSWERING_RULES_CHANGED));
  }
}
