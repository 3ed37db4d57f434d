import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { Party } from '../phone/types.js';
import { displayName, initials } from './format.js';
import { icon } from './icons.js';
import { switchOfferCardStyles } from './sb-switch-offer-card.styles.js';

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
  static override styles = switchOfferCardStyles;

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
