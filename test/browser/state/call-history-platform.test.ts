/**
 * Call History paging, client and server together: the CallHistory store (IndexedDB) pages
 * through the real platform's keyset cursor (`before` = `next_cursor`) with small API pages, and
 * every record the platform has for the user is seen exactly once, newest first.
 */
import { expect } from '@open-wc/testing';
import { executeServerCommand } from '@web/test-runner-commands';
import { deleteDB } from 'idb';
import { HttpClient, type SessionStorage } from '../../../src/data/http.js';
import { CdrsResource } from '../../../src/data/resources/cdrs.js';
import type { CdrEntry } from '../../../src/data/wire.js';
import { openSwitchboardDB } from '../../../src/data/db.js';
import { CallHistory } from '../../../src/state/call-history.js';

const USER = '1004';
const OWNER = `call-history-platform-${crypto.randomUUID()}`;

function memoryStorage(): SessionStorage {
  let saved: ReturnType<SessionStorage['load']> = null;
  return { load: () => saved, save: (s) => { saved = s; }, clear: () => { saved = null; } };
}

describe('call history paging through the real platform', function () {
  this.timeout(60_000);
  let api: CdrsResource;
  let all: number[];
  const names: string[] = [];

  before(async function () {
    // Test phones of the demo users are shared between files: take the lock while calling.
    await executeServerCommand('sip-lock', { owner: OWNER });
    try {
      await executeServerCommand('make-calls', { from: USER, to: '1999', count: 7 });
    } finally {
      await executeServerCommand('sip-unlock', { owner: OWNER });
    }
    const http = new HttpClient(memoryStorage(), '/platform');
    api = new CdrsResource(http);
    expect((await http.login(`${USER}@demo`, 'switchboard')).kind).to.equal('signed-in');
    all = (await api.list({ limit: 500 })).items.map((c) => c.id);
    expect(all.length).to.be.at.least(7);
  });
  after(async () => { for (const n of names) await deleteDB(n); });

  /** The real API, but at most 2 records a page, so the platform's cursor is walked. */
  const smallPages = () => ({ list: (opts: { limit?: number; before?: number } = {}) => api.list({ ...opts, limit: Math.min(opts.limit ?? 2, 2) }) });
  const history = () => {
    const name = `history-${crypto.randomUUID()}`;
    names.push(name);
    return new CallHistory(openSwitchboardDB(name), smallPages());
  };

  async function walk(h: CallHistory): Promise<number[]> {
    const seen: CdrEntry[] = [];
    let before: number | undefined;
    for (let i = 0; i < 50; i++) {
      const page = await h.page(3, before);
      seen.push(...page.items);
      if (!page.more || page.items.length === 0) break;
      before = page.items.at(-1)!.id;
    }
    return seen.map((c) => c.id);
  }

  it('page() from an empty store walks older pages from the platform: every record once', async () => {
    expect(await walk(history())).to.deep.equal(all);
  });

  it('after a sync (newest page stored), paging on through the platform sees every record once', async () => {
    const h = history();
    await h.sync();
    expect((await h.stored(500)).length).to.be.greaterThan(0);
    expect(await walk(h)).to.deep.equal(all);
    // And a second walk is served from IndexedDB alone, in the same order.
    expect((await h.stored(500)).map((c) => c.id)).to.deep.equal(all);
  });

  it('a sync after new calls walks the platform cursor (next_cursor) down to the stored run: nothing dropped', async () => {
    const h = history();
    await h.sync();
    await walk(h); // everything stored
    await executeServerCommand('sip-lock', { owner: OWNER });
    try {
      await executeServerCommand('make-calls', { from: USER, to: '1999', count: 5 });
    } finally {
      await executeServerCommand('sip-unlock', { owner: OWNER });
    }
    const now = (await api.list({ limit: 500 })).items.map((c) => c.id);
    expect(now.length).to.be.at.least(all.length + 5);
    await h.sync(); // pages of 2 through next_cursor until it meets what is stored
    expect((await h.stored(500)).map((c) => c.id)).to.deep.equal(now);
  });
});
