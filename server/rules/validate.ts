/**
 * Structural checks of time frames and answering rules as they come over the wire. The first
 * problem found is reported as `{field, message}` (a 400 body); on success a clean copy is
 * returned holding only the known fields, so what is stored is exactly what was checked.
 * Whether a destination exists is the caller's question (it needs the store).
 */
import type {
  AnswerRuleActions,
  DateTimeRange,
  ForwardAction,
  Holiday,
  RuleDestination,
  SimultaneousRingTarget,
  TimeFrameInput,
  TimeFrameKind,
  TimeRange,
  Weekday,
  WeekdayRanges,
} from '../../src/data/wire.js';
import { parseLocalDateTime, parseTimeOfDay } from './time-frame-match.js';
import { defaultRuleActions } from './types.js';

export type Checked<T> = { ok: true; value: T } | { ok: false; field: string; message: string };

// Thrown by the helpers below and caught at the top, so each check reads as a straight line.
class Refusal {
  constructor(readonly field: string, readonly message: string) {}
}

function refuse(field: string, message: string): never {
  throw new Refusal(field, message);
}

function run<T>(check: () => T): Checked<T> {
  try {
    return { ok: true, value: check() };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, field: e.field, message: e.message };
    throw e;
  }
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** JSON null and a missing property mean the same: not given. */
function given(o: Obj, key: string): boolean {
  return o[key] !== undefined && o[key] !== null;
}

function bool(v: unknown, field: string, label: string): boolean {
  if (typeof v !== 'boolean') refuse(field, `${label} must be true or false`);
  return v;
}

function list(v: unknown, field: string, label: string): unknown[] {
  if (!Array.isArray(v)) refuse(field, `${label} must be a list`);
  return v;
}

function text(v: unknown, field: string, label: string, max: number): string {
  if (typeof v !== 'string') refuse(field, `${label} must be text`);
  const t = v.trim();
  if (t === '') refuse(field, `${label} is required`);
  if (t.length > max) refuse(field, `${label} is at most ${max} characters`);
  return t;
}

// ---------------------------------------------------------------- time frames

export const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;

const KINDS: readonly TimeFrameKind[] = ['always', 'days-of-week', 'dates', 'holidays'];

/** The one list field each kind carries (always carries none). */
const KIND_FIELD: Record<TimeFrameKind, 'days' | 'dates' | 'holidays' | null> = {
  always: null,
  'days-of-week': 'days',
  dates: 'dates',
  holidays: 'holidays',
};

const KIND_LABEL: Record<TimeFrameKind, string> = {
  always: 'An always time frame',
  'days-of-week': 'A days-of-week time frame',
  dates: 'A dates time frame',
  holidays: 'A holidays time frame',
};

const fmt = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;

