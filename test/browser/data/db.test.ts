import { expect } from '@open-wc/testing';
import { deleteDB, openDB } from 'idb';
import { clearUserData, openSwitchboardDB, type PendingRecording } from '../../../src/data/db.js';

const record = (id: string): PendingRecording => ({
  id, callId: 'call-1', startedAt: new Date().toISOString(), durationS: 3, contentType: 'audio/webm',
  chunks: [new Blob(['abc'])], finished: true, attempts: 0, lastError: '',
});

describe('clearUserData (real IndexedDB)', () => {
  const name = `switchboard-test-${crypto.randomUUID()}`;
  afterEach(() => deleteDB(name));

  it('empties every store without closing the database', async () => {
    const db = await openSwitchboardDB(name);
    await db.put('recordings', record('r1'));
    expect(await db.count('recordings')).to.equal(1);
    await clearUserData(db);
    expect(await db.count('recordings')).to.equal(0);
    // Still usable: another connection (the recording queue's) is not disturbed.
    await db.put('recordings', record('r2'));
    expect(await db.count('recordings')).to.equal(1);
    db.close();
  });

  it('keeps the stores it is asked to keep', async () => {
    const db = await openSwitchboardDB(name);
    await db.put('recordings', record('r1'));
    await clearUserData(db, ['recordings']);
    expect(await db.count('recordings')).to.equal(1);
    db.close();
  });
});

describe('schema 4: conversations (real IndexedDB)', () => {
  const name = `switchboard-test-${crypto.randomUUID()}`;
  afterEach(() => deleteDB(name));

  it('adds the conversations store to a version 3 database and keeps its data', async () => {
    // A database as version 3 left it, with a contact and a queued change.
    const old = await openDB(name, 3, {
      upgrade(db) {
        for (const s of ['recordings', 'directory', 'contacts']) db.createObjectStore(s, { keyPath: s === 'directory' ? 'extension' : 'id' });
        db.createObjectStore('history', { keyPath: 'id' });
        db.createObjectStore('outbox', { keyPath: 'seq', autoIncrement: true });
        db.createObjectStore('meta');
        db.createObjectStore('voicemail');
        db.createObjectStore('voicemailAudio', { keyPath: 'id' });
      },
    });
    await old.put('contacts', { id: 'c1', first_name: 'Dana' });
    await old.add('outbox', { resource: 'voicemail', clientId: 'x', change: { kind: 'delete', mailbox: '~', id: 'v1', from: 'new' } });
    old.close();

    const db = await openSwitchboardDB(name);
    expect(db.version).to.equal(4);
    expect([...db.objectStoreNames]).to.include('conversations');
    expect(((await db.get('contacts', 'c1')) as { first_name: string }).first_name).to.equal('Dana');
    expect(await db.count('outbox')).to.equal(1);
    await db.put('conversations', { sessions: [], messages: {} }, '1001@demo');
    expect(await db.get('conversations', '1001@demo')).to.deep.equal({ sessions: [], messages: {} });
    db.close();
  });
});
