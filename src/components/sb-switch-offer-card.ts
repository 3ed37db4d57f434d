import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Party } from '../phone/types.js';
import { displayName, initials } from './format.js';
import { icon } from './icons.js';
import { baseStyles, buttonStyles, cardHeaderStyles, cardStyles } from './shared-styles.js';

/** A call another of my devices offers to move here (Switch Phone from there). */
export interface SwitchOffer {
  offerId: string;
  /** Who the call is with. */
  remote: Party;
  /** The label of the device the call is on now. */
  fromDevice: string;
}

export interface SwitchOfferDetail {
  offerId: string;
}

/** Take the call over on this device. */
export class SwitchOfferAnswerEvent extends CustomEvent<SwitchOfferDetail> {
  static readonly eventName = 'sb-switch-offer-answer' as const;
  constructor(detail: SwitchOfferDetail) {
    super(SwitchOfferAnswerEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

/** Leave the call where it is. */
export class SwitchOfferDeclineEvent extends CustomEvent<SwitchOfferDetail> {
  static readonly eventName = 'sb-switch-offer-decline' as const;
  constructor(detail: SwitchOfferDetail) {
    super(SwitchOfferDeclineEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

/**
 * A call being moved here from another of the user's devices: "Move call with <name> here?",
 * the device it comes from, "Answer" and "Decline". Looks like a ringing call card (and pulses
 * like one, unless the user prefers reduced motion).
 *
 * @fires sb-switch-offer-answer - {@link SwitchOfferAnswerEvent} `{offerId}`.
 * @fires sb-switch-offer-decline - {@link SwitchOfferDeclineEvent} `{offerId}`.
 * @csspart card - the card
 * @cssprop --sb-switch-offer-card-color - border and pulse (default: success)
 */
@customElement('sb-switch-offer-card')
export class SbSwitchOfferCard extends LitElement {
  static override styles = [
    baseStyles,
    buttonStyles,
    cardStyles,
    cardHeaderStyles,
    css`
      :host {
        display: block;
        --_ring: var(--sb-switch-offer-card-color, var(--sb-sys-color-success));
      }

      article {
        border-color: var(--_ring);
        background: color-mix(in srgb, var(--sb-sys-color-success-container) 45%, var(--sb-sys-color-surface));
        animation: ring 1.6s ease-out infinite;
      }

      @media (prefers-reduced-motion: reduce) {
        article {
          animation: none;
          box-shadow:
            var(--sb-sys-elevation-card),
            0 0 0 4px var(--sb-sys-color-success-container);
        }
      }

      .from {
        display: flex;
        align-items: center;
        gap: var(--sb-sys-space-xs);
        margin: 0;
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
        overflow-wrap: anywhere;
      }

      .from .icon {
        width: 1rem;
        height: 1rem;
      }

      .hint {
        margin: 0;
        font-size: var(--sb-sys-font-size-small);
      }

      .actions {
        display: flex;
        flex-wrap: wrap;
        gap: var(--sb-sys-space-sm);
      }

      .actions .btn {
        flex: 1 1 8rem;
      }
    `,
  ];

  @property({ attribute: false })
  offer: SwitchOffer | null = null;

  private fire(answer: boolean): void {
    if (!this.offer) return;
    const detail = { offerId: this.offer.offerId };
    this.dispatchEvent(answer ? new SwitchOfferAnswerEvent(detail) : new SwitchOfferDeclineEvent(detail));
  }

  override render() {
    const offer = this.offer;
    if (!offer) return nothing;
    const name = displayName(offer.remote);
    const hasName = offer.remote.name.trim() !== '';
    const from = offer.fromDevice || 'another device';
    return html`<article part="card" aria-label="Call with ${name} from ${from}">
      <header>
        <span class="avatar" aria-hidden="true">${hasName ? initials(offer.remote.name) : icon('switch-phone')}</span>
        <div class="who">
          <h2>Move call with ${name} here?</h2>
          <p class="from">${icon('switch-phone')}<span>From ${from}${hasName && offer.remote.number ? ` · ${offer.remote.number}` : ''}</span></p>
        </div>
      </header>
      <p class="hint">Answer to carry on the call here; it leaves ${from}.</p>
      <div class="actions">
        <button class="btn success" type="button" @click=${() => this.fire(true)}>${icon('phone')}Answer</button>
        <button class="btn danger" type="button" @click=${() => this.fire(false)}>${icon('hangup')}Decline</button>
      </div>
    </article>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-switch-offer-card': SbSwitchOfferCard;
  }
  interface HTMLElementEventMap {
    'sb-switch-offer-answer': SwitchOfferAnswerEvent;
    'sb-switch-offer-decline': SwitchOfferDeclineEvent;
  }
}
