import { expect } from '@open-wc/testing';
import { ContextProvider } from '@lit/context';
import { callStoreContext, sessionContext } from '../../../src/app/contexts.js';
import type { CdrEntry } from '../../../src/data/api.js';
import { FakePhone } from '../../../src/phone/fake-phone.js';
import { CallStore } from '../../../src/state/call-store.js';
import type { Session } from '../../../src/state/session.js';
import { seenKey } from '../../../src/state/missed-calls.js';
import '../../../src/views/history/sb-history-view.js';
import type { SbHistoryView } from '../../../src/views/history/sb-history-view.js';
import { button, buttonNames, deepAll, hasButton, text } from '../components/helpers.js';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

const USER = { domain: 'history-test', extension: '1001', first_name: 'Alice', last_name: 'Anders', role: 'user' as const };

function cdr(id: number, over: Partial<CdrEntry> = {}): CdrEntry {
  return {
    id,
    call_id: `c${id}`,
    type: 'inbound',
    disposition: 'answered',
    remote_number: '1002',
    remote_name: 'Bob Baker',
    started_at: new Date(Date.now() - (100 - id) * 60_000).toISOString(),
    answered_at: new Date(Date.now() - (100 - id) * 60_000).toISOString(),
    ended_at: new Date().toISOString(),
    duration_s: 30,
    ...over,
  };
}

/** An ApiClient-like object serving pages of `all` (newest first) by keyset cursor. */
class FakeApi {
  readonly requests: Array<{ limit?: number; before?: number }> = [];
  constructor(public all: CdrEntry[], private readonly pageSize = 2) {}
  async cdrs(opts: { limit?: number; before?: number } = {}) {
    this.requests.push(opts);
    const from = opts.before === undefined ? this.all : this.all.filter((e) => e.id < opts.before!);
    const items = from.slice(0, this.pageSize);
    const more = from.length > items.length;
    return { items, next_cursor: more ? items[items.length - 1]!.id : null };
  }
}

async function mount(entries: CdrEntry[]) {
  localStorage.removeItem(seenKey(USER));
  const api = new FakeApi(entries);
  const session = Object.assign(new EventTarget(), { state: 'signed-in', user: USER, api }) as unknown as Session;
  const phone = new FakePhone();
  phone.start({ uri: 'sip:1001@demo', authorizationUser: 'u', password: 'p', websocketUrl: 'ws://x/sip', displayName: 'Alice', userAgent: 't' });
  const store = new CallStore(phone, { holdReminderMs: 0, endedLingerMs: 20 });
  // A plain host rather than fixture(): fixture waits for an animation frame, which a test page
  // running in a background tab may not get.
  const host = document.body.appendChild(document.createElement('div'));
  new ContextProvider(host, { context: sessionContext, initialValue: session });
  new ContextProvider(host, { context: callStoreContext, initialValue: store });
  const view = document.createElement('sb-history-view') as SbHistoryView;
  host.append(view);
  await tick();
  await view.updateComplete;
  await tick();
  return { api, phone, store, view, host };
}

const rows = (view: Element) => buttonNames(view).filter((n) => /call (from|to) /.test(n));

describe('sb-history-view', () => {
  it('loads the first page (limit 50) and marks missed calls as seen', async () => {
    const { api, view } = await mount([
      cdr(5, { type: 'missed', disposition: 'missed', answered_at: null, duration_s: 0 }),
      cdr(4, { type: 'outbound', remote_number: '1003', remote_name: 'Carol Chen' }),
      cdr(3),
    ]);
    expect(api.requests[0]).to.deep.equal({ limit: 50 });
    expect(rows(view)).to.have.length(2);
    expect(rows(view)[0]).to.match(/^Missed call from Bob Baker, /);
    expect(rows(view)[1]).to.match(/^Outgoing call to Carol Chen, /);
    expect(localStorage.getItem(seenKey(USER))).to.equal('5');
    await expect(view).to.be.accessible();
  });

  it('"Load more" asks for the page before the cursor and appends it', async () => {
    const { api, view } = await mount([cdr(5), cdr(4), cdr(3), cdr(2, { remote_number: '1004', remote_name: 'Dan Diaz' })]);
    expect(rows(view)).to.have.length(2);
    button(view, 'Load more').click();
    await tick();
    await view.updateComplete;
    await tick();
    expect(api.requests[1]).to.deep.equal({ limit: 50, before: 4 });
    expect(rows(view)).to.have.length(4);
    expect(text(view)).to.contain('Dan Diaz');
    expect(hasButton(view, 'Load more')).to.equal(false);
  });

  it('selecting a record shows every loaded record with that number; Close goes back', async () => {
    const { view } = await mount([cdr(5), cdr(4, { remote_number: '1003', remote_name: 'Carol Chen' }), cdr(3), cdr(2)]);
    button(view, 'Load more').click();
    await tick();
    await view.updateComplete;
    await tick();
    button(view, rows(view)[0]!).click();
    await view.updateComplete;
    await tick();
    const detail = deepAll(view, 'sb-history-detail')[0]!;
    expect(detail).to.exist;
    expect(detail.shadowRoot!.querySelector('h2')!.textContent).to.contain('Bob Baker');
    expect(deepAll(detail, 'li')).to.have.length(3);
    expect(text(view)).not.to.contain('Carol Chen');
    await expect(view).to.be.accessible();
    button(view, 'Close').click();
    await view.updateComplete;
    await tick();
    expect(deepAll(view, 'sb-history-detail')).to.have.length(0);
    expect(rows(view)).to.have.length(4);
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

  it('shows "No calls yet" for an empty history', async () => {
    const { view } = await mount([]);
    expect(text(view)).to.contain('No calls yet');
  });
});
