/**
 * The Contacts view with many personal contacts: opening it (every page fetched, sorted and the
 * list shown), search-as-you-type, and scrolling from top to bottom. Contacts are written
 * straight into the platform's store (the same repository the REST API uses) so the set-up
 * takes seconds, not minutes. All timing is inside the page.
 */
import { randomUUID } from 'node:crypto';
import { loginAs, startE2E } from '../test/e2e/browser.js';
import { summarize, type Samples } from './web-stats.js';
import { DEEP } from './page-helpers.js';

export interface ListFigures {
  contacts: number;
  /** Click on Contacts to the list showing every contact. */
  openMs: Samples;
  /** Each keystroke (typing, then deleting) to the end of the frame that shows the filtered list. */
  keystrokeMs: Samples;
  /** Frame intervals while scrolling from top to bottom in steps, one per frame. */
  scrollFrameMs: Samples;
  /** Frames of the scroll longer than two refresh intervals. */
  scrollLongFrames: number;
  /** Frame intervals of the same page idle: the floor for scrolling. */
  idleFrameMs: Samples;
}

const FIRST = ['Ada', 'Ben', 'Carla', 'Dmitri', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kemal', 'Lucia', 'Mateo', 'Nora', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tariq', 'Uma', 'Victor', 'Wen', 'Yusuf', 'Zoe'];
const LAST = ['Martin', 'Nguyen', 'Okafor', 'Petrov', 'Quispe', 'Rossi', 'Schmidt', 'Tanaka', 'Ueda', 'Varga', 'Weber', 'Xu', 'Yilmaz', 'Zhang', 'Alvarez', 'Brown', 'Costa', 'Dubois', 'Eriksen', 'Fischer', 'Garcia', 'Haddad', 'Ivanova', 'Jensen', 'Kowalski', 'Larsen', 'Moreau'];
const COMPANY = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay', 'Stark', 'Wayne', 'Tyrell', 'Wonka', ''];

/** What a user types: a name, a surname with a first name, a company, digits of a number. */
const QUERIES = ['lucia', 'schmidt ada', 'wonka', '555 01'];

/** Types each query a character at a time, then deletes it; resolves with the keystroke times. */
const TYPE = `(async (queries) => {
  ${DEEP}
  const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
  const view = deep(document, 'sb-contacts-view');
  const input = view.shadowRoot.getElementById('search');
  const times = [];
  for (const q of queries) {
    const steps = [];
    for (let i = 1; i <= q.length; i++) steps.push(q.slice(0, i));
    for (let i = q.length - 1; i >= 0; i--) steps.push(q.slice(0, i));
    for (const value of steps) {
      const t0 = performance.now();
      input.value = value;
      input.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
      await view.updateComplete;
      await view.shadowRoot.querySelector('sb-contact-list').updateComplete;
      // The virtualiser lays out and renders its rows in the next animation frame; the time is
      // taken right after that frame's work.
      await frame();
      times.push(performance.now() - t0);
      // The result is painted before the next keystroke, as between a person's keystrokes.
      await frame();
    }
  }
  return times;
})`;

/** Frame intervals: idle first, then scrolling the list to the bottom over about `steps` frames. */
const SCROLL = `(async (steps) => {
  ${DEEP}
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  const scroller = deep(document, 'lit-virtualizer');
  const idle = [];
  let last = await frame();
  for (let i = 0; i < 60; i++) { const t = await frame(); idle.push(t - last); last = t; }
  const scroll = [];
  // The virtualiser's height is an estimate that grows as rows are measured: aim at the bottom
  // as it is now, each frame, until it is reached.
  for (let i = 1; i <= steps * 2; i++) {
    const bottom = scroller.scrollHeight - scroller.clientHeight;
    scroller.scrollTop = Math.min(bottom, (bottom * i) / steps);
    const t = await frame();
    scroll.push(t - last);
    last = t;
    if (scroller.scrollTop >= scroller.scrollHeight - scroller.clientHeight - 1 && i >= steps) break;
  }
  return { idle, scroll };
})`;

/** Times opening Contacts: how many times. */
const OPENS = 3;

/**
 * Notes in window.__opened the time from the next click (on Contacts) to the view's status
 * counting at least `expected` contacts.
 */
const opened = (expected: number) => `window.__opened = undefined;
window.addEventListener('click', () => {
  const t0 = performance.now();
  ${DEEP}
  const poll = () => {
    const view = deep(document, 'sb-contacts-view');
    const counts = view && view.shadowRoot ? [...view.shadowRoot.querySelectorAll('[role=status]')].map((s) => Number((/^(\\d+) contacts$/.exec(s.textContent.trim()) || [])[1] || 0)) : [];
    if (Math.max(0, ...counts) >= ${expected}) window.__opened = performance.now() - t0;
    else setTimeout(poll, 1);
  };
  poll();
}, { capture: true, once: true });`;

export async function measureLists(contacts: number): Promise<ListFigures> {
  const e2e = await startE2E();
  try {
    const store = e2e.platform.platform.store;
    for (let i = 0; i < contacts; i++) {
      const first = FIRST[i % FIRST.length]!;
      const last = LAST[Math.floor(i / FIRST.length) % LAST.length]!;
      const company = COMPANY[i % COMPANY.length]!;
      await store.contacts.create({
        id: randomUUID(), domain: 'demo', extension: '1001', clientId: null, now: Date.now(),
        fields: {
          firstName: first, lastName: last, company, email: `${first}.${last}.${i}@example.com`.toLowerCase(), notes: '',
          numbers: [{ label: 'mobile', number: `+1 (415) 555-${String(i % 10_000).padStart(4, '0')}` }],
        },
      });
    }
    const page = (await e2e.newUser()).page;
    const nav = (area: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: area }).click();
    await loginAs(page, '1001');

    // The first sync after sign-in fills the device's contact book (IndexedDB); opening Contacts
    // is measured once it holds them all, as on any later day.
    // Predicates are functions, not strings: the app's Content-Security-Policy refuses the eval a
    // string predicate needs.
    await page.waitForFunction(
      (n) => ((document.querySelector('sb-app') as unknown as { contactBook?: { entries: unknown[] } }).contactBook?.entries.length ?? 0) >= n,
      contacts, { timeout: 180_000, polling: 200 });
    const openMs: number[] = [];
    for (let i = 0; i < OPENS; i++) {
      await page.evaluate(opened(contacts));
      await nav('Contacts');
      openMs.push((await (await page.waitForFunction(() => (window as unknown as { __opened?: number }).__opened, undefined, { timeout: 60_000 })).jsonValue()) as number);
      // Closed again (the grid takes the width), so that each opening builds the list anew.
      if (i < OPENS - 1) await page.getByRole('button', { name: 'Collapse Contacts' }).click();
    }
    // Loading may leave work behind (the virtualiser measuring rows): start typing after it.
    await page.waitForTimeout(500);

    const keystrokeMs = (await page.evaluate(`${TYPE}(${JSON.stringify(QUERIES)})`)) as number[];
    const { idle, scroll } = (await page.evaluate(`${SCROLL}(240)`)) as { idle: number[]; scroll: number[] };
    const refresh = summarize(idle).median;
    return {
      contacts,
      openMs: summarize(openMs),
      keystrokeMs: summarize(keystrokeMs),
      scrollFrameMs: summarize(scroll),
      scrollLongFrames: scroll.filter((t) => t > 2 * refresh).length,
      idleFrameMs: summarize(idle),
    };
  } finally {
    await e2e.close();
  }
}
