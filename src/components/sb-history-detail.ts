import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { icon } from './icons.js';
import { baseStyles, buttonStyles } from './shared-styles.js';
import { HistoryCallEvent, type HistoryEntry, type NameOf } from './sb-history-list.js';
import './sb-history-list.js';

export { HistoryCallEvent, type HistoryCallDetail } from './sb-history-list.js';

export interface HistoryAddContactDetail {
  number: string;
  name: string;
}

/** The user wants this party in their personal contacts. */
export class HistoryAddContactEvent extends Event {
  static readonly eventName = 'sb-history-add-contact' as const;
  constructor(readonly detail: HistoryAddContactDetail) {
    super(HistoryAddContactEvent.eventName, { bubbles: true, composed: true });
  }
}

/** The user closed the detail. */
export class HistoryCloseEvent extends Event {
  static readonly eventName = 'sb-history-close' as const;
  constructor() {
    super(HistoryCloseEvent.eventName, { bubbles: true, composed: true });
  }
}

/**
 * One party's call history: their name and number, "Call", "Add to Contacts" and "Close", and every record with
 * them (as given, newest first) in a non-interactive {@link SbHistoryList}.
 *
 * @fires sb-history-call - {@link HistoryCallEvent} with `{number}` when "Call" is pressed
 * @fires sb-history-add-contact - {@link HistoryAddContactEvent} `{number, name}` from "Add to Contacts"
 * @fires sb-history-close - {@link HistoryCloseEvent} when "Close" is pressed
 * @csspart heading - the party's name and number
 */
@customElement('sb-history-detail')
export class SbHistoryDetail extends LitElement {
  static override styles = [
    baseStyles,
    buttonStyles,
    css`
      :host {
        display: block;
        height: 100%;
        min-height: 0;
      }

      section {
        display: flex;
        flex-direction: column;
        gap: var(--sb-sys-space-md);
        height: 100%;
        min-height: 0;
      }

      sb-history-list {
        flex: 1 1 auto;
      }

      header {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--sb-sys-space-sm) var(--sb-sys-space-md);
      }

      h2 {
        flex: 1;
        min-width: 0;
        margin: 0;
        font-size: var(--sb-sys-font-size-title);
        overflow-wrap: anywhere;
      }

      .number {
        display: block;
        color: var(--sb-sys-color-on-surface-muted);
        font-weight: 500;
        font-size: var(--sb-sys-font-size-small);
      }

      .actions {
        display: flex;
        gap: var(--sb-sys-space-sm);
      }
    `,
  ];

  /** The party's name; '' when unknown (the number is shown instead). */
  @property()
  name = '';

  @property()
  number = '';

  /** Every record with this party. */
  @property({ attribute: false })
  entries: ReadonlyArray<HistoryEntry> = [];

  /** Names by number, for the records' transfer notes (see sb-history-list). */
  @property({ attribute: false })
  nameOf: NameOf = () => '';

  override render() {
    const title = this.name.trim() || this.number || 'Unknown caller';
    return html`<section aria-labelledby="title">
      <header part="heading">
        <h2 id="title">${title}${this.name.trim() && this.number ? html`<span class="number">${this.number}</span>` : nothing}</h2>
        <div class="actions">
          <button class="btn success" type="button" ?disabled=${!this.number}
            @click=${() => this.dispatchEvent(new HistoryCallEvent({ number: this.number }))}>${icon('phone')}Call</button>
          <button class="btn secondary" type="button" ?disabled=${!this.number}
            @click=${() => this.dispatchEvent(new HistoryAddContactEvent({ number: this.number, name: this.name.trim() }))}>Add to Contacts</button>
          <button class="btn secondary" type="button" @click=${() => this.dispatchEvent(new HistoryCloseEvent())}>${icon('close')}Close</button>
        </div>
      </header>
      <sb-history-list .entries=${this.entries} .nameOf=${this.nameOf} .selectable=${false} label="Calls with ${title}"></sb-history-list>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-history-detail': SbHistoryDetail;
  }
  interface HTMLElementEventMap {
    'sb-history-close': HistoryCloseEvent;
    'sb-history-add-contact': HistoryAddContactEvent;
  }
}
