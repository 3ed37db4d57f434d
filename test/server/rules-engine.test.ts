/**
 * The answering-rule engine on its own: time frames matched in a user's zone (weekly ranges,
 * night shifts, dates, yearly ranges, holidays, DST change days), the choice of the active rule,
 * and the structural validation of frames and rules.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TimeFrameInput, WeekdayRanges } from '../../src/data/wire.js';
import { activeRule } from '../../server/rules/active-rule.js';
import { frameMatches, isTimeZone, wallClock } from '../../server/rules/time-frame-match.js';
import { defaultRuleActions, type AnswerRuleRecord } from '../../server/rules/types.js';
import { checkAnswerRule, checkTimeFrame, type Checked } from '../../server/rules/validate.js';

const utc = (s: string) => Date.parse(`${s}Z`);
const MIN = 60_000;

function weekly(...days: WeekdayRanges[]): TimeFrameInput {
  return { name: 'f', kind: 'days-of-week', days };
}
const range = (start: string, end: string) => ({ start, end });
const weekdays = (start: string, end: string) =>
  weekly(...([1, 2, 3, 4, 5] as const).map((day) => ({ day, ranges: [range(start, end)] })));

/** Minutes in [from, to) (UTC strings) that `frame` covers in `tz`. */
function minutesCovered(frame: TimeFrameInput, tz: string, from: string, to: string): number {
  let n = 0;
  for (let t = utc(from); t < utc(to); t += MIN) if (frameMatches(frame, t, tz)) n++;
  return n;
}

describe('frameMatches: days of week', () => {
  // 2026-06-15 is a Monday.
  const twoRanges = weekly({ day: 1, ranges: [range('09:00', '12:00'), range('13:00', '17:00')] });

  it('matches inside either range of a day, not in the gap between them, start inclusive and end exclusive', () => {
    const at = (hm: string) => frameMatches(twoRanges, utc(`2026-06-15T${hm}`), 'UTC');
    assert.equal(at('08:59'), false);
    assert.equal(at('09:00'), true);
    assert.equal(at('11:59'), true);
    assert.equal(at('12:00'), false, 'the gap');
    assert.equal(at('12:30'), false, 'the gap');
    assert.equal(at('13:00'), true);
    assert.equal(at('16:59'), true);
    assert.equal(at('17:00'), false);
  });

  it('matches only on the listed weekday', () => {
    assert.equal(frameMatches(twoRanges, utc('2026-06-16T10:00'), 'UTC'), false, 'Tuesday');
    assert.equal(frameMatches(twoRanges, utc('2026-06-22T10:00'), 'UTC'), true, 'next Monday');
  });

  it('runs a range whose end is before its start past midnight into the next day, and no further', () => {
    const friNight = weekly({ day: 5, ranges: [range('22:00', '02:00')] });
    // 2026-06-19 is a Friday.
    assert.equal(frameMatches(friNight, utc('2026-06-19T21:59'), 'UTC'), false);
    assert.equal(frameMatches(friNight, utc('2026-06-19T22:00'), 'UTC'), true);
    assert.equal(frameMatches(friNight, utc('2026-06-19T23:59'), 'UTC'), true);
    assert.equal(frameMatches(friNight, utc('2026-06-20T00:00'), 'UTC'), true, 'Saturday 00:00');
    assert.equal(frameMatches(friNight, utc('2026-06-20T01:30'), 'UTC'), true, 'Saturday 01:30');
    assert.equal(frameMatches(friNight, utc('2026-06-20T02:00'), 'UTC'), false, 'Saturday 02:00');
    assert.equal(frameMatches(friNight, utc('2026-06-21T01:30'), 'UTC'), false, 'Sunday 01:30');
    assert.equal(frameMatches(friNight, utc('2026-06-19T01:30'), 'UTC'), false, 'Friday 01:30 (Thursday had no shift)');
    assert.equal(frameMatches(friNight, utc('2026-06-20T22:30'), 'UTC'), false, 'Saturday evening');
  });

  it('wraps a Saturday night shift into Sunday', () => {
    const satNight = weekly({ day: 6, ranges: [range('23:00', '01:00')] });
    assert.equal(frameMatches(satNight, utc('2026-06-21T00:30'), 'UTC'), true, 'Sunday 00:30');
    assert.equal(frameMatches(satNight, utc('2026-06-22T00:30'), 'UTC'), false, 'Monday 00:30');
  });

  it('takes 24:00 as the end of the day', () => {
    const lateMonday = weekly({ day: 1, ranges: [range('18:00', '24:00')] });
    assert.equal(frameMatches(lateMonday, utc('2026-06-15T23:59'), 'UTC'), true);
    assert.equal(frameMatches(lateMonday, utc('2026-06-16T00:00'), 'UTC'), false, 'Tuesday midnight');
    const wholeDay = weekly({ day: 1, ranges: [range('00:00', '24:00')] });
    assert.equal(minutesCovered(wholeDay, 'UTC', '2026-06-14T00:00', '2026-06-17T00:00'), 24 * 60);
  });

  it('covers a working week of 5 x 8 hours', () => {
    assert.equal(minutesCovered(weekdays('09:00', '17:00'), 'UTC', '2026-06-14T00:00', '2026-06-21T00:00'), 5 * 8 * 60);
  });
});

