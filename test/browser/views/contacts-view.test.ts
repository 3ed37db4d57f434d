import { expect } from '@open-wc/testing';
import { ContextProvider } from '@lit/context';
import { deleteDB } from 'idb';
import { callStoreContext, contactBookContext, directoryContext, sessionContext } from '../../../src/app/contexts.js';
import type { Session } from '../../../src/state/session.js';
import { ApiError } from '../../../src/data/http.js';
import type { Contact, ContactFields } from '../../../src/data/wire.js';
import { openSwitchboardDB } from '../../../src/data/db.js';
import { FakePhone } from '../../../src/phone/fake-phone.js';
import { CallStore } from '../../../src/state/call-store.js';
import { ContactBook } from '../../../src/state/contact-book.js';
import type { Directory, DirectoryPerson } from '../../../src/state/directory.js';
import '../../../src/views/contacts/sb-contacts-view.js';
import { QUEUED_MESSAGE, type SbContactsView } from '../../../src/views/contacts/sb-contacts-view.js';
import { button, buttonNames, deepAll, field, text, typeInto, ignoreResizeObserverLoops, until } from '../components/helpers.js';

ignoreResizeObserverLoops();

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));


const PEOPLE: DirectoryPerson[] = [
  { extension: '1001', name: 'Alice Anders', online: true },
  { extension: '1002', name: 'Bob Baker', online: true },
  { extension: '1003', name: 'Carol Chen', online: false },
];

function contact(id: string, over: Partial<Contact> = {}): Contact {
  return {
    id, client_id: null, first_name: '', last_name: '', company: '', email: '', notes: '', numbers: [],
    created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z', version: 1, ...over,
  };
}

/**
 * The contacts resource, paging `all` one contact per page to exercise the cursor.
 * `offline` makes every call fail as an unreachable platform does; `conflict` answers the next
 * update with a 409 carrying that contact.
 */
class FakeApi {
  readonly created: Array<ContactFields & { client_id?: string }> = [];
  readonly updated: Array<{ id: string; fields: ContactFields; version: number }> = [];
  readonly pages: Array<string | undefined> = [];
  conflict: Contact | null = null;
  offline = false;
  constructor(public all: Contact[]) {}
  private reach(): void {
    if (this.offline) throw new ApiError('network', 'Cannot reach the phone system.');
  }
  async list(opts: { limit?: number; cursor?: string; updated_since?: string } = {}) {
    this.reach();
    this.pages.push(opts.cursor);
    const i = opts.cursor ? Number(opts.cursor) : 0;
    const all = opts.updated_since ? this.all.filter((c) => c.updated_at > opts.updated_since!) : this.all;
    return { items: all.slice(i, i + 1), next_cursor: i + 1 < all.length ? String(i + 1) : null };
  }
  async create(fields: ContactFields & { client_id?: string }) {
    this.reach();
    this.created.push(fields);
    const c = contact(`new${this.created.length}`, fields);
    this.all.push(c);
    return c;
  }
  async update(id: string, fields: ContactFields, version: number) {
    this.reach();
    this.updated.push({ id, fields, version });
    const conflict = this.conflict;
    this.conflict = null;
    if (conflict) throw new ApiError('http', 'The contact has changed', 409, 'version_conflict', undefined, { code: 'version_conflict', contact: conflict });
    return contact(id, { ...fields, version: version + 1 });
  }
  async delete() {
    this.reach();
  }
}

async function mount(personal: Contact[] = [
  contact('p1', { first_name: 'Pat', last_name: 'Lee', company: 'Acme', numbers: [{ label: 'work', number: '1004' }] }),
  contact('p2', { first_name: 'Zed', last_name: 'Adams', company: 'Globex', numbers: [{ label: 'mobile', number: '+1 555 0199' }] }),
], people: DirectoryPerson[] = PEOPLE, o: { me?: string; presenceKnown?: boolean } = {}) {
  const api = new FakeApi(personal);
  const book = new ContactBook(openSwitchboardDB(dbName), api);
  await book.load();
  const directory = Object.assign(new EventTarget(), { entries: people, presenceKnown: o.presenceKnown ?? true }) as unknown as Directory;
  const phone = new FakePhone();
  phone.start({ uri: 'sip:1001@demo', authorizationUser: 'u', password: 'p', websocketUrl: 'ws://x/sip', displayName: 'Alice', userAgent: 't' });
  const store = new CallStore(phone, { holdReminderMs: 0, endedLingerMs: 20 });
  const host = document.body.appendChild(document.createElement('div'));
  new ContextProvider(host, { context: contactBookContext, initialValue: book });
  new ContextProvider(host, { context: callStoreContext, initialValue: store });
  new ContextProvider(host, { context: directoryContext, initialValue: directory });
  if (o.me) new ContextProvider(host, { context: sessionContext, initialValue: { user: { extension: o.me, domain: 'demo' } } as unknown as Session });
  const view = document.createElement('sb-contacts-view') as SbContactsView;
  host.append(view);
  await tick();
  await view.updateComplete;
  await until(() => rows(view).length > 0);
  return { api, book, phone, view, host, directory };
}