function checkDays(v: unknown): WeekdayRanges[] {
  const days = list(v, 'days', 'Days');
  if (days.length === 0) refuse('days', 'A days-of-week time frame needs at least one day');
  const seen = new Set<number>();
  const out: WeekdayRanges[] = [];
  days.forEach((d, i) => {
    const f = `days[${i}]`;
    if (!isObj(d)) refuse(f, `Day ${i + 1} must be an object with day and ranges`);
    const day = d.day;
    if (typeof day !== 'number' || !Number.isInteger(day) || day < 0 || day > 6) {
      refuse(`${f}.day`, `Day ${i + 1}: the day must be a weekday number from 0 (Sunday) to 6 (Saturday)`);
    }
    const name = WEEKDAY_NAMES[day]!;
    if (seen.has(day)) refuse(`${f}.day`, `${name} is listed more than once`);
    seen.add(day);
    const ranges = list(d.ranges, `${f}.ranges`, `${name}'s ranges`);
    if (ranges.length < 1 || ranges.length > 2) refuse(`${f}.ranges`, `${name} needs one or two time ranges`);
    const parsed = ranges.map((r, j) => {
      const rf = `${f}.ranges[${j}]`;
      if (!isObj(r)) refuse(rf, `${name}: each range must be an object with start and end`);
      const start = parseTimeOfDay(r.start);
      if (Number.isNaN(start) || start >= 24 * 60) {
        refuse(`${rf}.start`, `${name}: the start ${quoted(r.start)} is not a time HH:MM from 00:00 to 23:59`);
      }
      const end = parseTimeOfDay(r.end);
      if (Number.isNaN(end)) refuse(`${rf}.end`, `${name}: the end ${quoted(r.end)} is not a time HH:MM from 00:00 to 24:00`);
      if (end === start) refuse(rf, `${name} ${fmt(start)}-${fmt(end)} ends when it starts`);
      return { start, end, field: rf };
    });
    if (parsed.length === 2) {
      const [a, b] = parsed as [(typeof parsed)[0], (typeof parsed)[0]];
      // On one line from this day's midnight: a night shift reaches into the next day's hours.
      const span = (r: { start: number; end: number }) => [r.start, r.end > r.start ? r.end : r.end + 24 * 60] as const;
      const [as, ae] = span(a), [bs, be] = span(b);
      if (as < be && bs < ae) {
        const [first, second] = a.start <= b.start ? [a, b] : [b, a];
        refuse(`${f}.ranges`, `${name}: ${fmt(first.start)}-${fmt(first.end)} and ${fmt(second.start)}-${fmt(second.end)} overlap`);
      }
    }
    parsed.sort((x, y) => x.start - y.start);
    out.push({ day: day as Weekday, ranges: parsed.map((r): TimeRange => ({ start: fmt(r.start), end: fmt(r.end) })) });
  });
  return out.sort((a, b) => a.day - b.day);
}

function quoted(v: unknown): string {
  return typeof v === 'string' ? `"${v.slice(0, 20)}"` : 'given';
}

const MINUTES_PER_YEAR_KEY = 10_000 * 24 * 60;
const key = (p: [number, number, number, number]) => p[0] * MINUTES_PER_YEAR_KEY + (p[1] * 100 + p[2]) * 24 * 60 + p[3];

function checkDates(v: unknown, yearly: boolean): DateTimeRange[] {
  const dates = list(v, 'dates', 'Dates');
  if (dates.length === 0) refuse('dates', 'A dates time frame needs at least one date range');
  if (dates.length > 50) refuse('dates', 'A dates time frame has at most 50 date ranges');
  return dates.map((r, i) => {
    const f = `dates[${i}]`;
    const n = `Date range ${i + 1}`;
    if (!isObj(r)) refuse(f, `${n} must be an object with start and end`);
    const s = parseLocalDateTime(r.start);
    if (!s) refuse(`${f}.start`, `${n}: the start ${quoted(r.start)} is not a real date and time YYYY-MM-DDTHH:MM`);
    const e = parseLocalDateTime(r.end);
    if (!e) refuse(`${f}.end`, `${n}: the end ${quoted(r.end)} is not a real date and time YYYY-MM-DDTHH:MM`);
    if (key(e) === key(s)) refuse(f, `${n} ends when it starts`);
    if (key(e) < key(s)) refuse(f, `${n} ends before it starts`);
    // Repeating every year, a longer range would overlap itself: which year's end would count?
    if (yearly && key(e) > key([s[0] + 1, s[1], s[2], s[3]])) refuse(f, `${n} repeats every year, so it can last at most a year`);
    return { start: r.start as string, end: r.end as string };
  });
}

function checkHolidays(v: unknown): Holiday[] {
  const holidays = list(v, 'holidays', 'Holidays');
  if (holidays.length === 0) refuse('holidays', 'A holidays time frame needs at least one holiday');
  if (holidays.length > 100) refuse('holidays', 'A holidays time frame has at most 100 holidays');
  return holidays.map((h, i) => {
    const f = `holidays[${i}]`;
    if (!isObj(h)) refuse(f, `Holiday ${i + 1} must be an object with name and date`);
    const name = text(h.name, `${f}.name`, `The name of holiday ${i + 1}`, 60);
    if (!parseLocalDateTime(h.date, true)) refuse(`${f}.date`, `${name}: the date ${quoted(h.date)} is not a real date YYYY-MM-DD`);
    return { name, date: h.date as string };
  });
}

