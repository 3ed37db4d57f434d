import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '@lit-labs/virtualizer';
import { GridLayout } from '@lit-labs/virtualizer/layouts/grid.js';
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
  /** Personal contacts: their (first) number, shown in the row; '' or absent for none. */
  number?: string;
  /** Presence, organisation users only (`presence` wins when given). */
  online?: boolean;
  /** What they are doing; 'unknown' while the app cannot reach the platform. */
  presence?: ContactPresence;
}

/** Presence as a row shows it. */
export type ContactPresence = 'on-call' | 'ringing' | 'online' | 'offline' | 'unknown';

const PRESENCE_TEXT: Readonly<Record<ContactPresence, string>> = {
  'on-call': 'On a call',
  ringing: 'Ringing',
  online: 'Online',
  offline: 'Offline',
  unknown: 'Unknown',
};

/** The presence of an entry: its `presence`, else what `online` says. */
export const entryPresence = (e: Pick<ContactListEntry, 'presence' | 'online'>): ContactPresence => e.presence ?? (e.online ? 'online' : 'offline');

/** "On a call", "Ringing", "Online", "Offline", "Unknown". */
export const presenceText = (p: ContactPresence): string => PRESENCE_TEXT[p] ?? PRESENCE_TEXT.unknown;

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

/**
 * What a row is called: "Bob Baker, extension 1002, On a call"; "Pat Lee, Acme, +1 415 555 0101,
 * personal contact".
 */
export function contactRowName(e: ContactListEntry): string {
  const parts = [e.name || 'Unnamed contact'];
  if (e.kind === 'organisation') {
    if (e.subtitle) parts.push(`extension ${e.subtitle}`);
    parts.push(presenceText(entryPresence(e)));
  } else {
    if (e.subtitle) parts.push(e.subtitle);
    if (e.number && e.number !== e.name) parts.push(e.number);
    parts.push('personal contact');
  }
  return parts.join(', ');
}

/** How tall every row is, in rem (the layout below needs it in pixels). */
const ROW_REM = 3.5;

/**
 * One full-width column of rows of one known height: the grid layout with its column count
 * forced to one, so the virtualiser knows every row's place without measuring any (it measures
 * nothing under a grid layout). The flow layout it replaces measures rows as they appear, and
 * does not settle while the elements it reuses keep their size, so a fast scroll ran several
 * layout passes a frame. (`_updateLayout`, `_metrics` and `_overhang` are the grid layout's own
 * hooks for its subclasses; the package has no public fixed-row list layout.)
 */
class RowsLayout extends GridLayout {
  constructor(...args: ConstructorParameters<typeof GridLayout>) {
    super(...args);
    // Rows rendered beyond each edge of the view, in pixels (the virtualiser's default is 1000,
    // about 18 rows each side). Every row in the range costs on each scrolled frame (the
    // virtualiser places each one with a walk over all of them), and rows are cheap to render
    // in time, so a few are enough.
    this._overhang = OVERHANG_PX;
  }

  protected override _updateLayout(): void {
    super._updateLayout();
    const m = this._metrics;
    const width = this._viewDim2 - (m?.padding2.start ?? 0) - (m?.padding2.end ?? 0);
    if (!m || width <= 0) return;
    m.rolumns = 1;
    m.itemSize2 = width;
    m.positions = [m.padding2.start];
  }
}

const OVERHANG_PX = 240;

const rowsLayout = (rowPx: number) => ({ type: RowsLayout, itemSize: { width: '1px', height: `${rowPx}px` }, gap: '0px', padding: '0px' }) as const;

