import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../src/components/sb-history-list.js';
import { historyDuration, historyWhen, type HistoryEntry, type SbHistoryList } from '../../../src/components/sb-history-list.js';
import { accessibleName, button, buttonNames, hasButton, roleOf, text, XSS, ignoreResizeObserverLoops, until } from './helpers.js';

ignoreResizeObserverLoops();


const today = (h: number, m: number) => {
  const d = new Date();
  d.setHours(h, m, 0, 0);
  return d.toISOString();
};

export const ENTRIES: HistoryEntry[] = [
  { id: 3, type: 'missed', remote_number: '1002', remote_name: 'Bob Baker', started_at: today(14, 5), answered_at: null, duration_s: 0 },
  { id: 2, type: 'outbound', remote_number: '1003', remote_name: '', started_at: '2024-03-13T09:41:00Z', answered_at: '2024-03-13T09:41:05Z', duration_s: 125, transferred_to: '1004' },
  { id: 1, type: 'inbound', remote_number: '1004', remote_name: 'Dan Diaz', started_at: today(8, 0), answered_at: today(8, 0), duration_s: 65, transferred_from: '1003' },
];


/** The list, once its (virtualised) rows are on screen. */
async function list(o: { entries?: HistoryEntry[]; loading?: boolean; hasMore?: boolean; error?: string } = {}): Promise<SbHistoryList> {
  const entries = o.entries ?? ENTRIES;
  const el = await fixture<SbHistoryList>(html`<sb-history-list
    .entries=${entries}
    ?loading=${o.loading ?? false}
    ?has-more=${o.hasMore ?? false}
    error=${o.error ?? ''}
  ></sb-history-list>`);
  await until(() => el.shadowRoot!.querySelectorAll('[role=listitem]').length === Math.min(entries.length, 3));
  return el;
}

describe('sb-history-list', () => {
  it('formats times and durations', () => {
    expect(historyWhen(today(14, 5))).to.match(/^Today 14:05$|^Today 0?2:05/);
    const y = new Date();
    y.setDate(y.getDate() - 1);
    expect(historyWhen(y.toISOString())).to.match(/^Yesterday /);
    expect(historyWhen('not a date')).to.equal('not a date');
    expect(historyDuration(65)).to.equal('1:05');
    expect(historyDuration(3725)).to.equal('1:02:05');
  });

  it('one button per record, named by kind, party and time, with accessible kind text', async () => {
    const el = await list();
    expect(roleOf(el.shadowRoot!.querySelector('lit-virtualizer')!)).to.equal('list');
    const names = buttonNames(el);
    expect(names).to.have.length(3);
    expect(names[0]).to.equal(`Missed call from Bob Baker, ${historyWhen(ENTRIES[0]!.started_at)}`);
    expect(names[1]).to.match(/^Outgoing call to 1003, /);
    expect(names[2]).to.match(/^Incoming call from Dan Diaz, Today /);
    const t = text(el);
    for (const s of ['Missed call', 'Outgoing call', 'Incoming call', 'Bob Baker', '1002', 'Transferred to 1004', 'Transferred by 1003', '2:05', '1:05']) {
      expect(t).to.contain(s);
    }
    // A missed call has no duration.
    const missed = el.shadowRoot!.querySelector('.item.missed')!;
    expect(missed.querySelector('.duration')!.textContent!.trim()).to.equal('');
        await expect(el).to.be.accessible();
  });

  it('missed calls are drawn in the danger colour', async () => {
    const el = await list();
    const danger = getComputedStyle(el).getPropertyValue('--sb-sys-color-danger').trim();
    const probe = document.createElement('span');
    probe.style.color = danger;
    document.body.append(probe);
    const expected = getComputedStyle(probe).color;
    probe.remove();
    const missedName = el.shadowRoot!.querySelector('.item.missed .name')!;
    const otherName = el.shadowRoot!.querySelector('.item.inbound .name')!;
    expect(getComputedStyle(missedName).color).to.equal(expected);
    expect(getComputedStyle(otherName).color).not.to.equal(expected);
  });

  it('selecting a record fires sb-history-select with its number', async () => {
    const el = await list();
    setTimeout(() => button(el, `Missed call from Bob Baker, ${historyWhen(ENTRIES[0]!.started_at)}`).click());
    const e = await oneEvent(el, 'sb-history-select');
    expect(e.detail).to.deep.equal({ number: '1002' });
  });

  it('"Load more" while hasMore fires sb-history-more', async () => {
    const el = await list({ hasMore: true });
    setTimeout(() => button(el, 'Load more').click());
    await oneEvent(el, 'sb-history-more');
    const none = await list();
    expect(hasButton(none, 'Load more')).to.equal(false);
  });

  it('empty, loading and error states', async () => {
    const empty = await list({ entries: [] });
    expect(text(empty)).to.contain('No calls yet');
    await expect(empty).to.be.accessible();
    const loading = await list({ entries: [], loading: true });
    expect(text(loading)).to.contain('Loading call history');
    expect(text(loading)).not.to.contain('No calls yet');
    const failed = await list({ entries: [], error: 'Network down' });
    expect(failed.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.contain('Network down');
  });

  it('shows every record when they fit: none is hidden in a scroll box', async () => {
    const el = await list();
    const v = el.shadowRoot!.querySelector('lit-virtualizer')!;
    const rows = [...el.shadowRoot!.querySelectorAll('[role=listitem]')].reduce((h, r) => h + r.getBoundingClientRect().height, 0);
    expect(v.clientHeight).to.be.at.least(Math.floor(rows));
    expect(v.scrollHeight).to.be.at.most(v.clientHeight + 1);
  });

  it('stays a sized scroller as records are added (Load more)', async () => {
    const el = await list();
    el.entries = Array.from({ length: 200 }, (_, i) => ({ ...ENTRIES[2]!, id: 1000 - i }));
    await el.updateComplete;
    await until(() => el.shadowRoot!.querySelectorAll('[role=listitem]').length > 3);
    const v = el.shadowRoot!.querySelector('lit-virtualizer')!;
    expect(getComputedStyle(v).overflowY).to.equal('auto');
    expect(v.clientHeight).to.be.greaterThan(100);
    expect(v.scrollHeight).to.be.greaterThan(v.clientHeight);
  });

  it('renders user text as text', async () => {
    const el = await list({ entries: [{ ...ENTRIES[0]!, remote_name: XSS, remote_number: XSS, transferred_to: XSS }] });
    expect(el.shadowRoot!.querySelector('.name')!.textContent).to.equal(XSS);
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    expect(accessibleName(el.shadowRoot!.querySelector('button')!)).to.contain(XSS);
    expect((window as unknown as { __xss?: number }).__xss).to.equal(undefined);
  });
});
