/**
 * The platform's answering rules, time frames and user settings, in memory, as far as the
 * AnsweringRules store speaks to them (AnswerRulesResource, TimeFramesResource, AccountResource).
 * Every call is recorded; `failNext` makes the next call of a method refuse with an ApiError.
 */
import { ruleId } from '../../../../src/data/resources/answer-rules.js';
import { ApiError } from '../../../../src/data/http.js';
import type { AnswerRuleInput, AnswerRuleView, TimeFrameInput, TimeFrameView, UserSettingsView } from '../../../../src/data/wire.js';
import { emptyActions } from '../../../../src/state/answer-rule-summary.js';

export const BUSINESS_HOURS: TimeFrameView = {
  id: 'org-bh', name: 'Business Hours', scope: 'domain', kind: 'days-of-week', matches_now: true,
  days: [1, 2, 3, 4, 5].map((day) => ({ day: day as 1, ranges: [{ start: '09:00', end: '17:00' }] })),
};
export const HOLIDAYS: TimeFrameView = {
  id: 'org-hol', name: 'Holidays', scope: 'domain', kind: 'holidays', matches_now: false, yearly: true,
  holidays: [{ name: 'New Year', date: '2026-01-01' }, { name: 'Christmas', date: '2026-12-25' }],
};
export const LUNCH: TimeFrameView = {
  id: 'tf-lunch', name: 'Lunch', scope: 'user', kind: 'days-of-week', matches_now: false,
  days: [1, 2, 3, 4, 5].map((day) => ({ day: day as 1, ranges: [{ start: '12:00', end: '13:00' }] })),
};
export const TRIP: TimeFrameView = {
  id: 'tf-trip', name: 'Trip to Lyon', scope: 'user', kind: 'dates', matches_now: false, yearly: false,
  dates: [{ start: '2026-12-14T08:00', end: '2026-12-18T19:00' }],
};

export function businessHoursRule(): AnswerRuleView {
  return {
    ...emptyActions(), time_frame_id: 'org-bh', time_frame_name: 'Business Hours', enabled: true, order: 1, is_active: true,
    simultaneous_ring: { enabled: true, targets: [{ destination: { kind: 'user', extension: '1003' }, delay_s: 10 }] },
    forward_no_answer: { enabled: true, destination: { kind: 'user', extension: '1004' } },
  };
}
export function lunchRule(): AnswerRuleView {
  return {
    ...emptyActions(), time_frame_id: 'tf-lunch', time_frame_name: 'Lunch', enabled: false, order: 2, is_active: false,
    forward_always: { enabled: true, destination: { kind: 'voicemail', extension: '1001' } },
  };
}
export function defaultRule(order = 3, active = false): AnswerRuleView {
  return { ...emptyActions(), time_frame_id: null, time_frame_name: 'Always', enabled: true, order, is_active: active };
}

type Method = 'list' | 'create' | 'update' | 'remove' | 'reorder' | 'setDoNotDisturb' | 'mine' | 'organisation' | 'frameCreate' | 'frameUpdate' | 'frameRemove' | 'get';

export class FakeRulesPlatform {
  rules: AnswerRuleView[] = [businessHoursRule(), lunchRule(), defaultRule()];
  mineFrames: TimeFrameView[] = [LUNCH, TRIP];
  orgFrames: TimeFrameView[] = [BUSINESS_HOURS, HOLIDAYS];
  settings: UserSettingsView = { ring_no_answer_timeout_s: 25, voicemail_greeting_index: 0, voicemail_pin_set: false, time_zone: null, effective_time_zone: 'Europe/Paris', do_not_disturb: false };
  calls: Array<[Method, ...unknown[]]> = [];
  private failures = new Map<Method, ApiError>();
  /** A held method answers only when released. */
  private held = new Map<Method, { release: () => void; promise: Promise<void> }>();

  failNext(method: Method, status: number, message: string, field?: string): void {
    this.failures.set(method, new ApiError('http', message, status, status === 409 ? 'conflict' : 'invalid_request', field));
  }

  hold(method: Method): () => void {
    let release!: () => void;
    const promise = new Promise<void>((r) => (release = r));
    this.held.set(method, { release, promise });
    return () => {
      this.held.delete(method);
      release();
    };
  }

