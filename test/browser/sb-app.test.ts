import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../src/app/sb-app.js';
import type { SbApp } from '../../src/app/sb-app.js';
import { StatusError, type PlatformStatus, type StatusLoader } from '../../src/data/status.js';

const STATUS: PlatformStatus = { name: 'switchboard', version: '1.2.3', domain_count: 4, uptime_s: 7260 };

function text(el: SbApp): string {
  return el.shadowRoot!.textContent!.replace(/\s+/g, ' ');
}

async function settled(el: SbApp): Promise<void> {
  await waitUntil(() => !text(el).includes('Checking the platform'), 'status never settled');
  await el.updateComplete;
}

describe('sb-app', () => {
  it('renders the brand and checks the platform', async () => {
    let calls = 0;
    const loader: StatusLoader = () => {
      calls++;
      return new Promise(() => {}); // never answers
    };
    const el = await fixture<SbApp>(html`<sb-app .loadStatus=${loader}></sb-app>`);
    expect(el.shadowRoot!.querySelector('h1')!.textContent).to.contain('Switchboard');
    expect(text(el)).to.contain('Checking the platform');
    expect(text(el)).to.contain('web phone is on its way');
    expect(calls).to.equal(1);
  });

  it('shows "Platform online" with the details the platform reports', async () => {
    const el = await fixture<SbApp>(html`<sb-app .loadStatus=${async () => STATUS}></sb-app>`);
    await settled(el);
    const t = text(el);
    expect(t).to.contain('Platform online');
    expect(t).not.to.contain('unreachable');
    expect(t).to.contain('1.2.3');
    expect(t).to.contain('4');
    expect(t).to.contain('2 h 1 min');
  });

  it('shows "Platform unreachable" with the reason when the check rejects', async () => {
    const loader: StatusLoader = async () => {
      throw new StatusError('http', 'The platform answered HTTP 503', 503);
    };
    const el = await fixture<SbApp>(html`<sb-app .loadStatus=${loader}></sb-app>`);
    await settled(el);
    expect(text(el)).to.contain('Platform unreachable');
    expect(text(el)).to.contain('HTTP 503');
    expect(text(el)).not.to.contain('Platform online');
  });

  it('does not crash on an unexpected rejection', async () => {
    const el = await fixture<SbApp>(html`<sb-app .loadStatus=${() => Promise.reject(new Error('boom'))}></sb-app>`);
    await settled(el);
    expect(text(el)).to.contain('Platform unreachable');
  });

  it('"Check again" asks the platform again', async () => {
    let up = false;
    const loader: StatusLoader = async () => {
      if (!up) throw new StatusError('network', 'The platform could not be reached');
      return STATUS;
    };
    const el = await fixture<SbApp>(html`<sb-app .loadStatus=${loader}></sb-app>`);
    await settled(el);
    expect(text(el)).to.contain('Platform unreachable');
    up = true;
    const button = [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Check again');
    expect(button, 'Check again button').to.exist;
    button!.click();
    await waitUntil(() => text(el).includes('Platform online'), 'never came online');
  });

  it('ignores an answer that arrives after a newer check', async () => {
    let resolveFirst!: (s: PlatformStatus) => void;
    let call = 0;
    const loader: StatusLoader = () => {
      call++;
      if (call === 1) return new Promise((resolve) => (resolveFirst = resolve));
      return Promise.reject(new StatusError('http', 'The platform answered HTTP 500', 500));
    };
    const el = await fixture<SbApp>(html`<sb-app .loadStatus=${loader}></sb-app>`);
    await el.refresh();
    resolveFirst(STATUS);
    await new Promise((r) => setTimeout(r, 0));
    await el.updateComplete;
    expect(text(el)).to.contain('Platform unreachable');
  });

  it('offers a waiting update and fires sb-update-accept', async () => {
    const el = await fixture<SbApp>(html`<sb-app update-ready .loadStatus=${async () => STATUS}></sb-app>`);
    const reload = [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.trim() === 'Reload');
    expect(reload, 'Reload button').to.exist;
    setTimeout(() => reload!.click());
    const event = await oneEvent(el, 'sb-update-accept');
    expect(event.type).to.equal('sb-update-accept');
  });

  it('passes an axe audit when online', async () => {
    const el = await fixture<SbApp>(html`<sb-app update-ready .loadStatus=${async () => STATUS}></sb-app>`);
    await settled(el);
    await expect(el).to.be.accessible();
  });

  it('passes an axe audit when unreachable', async () => {
    const el = await fixture<SbApp>(html`<sb-app .loadStatus=${() => Promise.reject(new Error('down'))}></sb-app>`);
    await settled(el);
    await expect(el).to.be.accessible();
  });
});
