import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';

/**
 * The workspace's grid of cards: one column on a phone, up to three on a wide screen. It knows
 * nothing about what the cards are (a call, a conference, a Switch Phone offer, a conversation):
 * its children are the cards, laid out in their DOM order, which the owner decides. With no
 * children it shows the `empty` slot instead.
 *
 * @slot - the cards
 * @slot empty - shown while there are no cards
 * @csspart grid - the grid container
 * @cssprop --sb-card-grid-min-column - narrowest a column gets before the grid drops one (default: 20rem)
 * @cssprop --sb-card-grid-gap - space between cards (default: md spacing)
 */
@customElement('sb-card-grid')
export class SbCardGrid extends LitElement {
  static override styles = css`
    :host {
      display: block;
      --_gap: var(--sb-card-grid-gap, var(--sb-sys-space-md));
      --_min: var(--sb-card-grid-min-column, 20rem);
    }

    .grid {
      display: grid;
      gap: var(--_gap);
      /* At least --_min wide, and never more than three columns however wide the grid. */
      grid-template-columns: repeat(auto-fill, minmax(min(100%, max(var(--_min), (100% - 2 * var(--_gap)) / 3)), 1fr));
      align-items: start;
    }

    [hidden] {
      display: none;
    }
  `;

  /** How many cards are slotted. */
  @state() private cards = 0;

  private onSlotChange(e: Event): void {
    this.cards = (e.target as HTMLSlotElement).assignedElements().length;
  }

  /** Whether the grid has no cards (the empty slot is showing). */
  get empty(): boolean {
    return this.cards === 0;
  }

  override render() {
    return html`
      <div class="grid" part="grid" ?hidden=${this.cards === 0}><slot @slotchange=${this.onSlotChange}></slot></div>
      <slot name="empty" ?hidden=${this.cards > 0}></slot>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-card-grid': SbCardGrid;
  }
}
