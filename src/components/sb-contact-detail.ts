import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { icon } from './icons.js';
import { baseStyles, buttonStyles } from './shared-styles.js';
import { entryPresence, presenceText, type ContactPresence } from './sb-contact-list.js';

/** A contact as the detail shows it (an organisation user or a personal contact). */
export interface ContactDetailValue {
  kind: 'organisation' | 'personal';
  name: string;
  company?: string;
  email?: string;
  notes?: string;
  /** `label` is shown as given ("extension", "mobile", "work", ...). */
  numbers: ReadonlyArray<{ label: string; number: string }>;
  /** Presence, organisation users only. */
  online?: boolean;
  /** What they are doing (organisation users; `online` decides when absent). */
  presence?: ContactPresence;
}

export interface ContactCallDetail {
  number: string;
}

/** "Message" was pressed on a colleague: start (or reopen) a chat with them. */
export class ContactMessageEvent extends Event {
  static readonly eventName = 'sb-contact-message' as const;
  constructor() {
    super(ContactMessageEvent.eventName, { bubbles: true, composed: true });
  }
}

/** "Call <number>" was pressed. */
export class ContactCallEvent extends Event {
  static readonly eventName = 'sb-contact-call' as const;
  constructor(readonly detail: ContactCallDetail) {
    super(ContactCallEvent.eventName, { bubbles: true, composed: true });
  }
}

/** "Edit" was pressed (personal contacts). */
export class ContactEditEvent extends Event {
  static readonly eventName = 'sb-contact-edit' as const;
  constructor() {
    super(ContactEditEvent.eventName, { bubbles: true, composed: true });
  }
}

/** Deleting was confirmed (personal contacts). */
export class ContactDeleteEvent extends Event {
  static readonly eventName = 'sb-contact-delete' as const;
  constructor() {
    super(ContactDeleteEvent.eventName, { bubbles: true, composed: true });
  }
}

/** "Close" was pressed. */
export class ContactCloseEvent extends Event {
  static readonly eventName = 'sb-contact-close' as const;
  constructor() {
    super(ContactCloseEvent.eventName, { bubbles: true, composed: true });
  }
}

/**
 * One contact: name (a heading), presence, company, email, notes (always as text) and every
 * number with its label and a "Call <number>" button. Personal contacts also get "Edit" and
 * "Delete"; "Delete" asks first ("Delete this contact?" with "Delete contact" / "Keep").
 *
 * @fires sb-contact-call - {@link ContactCallEvent} with `{number}`
 * @fires sb-contact-message - {@link ContactMessageEvent} (a colleague, with `can-message`)
 * @fires sb-contact-edit - {@link ContactEditEvent}
 * @fires sb-contact-delete - {@link ContactDeleteEvent} after the confirm step
 * @fires sb-contact-close - {@link ContactCloseEvent}
 */
@customElement('sb-contact-detail')
export class SbContactDetail extends LitElement {
  static override styles = [
    baseStyles,
    buttonStyles,
    css`
      :host {
        display: block;
      }

      header {
        display: flex;
        align-items: center;
        gap: var(--sb-sys-space-sm);
        flex-wrap: wrap;
      }

      h2 {
        flex: 1;
        margin: 0;
        font-size: var(--sb-sys-font-size-title);
        overflow-wrap: anywhere;
      }

      dl {
        display: grid;
        grid-template-columns: auto minmax(0, 1fr);
        gap: var(--sb-sys-space-xs) var(--sb-sys-space-md);
      }

      dt {
        color: var(--sb-sys-color-on-surface-muted);
      }

      dd {
        margin: 0;
        overflow-wrap: anywhere;
      }

      .notes {
        white-space: pre-wrap;
      }

      ul {
        margin: 0;
        padding: 0;
        list-style: none;
      }

      li {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: var(--sb-sys-space-md);
        padding: var(--sb-sys-space-xs) 0;
        border-bottom: 1px solid var(--sb-sys-color-outline);
      }

      .label {
        display: block;
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
      }

      .actions {
        display: flex;
        gap: var(--sb-sys-space-sm);
        flex-wrap: wrap;
        margin-top: var(--sb-sys-space-md);
      }

      .confirm {
        margin-top: var(--sb-sys-space-md);
        padding: var(--sb-sys-space-sm) var(--sb-sys-space-md);
        border-radius: var(--sb-sys-radius-control);
        background: var(--sb-sys-color-danger-container);
      }

      .confirm p {
        margin: 0 0 var(--sb-sys-space-sm);
      }
    `,
  ];

  @property({ attribute: false })
  contact?: ContactDetailValue;

  /** A colleague can be messaged (Chat and SMS is there): shows "Message". */
  @property({ type: Boolean, attribute: 'can-message' }) canMessage = false;

  @state() private confirming = false;

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('contact')) this.confirming = false;
  }

  override render() {
    const c = this.contact;
    if (!c) return nothing;
    const personal = c.kind === 'personal';
    return html`
      <header>
        <h2>${c.name || 'Unnamed contact'}</h2>
        <button class="btn ghost" type="button" @click=${() => this.dispatchEvent(new ContactCloseEvent())}>${icon('close')}Close</button>
      </header>
      <dl>
        ${c.kind === 'organisation' ? html`<dt>Status</dt><dd>${presenceText(entryPresence(c))}</dd>` : nothing}
        ${c.company ? html`<dt>Company</dt><dd>${c.company}</dd>` : nothing}
        ${c.email ? html`<dt>Email</dt><dd>${c.email}</dd>` : nothing}
        ${c.notes ? html`<dt>Notes</dt><dd class="notes">${c.notes}</dd>` : nothing}
      </dl>
      ${c.numbers.length > 0
        ? html`<ul aria-label="Numbers">
            ${c.numbers.map(
              (n) => html`<li>
                <span><span class="label">${n.label}</span><span class="number">${n.number}</span></span>
                <button class="btn success" type="button" @click=${() => this.dispatchEvent(new ContactCallEvent({ number: n.number }))}>
                  ${icon('phone')}Call ${n.number}
                </button>
              </li>`,
            )}
          </ul>`
        : html`<p>No numbers</p>`}
      ${c.kind === 'organisation' && this.canMessage
        ? html`<div class="actions"><button class="btn primary" type="button" @click=${() => this.dispatchEvent(new ContactMessageEvent())}>${icon('chat')}Message</button></div>`
        : nothing}
      ${personal ? this.renderActions() : nothing}
    `;
  }

  private renderActions() {
    if (this.confirming) {
      return html`<div class="confirm" role="group" aria-label="Confirm delete">
        <p>Delete this contact?</p>
        <button class="btn danger" type="button" @click=${() => {
          this.confirming = false;
          this.dispatchEvent(new ContactDeleteEvent());
        }}>Delete contact</button>
        <button class="btn secondary" type="button" @click=${() => (this.confirming = false)}>Keep</button>
      </div>`;
    }
    return html`<div class="actions">
      <button class="btn secondary" type="button" @click=${() => this.dispatchEvent(new ContactEditEvent())}>Edit</button>
      <button class="btn secondary" type="button" @click=${() => (this.confirming = true)}>Delete</button>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-contact-detail': SbContactDetail;
  }
  interface HTMLElementEventMap {
    'sb-contact-call': ContactCallEvent;
    'sb-contact-message': ContactMessageEvent;
    'sb-contact-edit': ContactEditEvent;
    'sb-contact-delete': ContactDeleteEvent;
    'sb-contact-close': ContactCloseEvent;
  }
}
