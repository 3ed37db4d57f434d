/**
 * Whether a time frame covers an instant, in a user's IANA time zone. Frames are written in local
 * wall-clock time ("weekdays 09:00-17:00"), so the instant is turned into the wall clock of the
 * zone and compared field by field; that is right across DST changes without any offset sums
 * (a skipped hour simply never shows up on the wall clock, a repeated one shows up twice).
 */
import type { TimeFrameInput, TimeRange } from '../../src/data/wire.js';

/** The local wall clock of an instant; `minute` counts from local midnight (0-1439). */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  /** 0 (Sunday) to 6 (Saturday). */
  weekday: number;
  minute: number;
}

const MINUTES_PER_DAY = 24 * 60;

// The router asks on every call; building an Intl.DateTimeFormat costs far more than using one.
const formatters = new Map<string, Intl.DateTimeFormat>();

function makeFormatter(timeZone: string): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
  });
}

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    try {
      f = makeFormatter(timeZone);
    } catch {
      // Zones are validated when written; a stale or broken one must not stop a call being
      // routed, so it counts as UTC (and is not cached under its bad name).
      return formatterFor('UTC');
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when Intl knows the IANA zone (it throws RangeError for unknown ones). */
export function isTimeZone(tz: string): boolean {
  if (typeof tz !== 'string' || tz === '') return false;
  try {
    // Not cached here: this sees untrusted input, and the cache should only hold zones in use.
    makeFormatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** The last wall clock read per zone: calls in the same minute need no second Intl read (8 us each). */
const lastRead = new Map<string, { minute: number; clock: WallClock }>();

/** The wall clock of `at` (epoch ms) in `timeZone`. */
export function wallClock(at: number, timeZone: string): WallClock {
  // Time frames have minute resolution and zone offsets change on whole minutes, so one read
  // holds for the whole minute.
  const minute = Math.floor(at / 60_000);
  const last = lastRead.get(timeZone);
  if (last?.minute === minute) return last.clock;
  const clock = readWallClock(at, timeZone);
  if (lastRead.size > 1000) lastRead.clear(); // only zones in use are read; bound it anyway
  if (Number.isFinite(minute)) lastRead.set(timeZone, { minute, clock });
  return clock;
}

function readWallClock(at: number, timeZone: string): WallClock {
  const parts = formatterFor(timeZone).formatToParts(at);
  let year = 0, month = 0, day = 0, hour = 0, minute = 0;
  for (const p of parts) {
    if (p.type === 'year') year = Number(p.value);
    else if (p.type === 'month') month = Number(p.value);
    else if (p.type === 'day') day = Number(p.value);
    else if (p.type === 'hour') hour = Number(p.value) % 24; // older ICU wrote midnight as "24"
    else if (p.type === 'minute') minute = Number(p.value);
  }
  // The weekday of the local date, from the calendar rather than a locale's day names.
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return { year, month, day, weekday, minute: hour * 60 + minute };
}

/** Minutes since midnight of "HH:MM" ("24:00" is 1440); NaN when it is not one. */
export function parseTimeOfDay(s: unknown): number {
  if (typeof s !== 'string') return NaN;
  const m = /^(\d{2}):(\d{2})$/.exec(s);
  if (!m) return NaN;
  const h = Number(m[1]), min = Number(m[2]);
  if (min > 59 || h > 24 || (h === 24 && min !== 0)) return NaN;
  return h * 60 + min;
}

/**
 * "YYYY-MM-DDTHH:MM" (or "YYYY-MM-DD" with `dateOnly`) as [year, month, day, minute of day];
 * null when it is not a real calendar date and time.
 */
export function parseLocalDateTime(s: unknown, dateOnly = false): [number, number, number, number] | null {
  if (typeof s !== 'string') return null;
  const m = (dateOnly ? /^(\d{4})-(\d{2})-(\d{2})$/ : /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/).exec(s);
  if (!m) return null;
  const year = Number(m[1]), month = Number(m[2]), day = Number(m[3]);
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  if (dateOnly) return [year, month, day, 0];
  const hour = Number(m[4]), minute = Number(m[5]);
  if (hour > 23 || minute > 59) return null;
  return [year, month, day, hour * 60 + minute];
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

// Wall-clock moments as plain numbers that sort like the moments: month-day-minute within a year,
// and the year on top of that.
function yearKey(month: number, day: number, minute: number): number {
  return (month * 100 + day) * MINUTES_PER_DAY + minute;
}
function fullKey(year: number, month: number, day: number, minute: number): number {
  return year * 10_000 * MINUTES_PER_DAY + yearKey(month, day, minute);
}

function rangeMatches(r: TimeRange, day: number, w: WallClock): boolean {
  const start = parseTimeOfDay(r.start), end = parseTimeOfDay(r.end);
  if (Number.isNaN(start) || Number.isNaN(end) || start >= MINUTES_PER_DAY) return false;
  if (end > start) return w.weekday === day && w.minute >= start && w.minute < end;
  if (end === start) return false;
  // A night shift: the evening of its own day and the early hours of the day after.
  return (w.weekday === day && w.minute >= start) || (w.weekday === (day + 1) % 7 && w.minute < end);
}

/** Whether `frame` covers the wall-clock moment `w`. */
export function frameMatchesWallClock(frame: TimeFrameInput, w: WallClock): boolean {
  switch (frame.kind) {
    case 'always':
      return true;
    case 'days-of-week':
      return (frame.days ?? []).some((d) => d.ranges.some((r) => rangeMatches(r, d.day, w)));
    case 'dates': {
      const yearly = frame.yearly === true;
      const now = yearly ? yearKey(w.month, w.day, w.minute) : fullKey(w.year, w.month, w.day, w.minute);
      return (frame.dates ?? []).some((r) => {
        const s = parseLocalDateTime(r.start), e = parseLocalDateTime(r.end);
        if (!s || !e) return false;
        if (!yearly) return now >= fullKey(...s) && now < fullKey(...e);
        const ys = yearKey(s[1], s[2], s[3]), ye = yearKey(e[1], e[2], e[3]);
        if (ys < ye) return now >= ys && now < ye;
        if (ys > ye) return now >= ys || now < ye; // wraps the year end (Dec 24 - Jan 2)
        return true; // a whole year from the start, every year: all the time
      });
    }
    case 'holidays': {
      const yearly = frame.yearly === true;
      return (frame.holidays ?? []).some((h) => {
        const d = parseLocalDateTime(h.date, true);
        if (!d) return false;
        return d[1] === w.month && d[2] === w.day && (yearly || d[0] === w.year);
      });
    }
    default:
      return false;
  }
}

/** Whether `at` is an instant a Date can hold (Intl throws RangeError for any other). */
export function isInstant(at: number): boolean {
  return Number.isFinite(at) && Math.abs(at) <= 8.64e15;
}

/**
 * Whether `frame` covers the instant `at` (epoch ms) in the IANA zone `timeZone`. An unknown zone
 * counts as UTC rather than throwing, so a call is still routed.
 */
export function frameMatches(frame: TimeFrameInput, at: number, timeZone: string): boolean {
  if (frame.kind === 'always') return true;
  if (!isInstant(at)) return false;
  return frameMatchesWallClock(frame, wallClock(at, timeZone));
}