describe('frameMatches: dates and holidays', () => {
  const conf: TimeFrameInput = { name: 'c', kind: 'dates', dates: [range('2026-09-01T08:30', '2026-09-03T17:00')] };

  it('matches a date range from its start (inclusive) to its end (exclusive), in that year only', () => {
    assert.equal(frameMatches(conf, utc('2026-09-01T08:29'), 'UTC'), false);
    assert.equal(frameMatches(conf, utc('2026-09-01T08:30'), 'UTC'), true);
    assert.equal(frameMatches(conf, utc('2026-09-02T03:00'), 'UTC'), true);
    assert.equal(frameMatches(conf, utc('2026-09-03T16:59'), 'UTC'), true);
    assert.equal(frameMatches(conf, utc('2026-09-03T17:00'), 'UTC'), false);
    assert.equal(frameMatches(conf, utc('2027-09-02T03:00'), 'UTC'), false, 'next year');
  });

  it('repeats a yearly date range every year, also one that wraps the year end', () => {
    const yearlyConf = { ...conf, yearly: true };
    assert.equal(frameMatches(yearlyConf, utc('2031-09-02T12:00'), 'UTC'), true);
    assert.equal(frameMatches(yearlyConf, utc('2031-09-03T17:00'), 'UTC'), false);
    const xmas: TimeFrameInput = { name: 'x', kind: 'dates', yearly: true, dates: [range('2026-12-24T18:00', '2027-01-02T00:00')] };
    assert.equal(frameMatches(xmas, utc('2030-12-24T17:59'), 'UTC'), false);
    assert.equal(frameMatches(xmas, utc('2030-12-24T18:00'), 'UTC'), true);
    assert.equal(frameMatches(xmas, utc('2030-12-31T23:59'), 'UTC'), true);
    assert.equal(frameMatches(xmas, utc('2031-01-01T12:00'), 'UTC'), true, 'after new year');
    assert.equal(frameMatches(xmas, utc('2031-01-02T00:00'), 'UTC'), false);
    assert.equal(frameMatches(xmas, utc('2031-06-15T12:00'), 'UTC'), false, 'midsummer');
    assert.equal(frameMatches({ ...xmas, yearly: false }, utc('2030-12-25T12:00'), 'UTC'), false, 'not yearly: 2026 only');
    assert.equal(frameMatches({ ...xmas, yearly: false }, utc('2027-01-01T12:00'), 'UTC'), true);
  });

  it('matches a holiday for the whole local day; a yearly one every year', () => {
    const h: TimeFrameInput = { name: 'h', kind: 'holidays', holidays: [{ name: 'Christmas', date: '2026-12-25' }, { name: 'Boxing Day', date: '2026-12-26' }] };
    assert.equal(frameMatches(h, utc('2026-12-24T23:59'), 'UTC'), false);
    assert.equal(frameMatches(h, utc('2026-12-25T00:00'), 'UTC'), true);
    assert.equal(frameMatches(h, utc('2026-12-26T23:59'), 'UTC'), true, 'the second holiday');
    assert.equal(frameMatches(h, utc('2026-12-27T00:00'), 'UTC'), false);
    assert.equal(frameMatches(h, utc('2027-12-25T12:00'), 'UTC'), false, 'not yearly');
    assert.equal(frameMatches({ ...h, yearly: true }, utc('2027-12-25T12:00'), 'UTC'), true, 'yearly');
    assert.equal(minutesCovered(h, 'UTC', '2026-12-24T00:00', '2026-12-28T00:00'), 2 * 24 * 60);
    // Tokyo is UTC+9: its Christmas starts at 15:00 UTC on the 24th.
    assert.equal(frameMatches(h, utc('2026-12-24T14:59'), 'Asia/Tokyo'), false);
    assert.equal(frameMatches(h, utc('2026-12-24T15:00'), 'Asia/Tokyo'), true);
  });

  it('always matches an always frame', () => {
    assert.equal(frameMatches({ name: 'a', kind: 'always' }, utc('2026-06-15T03:00'), 'Asia/Tokyo'), true);
  });
});

