import { expect } from '@open-wc/testing';
import { deleteDB } from 'idb';
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
