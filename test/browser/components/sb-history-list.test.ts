import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../src/components/sb-history-list.js';
import { historyDuration, historyOutcome, historyWhen, type HistoryEntry, type SbHistoryList } from '../../../src/components/sb-history-list.js';
import { accessibleName, button, buttonNames, deepAll, hasButton, roleOf, text, XSS, ignoreResizeObserverLoops, until } from './helpers.js';

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
async function list(o: { entries?: HistoryEntry[]; loading?: boolean; hasMore?: boolean; error?: string; nameOf?: (n: string) => string } = {}): Promise<SbHistoryList> {
  const entries = o.entries ?? ENTRIES;
  const el = await fixture<SbHistoryList>(html`<sb-history-list
    .entries=${entries}
    .nameOf=${o.nameOf ?? (() => '')}
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
    const names = buttonNames(el).filter((n) => !n.startsWith('Call '));
    expect(names).to.have.length(3);
    expect(names[0]).to.equal(`Bob Baker, Missed call, ${historyWhen(ENTRIES[0]!.started_at)}`);
    expect(names[1]).to.match(/^1003, Transferred, outgoing call, /);
    expect(names[2]).to.match(/^Dan Diaz, Incoming call, Today /);
    const t = text(el);
    for (const s of ['Missed call', 'Transferred', 'Incoming call', 'Bob Baker', '1002', 'Transferred to 1004', 'Transferred by 1003', '2:05', '1:05']) {
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
    setTimeout(() => button(el, `Bob Baker, Missed call, ${historyWhen(ENTRIES[0]!.started_at)}`).click());
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

  it('says what happened on each call, in words and with its own icon', async () => {
    const out = (disposition: string, id: number): HistoryEntry =>
      ({ id, type: 'outbound', disposition, remote_number: '1002', remote_name: 'Bob Baker', started_at: today(9, 0), answered_at: null, duration_s: 0 });
    const entries: HistoryEntry[] = [
      { ...ENTRIES[0]!, id: 20, disposition: 'missed' },
      { ...out('declined', 19), type: 'inbound' },
      out('declined', 18),
      out('no-answer', 17),
      out('busy', 16),
      out('failed', 15),
      out('cancelled', 14),
      { ...out('answered', 13), answered_at: today(9, 0), duration_s: 30, transferred_to: '1004' },
      { ...out('answered', 12), answered_at: today(9, 0), duration_s: 30 },
      { ...out('answered', 11), type: 'inbound', answered_at: today(9, 0), duration_s: 30 },
    ];
    const expected = ['Missed call', 'Declined', 'Declined', 'No answer', 'Busy', 'Failed', 'Cancelled', 'Transferred', 'Outgoing call', 'Incoming call'];
    expect(entries.map((e) => historyOutcome(e).text)).to.deep.equal(expected);
    const icons = entries.map((e) => historyOutcome(e).icon);
    expect(new Set(icons.slice(0, 8)).size, 'missed, declined, no answer, busy, failed, cancelled, transferred: each its own icon').to.equal(7);

    const el = await fixture<SbHistoryList>(html`<sb-history-list style="height: 60rem" .entries=${entries}></sb-history-list>`);
    await until(() => el.shadowRoot!.querySelectorAll('[role=listitem]').length === entries.length);
    const rows = [...el.shadowRoot!.querySelectorAll('[role=listitem]')];
    expect(rows.map((r) => r.querySelector('.outcome')!.textContent!.trim())).to.deep.equal(expected);
    const when = historyWhen(today(9, 0));
    expect(accessibleName(rows[2]!.querySelector('button.row')!)).to.equal(`Bob Baker, Declined, outgoing call, ${when}`);
    expect(accessibleName(rows[3]!.querySelector('button.row')!)).to.equal(`Bob Baker, No answer, outgoing call, ${when}`);
    expect(accessibleName(rows[1]!.querySelector('button.row')!)).to.equal(`Bob Baker, Declined, incoming call, ${when}`);
    // Each row's icon is drawn (an svg with shapes), not a blank.
    for (const r of rows) expect(r.querySelector('.row svg.icon')!.childElementCount).to.be.greaterThan(0);
    await expect(el).to.be.accessible();
  });

  it('arrows: inbound blue, outbound green, missed red', async () => {
    const el = await list();
    const colour = (v: string) => {
      const probe = document.createElement('span');
      probe.style.color = getComputedStyle(el).getPropertyValue(v).trim();
      document.body.append(probe);
      const c = getComputedStyle(probe).color;
      probe.remove();
      return c;
    };
    const arrow = (tone: string) => getComputedStyle(el.shadowRoot!.querySelector(`.item.${tone} .row svg`)!).color;
    expect(arrow('inbound')).to.equal(colour('--sb-sys-color-primary'));
    expect(arrow('outbound')).to.equal(colour('--sb-sys-color-success'));
    expect(arrow('missed')).to.equal(colour('--sb-sys-color-danger'));
    expect(new Set([arrow('inbound'), arrow('outbound'), arrow('missed')]).size).to.equal(3);
  });

  it('names every party and transferor the directory or a contact knows, over the record\'s name', async () => {
    const names: Record<string, string> = { '1003': 'Carol Chen', '1004': 'Dan Diaz', '+14155550101': 'Pat Lee' };
    const entries: HistoryEntry[] = [
      ...ENTRIES,
      { id: 0, type: 'inbound', remote_number: '+14155550101', remote_name: '', started_at: today(7, 0), answered_at: null, duration_s: 0, disposition: 'declined' },
    ];
    const el = await fixture<SbHistoryList>(html`<sb-history-list .entries=${entries} .nameOf=${(n: string) => names[n] ?? ''}></sb-history-list>`);
    await until(() => el.shadowRoot!.querySelectorAll('[role=listitem]').length === 4);
    const rowNames = [...el.shadowRoot!.querySelectorAll('.name')].map((n) => n.textContent!.trim());
    expect(rowNames).to.deep.equal(['Bob Baker', 'Carol Chen', 'Dan Diaz', 'Pat Lee']);
    const t = text(el);
    expect(t).to.contain('Transferred to Dan Diaz (1004)');
    expect(t).to.contain('Transferred by Carol Chen (1003)');
    // The number stays beside a name that replaced it.
    expect(t).to.contain('1003');
    expect(t).to.contain('+14155550101');
    expect(buttonNames(el)).to.include('Call Pat Lee');
  });

  it('says where the answering rule sent a call, as text (never markup)', async () => {
    const entries: HistoryEntry[] = [
      { id: 1, type: 'missed', remote_number: '1001', remote_name: 'Alice Anders', started_at: today(8, 0), answered_at: null, duration_s: 0, disposition: 'missed', routed_to: 'forwarded to 1003' },
      { id: 2, type: 'missed', remote_number: '1004', remote_name: 'Dan Diaz', started_at: today(7, 0), answered_at: null, duration_s: 0, disposition: 'missed', routed_to: `to voicemail ${XSS}` },
    ];
    const el = await fixture<SbHistoryList>(html`<sb-history-list .entries=${entries}></sb-history-list>`);
    await until(() => el.shadowRoot!.querySelectorAll('[role=listitem]').length === 2);
    const routed = [...el.shadowRoot!.querySelectorAll('.routed')].map((n) => n.textContent);
    expect(routed).to.deep.equal(['Forwarded to 1003', `To voicemail ${XSS}`]);
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
  });

  it('every row has a "Call" button named after the party, firing sb-history-call with the number', async () => {
    const el = await list();
    const calls = deepAll(el, 'button.call') as HTMLButtonElement[];
    expect(calls).to.have.length(3);
    expect(calls.map((b) => b.textContent!.trim())).to.deep.equal(['Call', 'Call', 'Call']);
    expect(calls.map(accessibleName)).to.deep.equal(['Call Bob Baker', 'Call 1003', 'Call Dan Diaz']);
    setTimeout(() => button(el, 'Call Bob Baker').click());
    const e = await oneEvent(el, 'sb-history-call');
    expect(e.detail).to.deep.equal({ number: '1002' });
    // Inside one party's detail (not selectable) the rows have none: the detail has its own.
    const plain = await fixture<SbHistoryList>(html`<sb-history-list .entries=${ENTRIES} .selectable=${false}></sb-history-list>`);
    await until(() => plain.shadowRoot!.querySelectorAll('[role=listitem]').length === 3);
    expect(buttonNames(plain)).to.deep.equal([]);
  });

  /** A panel with the list in it; a plain element (fixture() waits for a frame, which a page in a background tab may not get). */
  async function inPanel(style: string, listStyle = ''): Promise<{ panel: HTMLDivElement; el: SbHistoryList }> {
    const panel = document.body.appendChild(document.createElement('div'));
    panel.setAttribute('style', style);
    const el = document.createElement('sb-history-list');
    if (listStyle) el.setAttribute('style', listStyle);
    el.entries = ENTRIES;
    panel.append(el);
    await el.updateComplete;
    await until(() => el.shadowRoot!.querySelectorAll('[role=listitem]').length === 3, 10_000);
    return { panel, el };
  }

  it('fills the height of the panel it is in', async function () {
    this.timeout(20_000);
    const { panel, el } = await inPanel('display: flex; flex-direction: column; height: 900px', 'flex: 1');
    expect(el.shadowRoot!.querySelector('lit-virtualizer')!.getBoundingClientRect().height).to.be.closeTo(900, 2);
    panel.remove();
  });

  it('fills a panel of fixed height', async function () {
    this.timeout(20_000);
    const { panel, el } = await inPanel('height: 420px');
    expect(el.shadowRoot!.querySelector('lit-virtualizer')!.getBoundingClientRect().height).to.be.closeTo(420, 2);
    panel.remove();
  });

  it('renders user text as text', async () => {
    const el = await list({ entries: [{ ...ENTRIES[0]!, remote_name: XSS, remote_number: XSS, transferred_to: XSS }] });
    expect(el.shadowRoot!.querySelector('.name')!.textContent).to.equal(XSS);
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    expect(accessibleName(el.shadowRoot!.querySelector('button')!)).to.contain(XSS);
    expect((window as unknown as { __xss?: number }).__xss).to.equal(undefined);
  });
});