describe('frameMatches: time zones and DST', () => {
  it('finds the same instant in business hours in New York but not in Tokyo', () => {
    const at = utc('2026-06-15T14:00'); // Monday 10:00 EDT, Monday 23:00 JST
    const office = weekdays('09:00', '17:00');
    assert.equal(frameMatches(office, at, 'America/New_York'), true);
    assert.equal(frameMatches(office, at, 'Asia/Tokyo'), false);
    assert.equal(frameMatches(office, at, 'UTC'), true);
  });

  it('sees the local weekday, not the UTC one', () => {
    // Tuesday 01:00 UTC is still Monday 21:00 in New York.
    const mondayEvening = weekly({ day: 1, ranges: [range('20:00', '22:00')] });
    assert.equal(frameMatches(mondayEvening, utc('2026-06-16T01:00'), 'America/New_York'), true);
    assert.equal(frameMatches(mondayEvening, utc('2026-06-16T01:00'), 'UTC'), false);
  });

  const sunday = (start: string, end: string) => weekly({ day: 0, ranges: [range(start, end)] });

  it('New York, 2026-03-08 (02:00 becomes 03:00): 09:00-17:00 starts at 09:00 local and the day has 23 hours', () => {
    const tz = 'America/New_York';
    const office = sunday('09:00', '17:00');
    assert.equal(frameMatches(office, utc('2026-03-08T12:59'), tz), false, '08:59 EDT');
    assert.equal(frameMatches(office, utc('2026-03-08T13:00'), tz), true, '09:00 EDT');
    assert.equal(frameMatches(office, utc('2026-03-08T20:59'), tz), true, '16:59 EDT');
    assert.equal(frameMatches(office, utc('2026-03-08T21:00'), tz), false, '17:00 EDT');
    // Local Sunday runs from 05:00 UTC (EST) to 04:00 UTC on Monday (EDT).
    assert.equal(minutesCovered(office, tz, '2026-03-08T00:00', '2026-03-09T12:00'), 8 * 60);
    assert.equal(minutesCovered(sunday('00:00', '24:00'), tz, '2026-03-08T00:00', '2026-03-09T12:00'), 23 * 60);
    assert.equal(minutesCovered(sunday('01:00', '04:00'), tz, '2026-03-08T00:00', '2026-03-09T12:00'), 2 * 60, '02:00-03:00 never happens');
    assert.equal(minutesCovered(sunday('02:00', '03:00'), tz, '2026-03-08T00:00', '2026-03-09T12:00'), 0);
    assert.deepEqual(wallClock(utc('2026-03-08T07:00'), tz), { year: 2026, month: 3, day: 8, weekday: 0, minute: 3 * 60 });
  });

  it('New York, 2026-11-01 (01:00 happens twice): 09:00-17:00 starts at 09:00 local and the day has 25 hours', () => {
    const tz = 'America/New_York';
    const office = sunday('09:00', '17:00');
    assert.equal(frameMatches(office, utc('2026-11-01T13:59'), tz), false, '08:59 EST');
    assert.equal(frameMatches(office, utc('2026-11-01T14:00'), tz), true, '09:00 EST');
    assert.equal(frameMatches(office, utc('2026-11-01T22:00'), tz), false, '17:00 EST');
    assert.equal(minutesCovered(office, tz, '2026-11-01T00:00', '2026-11-02T12:00'), 8 * 60);
    assert.equal(minutesCovered(sunday('00:00', '24:00'), tz, '2026-11-01T00:00', '2026-11-02T12:00'), 25 * 60);
    assert.equal(minutesCovered(sunday('01:00', '02:00'), tz, '2026-11-01T00:00', '2026-11-02T12:00'), 2 * 60, 'the repeated hour');
    const day: TimeFrameInput = { name: 'd', kind: 'dates', dates: [range('2026-11-01T00:00', '2026-11-02T00:00')] };
    assert.equal(minutesCovered(day, tz, '2026-11-01T00:00', '2026-11-02T12:00'), 25 * 60);
  });

  it('London, 2026-03-29 and 2026-10-25: the office opens at 09:00 local either side of the change', () => {
    const tz = 'Europe/London';
    const office = sunday('09:00', '17:00');
    assert.equal(frameMatches(office, utc('2026-03-29T07:59'), tz), false, '08:59 BST');
    assert.equal(frameMatches(office, utc('2026-03-29T08:00'), tz), true, '09:00 BST');
    assert.equal(frameMatches(office, utc('2026-10-25T08:59'), tz), false, '08:59 GMT');
    assert.equal(frameMatches(office, utc('2026-10-25T09:00'), tz), true, '09:00 GMT');
    assert.equal(minutesCovered(sunday('00:00', '24:00'), tz, '2026-03-28T12:00', '2026-03-30T12:00'), 23 * 60);
    assert.equal(minutesCovered(sunday('00:00', '24:00'), tz, '2026-10-24T12:00', '2026-10-26T12:00'), 25 * 60);
    assert.equal(minutesCovered(office, tz, '2026-10-24T12:00', '2026-10-26T12:00'), 8 * 60);
  });

  it('knows real IANA zones from made-up ones', () => {
    assert.equal(isTimeZone('America/New_York'), true);
    assert.equal(isTimeZone('UTC'), true);
    assert.equal(isTimeZone('Mars/Olympus'), false);
    assert.equal(isTimeZone(''), false);
  });

  it('takes an unknown zone as UTC instead of throwing, and matches no frame at an impossible instant', () => {
    const office = weekdays('09:00', '17:00');
    const at = utc('2026-06-15T08:30'); // Monday 08:30 UTC, 10:30 in Paris
    assert.equal(frameMatches(office, at, 'Europe/Paris'), true);
    assert.equal(frameMatches(office, at, 'Mars/Olympus'), false);
    assert.equal(frameMatches(office, at + 60 * MIN, 'Mars/Olympus'), true);
    assert.equal(frameMatches(office, NaN, 'UTC'), false);
    assert.equal(frameMatches(office, 9e15, 'UTC'), false);
    assert.equal(frameMatches({ name: 'a', kind: 'always' }, NaN, 'UTC'), true);
  });
});

