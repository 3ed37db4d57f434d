import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { RegistrationState } from '../phone/types.js';
import { baseStyles } from './shared-styles.js';

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
  static override styles = [
    baseStyles,
    css`
      :host {
        display: inline-block;
        font-size: var(--sb-sys-font-size-small);
      }

      .status {
        display: grid;
        grid-template-columns: auto 1fr;
        column-gap: var(--sb-sys-space-sm);
        align-items: center;
      }

      .dot {
        width: 0.625rem;
        height: 0.625rem;
        border-radius: var(--sb-sys-radius-pill);
        background: var(--dot);
        box-shadow: 0 0 0 3px var(--halo, transparent);
      }

      .label {
        font-weight: 600;
      }

      .detail {
        grid-column: 2;
        color: var(--sb-sys-color-on-surface-muted);
        overflow-wrap: anywhere;
      }

      [data-state='registered'] {
        --dot: var(--sb-registration-indicator-registered-color, var(--sb-sys-color-success));
        --halo: var(--sb-sys-color-success-container);
      }
      [data-state='connecting'] {
        --dot: var(--sb-registration-indicator-connecting-color, var(--sb-sys-color-warning));
        --halo: var(--sb-sys-color-warning-container);
      }
      [data-state='offline'] {
        --dot: var(--sb-registration-indicator-offline-color, var(--sb-sys-color-on-surface-muted));
      }
      [data-state='failed'] {
        --dot: var(--sb-registration-indicator-failed-color, var(--sb-sys-color-danger));
        --halo: var(--sb-sys-color-danger-container);
      }

      [data-state='connecting'] .dot {
        animation: pulse 1.2s ease-in-out infinite;
      }

      @keyframes pulse {
        50% {
          opacity: 0.35;
        }
      }

      @media (prefers-reduced-motion: reduce) {
        [data-state='connecting'] .dot {
          animation: none;
        }
      }
    `,
  ];

  @property({ reflect: true })
  state: RegistrationState = 'offline';

  /** Why: the server's reason, the retry countdown, or the registered address. */
  @property()
  detail = '';

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
      <span class="label">${label}</span>
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
