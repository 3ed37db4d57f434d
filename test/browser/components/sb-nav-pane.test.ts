import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia, sendKeys, setViewport } from '@web/test-runner-commands';
import '../../../src/components/sb-nav-pane.js';
import type { NavItem, NavUser, SbNavPane } from '../../../src/components/sb-nav-pane.js';
import { button, buttonNames, roleOf, text, XSS } from './helpers.js';

const ITEMS: NavItem[] = [
  { id: 'park', label: 'Park', icon: 'park' },
  { id: 'contacts', label: 'Contacts', icon: 'contacts' },
  { id: 'history', label: 'History', icon: 'history' },
  { id: 'chat', label: 'Chat', icon: 'chat', badge: 2 },
  { id: 'voicemail', label: 'Voicemail', icon: 'voicemail', badge: 0 },
  { id: 'settings', label: 'Settings', icon: 'settings' },
];

const USER: NavUser = { name: 'Alice Adams', extension: '1001', domain: 'demo' };

async function pane(open = true): Promise<SbNavPane> {
  return fixture<SbNavPane>(html`<sb-nav-pane
    .items=${ITEMS}
    selected="contacts"
    ?open=${open}
    .user=${USER}
    registration="registered"
    registration-detail="sip:1001@demo"
  ></sb-nav-pane>`);
}

describe('sb-nav-pane', () => {
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
    await emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' });
  });

  it('renders a "Main" nav landmark with one button per item, the selected one current', async () => {
    const el = await pane();
    const nav = el.shadowRoot!.querySelector('nav')!;
    expect(nav.getAttribute('aria-label')).to.equal('Main');
    expect(roleOf(nav)).to.equal('navigation');
    const items = [...nav.querySelectorAll('button')];
    expect(items.map((b) => b.textContent!.replace(/\s+/g, ' ').trim().split(' ')[0])).to.deep.equal(
      ITEMS.map((i) => i.label),
    );
    const current = items.filter((b) => b.getAttribute('aria-current') === 'page');
    expect(current).to.have.length(1);
    expect(current[0]).to.equal(button(el, 'Contacts'));
  });

  it('shows a badge for a positive count, told as the item\'s description (its name stays the label)', async () => {
    const el = await pane();
    const chat = button(el, 'Chat');
    expect(chat).to.exist;
    const description = el.shadowRoot!.getElementById(chat.getAttribute('aria-describedby')!);
    expect(description!.textContent).to.equal('2 new');
    expect(chat.querySelector('.badge')!.textContent).to.equal('2');
    expect(button(el, 'Voicemail').hasAttribute('aria-describedby')).to.equal(false);
    expect(button(el, 'Voicemail').querySelector('.badge')).to.be.null;
    el.items = [{ id: 'vm', label: 'Voicemail', icon: 'voicemail', badge: 250 }];
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.badge')!.textContent).to.equal('99+');
  });

  it('shows the user and the registration indicator', async () => {
    const el = await pane();
    const t = text(el);
    expect(t).to.contain('Alice Adams');
    expect(t).to.contain('Ext. 1001');
    expect(t).to.contain('Registered');
    const indicator = el.shadowRoot!.querySelector('sb-registration-indicator')!;
    expect(indicator.state).to.equal('registered');
    el.registration = 'failed';
    el.registrationDetail = 'Wrong password';
    await el.updateComplete;
    await indicator.updateComplete;
    expect(text(el)).to.contain('Not registered');
    expect(text(el)).to.contain('Wrong password');
  });

  it('fires sb-navigate with the item id, without selecting it itself', async () => {
    const el = await pane();
    setTimeout(() => button(el, 'History').click());
    const e = await oneEvent(el, 'sb-navigate');
    expect(e.detail).to.deep.equal({ id: 'history' });
    expect(el.selected).to.equal('contacts');
  });

  it('fires sb-logout from "Log out"', async () => {
    const el = await pane();
    setTimeout(() => button(el, 'Log out').click());
    const e = await oneEvent(el, 'sb-logout');
    expect(e.type).to.equal('sb-logout');
  });

  it('is hidden when not open', async () => {
    const el = await pane(false);
    expect(getComputedStyle(el).display).to.equal('none');
    el.open = true;
    await el.updateComplete;
    expect(getComputedStyle(el).display).to.equal('block');
  });

  it('sits in the flow on a wide screen', async () => {
    await setViewport({ width: 1280, height: 800 });
    const el = await pane();
    expect(getComputedStyle(el).position).to.equal('static');
    expect(getComputedStyle(el.shadowRoot!.querySelector('.close')!).display).to.equal('none');
    expect(getComputedStyle(el.shadowRoot!.querySelector('.scrim')!).display).to.equal('none');
  });

  it('overlays on a narrow screen; scrim, Escape and "Hide navigation" ask to close', async () => {
    await setViewport({ width: 360, height: 740 });
    const el = await pane(false);
    el.open = true;
    await el.updateComplete;
    expect(getComputedStyle(el).position).to.equal('fixed');
    // Opening as an overlay moves focus to the current item.
    expect(el.shadowRoot!.activeElement).to.equal(button(el, 'Contacts'));

    setTimeout(() => (el.shadowRoot!.querySelector('.scrim') as HTMLElement).click());
    expect((await oneEvent(el, 'sb-nav-toggle')).detail).to.deep.equal({ open: false });

    setTimeout(() => sendKeys({ press: 'Escape' }));
    expect((await oneEvent(el, 'sb-nav-toggle')).detail).to.deep.equal({ open: false });

    setTimeout(() => button(el, 'Hide navigation').click());
    expect((await oneEvent(el, 'sb-nav-toggle')).detail).to.deep.equal({ open: false });
    await expect(el).to.be.accessible();
  });

  it('is keyboard reachable: Tab moves through the items', async () => {
    await setViewport({ width: 1280, height: 800 });
    const el = await pane();
    button(el, 'Park').focus();
    await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot!.activeElement).to.equal(button(el, 'Contacts'));
  });

  it('renders user text as text', async () => {
    const el = await fixture<SbNavPane>(html`<sb-nav-pane
      open
      .items=${[{ id: 'x', label: XSS, icon: 'chat' }]}
      .user=${{ name: XSS, extension: '1001', domain: 'demo' }}
    ></sb-nav-pane>`);
    expect(text(el)).to.contain(XSS);
    expect(el.shadowRoot!.querySelector('img')).to.be.null;
    expect(buttonNames(el)).to.include(XSS);
  });

  it('is accessible, light and dark', async () => {
    await setViewport({ width: 1280, height: 800 });
    const el = await pane();
    await expect(el).to.be.accessible();
    await emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    await expect(el).to.be.accessible();
  });
});