describe('activeRule', () => {
  const base = { domain: 'acme', extension: '1001' };
  const rule = (timeFrameId: string | null, order: number, enabled = true): AnswerRuleRecord => ({
    ...base,
    ...defaultRuleActions(),
    timeFrameId,
    order,
    enabled,
  });
  const frames = new Map<string, TimeFrameInput>([
    ['office', weekdays('09:00', '17:00')],
    ['lunch', weekdays('12:00', '13:00')],
    ['xmas', { name: 'x', kind: 'holidays', yearly: true, holidays: [{ name: 'Christmas', date: '2026-12-25' }] }],
  ]);
  const noon = utc('2026-06-15T12:30'); // Monday, in both office and lunch
  const evening = utc('2026-06-15T20:00');

  it('picks the higher-priority rule when two frames match', () => {
    const rules = [rule('lunch', 1), rule('office', 2), rule(null, 3)];
    assert.equal(activeRule(rules, frames, noon, 'UTC').timeFrameId, 'lunch');
    const swapped = [rule('office', 1), rule('lunch', 2), rule(null, 3)];
    assert.equal(activeRule(swapped, frames, noon, 'UTC').timeFrameId, 'office');
  });

  it('sorts by order itself and keeps the default rule last', () => {
    const rules = [rule(null, 1), rule('office', 3), rule('lunch', 2)];
    assert.equal(activeRule(rules, frames, noon, 'UTC').timeFrameId, 'lunch');
  });

  it('skips a disabled rule', () => {
    const rules = [rule('lunch', 1, false), rule('office', 2), rule(null, 3)];
    assert.equal(activeRule(rules, frames, noon, 'UTC').timeFrameId, 'office');
  });

  it('falls back to the default rule when nothing matches, even a disabled default', () => {
    const rules = [rule('lunch', 1), rule('office', 2), rule(null, 3)];
    const d = activeRule(rules, frames, evening, 'UTC');
    assert.equal(d.timeFrameId, null);
    assert.equal(d.order, 3);
    const disabledDefault = rule(null, 3, false);
    assert.equal(activeRule([rule('office', 1), disabledDefault], frames, evening, 'UTC'), disabledDefault);
  });

  it('never matches a rule whose frame is missing', () => {
    const rules = [rule('gone', 1), rule('office', 2), rule(null, 3)];
    assert.equal(activeRule(rules, frames, noon, 'UTC').timeFrameId, 'office');
    assert.equal(activeRule([rule('gone', 1), rule(null, 2)], frames, evening, 'UTC').timeFrameId, null);
  });

  it('evaluates in the given zone', () => {
    const rules = [rule('office', 1), rule(null, 2)];
    const at = utc('2026-06-15T14:00');
    assert.equal(activeRule(rules, frames, at, 'America/New_York').timeFrameId, 'office');
    assert.equal(activeRule(rules, frames, at, 'Asia/Tokyo').timeFrameId, null);
  });

  it('matches the Christmas holiday ahead of the office hours when it ranks higher', () => {
    const rules = [rule('xmas', 1), rule('office', 2), rule(null, 3)];
    assert.equal(activeRule(rules, frames, utc('2028-12-25T10:00'), 'UTC').timeFrameId, 'xmas', 'a Monday');
    assert.equal(activeRule(rules, frames, utc('2028-12-26T10:00'), 'UTC').timeFrameId, 'office');
  });

  it('makes up a default rule when the list has none', () => {
    const synthetic = activeRule([rule('office', 1)], frames, evening, 'UTC');
    assert.deepEqual(synthetic, { ...base, timeFrameId: null, enabled: true, order: 2, ...defaultRuleActions() });
    assert.deepEqual(activeRule([], frames, evening, 'UTC'), {
      domain: '', extension: '', timeFrameId: null, enabled: true, order: 1, ...defaultRuleActions(),
    });
  });
});

