import { expect } from '@open-wc/testing';
import { deleteDB } from 'idb';
import { ApiError } from '../../../src/data/http.js';
import type { Contact, ContactFields, ContactTombstone } from '../../../src/data/wire.js';
import { mergeContact } from '../../../src/data/contact-merge.js';
import { openSwitchboardDB } from '../../../src/data/db.js';
import { ContactBook, ContactNotice } from '../../../src/state/contact-book.js';

const FIELDS: ContactFields = { first_name: '', last_name: '', company: '', email: '', notes: '', numbers: [] };
const fields = (over: Partial<ContactFields>): ContactFields => ({ ...FIELDS, ...over });

/**
 * A platform's contacts API in memory, with its rules: versions and If-Match (409 with the current
 * contact), client_id idempotency, tombstones for updated_since. `offline` fails every call as an
 * unreachable platform does.
 */
class FakePlatform {
  contacts = new Map<string, Contact>();
  tombstones = new Map<string, ContactTombstone>();
  offline = false;
  calls: string[] = [];
  private clock = Date.parse('2026-01-01T00:00:00Z');
  private next = 1;

  private reach(what: string): void {
    if (this.offline) throw new ApiError('network', 'Cannot reach the phone system.');
    this.calls.push(what);
  }
  private now(): string {
    return new Date((this.clock += 1000)).toISOString();
  }
  /** A change made on another device. */
  elsewhere(id: string, over: Partial<ContactFields>): Contact {
    const c = this.contacts.get(id)!;
    const changed = { ...c, ...over, version: c.version + 1, updated_at: this.now() };
    this.contacts.set(id, changed);
    return changed;
  }
  deleteElsewhere(id: string): void {
    this.contacts.delete(id);
    this.tombstones.set(id, { id, deleted: true, updated_at: this.now() });
  }
  async contacts_(opts: { updated_since?: string }) {
    const live = [...this.contacts.values()];
    if (!opts.updated_since) return live;
    return [...live, ...this.tombstones.values()].filter((c) => c.updated_at > opts.updated_since!).sort((a, b) => a.updated_at.localeCompare(b.updated_at));
  }
  readonly api = {
    list: async (opts: { updated_since?: string } = {}) => {
      this.reach(`GET${opts.updated_since ? ' since' : ''}`);
      return { items: await this.contacts_(opts), next_cursor: null };
    },
    create: async (f: ContactFields & { client_id?: string }) => {
      this.reach('POST');
      const seen = [...this.contacts.values()].find((c) => c.client_id === f.client_id);
      if (seen) return seen;
      if (f.email && !f.email.includes('@')) throw new ApiError('http', 'email must be an email address', 400, 'invalid_request', 'email');
      const { client_id, ...rest } = f;
      const c: Contact = { ...rest, id: `c${this.next++}`, client_id: client_id ?? null, created_at: this.now(), updated_at: this.now(), version: 1 };
      this.contacts.set(c.id, c);
      return c;
    },
    update: async (id: string, f: ContactFields, version: number) => {
      this.reach(`PUT ${id} v${version}`);
      const c = this.contacts.get(id);
      if (!c) throw new ApiError('http', 'The contact has been deleted', 410, 'deleted');
      if (c.version !== version) throw new ApiError('http', 'changed', 409, 'version_conflict', undefined, { contact: c });
      const next = { ...c, ...f, version: c.version + 1, updated_at: this.now() };
      this.contacts.set(id, next);
      return next;
    },
    delete: async (id: string, version?: number) => {
      this.reach(`DELETE ${id}`);
      const c = this.contacts.get(id);
      if (!c) throw new ApiError('http', 'not found', 404, 'not_found');
      if (version !== undefined && c.version !== version) throw new ApiError('http', 'changed', 409, 'version_conflict', undefined, { contact: c });
      this.deleteElsewhere(id);
    },
  };
}