const rows = (view: Element) => buttonNames(view).filter((n) => /, (On a call|Ringing|Online|Offline|Unknown|personal contact)$/.test(n));

async function settle(view: SbContactsView, check: () => boolean): Promise<void> {
  await view.updateComplete;
  await until(check);
}

/** Opens Pat Lee, edits its company to `company`, and presses Save. */
async function saveCompany(view: SbContactsView, company: string): Promise<void> {
  button(view, 'Pat Lee, Acme, 1004, personal contact').click();
  await view.updateComplete;
  await tick();
  button(view, 'Edit').click();
  await view.updateComplete;
  await tick();
  typeInto(field(view, 'Company'), company);
  button(view, 'Save').click();
}

function choose(view: Element, label: string, value: string): void {
  const select = field<HTMLSelectElement>(view, label);
  select.value = value;
  select.dispatchEvent(new Event('change'));
}

let dbName = '';

describe('sb-contacts-view', () => {
  beforeEach(() => (dbName = `switchboard-contacts-view-${crypto.randomUUID()}`));
  afterEach(async () => {
    document.querySelectorAll('body > div').forEach((d) => d.remove());
    await deleteDB(dbName);
  });

  it('lists the directory and every page of personal contacts, sorted by first name', async () => {
    const { api, view } = await mount();
    await settle(view, () => rows(view).length === 5);
    expect(api.pages).to.deep.equal([undefined, '1']);
    expect(rows(view)).to.deep.equal([
      'Alice Anders, extension 1001, Online',
      'Bob Baker, extension 1002, Online',
      'Carol Chen, extension 1003, Offline',
      'Pat Lee, Acme, 1004, personal contact',
      'Zed Adams, Globex, +1 555 0199, personal contact',
    ]);
    await expect(view).to.be.accessible();
  });

  it('search narrows the list by name, company and number digits', async () => {
    const { view } = await mount();
    await settle(view, () => rows(view).length === 5);
    typeInto(field(view, 'Search contacts'), 'pat');
    await settle(view, () => rows(view).length === 1);
    expect(rows(view)).to.deep.equal(['Pat Lee, Acme, 1004, personal contact']);
    typeInto(field(view, 'Search contacts'), 'globex');
    await settle(view, () => rows(view)[0]?.startsWith('Zed') ?? false);
    typeInto(field(view, 'Search contacts'), '5550199');
    await settle(view, () => rows(view).length === 1 && rows(view)[0]!.startsWith('Zed'));
    typeInto(field(view, 'Search contacts'), '1003');
    await settle(view, () => rows(view).length === 1 && rows(view)[0]!.startsWith('Carol'));
    typeInto(field(view, 'Search contacts'), 'nobody here');
    await settle(view, () => text(view).includes('No contacts match'));
  });

  it('Show: Personal and Online; Sort by: Last name', async () => {
    const { view } = await mount();
    await settle(view, () => rows(view).length === 5);
    choose(view, 'Show', 'personal');
    await settle(view, () => rows(view).length === 2);
    choose(view, 'Show', 'online');
    await settle(view, () => rows(view).length === 2 && rows(view).every((r) => r.endsWith(', Online')));
    choose(view, 'Show', 'all');
    choose(view, 'Sort by', 'last');
    await settle(view, () => rows(view)[0]?.startsWith('Zed Adams') ?? false);
    expect(rows(view).map((r) => r.split(',')[0])).to.deep.equal(['Zed Adams', 'Alice Anders', 'Bob Baker', 'Carol Chen', 'Pat Lee']);
  });

  it('selecting shows the detail; "Call" dials and asks to show Calls', async () => {
    const { view, phone } = await mount();
    await settle(view, () => rows(view).length === 5);
    button(view, 'Pat Lee, Acme, 1004, personal contact').click();
    await view.updateComplete;
    await tick();
    const detail = deepAll(view, 'sb-contact-detail')[0]!;
    expect(detail.shadowRoot!.querySelector('h2')!.textContent).to.contain('Pat Lee');
    let asked: unknown = null;
    view.addEventListener('sb-navigate-request', (e) => (asked = e.detail));
    button(view, 'Call 1004').click();
    await tick(10);
    expect(phone.dialled).to.deep.equal(['1004']);
    expect(asked).to.deep.equal({ area: 'calls' });
  });

  it('"New Contact" creates through the api with the fields and lists it', async () => {
    const { view, api } = await mount();
    await settle(view, () => rows(view).length === 5);
    button(view, 'New Contact').click();
    await view.updateComplete;
    await tick();
    typeInto(field(view, 'First name'), 'Quinn');
    typeInto(field(view, 'Company'), 'Initech');
    button(view, 'Add number').click();
    await tick();
    typeInto(field(view, 'Number 1'), '1005');
    await tick();
    button(view, 'Save').click();
    await until(() => api.created.length === 1);
    const { client_id, ...fields } = api.created[0]!;
    expect(client_id).to.match(/^[0-9a-f-]{36}$/);
    expect(fields).to.deep.equal({ first_name: 'Quinn', last_name: '', company: 'Initech', email: '', notes: '', numbers: [{ label: 'mobile', number: '1005' }] });
    // Saved: the form gives way to the new contact's detail.
    await settle(view, () => text(view).includes('Call 1005'));
    button(view, 'Close').click();
    await settle(view, () => rows(view).length === 6);
  });

  it('an edit that crossed a change made elsewhere is merged field by field and resent', async () => {
    const { view, api } = await mount();
    await settle(view, () => rows(view).length === 5);
    // Elsewhere, Pat's first name was changed (version 2) while this edit changes the company.
    api.conflict = contact('p1', { first_name: 'Patricia', last_name: 'Lee', company: 'Acme', version: 2, numbers: [{ label: 'work', number: '1004' }] });
    await saveCompany(view, 'Acme Ltd');
    await until(() => api.updated.length === 2);
    expect(api.updated[0]).to.deep.include({ id: 'p1', version: 1 });
    expect(api.updated[1]).to.deep.include({ id: 'p1', version: 2 });
    expect(api.updated[1]!.fields).to.deep.include({ first_name: 'Patricia', company: 'Acme Ltd' });
    await settle(view, () => text(view).includes('Patricia Lee'));
  });

  it('a field both sides changed keeps the other side\'s value and says so', async () => {
    const { view, api } = await mount();
    await settle(view, () => rows(view).length === 5);
    api.conflict = contact('p1', { first_name: 'Pat', last_name: 'Lee', company: 'Acme Corp', version: 2, numbers: [{ label: 'work', number: '1004' }] });
    await saveCompany(view, 'Acme Ltd');
    await settle(view, () => text(view).includes('This contact was changed elsewhere; their company was kept.'));
    button(view, 'Close').click();
    await settle(view, () => rows(view).includes('Pat Lee, Acme Corp, 1004, personal contact'));
  });

  it('offline, a new contact is kept and marked "Not sent yet", and sent when back online', async () => {
    const { view, api, book } = await mount();
    await settle(view, () => rows(view).length === 5);
    api.offline = true;
    button(view, 'New Contact').click();
    await view.updateComplete;
    await tick();
    typeInto(field(view, 'First name'), 'Olive');
    button(view, 'Save').click();
    await settle(view, () => text(view).includes(QUEUED_MESSAGE));
    expect(api.created).to.have.length(0);
    button(view, 'Close').click();
    await settle(view, () => rows(view).includes('Olive, Not sent yet, personal contact'));
    api.offline = false;
    await book.sync();
    expect(api.created.map((c) => c.first_name)).to.deep.equal(['Olive']);
    await settle(view, () => rows(view).includes('Olive, personal contact'));
  });

  it('a field the platform refuses comes back to the form, and nothing is kept', async () => {
    const { view, api } = await mount();
    await settle(view, () => rows(view).length === 5);
    api.create = async () => {
      throw new ApiError('http', 'email must be an email address', 400, 'invalid_request', 'email');
    };
    button(view, 'New Contact').click();
    await view.updateComplete;
    await tick();
    typeInto(field(view, 'First name'), 'Rita');
    button(view, 'Save').click();
    // In the user's words at the field, never the platform's text naming its field.
    await settle(view, () => text(view).includes('Enter an email address like name@example.com.'));
    expect(text(view)).not.to.contain('email must be');
    const email = field(view, 'Email');
    expect(email.getAttribute('aria-invalid')).to.equal('true');
    typeInto(email, 'rita@example.com');
    await settle(view, () => !text(view).includes('Enter an email address'));
    button(view, 'Cancel').click();
    await settle(view, () => rows(view).length === 5);
  });

  it('the signed-in user is not listed among their contacts', async () => {
    const { view } = await mount(undefined, PEOPLE, { me: '1001' });
    await settle(view, () => rows(view).length === 4);
    expect(rows(view).some((r) => r.startsWith('Alice Anders'))).to.equal(false);
    expect(rows(view)[0]).to.equal('Bob Baker, extension 1002, Online');
  });

  it('presence: On a call, Ringing, Online, Offline; Unknown for everyone while the platform cannot be reached', async () => {
    const people: DirectoryPerson[] = [
      { extension: '1002', name: 'Bob Baker', online: true, presence: 'on-call' },
      { extension: '1003', name: 'Carol Chen', online: true, presence: 'ringing' },
      { extension: '1004', name: 'Dan Diaz', online: true, presence: 'online' },
      { extension: '1005', name: 'Erin Evans', online: false, presence: 'offline' },
    ];
    const { view, directory } = await mount([], people);
    await settle(view, () => rows(view).length === 4);
    expect(rows(view)).to.deep.equal([
      'Bob Baker, extension 1002, On a call', 'Carol Chen, extension 1003, Ringing', 'Dan Diaz, extension 1004, Online', 'Erin Evans, extension 1005, Offline',
    ]);
    // "Online" as a filter keeps everyone reachable.
    choose(view, 'Show', 'online');
    await settle(view, () => rows(view).length === 3);
    choose(view, 'Show', 'all');
    (directory as unknown as { presenceKnown: boolean }).presenceKnown = false;
    directory.dispatchEvent(new Event('directory-changed'));
    await settle(view, () => rows(view).length === 4 && rows(view).every((r) => r.endsWith(', Unknown')));
    button(view, 'Dan Diaz, extension 1004, Unknown').click();
    await view.updateComplete;
    await tick();
    expect(text(view)).to.contain('Unknown');
  });

  it('a queued change the platform refuses later is told in the user\'s words', async () => {
    const { view, api, book } = await mount();
    await settle(view, () => rows(view).length === 5);
    api.offline = true;
    await saveCompany(view, 'Acme Ltd');
    await settle(view, () => text(view).includes(QUEUED_MESSAGE));
    api.offline = false;
    api.update = async () => {
      throw new ApiError('http', 'numbers.0.number must be a phone number: digits, with + * # spaces dashes dots or brackets', 400, 'invalid_request', 'numbers.0.number');
    };
    await book.sync();
    await settle(view, () => text(view).includes('A contact change was not saved. Enter a phone number'));
    expect(text(view)).not.to.contain('numbers.0.number');
  });

  it('10,000 entries render and a search completes', async () => {
    const people: DirectoryPerson[] = Array.from({ length: 10_000 }, (_, i) => ({ extension: String(20_000 + i), name: `Person ${i} Surname${i % 97}`, online: i % 3 === 0 }));
    const t0 = performance.now();
    const { view } = await mount([], people);
    console.log(`sb-contacts-view: 10,000 entries listed in ${Math.round(performance.now() - t0)} ms`);
    const t1 = performance.now();
    typeInto(field(view, 'Search contacts'), 'surname42');
    await view.updateComplete;
    console.log(`sb-contacts-view: search over 10,000 entries rendered in ${Math.round(performance.now() - t1)} ms`);
    await until(() => rows(view).length > 0 && rows(view).every((r) => r.includes('Surname42')));
  });
});
