/**
 * Time frames and answering rules as the platform keeps them. The fields a user writes are the
 * wire's (src/data/wire.ts), so the REST layer stores what it validated without a second model.
 */
import type { AnswerRuleActions, TimeFrameInput } from '../../src/data/wire.js';

/** A time frame of a user (`owner` their extension) or of the whole organisation (`owner` null). */
export interface TimeFrameRecord extends TimeFrameInput {
  id: string;
  domain: string;
  owner: string | null;
}

/** One of a user's answering rules; `timeFrameId` null is the default rule `*`. */
export interface AnswerRuleRecord extends AnswerRuleActions {
  domain: string;
  extension: string;
  timeFrameId: string | null;
  enabled: boolean;
  /** 1 is the highest priority; the default rule is always last. */
  order: number;
}

/** What the default rule does when a user has written none: ring my devices, then voicemail. */
export function defaultRuleActions(): AnswerRuleActions {
  const off = { enabled: false, destination: null };
  return {
    do_not_disturb: false,
    forward_always: { ...off },
    simultaneous_ring: { enabled: false, targets: [] },
    forward_on_busy: { ...off },
    forward_no_answer: { ...off },
    forward_when_unregistered: { ...off },
    screening: { reject: [], allow: [] },
  };
}

export interface TimeFrameRepo {
  /** The user's own (owner = extension) or the organisation's (owner = null), by name. */
  list(domain: string, owner: string | null): Promise<TimeFrameRecord[]>;
  get(domain: string, id: string): Promise<TimeFrameRecord | null>;
  create(domain: string, owner: string | null, frame: TimeFrameInput): Promise<TimeFrameRecord>;
  /** Null when there is no such frame. */
  update(domain: string, id: string, frame: TimeFrameInput): Promise<TimeFrameRecord | null>;
  /** Refused with TimeFrameInUseError (naming the rule's user) while any rule uses it; false when there is no such frame. */
  delete(domain: string, id: string): Promise<boolean>;
}

export class TimeFrameInUseError extends Error {
  constructor(readonly extension: string, readonly frameName: string) {
    super(`The time frame "${frameName}" is used by an answering rule of ${extension}`);
  }
}

export interface AnswerRuleRepo {
  /** In priority order; the default rule (created on first read when missing) is last. */
  list(domain: string, extension: string): Promise<AnswerRuleRecord[]>;
  /** A new rule goes just above the default rule. Fails (constraint) when the frame already has one. */
  create(domain: string, extension: string, timeFrameId: string, rule: AnswerRuleActions & { enabled: boolean }): Promise<AnswerRuleRecord>;
  update(domain: string, extension: string, timeFrameId: string | null, rule: AnswerRuleActions & { enabled: boolean }): Promise<AnswerRuleRecord | null>;
  /** The default rule cannot be deleted. */
  delete(domain: string, extension: string, timeFrameId: string): Promise<boolean>;
  /** `order` lists every rule's time frame id (null last, for the default), in one transaction. */
  reorder(domain: string, extension: string, order: Array<string | null>): Promise<AnswerRuleRecord[]>;
}
