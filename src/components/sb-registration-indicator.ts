import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { RegistrationState } from '../phone/types.js';
import { registrationIndicatorStyles } from './sb-registration-indicator.styles.js';

const LABELS: Record<RegistrationState, string> = {
  registered: 'Registered',
  connecting: 'Connecting',
  offline: 'Offline',
  failed: 'Not registered',
};

/**
 * Whether the phone can make and receive calls: a coloured dot and a word. Green "Registered",
 * amber "Connecting" (pulsing unless the user prefers reduced motion), grey "Offline", red "Not
 * registered" (the server refused us). `detail` says why, as a tooltip and as a second line.
 * With `dnd` the label adds "· Do Not Disturb" (calls go to voicemail even while registered).
 *
 * A polite live region, so a change is announced without interrupting.
 *
 * @csspart dot - the coloured dot
 * @cssprop --sb-registration-indicator-registered-color - dot when registered (default: success)
 * @cssprop --sb-registration-indicator-connecting-color - dot while connecting (default: warning)
 * @cssprop --sb-registration-indicator-offline-color - dot when offline (default: muted text)
 * @cssprop --sb-registration-indicator-failed-color - dot when refused (default: danger)
 */
@customElement('sb-registration-indicator')
export class SbRegistrationIndicator extends LitElement {
  static override styles = registrationIndicatorStyles;

  @property({ reflect: true })
  state: RegistrationState = 'offline';

  /** Why: the server's reason, the retry countdown, or the registered address. */
  @property()
  detail = '';

  /** Do Not Disturb is on: callers go to voicemail, whatever the registration ("Registered · Do Not Disturb"). */
  @property({ type: Boolean, reflect: true })
  dnd = false;

  override render() {
    const label = LABELS[this.state] ?? LABELS.offline;
    // The detail line is for the states a user may need to act on; when registered the detail
    // (usually the address) is only a tooltip.
    const showDetail = this.detail && this.state !== 'registered';
    return html`<div
      class="status"
      role="status"
      aria-live="polite"
      data-state=${this.state}
      title=${this.detail || nothing}
    >
      <span class="dot" part="dot" aria-hidden="true"></span>
      <span class="label">${label}${this.dnd ? html` · <span class="dnd">Do Not Disturb</span>` : nothing}</span>
      ${showDetail
        ? html`<span class="detail">${this.detail}</span>`
        : this.detail
          ? html`<span class="sr-only">${this.detail}</span>`
          : nothing}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-registration-indicator': SbRegistrationIndicator;
  }
}
