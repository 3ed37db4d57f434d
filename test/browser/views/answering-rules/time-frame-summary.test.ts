import { expect } from '@open-wc/testing';
import type { TimeFrameView } from '../../../../src/data/wire.js';
import { frameSummary } from '../../../../src/views/answering-rules/time-frame-summary.js';

const frame = (over: Partial<TimeFrameView>): TimeFrameView => ({ id: 'f', name: 'F', scope: 'user', kind: 'always', matches_now: false, ...over });
const day = (d: number, ...ranges: Array<[string, string]>) => ({ day: d as 0, ranges: ranges.map(([start, end]) => ({ start, end })) });

describe('time frame summary', () => {
  it('days of the week: consecutive days with the same times read as one stretch', () => {
    expect(frameSummary(frame({ kind: 'days-of-week', days: [1, 2, 3, 4, 5].map((d) => day(d, ['09:00', '17:00'])) }))).to.equal('Mon–Fri 09:00–17:00');
    expect(frameSummary(frame({ kind: 'days-of-week', days: [day(1, ['09:00', '12:30'], ['13:30', '17:30']), day(2, ['09:00', '12:30'], ['13:30', '17:30'])] })))
      .to.equal('Mon, Tue 09:00–12:30, 13:30–17:30');
    expect(frameSummary(frame({ kind: 'days-of-week', days: [day(6, ['22:00', '06:00']), day(0, ['10:00', '12:00'])] }))).to.equal('Sun 10:00–12:00; Sat 22:00–06:00');
    expect(frameSummary(frame({ kind: 'days-of-week', days: [] }))).to.equal('No days chosen');
  });

  it('dates and holidays, every year or not', () => {
    expect(frameSummary(frame({ kind: 'dates', dates: [{ start: '2026-12-14T08:00', end: '2026-12-18T19:00' }] }))).to.equal('14 Dec 2026, 08:00 – 18 Dec 2026, 19:00');
    expect(frameSummary(frame({ kind: 'dates', yearly: true, dates: [{ start: '2026-08-01T00:00', end: '2026-08-15T23:59' }] }))).to.equal('1 Aug 2026, 00:00 – 15 Aug 2026, 23:59 (every year)');
    expect(frameSummary(frame({ kind: 'holidays', yearly: true, holidays: [{ name: 'New Year', date: '2026-01-01' }] }))).to.equal('New Year (1 Jan 2026), every year');
    expect(frameSummary(frame({ kind: 'always' }))).to.equal('Always');
  });
});
