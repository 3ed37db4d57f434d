import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia, setViewport } from '@web/test-runner-commands';
import '../../../src/components/sb-card-grid.js';
import type { SbCardGrid } from '../../../src/components/sb-card-grid.js';
import './helpers.js';

function columns(el: SbCardGrid): number {
  const grid = el.shadowRoot!.querySelector('.grid')!;
  return getComputedStyle(grid).gridTemplateColumns.split(' ').length;
}

const visible = (el: Element) => el.getClientRects().length > 0;

describe('sb-card-grid', () => {
  afterEach(async () => {
    await setViewport({ width: 800, height: 600 });
    await emulateMedia({ colorScheme: 'light' });
  });

  it('shows the empty slot without cards, and the cards (in DOM order) once there are some', async () => {
    const el = await fixture<SbCardGrid>(html`<sb-card-grid><p slot="empty">Nothing here</p></sb-card-grid>`);
    const empty = el.querySelector('p')!;
    expect(el.empty).to.be.true;
    expect(visible(empty)).to.be.true;
    const a = Object.assign(document.createElement('article'), { textContent: 'A' });
    const b = Object.assign(document.createElement('article'), { textContent: 'B' });
    el.append(a, b);
    await new Promise((r) => setTimeout(r));
    await el.updateComplete;
    expect(el.empty).to.be.false;
    expect(visible(empty)).to.be.false;
    expect(visible(a) && visible(b)).to.be.true;
    expect(a.getBoundingClientRect().left).to.be.below(b.getBoundingClientRect().left);
    b.remove();
    a.remove();
    await new Promise((r) => setTimeout(r));
    await el.updateComplete;
    expect(visible(empty)).to.be.true;
  });

  it('knows nothing about calls: any element is a card', async () => {
    const el = await fixture<SbCardGrid>(html`<sb-card-grid><section>conversation</section></sb-card-grid>`);
    await el.updateComplete;
    expect(el.empty).to.be.false;
  });

  it('one column at 360 px, two at 800 px, never more than three', async () => {
    await setViewport({ width: 360, height: 740 });
    const el = await fixture<SbCardGrid>(html`<sb-card-grid><div>1</div><div>2</div><div>3</div></sb-card-grid>`);
    expect(columns(el)).to.equal(1);
    await setViewport({ width: 1280, height: 800 });
    expect(columns(el)).to.equal(3);
    await setViewport({ width: 800, height: 600 });
    expect(columns(el)).to.equal(2);
    await setViewport({ width: 2400, height: 1000 });
    expect(columns(el)).to.equal(3);
  });

  it('is accessible in light and dark mode', async () => {
    const el = await fixture<SbCardGrid>(html`<sb-card-grid><p slot="empty">No calls right now</p></sb-card-grid>`);
    await expect(el).to.be.accessible();
    await emulateMedia({ colorScheme: 'dark' });
    await expect(el).to.be.accessible();
  });
});
