import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../src/components/sb-contact-list.js';
import { contactRowName, type ContactListEntry, type SbContactList } from '../../../src/components/sb-contact-list.js';
import { button, buttonNames, roleOf, text, XSS, ignoreResizeObserverLoops, until } from './helpers.js';

ignoreResizeObserverLoops();

const ENTRIES: ContactListEntry[] = [
  { key: 'org:1002', kind: 'organisation', name: 'Bob Baker', subtitle: '1002', online: true },
  { key: 'org:1003', kind: 'organisation', name: 'Carol Chen', subtitle: '1003', online: false },
  { key: 'personal:p1', kind: 'personal', name: 'Pat Lee', subtitle: 'Acme' },
];


async function list(entries: ContactListEntry[] = ENTRIES): Promise<SbContactList> {
  const el = await fixture<SbContactList>(html`<sb-contact-list .entries=${entries}></sb-contact-list>`);
  if (entries.length) await until(() => buttonNames(el).length > 0);
  return el;
}

describe('sb-contact-list', () => {
  it('one button per entry, named by name, extension or company, and presence', async () => {
    const el = await list();
    expect(buttonNames(el)).to.deep.equal(['Bob Baker, extension 1002, online', 'Carol Chen, extension 1003, offline', 'Pat Lee, Acme, personal contact']);
    expect(contactRowName(ENTRIES[0]!)).to.equal('Bob Baker, extension 1002, online');
    expect(roleOf(el.shadowRoot!.querySelector('lit-virtualizer')!)).to.equal('list');
    await expect(el).to.be.accessible();
  });

  it('selecting fires sb-contact-select with the key', async () => {
    const el = await list();
    setTimeout(() => button(el, 'Pat Lee, Acme, personal contact').click());
    const e = await oneEvent(el, 'sb-contact-select');
    expect(e.detail).to.deep.equal({ key: 'personal:p1' });
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
