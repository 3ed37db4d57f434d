import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../src/components/sb-contact-detail.js';
import type { ContactDetailValue, SbContactDetail } from '../../../src/components/sb-contact-detail.js';
import { button, buttonNames, hasButton, text, XSS } from './helpers.js';

const PERSONAL: ContactDetailValue = {
  kind: 'personal', name: 'Pat Lee', company: 'Acme', email: 'pat@example.com', notes: 'Prefers mornings',
  numbers: [{ label: 'work', number: '1004' }, { label: 'mobile', number: '+1 555 0100' }],
};

const detail = (contact: ContactDetailValue) => fixture<SbContactDetail>(html`<sb-contact-detail .contact=${contact}></sb-contact-detail>`);

describe('sb-contact-detail', () => {
  it('"Message" on a colleague (with can-message) fires sb-contact-message; not on personal contacts', async () => {
    const el = await fixture<SbContactDetail>(html`<sb-contact-detail can-message .contact=${{ kind: 'organisation', name: 'Bob Baker', numbers: [{ label: 'extension', number: '1002' }] }}></sb-contact-detail>`);
    const fired = oneEvent(el, 'sb-contact-message');
    button(el, 'Message').click();
    await fired;
    el.contact = { kind: 'personal', name: 'Dana', numbers: [] };
    await el.updateComplete;
    expect(hasButton(el, 'Message')).to.equal(false);
    const plain = await detail({ kind: 'organisation', name: 'Bob', numbers: [] });
    expect(hasButton(plain, 'Message')).to.equal(false);
  });

  it('shows the contact, each number with its label and a Call button', async () => {
    const el = await detail(PERSONAL);
    const t = text(el);
    for (const s of ['Pat Lee', 'Acme', 'pat@example.com', 'Prefers mornings', 'work', 'mobile']) expect(t).to.contain(s);
    expect(buttonNames(el)).to.deep.equal(['Close', 'Call 1004', 'Call +1 555 0100', 'Edit', 'Delete']);
    await expect(el).to.be.accessible();
  });

  it('"Call <number>" fires sb-contact-call with the number', async () => {
    const el = await detail(PERSONAL);
    setTimeout(() => button(el, 'Call 1004').click());
    const e = await oneEvent(el, 'sb-contact-call');
    expect(e.detail).to.deep.equal({ number: '1004' });
  });

  it('Edit fires sb-contact-edit; Delete asks first, then fires sb-contact-delete; Close fires sb-contact-close', async () => {
    const el = await detail(PERSONAL);
    setTimeout(() => button(el, 'Edit').click());
    await oneEvent(el, 'sb-contact-edit');
    let deleted = false;
    el.addEventListener('sb-contact-delete', () => (deleted = true));
    button(el, 'Delete').click();
    await el.updateComplete;
    expect(deleted).to.equal(false);
    expect(text(el)).to.contain('Delete this contact?');
    await expect(el).to.be.accessible();
    button(el, 'Keep').click();
    await el.updateComplete;
    expect(hasButton(el, 'Delete contact')).to.equal(false);
    button(el, 'Delete').click();
    await el.updateComplete;
    button(el, 'Delete contact').click();
    expect(deleted).to.equal(true);
    setTimeout(() => button(el, 'Close').click());
    await oneEvent(el, 'sb-contact-close');
  });

  it('organisation users show presence and no Edit/Delete', async () => {
    const el = await detail({ kind: 'organisation', name: 'Bob Baker', online: true, numbers: [{ label: 'extension', number: '1002' }] });
    expect(text(el)).to.contain('Online');
    expect(buttonNames(el)).to.deep.equal(['Close', 'Call 1002']);
  });

  it('renders user text as text', async () => {
    const el = await detail({ ...PERSONAL, name: XSS, notes: XSS, company: XSS });
    expect(text(el)).to.contain(XSS);
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
  });
});
