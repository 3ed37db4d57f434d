/** A time frame in a few words, for the lists: "Mon–Fri 09:00–17:00", "14 Dec 2026, 08:00 – 18 Dec 2026, 19:00". */
import type { TimeFrameView } from '../../data/wire.js';

const SHORT_DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

function when(local: string): string {
  const [date, time] = local.split('T');
  const [y, m, d] = (date ?? '').split('-').map(Number);
  if (!y || !m || !d) return local;
  const day = new Date(Date.UTC(y, m - 1, d)).toLocaleDateString('en-GB', { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  return time ? `${day}, ${time}` : day;
}

export function frameSummary(f: TimeFrameView): string {
  switch (f.kind) {
    case 'always':
      return 'Always';
    case 'days-of-week': {
      const days = [...(f.days ?? [])].sort((a, b) => a.day - b.day);
      if (days.length === 0) return 'No days chosen';
      // Consecutive days with the same times read as one stretch: "Mon–Fri 09:00–17:00".
      const groups: Array<{ from: number; to: number; times: string }> = [];
      for (const d of days) {
        const times = d.ranges.map((r) => `${r.start}–${r.end}`).join(', ');
        const last = groups.at(-1);
        if (last && last.to === d.day - 1 && last.times === times) last.to = d.day;
        else groups.push({ from: d.day, to: d.day, times });
      }
      return groups
        .map((g) => `${SHORT_DAYS[g.from]}${g.to > g.from ? `${g.to === g.from + 1 ? ', ' : '–'}${SHORT_DAYS[g.to]}` : ''} ${g.times}`)
        .join('; ');
    }
    case 'dates': {
      const dates = f.dates ?? [];
      const text = dates.map((d) => `${when(d.start)} – ${when(d.end)}`).join('; ') || 'No dates chosen';
      return f.yearly ? `${text} (every year)` : text;
    }
    case 'holidays': {
      const list = (f.holidays ?? []).map((h) => `${h.name} (${when(h.date)})`).join(', ') || 'No holidays listed';
      return f.yearly ? `${list}, every year` : list;
    }
  }
}