function refused<T>(r: Checked<T>, field: string, pattern: RegExp): void {
  assert.equal(r.ok, false, `expected a refusal on ${field}`);
  if (r.ok) return;
  assert.equal(r.field, field, r.message);
  assert.match(r.message, pattern);
}

function accepted<T>(r: Checked<T>): T {
  if (!r.ok) assert.fail(`refused: ${r.field}: ${r.message}`);
  return r.value;
}

describe('checkTimeFrame', () => {
  const days = (d: unknown) => ({ name: 'Office', kind: 'days-of-week', days: d });

  it('returns a clean copy: name trimmed, days and ranges sorted, unknown properties gone', () => {
    const v = accepted(
      checkTimeFrame({
        name: '  Office  ',
        kind: 'days-of-week',
        id: 'x',
        matches_now: true,
        days: [
          { day: 3, ranges: [range('13:00', '17:00'), range('09:00', '12:00')], extra: 1 },
          { day: 1, ranges: [{ start: '09:00', end: '17:00', colour: 'red' }] },
        ],
      }),
    );
    assert.deepEqual(v, {
      name: 'Office',
      kind: 'days-of-week',
      days: [
        { day: 1, ranges: [range('09:00', '17:00')] },
        { day: 3, ranges: [range('09:00', '12:00'), range('13:00', '17:00')] },
      ],
    });
    assert.deepEqual(accepted(checkTimeFrame({ name: 'A', kind: 'always', scope: 'user' })), { name: 'A', kind: 'always' });
    assert.deepEqual(
      accepted(checkTimeFrame({ name: 'H', kind: 'holidays', holidays: [{ name: ' New Year ', date: '2027-01-01', x: 1 }] })),
      { name: 'H', kind: 'holidays', holidays: [{ name: 'New Year', date: '2027-01-01' }], yearly: false },
    );
  });

  it('refuses a missing or too long name and an unknown kind', () => {
    refused(checkTimeFrame({ name: '   ', kind: 'always' }), 'name', /name is required/);
    refused(checkTimeFrame({ kind: 'always' }), 'name', /name/);
    refused(checkTimeFrame({ name: 'x'.repeat(61), kind: 'always' }), 'name', /at most 60/);
    accepted(checkTimeFrame({ name: 'x'.repeat(60), kind: 'always' }));
    refused(checkTimeFrame({ name: 'A', kind: 'weekly' }), 'kind', /always, days-of-week, dates or holidays/);
    refused(checkTimeFrame('nope'), 'body', /JSON object/);
  });

  it('refuses the fields of other kinds and yearly outside dates and holidays', () => {
    refused(checkTimeFrame({ name: 'A', kind: 'always', days: [] }), 'days', /always time frame has no days/);
    refused(checkTimeFrame({ ...days([{ day: 1, ranges: [range('09:00', '17:00')] }]), holidays: [] }), 'holidays', /no holidays/);
    refused(checkTimeFrame({ ...days([{ day: 1, ranges: [range('09:00', '17:00')] }]), yearly: true }), 'yearly', /yearly/);
    refused(checkTimeFrame({ name: 'D', kind: 'dates', dates: [range('2026-01-01T00:00', '2026-01-02T00:00')], yearly: 'yes' }), 'yearly', /true or false/);
  });

  it('refuses empty, repeated or out-of-range weekdays and the wrong number of ranges', () => {
    refused(checkTimeFrame(days([])), 'days', /at least one day/);
    refused(checkTimeFrame({ name: 'Office', kind: 'days-of-week' }), 'days', /Days must be a list/);
    refused(checkTimeFrame(days([{ day: 7, ranges: [range('09:00', '17:00')] }])), 'days[0].day', /0 \(Sunday\) to 6 \(Saturday\)/);
    refused(
      checkTimeFrame(days([{ day: 2, ranges: [range('09:00', '12:00')] }, { day: 2, ranges: [range('13:00', '17:00')] }])),
      'days[1].day',
      /Tuesday is listed more than once/,
    );
    refused(checkTimeFrame(days([{ day: 1, ranges: [] }])), 'days[0].ranges', /Monday needs one or two/);
    refused(
      checkTimeFrame(days([{ day: 1, ranges: [range('08:00', '09:00'), range('10:00', '11:00'), range('12:00', '13:00')] }])),
      'days[0].ranges',
      /Monday needs one or two/,
    );
  });

  it('refuses malformed times, a range that ends when it starts, and overlapping ranges', () => {
    refused(checkTimeFrame(days([{ day: 1, ranges: [range('9:00', '17:00')] }])), 'days[0].ranges[0].start', /Monday.*"9:00".*HH:MM/);
    refused(checkTimeFrame(days([{ day: 1, ranges: [range('24:00', '02:00')] }])), 'days[0].ranges[0].start', /23:59/);
    refused(checkTimeFrame(days([{ day: 1, ranges: [range('09:00', '24:01')] }])), 'days[0].ranges[0].end', /"24:01"/);
    refused(checkTimeFrame(days([{ day: 1, ranges: [range('09:60', '10:00')] }])), 'days[0].ranges[0].start', /"09:60"/);
    refused(checkTimeFrame(days([{ day: 1, ranges: [range('09:00', '09:00')] }])), 'days[0].ranges[0]', /Monday 09:00-09:00 ends when it starts/);
    refused(
      checkTimeFrame(days([{ day: 1, ranges: [range('12:00', '17:00'), range('09:00', '13:00')] }])),
      'days[0].ranges',
      /Monday: 09:00-13:00 and 12:00-17:00 overlap/,
    );
    refused(
      checkTimeFrame(days([{ day: 5, ranges: [range('20:00', '02:00'), range('21:00', '23:00')] }])),
      'days[0].ranges',
      /Friday: 20:00-02:00 and 21:00-23:00 overlap/,
    );
    // Touching is not overlapping; a night shift's early hours belong to the next day.
    accepted(checkTimeFrame(days([{ day: 1, ranges: [range('09:00', '13:00'), range('13:00', '17:00')] }])));
    accepted(checkTimeFrame(days([{ day: 1, ranges: [range('01:00', '05:00'), range('22:00', '02:00')] }])));
    accepted(checkTimeFrame(days([{ day: 1, ranges: [range('18:00', '24:00')] }])));
  });

  it('refuses bad date ranges', () => {
    const dates = (d: unknown, extra = {}) => checkTimeFrame({ name: 'D', kind: 'dates', dates: d, ...extra });
    refused(dates([]), 'dates', /at least one date range/);
    refused(dates(Array.from({ length: 51 }, () => range('2026-01-01T00:00', '2026-01-02T00:00'))), 'dates', /at most 50/);
    refused(dates([range('2026-02-30T09:00', '2026-03-02T00:00')]), 'dates[0].start', /"2026-02-30T09:00" is not a real date/);
    refused(dates([range('2026-03-01T09:00', '2026-03-01')]), 'dates[0].end', /"2026-03-01" is not a real date/);
    refused(dates([range('2026-03-01T09:00', '2026-03-01T24:00')]), 'dates[0].end', /not a real date/);
    refused(dates([range('2026-03-02T09:00', '2026-03-01T09:00')]), 'dates[0]', /ends before it starts/);
    refused(dates([range('2026-03-02T09:00', '2026-03-02T09:00')]), 'dates[0]', /ends when it starts/);
    refused(dates([range('2026-03-01T00:00', '2027-03-02T00:00')], { yearly: true }), 'dates[0]', /at most a year/);
    accepted(dates([range('2026-03-01T00:00', '2027-03-02T00:00')]));
    accepted(dates([range('2028-02-29T00:00', '2028-03-01T00:00')]));
    assert.deepEqual(accepted(dates([range('2026-12-24T18:00', '2027-01-02T00:00')], { yearly: true, junk: 1 })), {
      name: 'D', kind: 'dates', dates: [range('2026-12-24T18:00', '2027-01-02T00:00')], yearly: true,
    });
  });

  it('refuses bad holidays', () => {
    const holidays = (h: unknown) => checkTimeFrame({ name: 'H', kind: 'holidays', holidays: h });
    refused(holidays([]), 'holidays', /at least one holiday/);
    refused(holidays(Array.from({ length: 101 }, () => ({ name: 'x', date: '2026-01-01' }))), 'holidays', /at most 100/);
    accepted(holidays(Array.from({ length: 100 }, () => ({ name: 'x', date: '2026-01-01' }))));
    refused(holidays([{ name: '', date: '2026-01-01' }]), 'holidays[0].name', /holiday 1 is required/);
    refused(holidays([{ name: 'y'.repeat(61), date: '2026-01-01' }]), 'holidays[0].name', /at most 60/);
    refused(holidays([{ name: 'Leap', date: '2027-02-29' }]), 'holidays[0].date', /Leap.*"2027-02-29" is not a real date/);
  });
});

