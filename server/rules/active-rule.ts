/**
 * Which of a user's answering rules is in force at an instant. Exactly one always is: the first
 * enabled rule (by priority) whose time frame covers the instant, else the default rule.
 */
import type { TimeFrameInput } from '../../src/data/wire.js';
import { frameMatchesWallClock, isInstant, wallClock, type WallClock } from './time-frame-match.js';
import { defaultRuleActions, type AnswerRuleRecord } from './types.js';

export function activeRule(
  rules: readonly AnswerRuleRecord[],
  frames: ReadonlyMap<string, TimeFrameInput>,
  at: number,
  timeZone: string,
): AnswerRuleRecord {
  // The repository hands them over in order, but a rule list edited by hand or mid-reorder must
  // still give one answer; the default rule goes last whatever its number says.
  const sorted = [...rules].sort((a, b) => Number(a.timeFrameId === null) - Number(b.timeFrameId === null) || a.order - b.order);
  let wall: WallClock | undefined;
  for (const rule of sorted) {
    if (rule.timeFrameId === null) return rule; // on even when disabled: calls must go somewhere
    if (!rule.enabled) continue;
    const frame = frames.get(rule.timeFrameId);
    if (!frame) continue; // its frame was deleted or is not the user's to see
    if (frame.kind === 'always') return rule;
    if (!isInstant(at)) continue;
    wall ??= wallClock(at, timeZone);
    if (frameMatchesWallClock(frame, wall)) return rule;
  }
  const first = rules[0];
  return {
    domain: first?.domain ?? '',
    extension: first?.extension ?? '',
    timeFrameId: null,
    enabled: true,
    order: rules.length + 1,
    ...defaultRuleActions(),
  };
}
