import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import '../../../src/components/sb-nav-toggle.js';
import type { SbNavToggle } from '../../../src/components/sb-nav-toggle.js';
import { button } from './helpers.js';

describe('sb-nav-toggle', () => {
  it('is "Show navigation" when collapsed and asks to open', async () => {
    const el = await fixture<SbNavToggle>(html`<sb-nav-toggle></sb-nav-toggle>`);
    const b = button(el, 'Show navigation');
    expect(b.getAttribute('aria-expanded')).to.equal('false');
    setTimeout(() => b.click());
    const e = await oneEvent(el, 'sb-nav-toggle');
    expect(e.detail).to.deep.equal({ open: true });
    // It does not flip itself: the app owns the state.
    expect(el.expanded).to.be.false;
    await expect(el).to.be.accessible();
  });

  it('is "Hide navigation" when expanded and asks to close', async () => {
    const el = await fixture<SbNavToggle>(html`<sb-nav-toggle expanded></sb-nav-toggle>`);
    const b = button(el, 'Hide navigation');
    expect(b.getAttribute('aria-expanded')).to.equal('true');
    setTimeout(() => b.click());
    const e = await oneEvent(el, 'sb-nav-toggle');
    expect(e.detail).to.deep.equal({ open: false });
    await expect(el).to.be.accessible();
  });

  it('is keyboard reachable', async () => {
    const el = await fixture<SbNavToggle>(html`<sb-nav-toggle></sb-nav-toggle>`);
    const b = button(el, 'Show navigation');
    b.focus();
    expect(el.shadowRoot!.activeElement).to.equal(b);
    expect(b.tabIndex).to.equal(0);
  });
});