describe('checkAnswerRule', () => {
  const user = (extension: string) => ({ kind: 'user', extension });
  const num = (number: string) => ({ kind: 'number', number });

  it('fills missing action fields from the defaults and drops unknown properties', () => {
    const v = accepted(checkAnswerRule({ time_frame_id: 'office', colour: 'red', enabled: true }, { isDefault: false }));
    assert.deepEqual(v, { enabled: true, ...defaultRuleActions() });
    const w = accepted(
      checkAnswerRule(
        {
          enabled: false,
          forward_on_busy: { enabled: true, destination: { ...num('+1 (555) 123-4567'), label: 'x' } },
          forward_no_answer: { enabled: false, destination: { kind: 'voicemail', extension: '1002' } },
          simultaneous_ring: { enabled: true, targets: [{ destination: user('1003'), delay_s: 5, x: 1 }] },
          screening: { reject: ['+44 20 7946 0000', '1009', '1009'], allow: ['1005'] },
        },
        { isDefault: false },
      ),
    );
    assert.deepEqual(w, {
      ...defaultRuleActions(),
      enabled: false,
      forward_on_busy: { enabled: true, destination: num('+15551234567') },
      forward_no_answer: { enabled: false, destination: { kind: 'voicemail', extension: '1002' } },
      simultaneous_ring: { enabled: true, targets: [{ destination: user('1003'), delay_s: 5 }] },
      screening: { reject: ['+442079460000', '1009'], allow: ['1005'] },
    });
  });

  it('refuses an enabled forward without a destination, naming it', () => {
    const names = {
      forward_always: 'Forward always',
      forward_on_busy: 'Forward on busy',
      forward_no_answer: 'Forward on no answer',
      forward_when_unregistered: 'Forward when unregistered',
    };
    for (const [key, name] of Object.entries(names)) {
      refused(checkAnswerRule({ enabled: true, [key]: { enabled: true, destination: null } }, { isDefault: false }), `${key}.destination`, new RegExp(`^${name} needs a destination`));
    }
    accepted(checkAnswerRule({ enabled: true, forward_on_busy: { enabled: false, destination: null } }, { isDefault: false }));
  });

  it('refuses malformed destinations', () => {
    const busy = (destination: unknown) => checkAnswerRule({ forward_on_busy: { enabled: true, destination } }, { isDefault: false });
    refused(busy(user('10 01')), 'forward_on_busy.destination.extension', /Forward on busy.*extension/);
    refused(busy(user('x'.repeat(33))), 'forward_on_busy.destination.extension', /1 to 32/);
    refused(busy(num('12345')), 'forward_on_busy.destination.number', /7 to 15 digits/);
    refused(busy(num('1'.repeat(16))), 'forward_on_busy.destination.number', /7 to 15 digits/);
    refused(busy(num('555-CALL-NOW')), 'forward_on_busy.destination.number', /7 to 15 digits/);
    refused(busy({ kind: 'fax', number: '5551234' }), 'forward_on_busy.destination.kind', /user, voicemail, queue or number/);
    accepted(busy({ kind: 'queue', extension: 'sales.q_1-a' }));
    accepted(busy(num('5551234')));
  });

  it('checks simultaneous ring: a target when on, at most 10, delay 0-120 whole seconds', () => {
    const sim = (s: unknown) => checkAnswerRule({ simultaneous_ring: s }, { isDefault: false });
    const t = (delay_s: unknown) => ({ destination: user('1002'), delay_s });
    refused(sim({ enabled: true, targets: [] }), 'simultaneous_ring.targets', /^Simultaneous ring needs/);
    refused(sim({ enabled: false, targets: Array.from({ length: 11 }, () => t(0)) }), 'simultaneous_ring.targets', /at most 10/);
    accepted(sim({ enabled: true, targets: Array.from({ length: 10 }, () => t(0)) }));
    refused(sim({ enabled: true, targets: [t(121)] }), 'simultaneous_ring.targets[0].delay_s', /0 to 120/);
    refused(sim({ enabled: true, targets: [t(-1)] }), 'simultaneous_ring.targets[0].delay_s', /0 to 120/);
    refused(sim({ enabled: true, targets: [t(2.5)] }), 'simultaneous_ring.targets[0].delay_s', /whole number/);
    refused(sim({ enabled: true, targets: [t('5')] }), 'simultaneous_ring.targets[0].delay_s', /whole number/);
    accepted(sim({ enabled: true, targets: [t(120)] }));
    refused(sim({ enabled: true, targets: [{ destination: num('12'), delay_s: 0 }] }), 'simultaneous_ring.targets[0].destination.number', /Simultaneous ring target 1/);
  });

  it('checks the screening lists', () => {
    const scr = (s: unknown) => checkAnswerRule({ screening: s }, { isDefault: false });
    refused(scr({ reject: ['1001'], allow: ['1002', '1001'] }), 'screening.allow[1]', /1001 is both in the reject list and in the allow list/);
    refused(scr({ reject: ['+1 555 123 4567'], allow: ['(555) 123-4567', '+15551234567'] }), 'screening.allow[1]', /both/);
    refused(scr({ reject: ['no way!'], allow: [] }), 'screening.reject[0]', /neither an extension nor a phone number/);
    refused(scr({ reject: [], allow: [42] }), 'screening.allow[0]', /neither/);
    refused(scr({ reject: Array.from({ length: 101 }, (_, i) => String(1000 + i)), allow: [] }), 'screening.reject', /at most 100/);
    accepted(scr({ reject: Array.from({ length: 100 }, (_, i) => String(1000 + i)), allow: [] }));
  });

  it('refuses Do Not Disturb with Forward always, and a disabled default rule', () => {
    refused(
      checkAnswerRule({ do_not_disturb: true, forward_always: { enabled: true, destination: user('1002') } }, { isDefault: false }),
      'do_not_disturb',
      /Do Not Disturb and Forward always cannot both be on/,
    );
    accepted(checkAnswerRule({ do_not_disturb: true, forward_always: { enabled: false, destination: user('1002') } }, { isDefault: false }));
    refused(checkAnswerRule({ enabled: false }, { isDefault: true }), 'enabled', /default rule is always on/);
    accepted(checkAnswerRule({ enabled: false }, { isDefault: false }));
    accepted(checkAnswerRule({ enabled: true }, { isDefault: true }));
  });

  it('refuses wrong types in plain words', () => {
    refused(checkAnswerRule({ do_not_disturb: 'yes' }, { isDefault: false }), 'do_not_disturb', /Do Not Disturb must be true or false/);
    refused(checkAnswerRule({ forward_always: true }, { isDefault: false }), 'forward_always', /Forward always must be an object/);
    refused(checkAnswerRule({ screening: { reject: 'x' } }, { isDefault: false }), 'screening.reject', /reject list must be a list/);
    refused(checkAnswerRule([], { isDefault: false }), 'body', /JSON object/);
  });
});