export function checkTimeFrame(input: unknown): Checked<TimeFrameInput> {
  return run(() => {
    if (!isObj(input)) refuse('body', 'The time frame must be a JSON object');
    const name = text(input.name, 'name', 'The name', 60);
    const kind = input.kind as TimeFrameKind;
    if (!KINDS.includes(kind)) refuse('kind', 'The kind must be always, days-of-week, dates or holidays');
    const own = KIND_FIELD[kind];
    for (const other of ['days', 'dates', 'holidays'] as const) {
      if (other !== own && given(input, other)) refuse(other, `${KIND_LABEL[kind]} has no ${other}`);
    }
    const repeats = kind === 'dates' || kind === 'holidays';
    if (!repeats && given(input, 'yearly')) refuse('yearly', `${KIND_LABEL[kind]} cannot be yearly (only dates and holidays can)`);
    const yearly = repeats && given(input, 'yearly') ? bool(input.yearly, 'yearly', 'Yearly') : false;
    switch (kind) {
      case 'always':
        return { name, kind };
      case 'days-of-week':
        return { name, kind, days: checkDays(input.days) };
      case 'dates':
        return { name, kind, dates: checkDates(input.dates, yearly), yearly };
      case 'holidays':
        return { name, kind, holidays: checkHolidays(input.holidays), yearly };
    }
  });
}

// ---------------------------------------------------------------- answering rules

const EXTENSION = /^[0-9A-Za-z._-]{1,32}$/;
const NUMBER = /^\+?\d{7,15}$/;

/** A phone number without its usual punctuation, or null when it is not one. */
function phoneNumber(v: string): string | null {
  const n = v.replace(/[\s\-.()]/g, '');
  return NUMBER.test(n) ? n : null;
}

/** The forwards of a rule and their names in words (for messages). */
export const FORWARDS = {
  forward_always: 'Forward always',
  forward_on_busy: 'Forward on busy',
  forward_no_answer: 'Forward on no answer',
  forward_when_unregistered: 'Forward when unregistered',
} as const;

type ForwardKey = keyof typeof FORWARDS;

function checkDestination(v: unknown, field: string, label: string): RuleDestination {
  if (!isObj(v)) refuse(field, `${label}: the destination must be an object with a kind`);
  const kind = v.kind;
  if (kind === 'user' || kind === 'voicemail' || kind === 'queue') {
    const ext = typeof v.extension === 'string' ? v.extension.trim() : v.extension;
    if (typeof ext !== 'string' || !EXTENSION.test(ext)) {
      refuse(`${field}.extension`, `${label}: the extension must be 1 to 32 letters, digits, dots, dashes or underscores`);
    }
    return { kind, extension: ext };
  }
  if (kind === 'number') {
    const n = typeof v.number === 'string' ? phoneNumber(v.number) : null;
    if (n === null) refuse(`${field}.number`, `${label}: the number must have 7 to 15 digits, optionally starting with +`);
    return { kind, number: n };
  }
  return refuse(`${field}.kind`, `${label}: the destination kind must be user, voicemail, queue or number`);
}

function checkForward(v: unknown, key: ForwardKey): ForwardAction {
  const label = FORWARDS[key];
  if (!isObj(v)) refuse(key, `${label} must be an object with enabled and destination`);
  const enabled = given(v, 'enabled') ? bool(v.enabled, `${key}.enabled`, label) : false;
  // A forward that is off keeps its destination, so turning it on again needs no retyping.
  const destination = given(v, 'destination') ? checkDestination(v.destination, `${key}.destination`, label) : null;
  if (enabled && !destination) refuse(`${key}.destination`, `${label} needs a destination`);
  return { enabled, destination };
}

