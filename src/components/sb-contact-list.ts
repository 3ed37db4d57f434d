import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '@lit-labs/virtualizer';
import { icon } from './icons.js';
import { baseStyles, listStateStyles } from './shared-styles.js';

/** One row of the contact list: an organisation user or one of my personal contacts. */
export interface ContactListEntry {
  /** Unique across both kinds, e.g. "org:1002" or "personal:<id>". */
  key: string;
  kind: 'organisation' | 'personal';
  name: string;
  /** The extension (organisation) or the company (personal); '' for none. */
  subtitle: string;
  /** Presence, organisation users only. */
  online?: boolean;
}

export interface ContactSelectDetail {
  key: string;
}

/** The user picked a contact: show its detail. */
export class ContactSelectEvent extends Event {
  static readonly eventName = 'sb-contact-select' as const;
  constructor(readonly detail: ContactSelectDetail) {
    super(ContactSelectEvent.eventName, { bubbles: true, composed: true });
  }
}

/** What a row is called: "Bob Baker, extension 1002, online"; "Pat Lee, Acme, personal contact". */
export function contactRowName(e: ContactListEntry): string {
  const parts = [e.name || 'Unnamed contact'];
  if (e.kind === 'organisation') {
    if (e.subtitle) parts.push(`extension ${e.subtitle}`);
    parts.push(e.online ? 'online' : 'offline');
  } else {
    if (e.subtitle) parts.push(e.subtitle);
    parts.push('personal contact');
  }
  return parts.join(', ');
}

/**
 * Contacts in the order given, virtualised (`<lit-virtualizer>`: only the rows in view are in
 * the DOM), so ten thousand entries scroll as smoothly as ten. Each row is a button whose
 * content is its accessible name ("Bob Baker, extension 1002, online"), firing
 * `sb-contact-select`. Shows "No contacts match" when `entries` is empty.
 *
 * @fires sb-contact-select - {@link ContactSelectEvent} with the row's `{key}`
 * @csspart list - the scrolling list
 */
@customElement('sb-contact-list')
export class SbContactList extends LitElement {
  static override styles = [
    baseStyles,
    listStateStyles,
    css`
      :host {
        display: block;
      }

      lit-virtualizer {
        height: var(--sb-contact-list-height, 60vh);
        min-height: 12rem;
      }

      .item {
        width: 100%;
        border-bottom: 1px solid var(--sb-sys-color-outline);
      }

      button {
        display: block;
        width: 100%;
        min-height: 3rem;
        padding: var(--sb-sys-space-xs) var(--sb-sys-space-sm);
        border: 0;
        border-radius: var(--sb-sys-radius-control);
        background: none;
        color: inherit;
        font: inherit;
        text-align: start;
        cursor: pointer;
      }

      button:hover {
        background: var(--sb-sys-color-surface-variant, rgb(127 127 127 / 0.08));
      }

      button:focus-visible {
        outline: 2px solid var(--sb-sys-color-primary);
        outline-offset: -2px;
      }

      .name {
        font-weight: 650;
        overflow-wrap: anywhere;
      }

      .meta {
        display: block;
      }

      .sub + .sep + .presence {
        margin-inline-start: var(--sb-sys-space-md);
      }

      .sub,
      .presence {
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
      }

      /* In the name but not on screen (see sb-history-list: .sr-only would add a space). */
      .sep {
        font-size: 0;
      }

      .presence::before {
        content: '';
        display: inline-block;
        width: 0.6rem;
        height: 0.6rem;
        margin-inline-end: 0.3rem;
        border-radius: 50%;
        background: var(--sb-sys-color-on-surface-muted);
      }

      .presence.online::before {
        background: var(--sb-sys-color-success, #2e7d32);
      }

    `,
  ];

  @property({ attribute: false })
  entries: ReadonlyArray<ContactListEntry> = [];

  /** The list's accessible name. */
  @property()
  label = 'Contacts';

  override render() {
    if (this.entries.length === 0) return html`<p class="empty" role="status">${icon('contacts')}No contacts match</p>`;
    return html`<lit-virtualizer
      part="list"
      scroller
      role="list"
      aria-label=${this.label}
      .items=${this.entries as ContactListEntry[]}
      .keyFunction=${(e: ContactListEntry) => e.key}
      .renderItem=${(e: ContactListEntry) => this.renderEntry(e)}
    ></lit-virtualizer>`;
  }

  private renderEntry(e: ContactListEntry) {
    const org = e.kind === 'organisation';
    // The button's content is its name: separators are in the text but not on screen, and only
    // follow inline content (Chromium puts a space before a comma that follows a block).
    const sub = e.subtitle ? (org ? `extension ${e.subtitle}` : e.subtitle) : '';
    return html`<div class="item" role="listitem">
      <button type="button" @click=${() => this.dispatchEvent(new ContactSelectEvent({ key: e.key }))}>
        <span class="name">${e.name || 'Unnamed contact'}</span><span class="sep">, </span
        ><span class="meta">${sub ? html`<span class="sub">${sub}</span><span class="sep">, </span>` : nothing}${org
          ? html`<span class="presence ${e.online ? 'online' : ''}">${e.online ? 'online' : 'offline'}</span>`
          : html`<span class="sep">personal contact</span>`}</span>
      </button>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-contact-list': SbContactList;
  }
  interface HTMLElementEventMap {
    'sb-contact-select': ContactSelectEvent;
  }
}
