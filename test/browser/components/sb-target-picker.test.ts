import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia, sendKeys } from '@web/test-runner-commands';
import '../../../src/components/sb-target-picker.js';
import type { DirectoryEntry, SbTargetPicker, TargetPickerMode } from '../../../src/components/sb-target-picker.js';
import { accessibleName, button, buttonNames, field, hasButton, roleOf, text, typeInto, XSS } from './helpers.js';

const DIRECTORY: DirectoryEntry[] = [
  { extension: '1001', name: 'Alice Anders', online: true },
  { extension: '1002', name: 'Bob Baker', online: true },
  { extension: '1003', name: 'Carol Chen', online: false },
  { extension: '1004', name: 'Dan Diaz', online: true },
  { extension: '1005', name: 'Dana Delgado', online: false },
  { extension: '2000', name: 'Zoë Zimmer', online: true },
];

async function picker(mode: TargetPickerMode = 'add', open = true, directory = DIRECTORY): Promise<SbTargetPicker> {
  const el = await fixture<SbTargetPicker>(
    html`<sb-target-picker mode=${mode} .directory=${directory} ?open=${open}></sb-target-picker>`,
  );
  await el.updateComplete;
  return el;
}

function dialog(el: SbTargetPicker): HTMLDialogElement {
  return el.shadowRoot!.querySelector('dialog')!;
}

function search(el: SbTargetPicker): HTMLInputElement {
  return field(el, 'Search or enter a number');
}

async function typeSearch(el: SbTargetPicker, value: string): Promise<void> {
  typeInto(search(el), value);
  await el.updateComplete;
}

/** The names of the result buttons, in order. */
function results(el: SbTargetPicker): string[] {
  return [...el.shadowRoot!.querySelectorAll('.results button')].map(accessibleName);
}

function focused(el: SbTargetPicker): Element | null {
  return el.shadowRoot!.activeElement;
}

