import { expect, fixture, html } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../../src/components/sb-registration-indicator.js';
import type { SbRegistrationIndicator } from '../../../src/components/sb-registration-indicator.js';
import type { RegistrationState } from '../../../src/phone/types.js';
import { text, XSS } from './helpers.js';

function region(el: SbRegistrationIndicator): HTMLElement {
  return el.shadowRoot!.querySelector('[role="status"]')!;
}

function dotColor(el: SbRegistrationIndicator): string {
  return getComputedStyle(el.shadowRoot!.querySelector('.dot')!).backgroundColor;
}

describe('sb-registration-indicator', () => {
  afterEach(() => emulateMedia({ colorScheme: 'light', reducedMotion: 'no-preference' }));

  const cases: Array<[RegistrationState, string, string]> = [
    ['registered', 'Registered', 'rgb(22, 134, 74)'], // success
    ['connecting', 'Connecting', 'rgb(138, 90, 0)'], // warning
    ['offline', 'Offline', 'rgb(79, 88, 107)'], // muted
    ['failed', 'Not registered', 'rgb(198, 40, 40)'], // danger
  ];

  for (const [state, label, color] of cases) {
    it(`'${state}' reads "${label}" with its colour`, async () => {
      const el = await fixture<SbRegistrationIndicator>(
        html`<sb-registration-indicator .state=${state}></sb-registration-indicator>`,
      );
      expect(text(el)).to.equal(label);
      expect(dotColor(el)).to.equal(color);
      expect(region(el).getAttribute('aria-live')).to.equal('polite');
      await expect(el).to.be.accessible();
    });
  }

  it('shows the detail as a tooltip and a second line when not registered', async () => {
    const el = await fixture<SbRegistrationIndicator>(
      html`<sb-registration-indicator state="failed" detail="Wrong password (403)"></sb-registration-indicator>`,
    );
    expect(region(el).title).to.equal('Wrong password (403)');
    expect(text(el)).to.equal('Not registered Wrong password (403)');
    expect(el.shadowRoot!.querySelector('.detail')).to.exist;
  });

  it('keeps the detail out of sight when registered', async () => {
    const el = await fixture<SbRegistrationIndicator>(
      html`<sb-registration-indicator state="registered" detail="sip:1001@demo"></sb-registration-indicator>`,
    );
    expect(region(el).title).to.equal('sip:1001@demo');
    expect(el.shadowRoot!.querySelector('.detail')).to.be.null;
    expect(el.shadowRoot!.querySelector('.sr-only')!.textContent).to.equal('sip:1001@demo');
  });

  it('the connecting dot pulses, except with reduced motion', async () => {
    const el = await fixture<SbRegistrationIndicator>(html`<sb-registration-indicator state="connecting"></sb-registration-indicator>`);
    const dot = el.shadowRoot!.querySelector('.dot')!;
    expect(getComputedStyle(dot).animationName).to.equal('pulse');
    await emulateMedia({ reducedMotion: 'reduce' });
    expect(getComputedStyle(dot).animationName).to.equal('none');
  });

  it('updates in place, so the change is announced by the same live region', async () => {
    const el = await fixture<SbRegistrationIndicator>(html`<sb-registration-indicator state="connecting"></sb-registration-indicator>`);
    const before = region(el);
    el.state = 'registered';
    await el.updateComplete;
    expect(region(el)).to.equal(before);
    expect(text(el)).to.equal('Registered');
  });

  it('renders the detail as text', async () => {
    const el = await fixture<SbRegistrationIndicator>(html`<sb-registration-indicator state="failed" .detail=${XSS}></sb-registration-indicator>`);
    expect(text(el)).to.contain(XSS);
    expect(el.shadowRoot!.querySelector('img')).to.be.null;
  });

  it('is accessible in dark mode', async () => {
    await emulateMedia({ colorScheme: 'dark', reducedMotion: 'reduce' });
    const el = await fixture<SbRegistrationIndicator>(
      html`<sb-registration-indicator state="failed" detail="Wrong password"></sb-registration-indicator>`,
    );
    await expect(el).to.be.accessible();
  });
});
