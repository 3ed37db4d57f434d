import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../src/components/sb-history-detail.js';
import type { SbHistoryDetail } from '../../../src/components/sb-history-detail.js';
import type { HistoryEntry } from '../../../src/components/sb-history-list.js';
import { button, buttonNames, deepAll, text, XSS, ignoreResizeObserverLoops, until } from './helpers.js';

ignoreResizeObserverLoops();


const ENTRIES: HistoryEntry[] = [
  { id: 5, type: 'missed', remote_number: '1002', remote_name: 'Bob Baker', started_at: '2025-03-14T14:05:00Z', answered_at: null, duration_s: 0 },
  { id: 4, type: 'outbound', remote_number: '1002', remote_name: 'Bob Baker', started_at: '2025-03-13T09:41:00Z', answered_at: '2025-03-13T09:41:03Z', duration_s: 61 },
];

/** The detail, once its records (a virtualised list) are on screen. */
async function detail(o: { name?: string; number?: string; entries?: HistoryEntry[] } = {}): Promise<SbHistoryDetail> {
  const entries = o.entries ?? ENTRIES;
  const el = await fixture<SbHistoryDetail>(html`<sb-history-detail
    .name=${o.name ?? 'Bob Baker'}
    .number=${o.number ?? '1002'}
    .entries=${entries}
  ></sb-history-detail>`);
  await until(() => deepAll(el, '[role=listitem]').length >= entries.length);
  return el;
}

describe('sb-history-detail', () => {
  it('shows the party, Call, Add to Contacts and Close, and their records (not as buttons)', async () => {
    const el = await detail();
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.contain('Bob Baker');
    const t = text(el);
    expect(t).to.contain('1002');
    expect(t).to.contain('Missed call');
    expect(t).to.contain('Outgoing call');
    expect(t).to.contain('1:01');
    expect(buttonNames(el)).to.deep.equal(['Call', 'Add to Contacts', 'Close']);
    await expect(el).to.be.accessible();
  });

  it('"Call" fires sb-history-call with the number; "Close" fires sb-history-close', async () => {
    const el = await detail();
    setTimeout(() => button(el, 'Call').click());
    const call = await oneEvent(el, 'sb-history-call');
    expect(call.detail).to.deep.equal({ number: '1002' });
    setTimeout(() => button(el, 'Close').click());
    await oneEvent(el, 'sb-history-close');
    setTimeout(() => button(el, 'Add to Contacts').click());
    const add = await oneEvent(el, 'sb-history-add-contact');
    expect(add.detail).to.deep.equal({ number: el.number, name: el.name.trim() });
  });

  it('without a name shows the number; user text is text', async () => {
    const el = await detail({ name: '', number: '1003', entries: [] });
    expect(el.shadowRoot!.querySelector('h2')!.textContent!.trim()).to.equal('1003');
    expect(text(el)).to.contain('No calls yet');
    const x = await detail({ name: XSS });
    expect(x.shadowRoot!.querySelector('h2')!.textContent).to.contain(XSS);
    expect(x.shadowRoot!.querySelector('img')).to.equal(null);
  });
});
