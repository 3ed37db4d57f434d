import { expect, fixture, html, oneEvent } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../../src/components/sb-switch-offer-card.js';
import type { SbSwitchOfferCard, SwitchOffer } from '../../../src/components/sb-switch-offer-card.js';
import { button, buttonNames, roleOf, text, XSS } from './helpers.js';

const OFFER: SwitchOffer = { offerId: 'of-1', remote: { number: '1002', name: 'Bob Baker' }, fromDevice: 'Work laptop' };

async function card(offer: SwitchOffer | null = OFFER): Promise<SbSwitchOfferCard> {
  return fixture<SbSwitchOfferCard>(html`<sb-switch-offer-card .offer=${offer}></sb-switch-offer-card>`);
}

function article(el: SbSwitchOfferCard): HTMLElement {
  return el.shadowRoot!.querySelector('article')!;
}

describe('sb-switch-offer-card', () => {
  afterEach(() => emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' }));

  it('an article "Call with <name> from <device>" asking "Move call with <name> here?"', async () => {
    const el = await card();
    expect(roleOf(article(el))).to.equal('article');
    expect(article(el).getAttribute('aria-label')).to.equal('Call with Bob Baker from Work laptop');
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.equal('Move call with Bob Baker here?');
    expect(text(el)).to.contain('From Work laptop');
    expect(buttonNames(el)).to.deep.equal(['Answer', 'Decline']);
    await expect(el).to.be.accessible();
  });

  it('without a name, the number', async () => {
    const el = await card({ ...OFFER, remote: { name: '', number: '+15550100' } });
    expect(article(el).getAttribute('aria-label')).to.equal('Call with +15550100 from Work laptop');
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.equal('Move call with +15550100 here?');
  });

  it('Answer and Decline fire with the offer id', async () => {
    const el = await card();
    setTimeout(() => button(el, 'Answer').click());
    expect((await oneEvent(el, 'sb-switch-offer-answer')).detail).to.deep.equal({ offerId: 'of-1' });
    setTimeout(() => button(el, 'Decline').click());
    expect((await oneEvent(el, 'sb-switch-offer-decline')).detail).to.deep.equal({ offerId: 'of-1' });
  });

  it('looks like a ringing card: it pulses, except with reduced motion', async () => {
    const el = await card();
    expect(getComputedStyle(article(el)).animationName).to.equal('ring');
    await emulateMedia({ reducedMotion: 'reduce' });
    expect(getComputedStyle(article(el)).animationName).to.equal('none');
  });

  it('renders nothing without an offer', async () => {
    const el = await card(null);
    expect(el.shadowRoot!.querySelector('article')).to.be.null;
  });

  it('renders user text as text', async () => {
    const el = await card({ offerId: 'x', remote: { name: XSS, number: XSS }, fromDevice: XSS });
    expect(article(el).getAttribute('aria-label')).to.equal(`Call with ${XSS} from ${XSS}`);
    expect(text(el)).to.contain(XSS);
    expect(el.shadowRoot!.querySelector('img')).to.be.null;
    expect((window as unknown as { __xss?: number }).__xss).to.be.undefined;
  });

  it('is accessible in dark mode', async () => {
    await emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    await expect(await card()).to.be.accessible();
  });
});
