import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import '../../../src/components/sb-dialpad.js';
import type { SbDialpad } from '../../../src/components/sb-dialpad.js';
import { button, buttonNames, field, hasButton, text, typeInto, XSS } from './helpers.js';

const DIGITS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

function keys(el: SbDialpad): HTMLButtonElement[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('.key')];
}

describe('sb-dialpad', () => {
  afterEach(() => emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' }));

  it('has twelve keys named by their digit, letters hidden from the name', async () => {
    const el = await fixture<SbDialpad>(html`<sb-dialpad></sb-dialpad>`);
    expect(keys(el)).to.have.length(12);
    for (const d of DIGITS) expect(button(el, d), d).to.exist;
    expect(text(el)).to.contain('ABC');
    expect(button(el, '2').querySelector('.letters')!.getAttribute('aria-hidden')).to.equal('true');
  });

  describe('dial mode', () => {
    it('has a "Number" input, "Delete" and "Call" (disabled while empty)', async () => {
      const el = await fixture<SbDialpad>(html`<sb-dialpad></sb-dialpad>`);
      expect(field(el, 'Number').type).to.equal('tel');
      expect(button(el, 'Call').disabled).to.be.true;
      expect(button(el, 'Delete').disabled).to.be.true;
      expect(hasButton(el, 'Close')).to.be.false;
    });

    it('keys append to the number; Delete removes the last; Call fires sb-dial and clears', async () => {
      const el = await fixture<SbDialpad>(html`<sb-dialpad></sb-dialpad>`);
      for (const d of '1009') button(el, d).click();
      await el.updateComplete;
      expect(field(el, 'Number').value).to.equal('1009');
      expect(el.value).to.equal('1009');
      button(el, 'Delete').click();
      await el.updateComplete;
      expect(field(el, 'Number').value).to.equal('100');
      button(el, '2').click();
      await el.updateComplete;
      expect(button(el, 'Call').disabled).to.be.false;
      setTimeout(() => button(el, 'Call').click());
      const e = await oneEvent(el, 'sb-dial');
      expect(e.detail).to.deep.equal({ number: '1002' });
      await el.updateComplete;
      expect(field(el, 'Number').value).to.equal('');
    });

    it('focus moves to the input when "Delete" or "Call" becomes disabled under it', async () => {
      const el = await fixture<SbDialpad>(html`<sb-dialpad value="1"></sb-dialpad>`);
      button(el, 'Delete').focus();
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      expect(el.value).to.equal('');
      expect(el.shadowRoot!.activeElement).to.equal(field(el, 'Number'));
      el.value = '7';
      await el.updateComplete;
      button(el, 'Call').focus();
      await sendKeys({ press: 'Enter' });
      await el.updateComplete;
      expect(el.shadowRoot!.activeElement).to.equal(field(el, 'Number'));
    });

    it('a listener can keep the number by cancelling sb-dial', async () => {
      const el = await fixture<SbDialpad>(html`<sb-dialpad value="555"></sb-dialpad>`);
      el.addEventListener('sb-dial', (e) => e.preventDefault());
      button(el, 'Call').click();
      await el.updateComplete;
      expect(field(el, 'Number').value).to.equal('555');
    });

    it('the input is editable and Enter calls', async () => {
      const el = await fixture<SbDialpad>(html`<sb-dialpad></sb-dialpad>`);
      const input = field(el, 'Number');
      input.focus();
      await sendKeys({ type: '+1 555 0100' });
      expect(el.value).to.equal('+1 555 0100');
      setTimeout(() => sendKeys({ press: 'Enter' }));
      const e = await oneEvent(el, 'sb-dial');
      expect(e.detail.number).to.equal('+1 555 0100');
    });

    it('Enter with nothing typed does not call', async () => {
      const el = await fixture<SbDialpad>(html`<sb-dialpad></sb-dialpad>`);
      let fired = 0;
      el.addEventListener('sb-dial', () => fired++);
      typeInto(field(el, 'Number'), '   ');
      await sendKeys({ press: 'Enter' });
      expect(fired).to.equal(0);
    });

    it('typing digits while a key has focus dials them; Backspace deletes', async () => {
      const el = await fixture<SbDialpad>(html`<sb-dialpad></sb-dialpad>`);
      button(el, '5').focus();
      await sendKeys({ type: '12#*' });
      await sendKeys({ press: 'Backspace' });
      await el.updateComplete;
      expect(field(el, 'Number').value).to.equal('12#');
    });

    it('the value property sets the input', async () => {
      const el = await fixture<SbDialpad>(html`<sb-dialpad value="1001"></sb-dialpad>`);
      expect(field(el, 'Number').value).to.equal('1001');
      el.value = '';
      await el.updateComplete;
      expect(field(el, 'Number').value).to.equal('');
    });

    it('is accessible', async () => {
      const el = await fixture<SbDialpad>(html`<sb-dialpad value="1001" closable></sb-dialpad>`);
      await expect(el).to.be.accessible();
      await emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
      await expect(el).to.be.accessible();
    });
  });

  describe('dtmf mode', () => {
    it('has no input and shows the digits sent', async () => {
      const el = await fixture<SbDialpad>(html`<sb-dialpad mode="dtmf" digits="12#"></sb-dialpad>`);
      expect(el.shadowRoot!.querySelector('input')).to.be.null;
      expect(hasButton(el, 'Call')).to.be.false;
      expect(text(el)).to.contain('12#');
    });

    it('each press fires sb-dtmf with the tone and does not edit anything itself', async () => {
      const el = await fixture<SbDialpad>(html`<sb-dialpad mode="dtmf"></sb-dialpad>`);
      const tones: string[] = [];
      el.addEventListener('sb-dtmf', (e) => tones.push(e.detail.tone));
      for (const d of ['5', '*', '#', '0']) button(el, d).click();
      expect(tones).to.deep.equal(['5', '*', '#', '0']);
      expect(el.digits).to.equal('');
    });

    it('typing tones while focused sends them; other keys are ignored', async () => {
      const el = await fixture<SbDialpad>(html`<sb-dialpad mode="dtmf"></sb-dialpad>`);
      const tones: string[] = [];
      el.addEventListener('sb-dtmf', (e) => tones.push(e.detail.tone));
      button(el, '1').focus();
      await sendKeys({ type: '9x#+' });
      expect(tones).to.deep.equal(['9', '#']);
    });

    it('"Close" fires sb-dialpad-close when closable', async () => {
      const el = await fixture<SbDialpad>(html`<sb-dialpad mode="dtmf" closable></sb-dialpad>`);
      setTimeout(() => button(el, 'Close').click());
      const e = await oneEvent(el, 'sb-dialpad-close');
      expect(e.type).to.equal('sb-dialpad-close');
    });

    it('renders digits as text', async () => {
      const el = await fixture<SbDialpad>(html`<sb-dialpad mode="dtmf" .digits=${XSS}></sb-dialpad>`);
      expect(text(el)).to.contain(XSS);
      expect(el.shadowRoot!.querySelector('img')).to.be.null;
    });

    it('is accessible', async () => {
      const el = await fixture<SbDialpad>(html`<sb-dialpad mode="dtmf" digits="123" closable></sb-dialpad>`);
      await expect(el).to.be.accessible();
      expect(buttonNames(el)).to.deep.equal(['Close', ...DIGITS]);
    });
  });
});
