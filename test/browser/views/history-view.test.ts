import { expect } from '@open-wc/testing';
import { ContextProvider } from '@lit/context';
import { deleteDB } from 'idb';
import { callHistoryContext, callStoreContext, contactBookContext, directoryContext, sessionContext } from '../../../src/app/contexts.js';
import type { Directory } from '../../../src/state/directory.js';
import type { ContactBook } from '../../../src/state/contact-book.js';
import { ApiError } from '../../../src/data/http.js';
import type { CdrEntry } from '../../../src/data/wire.js';
import { openSwitchboardDB } from '../../../src/data/db.js';
import { FakePhone } from '../../../src/phone/fake-phone.js';
import { CallHistory } from '../../../src/state/call-history.js';
import { CallStore } from '../../../src/state/call-store.js';
import type { Session } from '../../../src/state/session.js';
import { seenKey } from '../../../src/state/missed-calls.js';
import '../../../src/views/history/sb-history-view.js';
import type { SbHistoryView } from '../../../src/views/history/sb-history-view.js';
import type { SbHistoryList } from '../../../src/components/sb-history-list.js';
import { accessibleName, button, buttonNames, deepAll, hasButton, text, ignoreResizeObserverLoops, until } from '../components/helpers.js';

ignoreResizeObserverLoops();


const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

const USER = { domain: 'history-test', extension: '1001', first_name: 'Alice', last_name: 'Anders', role: 'user' as const };

function cdr(id: number, over: Partial<CdrEntry> = {}): CdrEntry {
  return {
    id,
    call_id: `c${id}`,
    type: 'inbound',
    direction: 'inbound',
    disposition: 'answered',
    remote_number: '1002',
    remote_name: 'Bob Baker',
    started_at: new Date(Date.now() - (100 - id) * 60_000).toISOString(),
    answered_at: new Date(Date.now() - (100 - id) * 60_000).toISOString(),
    ended_at: new Date().toISOString(),
    duration_s: 30,
    sip_status: null,
    transferred_to: null,
    transferred_from: null,
    routed_to: null,
    ...over,
  };
}

/** The cdrs resource: pages of `all` (newest first) by keyset cursor; `offline` fails. */
class FakeApi {
  readonly requests: Array<{ limit?: number; before?: number }> = [];
  offline = false;
  constructor(public all: CdrEntry[]) {}
  async list(opts: { limit?: number; before?: number } = {}) {
    if (this.offline) throw new ApiError('network', 'Cannot reach the phone system.');
    this.requests.push(opts);
    const from = opts.before === undefined ? this.all : this.all.filter((e) => e.id < opts.before!);
    const items = from.slice(0, opts.limit ?? 50);
    const more = from.length > items.length;
    return { items, next_cursor: more ? items[items.length - 1]!.id : null };
  }
}

/** Records `to` down to `from`, newest first. */
const records = (to: number, from = 1) => Array.from({ length: to - from + 1 }, (_, i) => cdr(to - i));

let dbName = '';

async function mount(entries: CdrEntry[], api = new FakeApi(entries), o: { directory?: Directory; book?: ContactBook; hostStyle?: string } = {}) {
  localStorage.removeItem(seenKey(USER));
  const session = Object.assign(new EventTarget(), { state: 'signed-in', user: USER }) as unknown as Session;
  const phone = new FakePhone();
  phone.start({ uri: 'sip:1001@demo', authorizationUser: 'u', password: 'p', websocketUrl: 'ws://x/sip', displayName: 'Alice', userAgent: 't' });
  const store = new CallStore(phone, { holdReminderMs: 0, endedLingerMs: 20 });
  // A plain host rather than fixture(): fixture waits for an animation frame, which a test page
  // running in a background tab may not get.
  const host = document.body.appendChild(document.createElement('div'));
  if (o.hostStyle) host.setAttribute('style', o.hostStyle);
  new ContextProvider(host, { context: sessionContext, initialValue: session });
  if (o.directory) new ContextProvider(host, { context: directoryContext, initialValue: o.directory });
  if (o.book) new ContextProvider(host, { context: contactBookContext, initialValue: o.book });
  new ContextProvider(host, { context: callStoreContext, initialValue: store });
  new ContextProvider(host, { context: callHistoryContext, initialValue: new CallHistory(openSwitchboardDB(dbName), api) });
  const view = document.createElement('sb-history-view') as SbHistoryView;
  host.append(view);
  // Settled: the stored page shown, the sync done and the first page shown again, its first
  // (virtualised) rows on screen.
  await until(() => !(view as unknown as { loading: boolean }).loading);
  await view.updateComplete;
  await until(() => listed(view) === 0 || deepAll(view, '[role=listitem]').length > 0);
  return { api, phone, store, view, host };
}


