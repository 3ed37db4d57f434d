import { expect } from '@open-wc/testing';
import { deleteDB } from 'idb';
import type { CdrEntry } from '../../../src/data/wire.js';
import { openSwitchboardDB } from '../../../src/data/db.js';
import { CallHistory, HistoryChangedEvent } from '../../../src/state/call-history.js';

const cdr = (id: number, type: CdrEntry['type'] = 'inbound'): CdrEntry => ({
  id, call_id: `c${id}`, type, direction: type === 'outbound' ? 'outbound' : 'inbound', disposition: type === 'missed' ? 'missed' : 'answered',
  remote_number: '1002', remote_name: 'Bob Baker', started_at: new Date().toISOString(), answered_at: null, ended_at: null, duration_s: 0,
  sip_status: null, transferred_to: null, transferred_from: null, routed_to: null,
});

describe('CallHistory (real IndexedDB)', () => {
  let name = '';
  beforeEach(() => (name = `switchboard-history-${crypto.randomUUID()}`));
  afterEach(() => deleteDB(name));

  it('a sync asked for while one runs runs once more afterwards, shared, and sees the newer record', async () => {
    let records = [cdr(1)];
    let requests = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const api = {
      async list() {
        requests++;
        const page = { items: records, next_cursor: null };
        if (requests === 1) await gate;
        return page;
      },
    };
    const history = new CallHistory(openSwitchboardDB(name), api);
    let changes = 0;
    history.addEventListener(HistoryChangedEvent.eventName, () => changes++);
    const first = history.sync();
    await new Promise((r) => setTimeout(r, 10));
    // The record changes on the platform (ringing became missed) while the first sync runs.
    records = [cdr(1, 'missed')];
    const second = history.sync();
    const third = history.sync();
    release();
    await Promise.all([first, second, third]);
    expect(requests).to.equal(2);
    expect(changes).to.equal(2);
    expect((await history.stored(10)).map((e) => e.type)).to.deep.equal(['missed']);
  });
});