/**
 * Contacts in the order given, virtualised (`<lit-virtualizer>`: only the rows in view are in
 * the DOM), so ten thousand entries scroll as smoothly as ten. Each row is a button whose
 * content is its accessible name ("Bob Baker, extension 1002, On a call"; "Pat Lee, Acme,
 * +1 415 555 0101, personal contact"), firing `sb-contact-select`. Organisation users show their
 * presence (On a call, Ringing, Online, Offline, or Unknown while the app cannot reach the
 * platform); personal contacts show their company and number. Shows "No contacts match" when
 * `entries` is empty.
 *
 * Scrolling cost (bench/web-lists.ts): every row has the same height (one line of name, one of
 * details, both cut with an ellipsis rather than wrapped), which the layout knows ({@link
 * RowsLayout}), so nothing is measured; rows are contained, and the virtualiser reuses its row
 * elements as the window moves (no key function), so a scrolled frame re-binds the text of the
 * rows in view. With keyed rows of varying height under the flow layout every frame of a fast
 * scroll created a screenful of new rows, which a ResizeObserver then measured and the layout
 * placed again, several passes a frame.
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
        /* The layout sets each row's size in pixels from ROW_REM; this is the same. */
        height: 3.5rem;
        border-bottom: 1px solid var(--sb-sys-color-outline);
        contain: strict;
      }

      button {
        display: block;
        width: 100%;
        height: 100%;
        padding: var(--sb-sys-space-xs) var(--sb-sys-space-sm);
        border: 0;
        border-radius: var(--sb-sys-radius-control);
        background: none;
        color: inherit;
        font: inherit;
        line-height: 1.4;
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

      .name,
      .meta {
        display: block;
        overflow: hidden;
        white-space: nowrap;
        text-overflow: ellipsis;
      }

      .name {
        font-weight: 650;
      }

      .meta {
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
      }

      .meta > .part ~ .part {
        margin-inline-start: var(--sb-sys-space-md);
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

      .presence.on-call::before {
        background: var(--sb-sys-color-danger);
      }

      .presence.ringing::before {
        background: var(--sb-sys-color-warning, #b26a00);
      }

      .presence.unknown::before {
        background: none;
        border: 1px dashed var(--sb-sys-color-on-surface-muted);
      }
    `,
  ];

  @property({ attribute: false })
  entries: ReadonlyArray<ContactListEntry> = [];

  /** The list's accessible name. */
  @property()
  label = 'Contacts';

  /** The layout, made again only when the row height in pixels changes (the root font size). */
  private layout: { px: number; spec: ReturnType<typeof rowsLayout> } | null = null;

  private rowLayout(): ReturnType<typeof rowsLayout> {
    const rootPx = parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
    const px = Math.round(ROW_REM * rootPx);
    if (this.layout?.px !== px) this.layout = { px, spec: rowsLayout(px) };
    return this.layout.spec;
  }

  override render() {
    if (this.entries.length === 0) return html`<p class="empty" role="status">${icon('contacts')}No contacts match</p>`;
    // No keyFunction: rows are stateless buttons, so the virtualiser may reuse their elements.
    return html`<lit-virtualizer
      part="list"
      scroller
      role="list"
      aria-label=${this.label}
      .layout=${this.rowLayout()}
      .items=${this.entries as ContactListEntry[]}
      .renderItem=${this.renderEntry}
    ></lit-virtualizer>`;
  }

  private readonly select = (e: Event): void => {
    const key = (e.currentTarget as HTMLElement).dataset['key'];
    if (key !== undefined) this.dispatchEvent(new ContactSelectEvent({ key }));
  };

  private readonly renderEntry = (e: ContactListEntry | undefined) => {
    // The layout may place a range computed for the previous (longer) entries once, before it
    // hears of the new ones.
    if (!e) return nothing;
    const org = e.kind === 'organisation';
    // The button's content is its name: separators are in the text but not on screen, and only
    // follow inline content (Chromium puts a space before a comma that follows a block), so the
    // comma after the name is inside the name's block.
    const sub = e.subtitle ? (org ? `extension ${e.subtitle}` : e.subtitle) : '';
    const number = !org && e.number && e.number !== e.name ? e.number : '';
    const presence = org ? entryPresence(e) : null;
    return html`<div class="item" role="listitem">
      <button type="button" data-key=${e.key} @click=${this.select}>
        <span class="name">${e.name || 'Unnamed contact'}<span class="sep">, </span></span
        ><span class="meta">${sub ? html`<span class="part sub">${sub}</span><span class="sep">, </span>` : nothing}${number
          ? html`<span class="part number">${number}</span><span class="sep">, </span>`
          : nothing}${presence
          ? html`<span class="part presence ${presence}">${presenceText(presence)}</span>`
          : html`<span class="sep">personal contact</span>`}</span>
      </button>
    </div>`;
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-contact-list': SbContactList;
  }
  interface HTMLElementEventMap {
    'sb-contact-select': ContactSelectEvent;
  }
}
