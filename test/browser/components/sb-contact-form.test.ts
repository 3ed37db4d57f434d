import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../src/components/sb-contact-form.js';
import type { ContactFormValue, SbContactForm } from '../../../src/components/sb-contact-form.js';
import { accessibleName, button, field, text, typeInto, XSS } from './helpers.js';

const form = (o: { value?: ContactFormValue; errors?: Record<string, string>; error?: string } = {}) =>
  fixture<SbContactForm>(html`<sb-contact-form .value=${o.value ?? { first_name: '', last_name: '', company: '', email: '', notes: '', numbers: [] }}
    .errors=${o.errors ?? {}} error=${o.error ?? ''}></sb-contact-form>`);

describe('sb-contact-form', () => {
  it('fills in a contact with a number and fires sb-contact-save with the fields', async () => {
    const el = await form();
    typeInto(field(el, 'First name'), 'Pat');
    typeInto(field(el, 'Last name'), 'Lee');
    typeInto(field(el, 'Company'), 'Acme');
    typeInto(field(el, 'Email'), 'pat@example.com');
    const notes = el.shadowRoot!.querySelector('textarea')!;
    notes.value = 'Line 1';
    notes.dispatchEvent(new Event('input'));
    button(el, 'Add number').click();
    await el.updateComplete;
    const label = field<HTMLSelectElement>(el, 'Label 1');
    label.value = 'work';
    label.dispatchEvent(new Event('change'));
    typeInto(field(el, 'Number 1'), '1004');
    await el.updateComplete;
    await expect(el).to.be.accessible();
    setTimeout(() => button(el, 'Save').click());
    const e = await oneEvent(el, 'sb-contact-save');
    expect(e.detail).to.deep.equal({
      first_name: 'Pat', last_name: 'Lee', company: 'Acme', email: 'pat@example.com', notes: 'Line 1', numbers: [{ label: 'work', number: '1004' }],
    });
  });

  it('pre-fills from value; Remove drops a number; Cancel fires sb-contact-cancel', async () => {
    const el = await form({ value: { first_name: '', last_name: '', company: '', email: '', notes: '', numbers: [{ label: 'mobile', number: '555' }, { label: 'home', number: '777' }] } });
    expect(field(el, 'Number 2').value).to.equal('777');
    button(el, 'Remove number 1').click();
    await el.updateComplete;
    expect(field(el, 'Number 1').value).to.equal('777');
    expect(field<HTMLSelectElement>(el, 'Label 1').value).to.equal('home');
    setTimeout(() => button(el, 'Cancel').click());
    await oneEvent(el, 'sb-contact-cancel');
  });

  it('shows a server error on the field it names', async () => {
    const el = await form({
      value: { first_name: 'Pat', last_name: '', company: '', email: 'bad', notes: '', numbers: [{ label: 'work', number: 'x' }] },
      errors: { email: 'email must be an address like name@example.com', 'numbers.0.number': 'numbers.0.number must be a phone number' },
    });
    const email = field(el, 'Email');
    expect(email.getAttribute('aria-invalid')).to.equal('true');
    expect(el.shadowRoot!.getElementById(email.getAttribute('aria-describedby')!)!.textContent).to.contain('name@example.com');
    expect(field(el, 'Number 1').getAttribute('aria-invalid')).to.equal('true');
    expect(field(el, 'First name').getAttribute('aria-invalid')).to.equal('false');
    expect(accessibleName(email)).to.equal('Email');
    await expect(el).to.be.accessible();
  });

  it('platform errors are shown in the user\'s words, never naming an API field', async () => {
    const el = await form({
      value: { first_name: '', last_name: '', company: '', email: 'bad', notes: '', numbers: [{ label: 'work', number: 'x' }] },
      errors: {
        first_name: 'A contact needs a name (first_name, last_name or company) or a number',
        email: 'email must be an address like name@example.com',
        'numbers.0.number': 'numbers.0.number must be a phone number: digits, with + * # spaces dashes dots or brackets',
      },
    });
    const shown = [...el.shadowRoot!.querySelectorAll('.field-error')].map((p) => p.textContent!.trim());
    expect(shown).to.have.length(3);
    for (const message of shown) expect(message).not.to.match(/first_name|last_name|numbers\.\d|\bemail must\b/);
    expect(shown).to.include('Enter a first name, last name or company, or add a number.');
    expect(shown).to.include('Enter an email address like name@example.com.');
    expect(shown).to.include('Enter a phone number: digits, with + * # spaces, dashes, dots or brackets.');
    await expect(el).to.be.accessible();
  });

  it('Save checks the fields first: says what is wrong in the user\'s words, focuses it, and does not save', async () => {
    const el = await form();
    let saved = 0;
    el.addEventListener('sb-contact-save', () => saved++);
    button(el, 'Save').click();
    await el.updateComplete;
    await el.updateComplete;
    const first = field(el, 'First name');
    expect(first.getAttribute('aria-invalid')).to.equal('true');
    expect(el.shadowRoot!.getElementById(first.getAttribute('aria-describedby')!)!.textContent!.trim())
      .to.equal('Enter a first name, last name or company, or add a number.');
    expect(el.shadowRoot!.activeElement).to.equal(first);
    typeInto(field(el, 'Email'), 'pat@');
    button(el, 'Add number').click();
    await el.updateComplete;
    typeInto(field(el, 'Number 1'), 'call me');
    button(el, 'Save').click();
    await el.updateComplete;
    expect(text(el)).to.contain('Enter an email address like name@example.com.');
    expect(text(el)).to.contain('Enter a phone number');
    expect(saved).to.equal(0);
    expect(text(el)).not.to.match(/first_name|numbers\.0/);
  });

  it('each message goes as soon as its field is fixed, the others stay', async () => {
    const el = await form({ value: { first_name: '', last_name: '', company: '', email: 'pat@', notes: '', numbers: [{ label: 'work', number: 'abc' }] } });
    button(el, 'Save').click();
    await el.updateComplete;
    expect(field(el, 'Email').getAttribute('aria-invalid')).to.equal('true');
    expect(field(el, 'Number 1').getAttribute('aria-invalid')).to.equal('true');
    typeInto(field(el, 'Email'), 'pat@example.com');
    await el.updateComplete;
    expect(field(el, 'Email').getAttribute('aria-invalid')).to.equal('false');
    expect(text(el)).not.to.contain('Enter an email address');
    expect(field(el, 'Number 1').getAttribute('aria-invalid')).to.equal('true');
    typeInto(field(el, 'Number 1'), '+1 415 555 0101');
    await el.updateComplete;
    expect(el.shadowRoot!.querySelectorAll('.field-error')).to.have.length(0);
    setTimeout(() => button(el, 'Save').click());
    const e = await oneEvent(el, 'sb-contact-save');
    expect(e.detail.numbers).to.deep.equal([{ label: 'work', number: '+1 415 555 0101' }]);
  });

  it('a platform error on a field goes when the user changes that field', async () => {
    const el = await form({
      value: { first_name: 'Pat', last_name: '', company: '', email: 'pat@example.com', notes: '', numbers: [] },
      errors: { email: 'email must be an address like name@example.com' },
    });
    expect(field(el, 'Email').getAttribute('aria-invalid')).to.equal('true');
    typeInto(field(el, 'First name'), 'Patricia');
    await el.updateComplete;
    expect(field(el, 'Email').getAttribute('aria-invalid'), 'another field changed: the refusal stands').to.equal('true');
    typeInto(field(el, 'Email'), 'patricia@example.com');
    await el.updateComplete;
    expect(field(el, 'Email').getAttribute('aria-invalid')).to.equal('false');
  });

  it('renders user text as text', async () => {
    const el = await form({ value: { first_name: XSS, last_name: '', company: '', email: '', notes: '', numbers: [] }, error: XSS });
    expect(field(el, 'First name').value).to.equal(XSS);
    expect(text(el)).to.contain(XSS);
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
  });
});