function checkSimultaneousRing(v: unknown): AnswerRuleActions['simultaneous_ring'] {
  const label = 'Simultaneous ring';
  if (!isObj(v)) refuse('simultaneous_ring', `${label} must be an object with enabled and targets`);
  const enabled = given(v, 'enabled') ? bool(v.enabled, 'simultaneous_ring.enabled', label) : false;
  const raw = given(v, 'targets') ? list(v.targets, 'simultaneous_ring.targets', `${label} targets`) : [];
  if (raw.length > 10) refuse('simultaneous_ring.targets', `${label} rings at most 10 targets`);
  if (enabled && raw.length === 0) refuse('simultaneous_ring.targets', `${label} needs a destination to ring`);
  const targets = raw.map((t, i): SimultaneousRingTarget => {
    const f = `simultaneous_ring.targets[${i}]`;
    const n = `${label} target ${i + 1}`;
    if (!isObj(t)) refuse(f, `${n} must be an object with destination and delay_s`);
    const destination = checkDestination(t.destination, `${f}.destination`, n);
    const delay = given(t, 'delay_s') ? t.delay_s : 0;
    if (typeof delay !== 'number' || !Number.isInteger(delay) || delay < 0 || delay > 120) {
      refuse(`${f}.delay_s`, `${n}: the delay must be a whole number of seconds from 0 to 120`);
    }
    return { destination, delay_s: delay };
  });
  return { enabled, targets };
}

/** A screening entry as stored: a phone number without punctuation, or an extension. */
function screeningEntry(v: unknown, field: string, label: string): string {
  if (typeof v === 'string') {
    const t = v.trim();
    // Number first: "555-123-4567" would also pass as an extension, but callers arrive as digits.
    const n = phoneNumber(t);
    if (n !== null) return n;
    if (EXTENSION.test(t)) return t;
  }
  return refuse(field, `${label}: ${quoted(v)} is neither an extension nor a phone number`);
}

function checkScreening(v: unknown): AnswerRuleActions['screening'] {
  if (!isObj(v)) refuse('screening', 'Screening must be an object with reject and allow');
  const side = (key: 'reject' | 'allow', label: string): string[] => {
    const raw = given(v, key) ? list(v[key], `screening.${key}`, label) : [];
    if (raw.length > 100) refuse(`screening.${key}`, `${label} has at most 100 entries`);
    return [...new Set(raw.map((e, i) => screeningEntry(e, `screening.${key}[${i}]`, label)))];
  };
  const reject = side('reject', 'The reject list');
  const allow = side('allow', 'The allow list');
  const rejected = new Set(reject);
  const both = allow.findIndex((e) => rejected.has(e));
  if (both >= 0) refuse(`screening.allow[${both}]`, `${allow[both]} is both in the reject list and in the allow list`);
  return { reject, allow };
}

export function checkAnswerRule(input: unknown, opts: { isDefault: boolean }): Checked<AnswerRuleActions & { enabled: boolean }> {
  return run(() => {
    if (!isObj(input)) refuse('body', 'The answering rule must be a JSON object');
    const d = defaultRuleActions();
    // A new rule is on unless it says otherwise.
    const enabled = given(input, 'enabled') ? bool(input.enabled, 'enabled', 'Enabled') : true;
    if (opts.isDefault && !enabled) refuse('enabled', 'The default rule is always on; it cannot be disabled');
    const dnd = given(input, 'do_not_disturb') ? bool(input.do_not_disturb, 'do_not_disturb', 'Do Not Disturb') : d.do_not_disturb;
    const fwd = (k: ForwardKey) => (given(input, k) ? checkForward(input[k], k) : d[k]);
    const forward_always = fwd('forward_always');
    const simultaneous_ring = given(input, 'simultaneous_ring') ? checkSimultaneousRing(input.simultaneous_ring) : d.simultaneous_ring;
    const forward_on_busy = fwd('forward_on_busy');
    const forward_no_answer = fwd('forward_no_answer');
    const forward_when_unregistered = fwd('forward_when_unregistered');
    const screening = given(input, 'screening') ? checkScreening(input.screening) : d.screening;
    // DND sends callers to voicemail and forward-always sends them elsewhere: one must give way.
    if (dnd && forward_always.enabled) refuse('do_not_disturb', 'Do Not Disturb and Forward always cannot both be on');
    return {
      enabled,
      do_not_disturb: dnd,
      forward_always,
      simultaneous_ring,
      forward_on_busy,
      forward_no_answer,
      forward_when_unregistered,
      screening,
    };
  });
}