describe('ContactBook (real IndexedDB, platform faked at the API)', () => {
  let name = '';
  beforeEach(() => (name = `switchboard-book-${crypto.randomUUID()}`));
  afterEach(() => deleteDB(name));

  const book = (platform: FakePlatform) => new ContactBook(openSwitchboardDB(name), platform.api);
  const names = (b: ContactBook) => b.entries.map((c) => c.first_name).sort();

  it('shows the stored contacts before (and without) the platform', async () => {
    const platform = new FakePlatform();
    await platform.api.create(fields({ first_name: 'Ann' }));
    const first = book(platform);
    await first.load();
    expect(names(first)).to.deep.equal(['Ann']);
    platform.offline = true;
    const again = book(platform);
    await again.load();
    expect(names(again)).to.deep.equal(['Ann']);
  });

  it('offline changes are kept in order across a restart and sent once when back online', async () => {
    const platform = new FakePlatform();
    const b = book(platform);
    await b.load();
    platform.offline = true;
    const created = await b.save(null, fields({ first_name: 'Ola' }));
    expect(created.queued).to.equal(true);
    await b.save(created.contact.id, fields({ first_name: 'Ola', company: 'Acme' }));
    expect(b.pendingCount).to.equal(1); // the edit folded into the unsent create
    // A new page (a crash, a reload): the queue was in IndexedDB.
    platform.offline = false;
    const after = book(platform);
    await after.load();
    expect([...platform.contacts.values()].map((c) => [c.first_name, c.company])).to.deep.equal([['Ola', 'Acme']]);
    expect(after.pendingCount).to.equal(0);
    expect(after.entries.map((c) => c.id)).to.deep.equal([[...platform.contacts.keys()][0]]);
    // Sent again (the answer was lost, say): client_id makes it the same contact.
    await platform.api.create({ ...fields({ first_name: 'Ola' }), client_id: after.entries[0]!.client_id! });
    expect(platform.contacts.size).to.equal(1);
  });

  it('a conflicting edit is merged: mine where only I changed, theirs where both did', async () => {
    const platform = new FakePlatform();
    const c = await platform.api.create(fields({ first_name: 'Ann', company: 'Old', notes: 'n' }));
    const b = book(platform);
    await b.load();
    platform.offline = true;
    await b.save(c.id, fields({ first_name: 'Ann', company: 'Mine', notes: 'mine' }));
    platform.elsewhere(c.id, { company: 'Theirs', email: 'ann@x.org' });
    platform.offline = false;
    await b.sync();
    const now = platform.contacts.get(c.id)!;
    expect([now.company, now.email, now.notes]).to.deep.equal(['Theirs', 'ann@x.org', 'mine']);
    expect(b.notice?.message).to.equal('This contact was changed elsewhere; their company was kept.');
  });

  it('an edit of a contact deleted elsewhere re-creates it; a delete of one changed elsewhere keeps it', async () => {
    const platform = new FakePlatform();
    const a = await platform.api.create(fields({ first_name: 'Ann' }));
    const z = await platform.api.create(fields({ first_name: 'Zoe' }));
    const b = book(platform);
    await b.load();
    platform.offline = true;
    await b.save(a.id, fields({ first_name: 'Ann', notes: 'keep me' }));
    await b.remove(z.id);
    expect(names(b)).to.deep.equal(['Ann']);
    platform.deleteElsewhere(a.id);
    platform.elsewhere(z.id, { company: 'Newer' });
    platform.offline = false;
    await b.sync();
    expect([...platform.contacts.values()].map((c) => `${c.first_name}/${c.notes || c.company}`).sort()).to.deep.equal(['Ann/keep me', 'Zoe/Newer']);
    expect(names(b)).to.deep.equal(['Ann', 'Zoe']);
    expect(b.notice?.message).to.equal('Zoe was changed elsewhere after you deleted it, so it was kept.');
  });

  it('sends the changes an earlier version queued (bare outbox records, before the outbox was generic)', async () => {
    const platform = new FakePlatform();
    const db = await openSwitchboardDB(name);
    const clientId = crypto.randomUUID();
    const id = `local:${clientId}`;
    await db.put('contacts', { ...fields({ first_name: 'Old' }), id, client_id: clientId, created_at: '', updated_at: '', version: 0, pending: true });
    await db.add('outbox', { kind: 'create', id, clientId, fields: fields({ first_name: 'Old' }) });
    db.close();
    const b = book(platform);
    expect(b.pendingCount).to.equal(0);
    await b.load();
    expect([...platform.contacts.values()].map((c) => [c.first_name, c.client_id])).to.deep.equal([['Old', clientId]]);
    expect(b.pendingCount).to.equal(0);
    expect(names(b)).to.deep.equal(['Old']);
  });

  it('a change the platform refuses is undone and reported with its field', async () => {
    const platform = new FakePlatform();
    const b = book(platform);
    await b.load();
    let refused: unknown;
    await b.save(null, fields({ first_name: 'Bad', email: 'nope' })).catch((e) => (refused = e));
    expect(refused).to.be.instanceOf(ContactNotice);
    expect((refused as ContactNotice).field).to.equal('email');
    expect(b.entries).to.have.length(0);
    expect(b.pendingCount).to.equal(0);
  });

  it('catches up with changes and deletions made elsewhere, asking only for what is new', async () => {
    const platform = new FakePlatform();
    const a = await platform.api.create(fields({ first_name: 'Ann' }));
    await platform.api.create(fields({ first_name: 'Bea' }));
    const b = book(platform);
    await b.load();
    platform.elsewhere(a.id, { first_name: 'Anna' });
    const c = await platform.api.create(fields({ first_name: 'Cy' }));
    platform.deleteElsewhere(c.id);
    platform.calls = [];
    await b.sync();
    expect(platform.calls).to.deep.equal(['GET since']);
    expect(names(b)).to.deep.equal(['Anna', 'Bea']);
  });
});

describe('mergeContact', () => {
  it('takes mine where only I changed, theirs elsewhere, and lists the fields both changed', () => {
    const base = fields({ first_name: 'A', company: 'B', numbers: [{ label: 'work', number: '1' }] });
    const mine = fields({ first_name: 'A2', company: 'B2', numbers: [{ label: 'work', number: '2' }] });
    const theirs = fields({ first_name: 'A', company: 'B3', numbers: [{ label: 'work', number: '2' }], notes: 'x' });
    const merged = mergeContact(base, mine, theirs);
    expect(merged.fields).to.deep.equal(fields({ first_name: 'A2', company: 'B3', numbers: [{ label: 'work', number: '2' }], notes: 'x' }));
    // Both changed numbers the same way: not a conflict.
    expect(merged.overridden).to.deep.equal(['company']);
  });
});
