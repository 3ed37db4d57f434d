import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../../src/components/sb-login-form.js';
import type { SbLoginForm } from '../../../src/components/sb-login-form.js';
import { button, field, hasButton, text, typeInto, XSS } from './helpers.js';

function alertText(el: SbLoginForm): string {
  return el.shadowRoot!.querySelector('[role="alert"]')!.textContent!.replace(/\s+/g, ' ').trim();
}

describe('sb-login-form', () => {
  afterEach(() => emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' }));


  it('shows the brand, Username, Password and "Log in"', async () => {
    const el = await fixture<SbLoginForm>(html`<sb-login-form></sb-login-form>`);
    const h1 = el.shadowRoot!.querySelector('h1')!;
    expect(h1.textContent!.trim()).to.equal('Switchboard');
    expect(el.shadowRoot!.querySelector('img')!.getAttribute('src')).to.equal('/icons/icon.svg');
    const user = field(el, 'Username');
    expect(user.autocomplete).to.equal('username');
    const pass = field(el, 'Password');
    expect(pass.type).to.equal('password');
    expect(pass.autocomplete).to.equal('current-password');
    expect(button(el, 'Log in').type).to.equal('submit');
    expect(hasButton(el, 'Verify')).to.be.false;
  });

  it('fires sb-login-submit with the trimmed username and the password', async () => {
    const el = await fixture<SbLoginForm>(html`<sb-login-form></sb-login-form>`);
    typeInto(field(el, 'Username'), ' 1001@demo ');
    typeInto(field(el, 'Password'), 's3cret pass');
    setTimeout(() => button(el, 'Log in').click());
    const e = await oneEvent(el, 'sb-login-submit');
    expect(e.detail).to.deep.equal({ username: '1001@demo', password: 's3cret pass' });
    expect(el.username).to.equal('1001@demo');
  });

  it('pressing Enter in the password field submits', async () => {
    const el = await fixture<SbLoginForm>(html`<sb-login-form username="1001@demo"></sb-login-form>`);
    expect(field(el, 'Username').value).to.equal('1001@demo');
    const pass = field(el, 'Password');
    typeInto(pass, 'pw');
    setTimeout(() => pass.form!.requestSubmit());
    const e = await oneEvent(el, 'sb-login-submit');
    expect(e.detail.username).to.equal('1001@demo');
  });

  it('rejects a username that is not extension@domain, with the hint, and focuses it', async () => {
    const el = await fixture<SbLoginForm>(html`<sb-login-form></sb-login-form>`);
    let fired = 0;
    el.addEventListener('sb-login-submit', () => fired++);
    for (const bad of ['1001', 'alice', '@demo', '1001@', '10 01@demo', '']) {
      typeInto(field(el, 'Username'), bad);
      typeInto(field(el, 'Password'), 'pw');
      button(el, 'Log in').click();
      await el.updateComplete;
      await el.updateComplete;
      expect(text(el), bad).to.contain('Enter your login as extension@domain, e.g. 1001@demo');
      const input = field(el, 'Username');
      expect(input.getAttribute('aria-invalid')).to.equal('true');
      expect(el.shadowRoot!.getElementById(input.getAttribute('aria-describedby')!)!.textContent).to.contain(
        'extension@domain',
      );
      expect(el.shadowRoot!.activeElement).to.equal(input);
    }
    expect(fired).to.equal(0);
    // Correcting the field clears the message.
    typeInto(field(el, 'Username'), '1001@demo');
    await el.updateComplete;
    expect(text(el)).not.to.contain('Enter your login as');
  });

  it('asks for a password when it is empty', async () => {
    const el = await fixture<SbLoginForm>(html`<sb-login-form></sb-login-form>`);
    let fired = 0;
    el.addEventListener('sb-login-submit', () => fired++);
    typeInto(field(el, 'Username'), '1001@demo');
    button(el, 'Log in').click();
    await el.updateComplete;
    expect(text(el)).to.contain('Enter your password');
    expect(fired).to.equal(0);
  });

  it('shows the error in a role=alert region, hidden while busy', async () => {
    const el = await fixture<SbLoginForm>(html`<sb-login-form error="Wrong username or password"></sb-login-form>`);
    expect(alertText(el)).to.equal('Wrong username or password');
    el.busy = true;
    await el.updateComplete;
    expect(alertText(el)).to.equal('');
    el.busy = false;
    await el.updateComplete;
    expect(alertText(el)).to.equal('Wrong username or password');
  });

  it('busy disables the fields and buttons and reports progress', async () => {
    const el = await fixture<SbLoginForm>(html`<sb-login-form busy></sb-login-form>`);
    expect(field(el, 'Username').matches(':disabled')).to.be.true;
    expect(field(el, 'Password').matches(':disabled')).to.be.true;
    expect(button(el, 'Log in').matches(':disabled')).to.be.true;
    expect(el.shadowRoot!.querySelector('form')!.getAttribute('aria-busy')).to.equal('true');
    expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.contain('Logging in');
    let fired = 0;
    el.addEventListener('sb-login-submit', () => fired++);
    button(el, 'Log in').click();
    expect(fired).to.equal(0);
    el.busy = false;
    await el.updateComplete;
    expect(button(el, 'Log in').matches(':disabled')).to.be.false;
  });

  it('MFA step: "Verification code" field, "Verify" and "Back"', async () => {
    const el = await fixture<SbLoginForm>(html`<sb-login-form step="mfa"></sb-login-form>`);
    const code = field(el, 'Verification code');
    expect(code.inputMode).to.equal('numeric');
    expect(code.autocomplete).to.equal('one-time-code');
    expect(hasButton(el, 'Log in')).to.be.false;
    expect(hasButton(el, 'Verify')).to.be.true;
    expect(hasButton(el, 'Back')).to.be.true;
    expect(() => field(el, 'Password')).to.throw();
  });

  it('fires sb-mfa-submit with six digits (spaces removed)', async () => {
    const el = await fixture<SbLoginForm>(html`<sb-login-form step="mfa"></sb-login-form>`);
    typeInto(field(el, 'Verification code'), '123 456');
    setTimeout(() => button(el, 'Verify').click());
    const e = await oneEvent(el, 'sb-mfa-submit');
    expect(e.detail).to.deep.equal({ code: '123456' });
  });

  it('rejects a code that is not six digits', async () => {
    const el = await fixture<SbLoginForm>(html`<sb-login-form step="mfa"></sb-login-form>`);
    let fired = 0;
    el.addEventListener('sb-mfa-submit', () => fired++);
    for (const bad of ['12345', '1234567', 'abcdef', '']) {
      typeInto(field(el, 'Verification code'), bad);
      button(el, 'Verify').click();
      await el.updateComplete;
      expect(text(el)).to.contain('Enter the 6-digit code');
    }
    expect(fired).to.equal(0);
  });

  it('"Back" fires sb-mfa-cancel; going back keeps the username', async () => {
    const el = await fixture<SbLoginForm>(html`<sb-login-form></sb-login-form>`);
    typeInto(field(el, 'Username'), '1001@demo');
    typeInto(field(el, 'Password'), 'pw');
    el.step = 'mfa';
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement).to.equal(field(el, 'Verification code'));
    setTimeout(() => button(el, 'Back').click());
    await oneEvent(el, 'sb-mfa-cancel');
    el.step = 'password';
    await el.updateComplete;
    expect(field(el, 'Username').value).to.equal('1001@demo');
  });

  it('renders user text as text', async () => {
    const el = await fixture<SbLoginForm>(html`<sb-login-form .error=${XSS} .username=${XSS}></sb-login-form>`);
    expect(alertText(el)).to.equal(XSS);
    expect(el.shadowRoot!.querySelectorAll('img').length).to.equal(1); // the logo only
    expect((window as unknown as { __xss?: number }).__xss).to.be.undefined;
  });

  it('is accessible: password step, with errors, busy, MFA step, dark', async () => {
    const el = await fixture<SbLoginForm>(html`<sb-login-form></sb-login-form>`);
    await expect(el).to.be.accessible();
    button(el, 'Log in').click();
    await el.updateComplete;
    el.error = 'Wrong username or password';
    await el.updateComplete;
    await expect(el).to.be.accessible();
    el.busy = true;
    await el.updateComplete;
    await expect(el).to.be.accessible();
    el.busy = false;
    el.step = 'mfa';
    await el.updateComplete;
    await expect(el).to.be.accessible();
    // Reduced motion zeroes the transition tokens, so the audit sees settled colours.
    await emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    await expect(el).to.be.accessible();
  });
});
