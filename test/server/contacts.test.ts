/**
 * Personal contacts over real HTTP: create, read, replace, patch, delete; validation naming the
 * field; search by name, company, email and partial number; keyset paging; sync with
 * updated_since and tombstones; version conflicts (If-Match); idempotent creates by client_id;
 * privacy (other users and administrators); contacts-changed events; a large address book.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { api, delay, login, openEvents, startPlatform, type TestPlatform } from '../support/harness.js';

const CONTACTS = '/api/v2/domains/~/users/~/contacts';

describe('contacts', () => {
  let t: TestPlatform;
  let alice: string;
  let bob: string;
  let erin: string;
  before(async () => {
    t = await startPlatform();
    alice = await login(t.url, '1001@demo');
    bob = await login(t.url, '1002@demo');
    erin = await login(t.url, '1005@demo'); // domain administrator
  });
  after(() => t.close());

  const create = async (token: string, body: object) => {
    const res = await api(t.url, 'POST', CONTACTS, { token, body });
    assert.equal(res.status, 201, JSON.stringify(res.body));
    return res.body;
  };
  const search = async (token: string, q: string) => {
    const res = await api(t.url, 'GET', `${CONTACTS}?q=${encodeURIComponent(q)}`, { token });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body.items as any[];
  };

  it('creates, reads, replaces, patches and deletes a contact, bumping its version on each change', async () => {
    const res = await api(t.url, 'POST', CONTACTS, {
      token: alice,
      body: {
        first_name: ' Grace ', last_name: 'Hopper', company: 'Navy', email: 'grace@navy.example',
        notes: 'Met at the conference.\nLikes COBOL.', numbers: [{ label: 'mobile', number: '+1 (415)  555-0142' }, { number: '2001' }],
      },
    });
    assert.equal(res.status, 201);
    const c = res.body;
    assert.match(c.id, /^[0-9a-f-]{36}$/);
    assert.equal(res.headers.get('location'), `/api/v2/domains/demo/users/1001/contacts/${c.id}`);
    assert.equal(res.headers.get('etag'), '"1"');
    assert.deepEqual({ ...c, id: undefined, created_at: undefined, updated_at: undefined }, {
      id: undefined,
      client_id: null,
      first_name: 'Grace',
      last_name: 'Hopper',
      company: 'Navy',
      numbers: [{ label: 'mobile', number: '+1 (415) 555-0142' }, { label: 'other', number: '2001' }],
      email: 'grace@navy.example',
      notes: 'Met at the conference.\nLikes COBOL.',
      created_at: undefined,
      updated_at: undefined,
      version: 1,
    });
    assert.equal(c.created_at, c.updated_at);

    const got = await api(t.url, 'GET', `${CONTACTS}/${c.id}`, { token: alice });
    assert.equal(got.status, 200);
    assert.deepEqual(got.body, c);
    assert.equal(got.headers.get('etag'), '"1"');

    // PUT replaces the whole contact: what it leaves out becomes empty.
    const put = await api(t.url, 'PUT', `${CONTACTS}/${c.id}`, { token: alice, body: { first_name: 'Grace', last_name: 'Hopper', numbers: [{ label: 'work', number: '555 0100' }] } });
    assert.equal(put.status, 200);
    assert.equal(put.body.version, 2);
    assert.equal(put.body.company, '');
    assert.equal(put.body.email, '');
    assert.equal(put.body.notes, '');
    assert.deepEqual(put.body.numbers, [{ label: 'work', number: '555 0100' }]);
    assert.equal(put.body.created_at, c.created_at);
    assert.ok(put.body.updated_at > c.updated_at);

    // PATCH changes only what it names.
    const patch = await api(t.url, 'PATCH', `${CONTACTS}/${c.id}`, { token: alice, body: { company: 'US Navy' } });
    assert.equal(patch.status, 200);
    assert.equal(patch.body.version, 3);
    assert.equal(patch.body.company, 'US Navy');
    assert.equal(patch.body.first_name, 'Grace');
    assert.deepEqual(patch.body.numbers, put.body.numbers);
    assert.equal(patch.headers.get('etag'), '"3"');

    // Writing what is already there is not a change: no new version.
    const same = await api(t.url, 'PATCH', `${CONTACTS}/${c.id}`, { token: alice, body: { company: 'US Navy' } });
    assert.equal(same.status, 200);
    assert.equal(same.body.version, 3);
    assert.equal(same.body.updated_at, patch.body.updated_at);

    const del = await api(t.url, 'DELETE', `${CONTACTS}/${c.id}`, { token: alice });
    assert.equal(del.status, 204);
    const gone = await api(t.url, 'GET', `${CONTACTS}/${c.id}`, { token: alice });
    assert.equal(gone.status, 410);
    assert.equal(gone.body.code, 'deleted');
    assert.equal(gone.body.contact.deleted, true);
    assert.equal((await api(t.url, 'PATCH', `${CONTACTS}/${c.id}`, { token: alice, body: { company: 'x' } })).status, 410);
    assert.equal((await api(t.url, 'DELETE', `${CONTACTS}/${c.id}`, { token: alice })).status, 204, 'a retried delete succeeds');
    assert.ok(!(await search(alice, '')).some((x) => x.id === c.id), 'a deleted contact is not listed');

    assert.equal((await api(t.url, 'GET', `${CONTACTS}/${randomUUID()}`, { token: alice })).status, 404);
    assert.equal((await api(t.url, 'GET', `${CONTACTS}/not-a-uuid`, { token: alice })).status, 404);
    assert.equal((await api(t.url, 'PUT', `${CONTACTS}/${randomUUID()}`, { token: alice, body: { first_name: 'X' } })).status, 404);
    assert.equal((await api(t.url, 'GET', CONTACTS)).status, 401);
  });

  it('refuses bad input with 400 naming the field, and stores nothing', async () => {
    const { id } = await create(alice, { first_name: 'Valid' });
    const cases: Array<[string, string, object, string]> = [
      ['POST', CONTACTS, {}, 'first_name'],
      ['POST', CONTACTS, { first_name: '   ', numbers: [] }, 'first_name'],
      ['POST', CONTACTS, { first_name: 42 }, 'first_name'],
      ['POST', CONTACTS, { last_name: 'x'.repeat(101) }, 'last_name'],
      ['POST', CONTACTS, { first_name: 'A', company: 'x'.repeat(201) }, 'company'],
      ['POST', CONTACTS, { first_name: 'A', nickname: 'Al' }, 'nickname'],
      ['POST', CONTACTS, { first_name: 'A', email: 'not an address' }, 'email'],
      ['POST', CONTACTS, { first_name: 'A', email: 'a@b' }, 'email'],
      ['POST', CONTACTS, { first_name: 'A\u0007' }, 'first_name'],
      ['POST', CONTACTS, { first_name: 'A', notes: 'x'.repeat(2001) }, 'notes'],
      ['POST', CONTACTS, { numbers: [{ label: 'pager', number: '123' }] }, 'numbers.0.label'],
      ['POST', CONTACTS, { numbers: [{ label: 'work' }] }, 'numbers.0.number'],
      ['POST', CONTACTS, { numbers: [{ number: '123' }, { number: 'call me' }] }, 'numbers.1.number'],
      ['POST', CONTACTS, { numbers: [{ number: '--' }] }, 'numbers.0.number'],
      ['POST', CONTACTS, { numbers: [{ number: '12+34' }] }, 'numbers.0.number'],
      ['POST', CONTACTS, { numbers: [{ number: '1'.repeat(33) }] }, 'numbers.0.number'],
      ['POST', CONTACTS, { numbers: 'none' }, 'numbers'],
      ['POST', CONTACTS, { numbers: Array.from({ length: 21 }, () => ({ number: '1' })) }, 'numbers'],
      ['POST', CONTACTS, { first_name: 'A', client_id: 'retry-1' }, 'client_id'],
      ['PUT', `${CONTACTS}/${id}`, { first_name: 'A', version: 0 }, 'version'],
      ['PUT', `${CONTACTS}/${id}`, { notes: 'x'.repeat(2001), first_name: 'A' }, 'notes'],
      ['PATCH', `${CONTACTS}/${id}`, { first_name: '' }, 'first_name'],
      ['PATCH', `${CONTACTS}/${id}`, { email: 'x@y@z' }, 'email'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await api(t.url, method, path, { token: alice, body });
      assert.equal(res.status, 400, `${JSON.stringify(body)}: ${res.status} ${JSON.stringify(res.body)}`);
      assert.equal(res.body.code, 'invalid_request');
      assert.equal(res.body.field, field, JSON.stringify(res.body));
      assert.equal(typeof res.body.message, 'string');
    }
    const label = await api(t.url, 'POST', CONTACTS, { token: alice, body: { numbers: [{ label: 'pager', number: '1' }] } });
    assert.match(label.body.message, /mobile, work, home, main, fax, other/);

    for (const [query, field] of [['limit=0', 'limit'], ['limit=ten', 'limit'], ['cursor=bogus', 'cursor'], ['updated_since=yesterday', 'updated_since'],
      ['updated_since=2025-01-01T00:00:00', 'updated_since'], [`q=${'x'.repeat(101)}`, 'q'], ['sort=name', 'sort']]) {
      const res = await api(t.url, 'GET', `${CONTACTS}?${query}`, { token: alice });
      assert.equal(res.status, 400, query);
      assert.equal(res.body.field, field, query);
    }
    const badIfMatch = await api(t.url, 'PATCH', `${CONTACTS}/${id}`, { token: alice, body: { company: 'x' }, headers: { 'if-match': 'yesterday' } });
    assert.equal(badIfMatch.status, 400);
    assert.equal(badIfMatch.body.field, 'if-match');
    const disagree = await api(t.url, 'PATCH', `${CONTACTS}/${id}`, { token: alice, body: { company: 'x', version: 1 }, headers: { 'if-match': '"2"' } });
    assert.equal(disagree.status, 400);
    assert.equal(disagree.body.field, 'version');

    // Nothing of the above reached the store.
    const after = await api(t.url, 'GET', `${CONTACTS}/${id}`, { token: alice });
    assert.equal(after.body.version, 1);
    assert.equal(after.body.company, '');
    // Limits are inclusive; a number alone, or a company alone, is a contact.
    await create(alice, { first_name: 'Long', notes: 'x'.repeat(2000) });
    await create(alice, { numbers: [{ number: '*72 #1' }] });
    await create(alice, { company: 'Plumbing Ltd' });
  });

  it('finds contacts by name, company, email and partial number', async () => {
    const carol = await create(bob, { first_name: 'Carol', last_name: 'Núñez', company: 'Acme Plumbing', email: 'carol@acme.example', numbers: [{ label: 'work', number: '+1 (415) 555-0142' }] });
    const dave = await create(bob, { first_name: 'Dave', last_name: 'Stone', company: 'Stone & Sons', numbers: [{ label: 'mobile', number: '020 7946 0018' }, { label: 'home', number: '+44 20 7946 0999' }] });
    const erika = await create(bob, { first_name: 'Erika', last_name: 'Mustermann', email: 'erika@example.de', notes: 'acme contact' });
    const ids = (items: any[]) => items.map((c) => c.id).sort();

    assert.deepEqual(ids(await search(bob, '555')), [carol.id]);
    assert.deepEqual(ids(await search(bob, '(415) 555')), [carol.id], 'the query may be formatted too');
    assert.deepEqual(ids(await search(bob, '4155550142')), [carol.id]);
    assert.deepEqual(ids(await search(bob, '7946')), [dave.id], 'matches any of a contact\'s numbers, once');
    assert.deepEqual(ids(await search(bob, '0999')), [dave.id]);
    assert.deepEqual(ids(await search(bob, 'car')), [carol.id], 'name prefix');
    assert.deepEqual(ids(await search(bob, 'ARO')), [carol.id], 'case-insensitive substring');
    assert.deepEqual(ids(await search(bob, 'nunez')), [carol.id], 'accents do not matter');
    assert.deepEqual(ids(await search(bob, 'acme')), [carol.id], 'company and email, not notes');
    assert.deepEqual(ids(await search(bob, 'stone')), [dave.id]);
    assert.deepEqual(ids(await search(bob, 'example.de')), [erika.id]);
    assert.deepEqual(ids(await search(bob, 'dave 0018')), [dave.id], 'every word must match, in a field or a number');
    assert.deepEqual(ids(await search(bob, 'dave 555')), []);
    assert.deepEqual(ids(await search(bob, 'zzz')), []);
    assert.deepEqual(ids(await search(bob, '')), ids([carol, dave, erika]), 'an empty query lists all');
    assert.deepEqual(await search(alice, '555-0142'), [], 'only my own contacts are searched');
  });

  it('pages through contacts newest change first, with a stable keyset cursor', async () => {
    const token = await login(t.url, '1004@demo');
    const made: string[] = [];
    for (let i = 0; i < 7; i++) made.push((await create(token, { first_name: `Pager ${i}` })).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await api(t.url, 'GET', `${CONTACTS}?limit=3${cursor ? `&cursor=${cursor}` : ''}`, { token });
      assert.equal(res.status, 200);
      assert.ok(res.body.items.length <= 3);
      seen.push(...res.body.items.map((c: any) => c.id));
      cursor = res.body.next_cursor;
      pages++;
      // A contact created while paging appears at the front, not in the pages still to come.
      if (pages === 1) await create(token, { first_name: 'Late' });
    } while (cursor);
    assert.equal(pages, 3);
    assert.deepEqual(seen, [...made].reverse());
  });

  it('syncs: updated_since returns changes oldest first, deleted contacts as tombstones', async () => {
    const token = await login(t.url, '1003@demo');
    const keep = await create(token, { first_name: 'Keep' });
    const edit = await create(token, { first_name: 'Edit' });
    const drop = await create(token, { first_name: 'Drop' });
    const since = drop.updated_at;

    const noChanges = await api(t.url, 'GET', `${CONTACTS}?updated_since=${since}`, { token });
    assert.deepEqual(noChanges.body, { items: [], next_cursor: null }, 'nothing after the newest change seen');

    await api(t.url, 'PATCH', `${CONTACTS}/${edit.id}`, { token, body: { last_name: 'Edited' } });
    await api(t.url, 'DELETE', `${CONTACTS}/${drop.id}`, { token });
    const added = await create(token, { first_name: 'Added' });

    const res = await api(t.url, 'GET', `${CONTACTS}?updated_since=${encodeURIComponent(since)}`, { token });
    assert.equal(res.status, 200);
    const [edited, tombstone, created] = res.body.items;
    assert.equal(res.body.items.length, 3);
    assert.equal(edited.id, edit.id);
    assert.equal(edited.last_name, 'Edited');
    assert.deepEqual(Object.keys(tombstone).sort(), ['deleted', 'id', 'updated_at']);
    assert.equal(tombstone.id, drop.id);
    assert.equal(tombstone.deleted, true);
    assert.ok(tombstone.updated_at > since);
    assert.equal(created.id, added.id);
    assert.ok(!res.body.items.some((c: any) => c.id === keep.id));

    // The same changes, a page at a time.
    const page1 = await api(t.url, 'GET', `${CONTACTS}?updated_since=${since}&limit=2`, { token });
    assert.deepEqual(page1.body.items.map((c: any) => c.id), [edit.id, drop.id]);
    const page2 = await api(t.url, 'GET', `${CONTACTS}?updated_since=${since}&limit=2&cursor=${page1.body.next_cursor}`, { token });
    assert.deepEqual(page2.body.items.map((c: any) => c.id), [added.id]);
    assert.equal(page2.body.next_cursor, null);

    // A full sync from the beginning of time has every contact and the tombstone.
    const all = await api(t.url, 'GET', `${CONTACTS}?updated_since=1970-01-01T00:00:00Z`, { token });
    assert.deepEqual(all.body.items.map((c: any) => c.id), [keep.id, edit.id, drop.id, added.id]);
    // Changes in the same millisecond still get distinct, increasing times.
    const burst = await Promise.all([1, 2, 3, 4].map((i) => create(token, { first_name: `Burst ${i}` })));
    assert.equal(new Set(burst.map((c) => c.updated_at)).size, 4);
    // A zone other than Z works too.
    const offset = new Date(Date.parse(since) + 2 * 3600_000).toISOString().replace('Z', '+02:00');
    assert.equal((await api(t.url, 'GET', `${CONTACTS}?updated_since=${encodeURIComponent(offset)}`, { token })).body.items.length, 7);
  });

  it('answers 409 with the current contact when a change was made on an older version', async () => {
    const c = await create(alice, { first_name: 'Ada', last_name: 'Lovelace' });
    // Device A changes it first.
    const a = await api(t.url, 'PUT', `${CONTACTS}/${c.id}`, { token: alice, body: { first_name: 'Ada', last_name: 'King' }, headers: { 'if-match': '"1"' } });
    assert.equal(a.status, 200);
    assert.equal(a.body.version, 2);
    // Device B, offline, edited version 1 too.
    const b = await api(t.url, 'PATCH', `${CONTACTS}/${c.id}`, { token: alice, body: { company: 'Analytical Engines' }, headers: { 'if-match': '"1"' } });
    assert.equal(b.status, 409);
    assert.equal(b.body.code, 'version_conflict');
    assert.deepEqual(b.body.contact, a.body, 'the current state, to merge against');
    assert.equal(b.headers.get('etag'), '"2"');
    // The version in the body works the same; a bare number in If-Match too.
    assert.equal((await api(t.url, 'PUT', `${CONTACTS}/${c.id}`, { token: alice, body: { first_name: 'X', version: 1 } })).status, 409);
    assert.equal((await api(t.url, 'DELETE', `${CONTACTS}/${c.id}`, { token: alice, headers: { 'if-match': '1' } })).status, 409);
    const unchanged = await api(t.url, 'GET', `${CONTACTS}/${c.id}`, { token: alice });
    assert.deepEqual(unchanged.body, a.body, 'a refused change writes nothing');
    // B merges and retries on version 2.
    const retry = await api(t.url, 'PATCH', `${CONTACTS}/${c.id}`, { token: alice, body: { company: 'Analytical Engines', version: 2 } });
    assert.equal(retry.status, 200);
    assert.equal(retry.body.version, 3);
    assert.equal(retry.body.last_name, 'King');
    // Without a version a change applies to whatever is current; * means "any version".
    assert.equal((await api(t.url, 'PATCH', `${CONTACTS}/${c.id}`, { token: alice, body: { notes: 'n' }, headers: { 'if-match': '*' } })).body.version, 4);
    // Concurrent unconditional patches of different fields both land.
    await Promise.all([
      api(t.url, 'PATCH', `${CONTACTS}/${c.id}`, { token: alice, body: { email: 'ada@example.org' } }),
      api(t.url, 'PATCH', `${CONTACTS}/${c.id}`, { token: alice, body: { notes: 'first programmer' } }),
    ]);
    const both = (await api(t.url, 'GET', `${CONTACTS}/${c.id}`, { token: alice })).body;
    assert.equal(both.email, 'ada@example.org');
    assert.equal(both.notes, 'first programmer');
    assert.equal(both.version, 6);
    assert.equal((await api(t.url, 'DELETE', `${CONTACTS}/${c.id}`, { token: alice, headers: { 'if-match': '"6"' } })).status, 204);
  });

  it('makes a retried create with the same client_id idempotent', async () => {
    const clientId = randomUUID();
    const body = { client_id: clientId, first_name: 'Offline', numbers: [{ label: 'mobile', number: '07700 900123' }] };
    const first = await api(t.url, 'POST', CONTACTS, { token: alice, body });
    assert.equal(first.status, 201);
    assert.equal(first.body.client_id, clientId);
    assert.notEqual(first.body.id, clientId, 'the server chooses the id');
    const again = await api(t.url, 'POST', CONTACTS, { token: alice, body });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, first.body);
    assert.equal((await search(alice, '900123')).length, 1);
    // After an edit, the retry answers the contact as it is now; it does not overwrite it.
    await api(t.url, 'PATCH', `${CONTACTS}/${first.body.id}`, { token: alice, body: { last_name: 'Edited' } });
    const late = await api(t.url, 'POST', CONTACTS, { token: alice, body: { ...body, client_id: clientId.toUpperCase() } });
    assert.equal(late.status, 200);
    assert.equal(late.body.last_name, 'Edited');
    // Another user's client ids are their own.
    const bobs = await api(t.url, 'POST', CONTACTS, { token: bob, body });
    assert.equal(bobs.status, 201);
    assert.notEqual(bobs.body.id, first.body.id);
    // A retried create of a contact deleted since does not bring it back.
    await api(t.url, 'DELETE', `${CONTACTS}/${first.body.id}`, { token: alice });
    const deleted = await api(t.url, 'POST', CONTACTS, { token: alice, body });
    assert.equal(deleted.status, 410);
    assert.deepEqual(deleted.body.contact, { id: first.body.id, deleted: true, updated_at: deleted.body.contact.updated_at });
  });

  it('keeps personal contacts private: other users get 403 for my path and 404 for my ids, administrators too', async () => {
    const mine = await create(alice, { first_name: 'Secret', numbers: [{ number: '555 1234' }] });
    const forbidden = [
      ['GET', '/api/v2/domains/~/users/1001/contacts'],
      ['POST', '/api/v2/domains/~/users/1001/contacts'],
      ['GET', `/api/v2/domains/~/users/1001/contacts/${mine.id}`],
      ['PUT', `/api/v2/domains/~/users/1001/contacts/${mine.id}`],
      ['PATCH', `/api/v2/domains/~/users/1001/contacts/${mine.id}`],
      ['DELETE', `/api/v2/domains/~/users/1001/contacts/${mine.id}`],
      ['GET', '/api/v2/domains/demo/users/1001/contacts'],
    ];
    for (const token of [bob, erin]) {
      for (const [method, path] of forbidden) {
        const body = method === 'POST' || method === 'PUT' || method === 'PATCH' ? { first_name: 'Mallory' } : undefined;
        const res = await api(t.url, method!, path!, { token, body });
        assert.equal(res.status, 403, `${method} ${path}`);
        assert.equal(res.body.code, 'forbidden');
      }
      // Through their own path, my contact does not exist.
      for (const method of ['GET', 'PUT', 'PATCH', 'DELETE']) {
        const res = await api(t.url, method, `${CONTACTS}/${mine.id}`, { token, body: method === 'PUT' || method === 'PATCH' ? { first_name: 'Mallory' } : undefined });
        assert.equal(res.status, 404, `${method} own path`);
      }
      assert.ok(!(await search(token, 'secret')).some((c) => c.id === mine.id));
      assert.ok(!(await search(token, '1234')).some((c) => c.id === mine.id));
    }
    // Another domain is no one's.
    assert.equal((await api(t.url, 'GET', '/api/v2/domains/other.example/users/~/contacts', { token: alice })).status, 403);
    // The administrator naming themself is fine.
    assert.equal((await api(t.url, 'POST', '/api/v2/domains/demo/users/1005/contacts', { token: erin, body: { first_name: 'Erin\'s' } })).status, 201);
    const still = await api(t.url, 'GET', `${CONTACTS}/${mine.id}`, { token: alice });
    assert.equal(still.body.first_name, 'Secret');
    assert.equal(still.body.version, 1);
  });

  it('tells every events socket of the owner which contacts changed, and nobody else', async () => {
    const tab1 = await openEvents(t, alice);
    const tab2 = await openEvents(t, alice);
    const other = await openEvents(t, bob);
    try {
      const c = await create(alice, { first_name: 'Evented' });
      for (const tab of [tab1, tab2]) assert.deepEqual(await tab.next((e) => e.type === 'contacts-changed'), { type: 'contacts-changed', ids: [c.id] });
      await api(t.url, 'PATCH', `${CONTACTS}/${c.id}`, { token: alice, body: { last_name: 'Twice' } });
      assert.deepEqual((await tab1.next((e) => e.type === 'contacts-changed')).ids, [c.id]);
      await api(t.url, 'DELETE', `${CONTACTS}/${c.id}`, { token: alice });
      assert.deepEqual((await tab1.next((e) => e.type === 'contacts-changed')).ids, [c.id]);
      // Changes that change nothing say nothing.
      await api(t.url, 'DELETE', `${CONTACTS}/${c.id}`, { token: alice });
      await delay(100);
      assert.equal(tab1.received.filter((e) => e.type === 'contacts-changed').length, 3);
      assert.equal(other.received.filter((e) => e.type === 'contacts-changed').length, 0);
    } finally {
      tab1.close();
      tab2.close();
      other.close();
    }
  });

  it('searches an address book of 10,000 contacts', async () => {
    const token = await login(t.url, '1005@demo');
    const store = t.platform.store.contacts;
    const started = performance.now();
    for (let i = 0; i < 10_000; i++) {
      const n = String(i).padStart(5, '0');
      await store.create({
        id: randomUUID(), domain: 'demo', extension: '1005', clientId: null, now: Date.now(),
        fields: {
          firstName: `First${n}`, lastName: `Last${n}`, company: `Company ${i % 100}`, email: `p${n}@example.com`, notes: '',
          numbers: [{ label: 'mobile', number: `+1 (212) 7${n}` }, { label: 'work', number: `+44 20 3${n} 00` }],
        },
      });
    }
    const created = performance.now() - started;
    const timings: string[] = [];
    const timed = async (q: string) => {
      const t0 = performance.now();
      const res = await api(t.url, 'GET', `${CONTACTS}?q=${encodeURIComponent(q)}&limit=50`, { token });
      timings.push(`q=${JSON.stringify(q)} ${(performance.now() - t0).toFixed(1)} ms (${res.body.items.length} items)`);
      assert.equal(res.status, 200);
      return res.body.items as any[];
    };
    const byNumber = await timed('21270421');
    assert.deepEqual(byNumber.map((c) => c.first_name).sort(), Array.from({ length: 10 }, (_, i) => `First0421${i}`));
    assert.deepEqual((await timed('first09999')).map((c) => c.last_name), ['Last09999']);
    assert.equal((await timed('company 42')).length, 50);
    assert.deepEqual(await timed('nobody'), []);
    const t0 = performance.now();
    const full = await api(t.url, 'GET', `${CONTACTS}?limit=500`, { token });
    timings.push(`first page of 500 ${(performance.now() - t0).toFixed(1)} ms`);
    assert.equal(full.body.items.length, 500);
    console.log(`10,000 contacts created through the store in ${created.toFixed(0)} ms; ${timings.join('; ')}`);
  });
});