  callsOf(method: Method): unknown[][] {
    return this.calls.filter((c) => c[0] === method).map((c) => c.slice(1));
  }

  private async step(method: Method, ...args: unknown[]): Promise<void> {
    this.calls.push([method, ...structuredClone(args)]);
    await this.held.get(method)?.promise;
    const failure = this.failures.get(method);
    if (failure) {
      this.failures.delete(method);
      throw failure;
    }
  }

  private renumber(): void {
    this.rules = this.rules.map((r, i) => ({ ...r, order: i + 1 }));
    const active = this.rules.find((r) => r.enabled && (r.time_frame_id === null || r.time_frame_id === 'dnd' || [...this.mineFrames, ...this.orgFrames].find((f) => f.id === r.time_frame_id)?.matches_now));
    this.rules = this.rules.map((r) => ({ ...r, is_active: r === active }));
  }

  private frameName(id: string): string {
    return [...this.mineFrames, ...this.orgFrames].find((f) => f.id === id)?.name ?? id;
  }

  readonly rulesApi = {
    list: async () => {
      await this.step('list');
      return structuredClone(this.rules);
    },
    create: async (input: AnswerRuleInput) => {
      await this.step('create', input);
      const { time_frame_id, ...rest } = input;
      const made: AnswerRuleView = { ...rest, time_frame_id: time_frame_id!, time_frame_name: this.frameName(time_frame_id!), order: 0, is_active: false };
      this.rules.splice(this.rules.length - 1, 0, made);
      this.renumber();
      return structuredClone(this.rules.find((r) => r.time_frame_id === time_frame_id)!);
    },
    update: async (id: string, input: AnswerRuleInput) => {
      await this.step('update', id, input);
      this.rules = this.rules.map((r) => (ruleId(r) === id ? { ...r, ...input, time_frame_id: r.time_frame_id } : r));
      this.renumber();
      return structuredClone(this.rules.find((r) => ruleId(r) === id)!);
    },
    remove: async (id: string) => {
      await this.step('remove', id);
      this.rules = this.rules.filter((r) => ruleId(r) !== id);
      this.renumber();
    },
    reorder: async (order: string[]) => {
      await this.step('reorder', order);
      this.rules = order.map((id) => this.rules.find((r) => ruleId(r) === id)!);
      this.renumber();
    },
    setDoNotDisturb: async (enabled: boolean) => {
      await this.step('setDoNotDisturb', enabled);
      this.settings.do_not_disturb = enabled;
      this.rules = this.rules.map((r) => ({ ...r, is_active: false }));
      if (enabled) {
        this.rules.unshift({ ...emptyActions(), do_not_disturb: true, time_frame_id: 'dnd', time_frame_name: 'Do Not Disturb', enabled: true, order: 1, is_active: true });
      } else {
        this.rules = this.rules.filter((r) => r.time_frame_id !== 'dnd');
      }
      this.renumber();
      return structuredClone(this.rules);
    },
  };

  readonly framesApi = {
    mine: async () => {
      await this.step('mine');
      return structuredClone(this.mineFrames);
    },
    organisation: async () => {
      await this.step('organisation');
      return structuredClone(this.orgFrames);
    },
    create: async (input: TimeFrameInput) => {
      await this.step('frameCreate', input);
      const made: TimeFrameView = { ...input, id: `tf-${this.mineFrames.length + 1}`, scope: 'user', matches_now: false };
      this.mineFrames.push(made);
      return structuredClone(made);
    },
    update: async (id: string, input: TimeFrameInput) => {
      await this.step('frameUpdate', id, input);
      this.mineFrames = this.mineFrames.map((f) => (f.id === id ? { ...f, ...input } : f));
      return structuredClone(this.mineFrames.find((f) => f.id === id)!);
    },
    remove: async (id: string) => {
      await this.step('frameRemove', id);
      this.mineFrames = this.mineFrames.filter((f) => f.id !== id);
    },
  };

  readonly accountApi = {
    get: async () => {
      await this.step('get');
      return structuredClone(this.settings);
    },
  };
}

/** A signed-in session as far as the store reads it. */
export function signedInSession(extension = '1001'): EventTarget & { state: string; user: { extension: string; domain: string } | null } {
  return Object.assign(new EventTarget(), { state: 'signed-in', user: { extension, domain: 'demo' } });
}
