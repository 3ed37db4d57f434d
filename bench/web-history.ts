/**
 * Call History at size: 100,000 call records in the web phone's IndexedDB (as a long-standing
 * user's installed app holds them), then, as the user sees it:
 *   - first page: from the click on "Call History" to its first rows painted;
 *   - paging: each "Load more" click to the list holding the next 50 and a frame painted, for
 *     40 pages in a row (down to row 2,000), so a stall as the list grows would show in the
 *     later pages;
 *   - scrolling: the longest frame while scrolling the 2,000 loaded rows top to bottom;
 *   - deep page: the store's keyset read of the 50 records below record 50 (the far end).
 * Timestamps are taken inside the page, so no driver latency is counted.
 */
import type { Page } from 'playwright-core';
import { loginAs, startE2E } from '../test/e2e/browser.js';
import { DEEP } from './page-helpers.js';

export interface HistoryListFigures {
  records: number;
  firstPageMs: number[];
  loadMoreMs: number[];
  /** Frame intervals while scrolling the loaded rows from top to bottom. */
  scrollFrameMs: number[];
  /** IndexedDB cursor read of one page at the far end of the store. */
  deepPageMs: number[];
  seedMs: number;
}

/** In the page: the history list's virtualiser, its row counts, and waiting (a string: see page-helpers.ts). */
const LIST = `${DEEP}
// Cheap enough to poll every millisecond without slowing what it measures: the list element is
// found once (while the page is small), then only how many records its virtualiser holds and
// how many rows it has put on screen are read.
let list = null;
const virtualizer = () => {
  if (!list || !list.isConnected) list = deep(document, 'sb-history-list');
  return list?.shadowRoot.querySelector('lit-virtualizer') ?? null;
};
const rowsNow = () => virtualizer()?.items?.length ?? 0;
const onScreen = () => virtualizer()?.querySelectorAll('[role=listitem]').length ?? 0;
const painted = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now()))));
const moreButton = () => list?.shadowRoot.querySelector('.more button');
const until = (check) => new Promise((resolve) => { const poll = () => (check() ? resolve(performance.now()) : setTimeout(poll, 1)); poll(); });`;

/** Writes `n` records for the signed-in user straight into the app's IndexedDB. */
async function seed(page: Page, n: number): Promise<number> {
  return page.evaluate(`new Promise((resolve, reject) => {
    const t0 = performance.now();
    const open = indexedDB.open('switchboard');
    open.onsuccess = () => {
      const db = open.result;
      const tx = db.transaction(['history', 'meta'], 'readwrite');
      const store = tx.objectStore('history');
      const start = Date.now() - ${n} * 600000;
      for (let id = 1; id <= ${n}; id++) {
        const missed = id % 7 === 0;
        const at = new Date(start + id * 600000).toISOString();
        store.put({ id, call_id: 'bench-' + id, type: missed ? 'missed' : id % 2 ? 'inbound' : 'outbound', disposition: missed ? 'missed' : 'answered',
          remote_number: String(2000 + (id % 500)), remote_name: 'Caller ' + (id % 500), started_at: at, answered_at: missed ? null : at,
          ended_at: at, duration_s: missed ? 0 : 30 + (id % 300) });
      }
      tx.objectStore('meta').put(true, 'history.complete');
      tx.oncomplete = () => { db.close(); resolve(performance.now() - t0); };
      tx.onerror = () => reject(tx.error);
    };
    open.onerror = () => reject(open.error);
  })`);
}

export async function measureHistoryList(opts: { records: number; runs: number; pages: number }): Promise<HistoryListFigures> {
  const e2e = await startE2E();
  try {
    const { page } = await e2e.newUser();
    await loginAs(page, '1001');
    const seedMs = await seed(page, opts.records);
    const figures: HistoryListFigures = { records: opts.records, firstPageMs: [], loadMoreMs: [], scrollFrameMs: [], deepPageMs: [], seedMs };
    for (let run = 0; run < opts.runs; run++) {
      // Start from another area each time, so the view is created afresh.
      await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Calls', exact: true }).click();
      figures.firstPageMs.push(await page.evaluate(`(async () => {
        ${LIST}
        const item = deepAll(document, 'nav button').find((b) => b.textContent.includes('Call History'));
        const t0 = performance.now();
        item.click();
        await until(() => onScreen() > 0);
        return (await painted()) - t0;
      })()`));
    }
    // Paging: from the first page down, one "Load more" at a time.
    figures.loadMoreMs = await page.evaluate(`(async () => {
      ${LIST}
      const times = [];
      for (let i = 0; i < ${opts.pages}; i++) {
        await until(() => { rowsNow(); const b = moreButton(); return b && !b.disabled; });
        const before = rowsNow();
        const t0 = performance.now();
        moreButton().click();
        await until(() => rowsNow() >= before + 50);
        times.push((await painted()) - t0);
      }
      return times;
    })()`);
    // Scrolling: a step of 400 px per frame down the loaded rows, timing each frame.
    figures.scrollFrameMs = await page.evaluate(`(async () => {
      ${LIST}
      const v = virtualizer();
      v.scrollTop = 0;
      let last = await painted();
      const frames = [];
      while (v.scrollTop + v.clientHeight < v.scrollHeight - 1) {
        v.scrollTop += 400;
        const now = await new Promise((resolve) => requestAnimationFrame(() => resolve(performance.now())));
        frames.push(now - last);
        last = now;
      }
      return frames;
    })()`);
    figures.deepPageMs = await page.evaluate(`(async () => {
      const db = await new Promise((resolve, reject) => { const o = indexedDB.open('switchboard'); o.onsuccess = () => resolve(o.result); o.onerror = () => reject(o.error); });
      const times = [];
      for (let run = 0; run < ${opts.runs}; run++) {
        const t0 = performance.now();
        await new Promise((resolve) => {
          const out = [];
          const req = db.transaction('history').objectStore('history').openCursor(IDBKeyRange.upperBound(51, true), 'prev');
          req.onsuccess = () => { const c = req.result; if (c && out.length < 50) { out.push(c.value); c.continue(); } else resolve(out); };
        });
        times.push(performance.now() - t0);
      }
      db.close();
      return times;
    })()`);
    return figures;
  } finally {
    await e2e.close();
  }
}
