/**
 * The contact conflict rule, client and server together: two devices of 1001 (two ContactBooks,
 * each with its own IndexedDB and its own login through the app's HttpClient) edit the same
 * contact on the real platform. The second edit gets the platform's real 409 and is merged field
 * by field: a field only this device changed keeps this device's value, a field both changed
 * keeps the platform's.
 */
import { expect } from '@open-wc/testing';
import { deleteDB } from 'idb';
import { HttpClient, type SessionStorage } from '../../../src/data/http.js';
import { ContactsResource } from '../../../src/data/resources/contacts.js';
import type { Contact, ContactFields } from '../../../src/data/wire.js';
import { openSwitchboardDB } from '../../../src/data/db.js';
import { ContactBook } from '../../../src/state/contact-book.js';

const FIELDS: ContactFields = { first_name: '', last_name: '', company: '', email: '', notes: '', numbers: [] };

function memoryStorage(): SessionStorage {
  let saved: any = null;
  return { load: () => saved, save: (s: any) => { saved = s; }, clear: () => { saved = null; } } as SessionStorage;
}

async function device(name: string): Promise<{ api: ContactsResource; book: ContactBook }> {
  const http = new HttpClient(memoryStorage(), '/platform');
  const api = new ContactsResource(http);
  const outcome = await http.login('1001@demo', 'switchboard');
  expect(outcome.kind).to.equal('signed-in');
  const book = new ContactBook(openSwitchboardDB(name), api);
  await book.load();
  return { api, book };
}

describe('contact conflict through the real platform (409)', function () {
  this.timeout(20_000);
  const names = [`conflict-a-${crypto.randomUUID()}`, `conflict-b-${crypto.randomUUID()}`];
  after(async () => { for (const n of names) await deleteDB(n); });

  it('two devices edit the same contact: different fields both survive, a field both changed keeps the platform value', async () => {
    const a = await device(names[0]!);
    const b = await device(names[1]!);
    const tag = crypto.randomUUID().slice(0, 8);
    const created = await a.book.save(null, { ...FIELDS, first_name: `Pat ${tag}`, company: 'Old Co', notes: 'old notes' });
    expect(created.queued).to.equal(false);
    await b.book.sync();
    const onB = b.book.entries.find((c) => c.first_name === `Pat ${tag}`);
    expect(onB, 'device B has the contact').to.exist;
    const id = onB!.id;

    // Device A changes company and notes; device B, still at the old version, changes email and notes.
    await a.book.save(id, { ...FIELDS, first_name: `Pat ${tag}`, company: 'A Co', notes: 'notes from A' });
    const fromB = await b.book.save(id, { ...FIELDS, first_name: `Pat ${tag}`, company: 'Old Co', email: 'pat@b.example', notes: 'notes from B' });
    expect(fromB.queued).to.equal(false);

    const onPlatform = (await a.api.list({ q: tag })).items.find((c): c is Contact => c.id === id && !('deleted' in c && c.deleted));
    expect(onPlatform, 'the contact is on the platform').to.exist;
    expect(onPlatform!.company).to.equal('A Co', "only A changed company: A's value");
    expect(onPlatform!.email).to.equal('pat@b.example', "only B changed email: B's value");
    expect(onPlatform!.notes).to.equal('notes from A', 'both changed notes: the platform keeps its value');
    expect(b.book.notice, 'device B is told a field was overridden').to.not.equal(null);
    await a.book.sync();
    expect(a.book.entries.find((c) => c.id === id)?.email).to.equal('pat@b.example');
  });
});