/** The records' own buttons (not their "Call" buttons), by accessible name. */
const rows = (view: Element) => deepAll(view, 'button.row').map(accessibleName);
/** "Load more", found without computing every row's accessible name (slow for 100+ rows). */
const loadMore = (view: Element) => deepAll(view, '.more button')[0] as HTMLButtonElement | undefined;
/** How many records the (virtualised) list holds: cheap, unlike every row's accessible name. */
const listed = (view: Element) => (deepAll(view, 'sb-history-list')[0] as SbHistoryList | undefined)?.entries.length ?? 0;

describe('sb-history-view', () => {
  beforeEach(() => (dbName = `switchboard-history-view-${crypto.randomUUID()}`));
  afterEach(async () => {
    document.querySelectorAll('body > div').forEach((d) => d.remove());
    await deleteDB(dbName);
  });

  it('shows the newest records and marks missed calls as seen', async () => {
    const { api, view } = await mount([
      cdr(5, { type: 'missed', disposition: 'missed', answered_at: null, duration_s: 0 }),
      cdr(4, { type: 'outbound', remote_number: '1003', remote_name: 'Carol Chen' }),
      cdr(3),
    ]);
    expect(api.requests[0]).to.deep.equal({ limit: 100, before: undefined });
    expect(rows(view)).to.have.length(3);
    expect(rows(view)[0]).to.match(/^Bob Baker, Missed call, /);
    expect(rows(view)[1]).to.match(/^Carol Chen, Outgoing call, /);
    expect(localStorage.getItem(seenKey(USER))).to.equal('5');
    await expect(view).to.be.accessible();
  });

  it('"Load more" pages 50 at a time: from IndexedDB, then from the API where it ends', async () => {
    const all = records(120);
    all[110] = cdr(10, { remote_number: '1004', remote_name: 'Dan Diaz' });
    const { api, view } = await mount(all);
    expect(listed(view)).to.equal(50);
    expect(api.requests).to.have.length(1);
    loadMore(view)!.click();
    await until(() => listed(view) === 100 && !(view as unknown as { loading: boolean }).loading);
    await view.updateComplete;
    // The sync stored the newest 100: the second page came from IndexedDB.
    expect(api.requests).to.have.length(1);
    loadMore(view)!.click();
    await until(() => listed(view) === 120);
    expect(api.requests[1]).to.deep.include({ before: 21 });
    const list = deepAll(view, 'sb-history-list')[0] as SbHistoryList;
    expect(list.entries.some((e) => e.remote_name === 'Dan Diaz')).to.equal(true);
    expect(loadMore(view)).to.equal(undefined);
  });

  it('offline, the stored records still show, with no error', async () => {
    const api = new FakeApi(records(60));
    const first = await mount(api.all, api);
    expect(listed(first.view)).to.equal(50);
    first.host.remove();
    api.offline = true;
    const { view } = await mount(api.all, api);
    expect(listed(view)).to.equal(50);
    expect(text(view)).not.to.contain('Cannot reach');
    loadMore(view)!.click();
    await until(() => listed(view) === 60);
  });

  it('offline with nothing stored, says the phone system cannot be reached', async () => {
    const api = new FakeApi(records(3));
    api.offline = true;
    const { view } = await mount(api.all, api);
    expect(text(view)).to.contain('Cannot reach the phone system.');
  });

  it('selecting a record shows every loaded record with that number; Close goes back', async () => {
    const { view } = await mount([cdr(5), cdr(4, { remote_number: '1003', remote_name: 'Carol Chen' }), cdr(3), cdr(2)]);
    button(view, rows(view)[0]!).click();
    await view.updateComplete;
    await tick();
    await until(() => deepAll(view, 'sb-history-detail').length === 1);
    const detail = deepAll(view, 'sb-history-detail')[0]!;
    expect(detail).to.exist;
    expect(detail.shadowRoot!.querySelector('h2')!.textContent).to.contain('Bob Baker');
    await until(() => deepAll(detail, '[role=listitem]').length === 3);
    expect(text(view)).not.to.contain('Carol Chen');
    await expect(view).to.be.accessible();
    button(view, 'Close').click();
    await view.updateComplete;
    await tick();
    expect(deepAll(view, 'sb-history-detail')).to.have.length(0);
    await until(() => rows(view).length === 4);
  });

  it('"Call" dials the number and asks to show Calls', async () => {
    const { phone, view } = await mount([cdr(5, { type: 'missed', answered_at: null })]);
    button(view, rows(view)[0]!).click();
    await view.updateComplete;
    await tick();
    let asked: unknown = null;
    view.addEventListener('sb-navigate-request', (e) => (asked = e.detail));
    button(view, 'Call').click();
    await tick(10);
    expect(phone.dialled).to.deep.equal(['1002']);
    expect(asked).to.deep.equal({ area: 'calls' });
  });

  it('names parties and transferors from the directory and personal contacts, for every record', async () => {
    const directory = Object.assign(new EventTarget(), {
      entries: [{ extension: '1003', name: 'Carol Chen', online: true }, { extension: '1004', name: 'Dan Diaz', online: false }],
      presenceKnown: true,
    }) as unknown as Directory;
    const book = Object.assign(new EventTarget(), {
      entries: [{ id: 'p1', first_name: 'Pat', last_name: 'Lee', company: 'Acme', numbers: [{ label: 'mobile', number: '+1 (415) 555-0101' }] }],
    }) as unknown as ContactBook;
    const { view } = await mount([
      cdr(3, { remote_number: '14155550101', remote_name: '', type: 'missed', disposition: 'missed', answered_at: null }),
      cdr(2, { remote_number: '1003', remote_name: '', transferred_from: '1004' }),
      cdr(1, { type: 'outbound', disposition: 'no-answer', remote_number: '1004', remote_name: 'Dan (old name)', answered_at: null }),
    ], undefined, { directory, book });
    await until(() => deepAll(view, '[role=listitem]').length === 3);
    const names = deepAll(view, '.item .name').map((n) => n.textContent!.trim());
    expect(names).to.deep.equal(['Pat Lee', 'Carol Chen', 'Dan Diaz']);
    expect(text(view)).to.contain('Transferred by Dan Diaz (1004)');
    expect(text(view)).to.contain('No answer');
    expect(rows(view)[0]).to.match(/^Pat Lee, Missed call, /);
    // The detail is named the same way.
    button(view, rows(view)[1]!).click();
    await view.updateComplete;
    await tick();
    expect(deepAll(view, 'sb-history-detail')[0]!.shadowRoot!.querySelector('h2')!.textContent).to.contain('Carol Chen');
  });

  it('each row\'s "Call" dials that party and asks to show Calls', async () => {
    const { phone, view } = await mount([cdr(6, { remote_number: '1003', remote_name: 'Carol Chen' }), cdr(5, { type: 'missed', answered_at: null })]);
    let asked: unknown = null;
    view.addEventListener('sb-navigate-request', (e) => (asked = e.detail));
    button(view, 'Call Bob Baker').click();
    await tick(10);
    expect(phone.dialled).to.deep.equal(['1002']);
    expect(asked).to.deep.equal({ area: 'calls' });
  });

  it('the list fills the height of the panel it is shown in', async () => {
    const { view } = await mount(records(3), undefined, { hostStyle: 'height: 720px; display: flex; flex-direction: column' });
    const list = deepAll(view, 'lit-virtualizer')[0]!;
    const viewBox = view.getBoundingClientRect();
    expect(viewBox.height).to.be.closeTo(720, 2);
    const bottomGap = viewBox.bottom - list.getBoundingClientRect().bottom;
    expect(bottomGap, 'only the view\'s padding below the list').to.be.lessThan(40);
    expect(list.getBoundingClientRect().height).to.be.greaterThan(600);
  });

  it('shows "No calls yet" for an empty history', async () => {
    const { view } = await mount([]);
    expect(text(view)).to.contain('No calls yet');
  });
});