describe('sb-target-picker', () => {
  afterEach(() => emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' }));

  it('closed: the dialog is not shown', async () => {
    const el = await picker('add', false);
    expect(dialog(el).open).to.be.false;
  });

  it('open: a modal dialog titled "Add a call", focus in the search field', async () => {
    const el = await picker('add');
    const d = dialog(el);
    expect(d.open).to.be.true;
    expect(d.matches(':modal')).to.be.true;
    expect(roleOf(d)).to.equal('dialog');
    expect(accessibleName(d)).to.equal('Add a call');
    expect(d.getAttribute('aria-labelledby')).to.equal('title');
    expect(focused(el)).to.equal(search(el));
    // Everyone, before anything is typed.
    expect(results(el)).to.have.length(DIRECTORY.length);
    await expect(el).to.be.accessible();
  });

  it('filters by name or extension as you type, ignoring case and accents', async () => {
    const el = await picker();
    await typeSearch(el, 'da');
    expect(results(el).map((n) => n.split(' ').slice(0, 2).join(' '))).to.deep.equal(['Dan Diaz', 'Dana Delgado']);
    await typeSearch(el, 'DAN DI');
    expect(results(el)).to.deep.equal(['Dan Diaz 1004 online']);
    await typeSearch(el, 'zoe');
    expect(results(el)).to.deep.equal(['Zoë Zimmer 2000 online']);
    await typeSearch(el, '100');
    expect(results(el)).to.deep.equal([
      'Alice Anders 1001 online',
      'Bob Baker 1002 online',
      'Carol Chen 1003 offline',
      'Dan Diaz 1004 online',
      'Dana Delgado 1005 offline',
      'Use 100',
    ]);
    const status = el.shadowRoot!.querySelector('[role="status"]')!;
    expect(status.textContent).to.equal('6 matches');
    await typeSearch(el, 'nobody here');
    expect(results(el)).to.deep.equal([]);
    expect(text(el)).to.contain('No one matches “nobody here”.');
    expect(status.textContent).to.equal('No matches');
  });

  it('shows online state with a dot and words for screen readers', async () => {
    const el = await picker();
    const [alice, , carol] = [...el.shadowRoot!.querySelectorAll('.results button')];
    expect(alice!.querySelector('.dot')!.classList.contains('online')).to.be.true;
    expect(alice!.querySelector('.dot')!.getAttribute('aria-hidden')).to.equal('true');
    expect(alice!.querySelector('.sr-only')!.textContent).to.equal('online');
    expect(carol!.querySelector('.dot')!.classList.contains('online')).to.be.false;
    expect(carol!.querySelector('.sr-only')!.textContent).to.equal('offline');
  });

  it('a number nobody has: "Use <number>", formatting removed', async () => {
    const el = await picker();
    await typeSearch(el, '+1 (555) 010-0');
    expect(results(el)).to.deep.equal(['Use +15550100']);
    setTimeout(() => button(el, 'Use +15550100').click());
    const e = await oneEvent(el, 'sb-target-chosen');
    expect(e.detail).to.deep.equal({ target: '+15550100', name: '', kind: 'add' });
  });

  it('an exact extension is not offered as a bare number', async () => {
    const el = await picker();
    await typeSearch(el, '1002');
    expect(results(el)).to.deep.equal(['Bob Baker 1002 online']);
  });

  it('add: choosing fires {target, name, kind: "add"} and closes', async () => {
    const el = await picker('add');
    await typeSearch(el, 'bob');
    setTimeout(() => button(el, 'Bob Baker 1002 online').click());
    const e = await oneEvent(el, 'sb-target-chosen');
    expect(e.detail).to.deep.equal({ target: '1002', name: 'Bob Baker', kind: 'add' });
    await el.updateComplete;
    expect(el.open).to.be.false;
    expect(dialog(el).open).to.be.false;
  });

  it('transfer: titled "Transfer call"; after choosing, "Transfer Now" is blind', async () => {
    const el = await picker('transfer');
    expect(accessibleName(dialog(el))).to.equal('Transfer call');
    await typeSearch(el, 'dan d');
    button(el, 'Dan Diaz 1004 online').click();
    await el.updateComplete;
    expect(buttonNames(el)).to.deep.equal(['Transfer Now', 'Talk First', 'Back', 'Cancel']);
    expect(text(el)).to.contain('Transfer to Dan Diaz 1004');
    expect(focused(el)).to.equal(button(el, 'Transfer Now'));
    await expect(el).to.be.accessible();
    setTimeout(() => button(el, 'Transfer Now').click());
    const e = await oneEvent(el, 'sb-target-chosen');
    expect(e.detail).to.deep.equal({ target: '1004', name: 'Dan Diaz', kind: 'blind' });
    expect(el.open).to.be.false;
  });

  it('transfer: "Talk First" is attended; "Back" returns to the search', async () => {
    const el = await picker('transfer');
    await typeSearch(el, '555 0100');
    button(el, 'Use 5550100').click();
    await el.updateComplete;
    button(el, 'Back').click();
    await el.updateComplete;
    expect(hasButton(el, 'Transfer Now')).to.be.false;
    expect(focused(el)).to.equal(search(el));
    expect(search(el).value).to.equal('555 0100');
    button(el, 'Use 5550100').click();
    await el.updateComplete;
    setTimeout(() => button(el, 'Talk First').click());
    const e = await oneEvent(el, 'sb-target-chosen');
    expect(e.detail).to.deep.equal({ target: '5550100', name: '', kind: 'attended' });
  });

  it('"Cancel" fires sb-target-cancel and closes', async () => {
    const el = await picker('transfer');
    setTimeout(() => button(el, 'Cancel').click());
    const e = await oneEvent(el, 'sb-target-cancel');
    expect(e.type).to.equal('sb-target-cancel');
    await el.updateComplete;
    expect(el.open).to.be.false;
    expect(dialog(el).open).to.be.false;
  });

  it('Escape closes and fires sb-target-cancel', async () => {
    const el = await picker('add');
    let chosen = 0;
    el.addEventListener('sb-target-chosen', () => chosen++);
    setTimeout(() => sendKeys({ press: 'Escape' }));
    await oneEvent(el, 'sb-target-cancel');
    expect(el.open).to.be.false;
    expect(dialog(el).open).to.be.false;
    expect(chosen).to.equal(0);
  });

  it('keyboard: Down into the results, Up/Down through them, Enter chooses', async () => {
    const el = await picker('add');
    await sendKeys({ type: 'da' });
    await el.updateComplete;
    expect(search(el).value).to.equal('da');
    await sendKeys({ press: 'ArrowDown' });
    expect(accessibleName(focused(el)!)).to.equal('Dan Diaz 1004 online');
    await sendKeys({ press: 'ArrowDown' });
    expect(accessibleName(focused(el)!)).to.equal('Dana Delgado 1005 offline');
    await sendKeys({ press: 'ArrowDown' });
    expect(accessibleName(focused(el)!)).to.equal('Dana Delgado 1005 offline');
    await sendKeys({ press: 'ArrowUp' });
    await sendKeys({ press: 'ArrowUp' });
    expect(focused(el)).to.equal(search(el));
    await sendKeys({ press: 'ArrowDown' });
    await sendKeys({ press: 'ArrowDown' });
    setTimeout(() => sendKeys({ press: 'Enter' }));
    const e = await oneEvent(el, 'sb-target-chosen');
    expect(e.detail).to.deep.equal({ target: '1005', name: 'Dana Delgado', kind: 'add' });
  });

  it('keyboard: Enter in the field chooses the first match', async () => {
    const el = await picker('add');
    await sendKeys({ type: 'carol' });
    setTimeout(() => sendKeys({ press: 'Enter' }));
    const e = await oneEvent(el, 'sb-target-chosen');
    expect(e.detail).to.deep.equal({ target: '1003', name: 'Carol Chen', kind: 'add' });
  });

  it('opening again starts from an empty search', async () => {
    const el = await picker('transfer');
    await typeSearch(el, 'bob');
    button(el, 'Bob Baker 1002 online').click();
    await el.updateComplete;
    button(el, 'Cancel').click();
    await el.updateComplete;
    el.open = true;
    await el.updateComplete;
    expect(dialog(el).open).to.be.true;
    expect(search(el).value).to.equal('');
    expect(hasButton(el, 'Transfer Now')).to.be.false;
    expect(focused(el)).to.equal(search(el));
  });

  it('the app closing it fires nothing', async () => {
    const el = await picker('add');
    let events = 0;
    el.addEventListener('sb-target-cancel', () => events++);
    el.addEventListener('sb-target-chosen', () => events++);
    el.open = false;
    await el.updateComplete;
    expect(dialog(el).open).to.be.false;
    expect(events).to.equal(0);
  });

  it('renders user text as text', async () => {
    const el = await picker('transfer', true, [{ extension: '1009', name: XSS, online: true }]);
    await typeSearch(el, XSS);
    expect(text(el)).to.contain(XSS);
    button(el, `${XSS} 1009 online`).click();
    await el.updateComplete;
    expect(text(el)).to.contain(XSS);
    expect(el.shadowRoot!.querySelector('img')).to.be.null;
    expect((window as unknown as { __xss?: number }).__xss).to.be.undefined;
  });

  it('is accessible in dark mode, with a search under way', async () => {
    await emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    const el = await picker('transfer');
    await typeSearch(el, '10');
    await expect(el).to.be.accessible();
  });
});
