import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../src/components/sb-contact-list.js';
import { contactRowName, type ContactListEntry, type SbContactList } from '../../../src/components/sb-contact-list.js';
import { button, buttonNames, roleOf, text, XSS, ignoreResizeObserverLoops, until } from './helpers.js';

ignoreResizeObserverLoops();

const ENTRIES: ContactListEntry[] = [
  { key: 'org:1002', kind: 'organisation', name: 'Bob Baker', subtitle: '1002', online: true },
  { key: 'org:1003', kind: 'organisation', name: 'Carol Chen', subtitle: '1003', online: false },
  { key: 'personal:p1', kind: 'personal', name: 'Pat Lee', subtitle: 'Acme', number: '+1 415 555 0101' },
];


async function list(entries: ContactListEntry[] = ENTRIES): Promise<SbContactList> {
  const el = await fixture<SbContactList>(html`<sb-contact-list .entries=${entries}></sb-contact-list>`);
  if (entries.length) await until(() => buttonNames(el).length > 0);
  return el;
}

describe('sb-contact-list', () => {
  it('one button per entry, named by name, extension or company, and presence', async () => {
    const el = await list();
    expect(buttonNames(el)).to.deep.equal(['Bob Baker, extension 1002, Online', 'Carol Chen, extension 1003, Offline', 'Pat Lee, Acme, +1 415 555 0101, personal contact']);
    expect(contactRowName(ENTRIES[0]!)).to.equal('Bob Baker, extension 1002, Online');
    expect(buttonNames(el).map((n) => n)).to.deep.equal(ENTRIES.map(contactRowName));
    expect(roleOf(el.shadowRoot!.querySelector('lit-virtualizer')!)).to.equal('list');
    await expect(el).to.be.accessible();
  });

  it('selecting fires sb-contact-select with the key', async () => {
    const el = await list();
    setTimeout(() => button(el, 'Pat Lee, Acme, +1 415 555 0101, personal contact').click());
    const e = await oneEvent(el, 'sb-contact-select');
    expect(e.detail).to.deep.equal({ key: 'personal:p1' });
  });

  it('personal contacts show their number in the row', async () => {
    const el = await list([
      { key: 'personal:p1', kind: 'personal', name: 'Pat Lee', subtitle: 'Acme', number: '+1 415 555 0101' },
      { key: 'personal:p2', kind: 'personal', name: 'Quinn', subtitle: '', number: '1005' },
    ]);
    const rows = [...el.shadowRoot!.querySelectorAll('[role=listitem]')];
    expect(rows[0]!.querySelector('.meta')!.textContent).to.contain('+1 415 555 0101');
    expect(rows[1]!.querySelector('.meta')!.textContent).to.contain('1005');
    expect(buttonNames(el)).to.deep.equal(['Pat Lee, Acme, +1 415 555 0101, personal contact', 'Quinn, 1005, personal contact']);
  });

  it('presence says On a call, Ringing, Online, Offline or Unknown', async () => {
    const org = (ext: string, name: string, presence: ContactListEntry['presence']): ContactListEntry =>
      ({ key: `org:${ext}`, kind: 'organisation', name, subtitle: ext, presence });
    const el = await list([org('1002', 'Bob Baker', 'on-call'), org('1003', 'Carol Chen', 'ringing'), org('1004', 'Dan Diaz', 'online'),
      org('1005', 'Erin Evans', 'offline'), org('1006', 'Finn Ford', 'unknown')]);
    const shown = [...el.shadowRoot!.querySelectorAll('.presence')].map((p) => p.textContent!.trim());
    expect(shown).to.deep.equal(['On a call', 'Ringing', 'Online', 'Offline', 'Unknown']);
    expect(buttonNames(el)).to.deep.equal([
      'Bob Baker, extension 1002, On a call', 'Carol Chen, extension 1003, Ringing', 'Dan Diaz, extension 1004, Online',
      'Erin Evans, extension 1005, Offline', 'Finn Ford, extension 1006, Unknown',
    ]);
    // Each state has its own dot.
    const dots = [...el.shadowRoot!.querySelectorAll('.presence')].map((p) => getComputedStyle(p, '::before').backgroundColor + getComputedStyle(p, '::before').borderStyle);
    expect(new Set(dots).size).to.equal(5);
    await expect(el).to.be.accessible();
  });

  it('the parts of a row\'s second line stand apart on screen (extension, number, presence)', async () => {
    const el = await list();
    for (const meta of el.shadowRoot!.querySelectorAll('.meta')) {
      const parts = [...meta.querySelectorAll('.part')].map((p) => p.getBoundingClientRect());
      for (let i = 1; i < parts.length; i++) expect(parts[i]!.left - parts[i - 1]!.right).to.be.at.least(8);
    }
    expect(el.shadowRoot!.querySelectorAll('.meta .part.presence').length).to.equal(2);
  });

  it('rows have one fixed height, and a jump to the middle shows the rows that belong there', async function () {
    this.timeout(20_000); // a page in a background tab gets its frames slowly
    const many: ContactListEntry[] = Array.from({ length: 2000 }, (_, i) => ({
      key: `personal:${i}`, kind: 'personal', name: i % 7 ? `Person ${i}` : `A very long name ${'that goes on '.repeat(10)}${i}`,
      subtitle: i % 3 ? 'Acme' : '', number: `+1 415 555 ${String(i).padStart(4, '0')}`,
    }));
    const el = await list(many);
    const rowsNow = () => [...el.shadowRoot!.querySelectorAll('[role=listitem]')];
    const heights = new Set(rowsNow().map((r) => Math.round(r.getBoundingClientRect().height)));
    expect(heights.size, 'a long name is cut, not wrapped onto a taller row').to.equal(1);
    const rowPx = [...heights][0]!;
    const v = el.shadowRoot!.querySelector('lit-virtualizer')!;
    // Every row's place is known: the scroll height is exact from the start, not an estimate.
    expect(v.scrollHeight).to.be.closeTo(2000 * rowPx, 2);
    v.scrollTop = 1000 * rowPx;
    // Scroll events come with rendering, which a page in a background tab does not get.
    v.dispatchEvent(new Event('scroll'));
    await until(() => buttonNames(el).some((n) => n.startsWith('Person 1002,')), 15_000);
    const top = v.getBoundingClientRect().top;
    const atTop = rowsNow().find((r) => Math.abs(r.getBoundingClientRect().top - top) < 2)!;
    expect(atTop.textContent).to.contain('Person 1000');
    expect(v.scrollTop).to.be.closeTo(1000 * rowPx, 1);
  });

  it('renders user text as text', async () => {
    const el = await list([{ key: 'personal:x', kind: 'personal', name: XSS, subtitle: XSS }]);
    expect(text(el)).to.contain(XSS);
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    expect((window as unknown as { __xss?: number }).__xss).to.equal(undefined);
  });

  it('shows "No contacts match" when empty', async () => {
    const el = await list([]);
    expect(text(el)).to.contain('No contacts match');
    await expect(el).to.be.accessible();
  });

  it('10,000 entries: only the rows in view are in the DOM', async () => {
    const many: ContactListEntry[] = Array.from({ length: 10_000 }, (_, i) => ({
      key: `org:${i}`, kind: 'organisation', name: `Person ${i}`, subtitle: String(10_000 + i), online: i % 2 === 0,
    }));
    const t0 = performance.now();
    const el = await list(many);
    console.log(`sb-contact-list: 10,000 entries rendered in ${Math.round(performance.now() - t0)} ms`);
    expect(buttonNames(el).length).to.be.greaterThan(0);
    expect(buttonNames(el).length).to.be.lessThan(200);
  });
});
