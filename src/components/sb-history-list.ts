import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import '@lit-labs/virtualizer';
import { spokenDuration } from './format.js';
import { icon, type IconName } from './icons.js';
import { baseStyles, buttonStyles, listStateStyles } from './shared-styles.js';

/** One call record as the list needs it (the shape of the platform's `cdrs` items). */
export interface HistoryEntry {
  id: number;
  type: 'inbound' | 'outbound' | 'missed';
  remote_number: string;
  remote_name: string;
  /** ISO 8601. */
  started_at: string;
  answered_at: string | null;
  duration_s: number;
  /** The user transferred this call to that number. */
  transferred_to?: string | null;
  /** A transfer by that number set this call up. */
  transferred_from?: string | null;
}

export interface HistorySelectDetail {
  number: string;
}

/** The user picked a record: show everything with that party. */
export class HistorySelectEvent extends Event {
  static readonly eventName = 'sb-history-select' as const;
  constructor(readonly detail: HistorySelectDetail) {
    super(HistorySelectEvent.eventName, { bubbles: true, composed: true });
  }
}

/** The user asked for the next (older) page. */
export class HistoryMoreEvent extends Event {
  static readonly eventName = 'sb-history-more' as const;
  constructor() {
    super(HistoryMoreEvent.eventName, { bubbles: true, composed: true });
  }
}

const TYPE: Readonly<Record<HistoryEntry['type'], { text: string; preposition: string; icon: IconName }>> = {
  inbound: { text: 'Incoming call', preposition: 'from', icon: 'call-in' },
  outbound: { text: 'Outgoing call', preposition: 'to', icon: 'call-out' },
  missed: { text: 'Missed call', preposition: 'from', icon: 'call-missed' },
};

const timeOnly = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
const dayAndTime = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
const fullDate = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

const dayStart = (d: Date): number => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();

/**
 * When a call was, as people say it: "Today 14:05", "Yesterday 09:12", "Mar 3, 14:05" this year,
 * "Mar 3, 2025, 14:05" before; the raw value if it is not a date.
 */
export function historyWhen(startedAt: string, now = new Date()): string {
  const d = new Date(startedAt);
  if (Number.isNaN(d.getTime())) return startedAt;
  const days = Math.round((dayStart(now) - dayStart(d)) / 86_400_000);
  if (days === 0) return `Today ${timeOnly.format(d)}`;
  if (days === 1) return `Yesterday ${timeOnly.format(d)}`;
  return d.getFullYear() === now.getFullYear() ? dayAndTime.format(d) : fullDate.format(d);
}

/** 65 -> "1:05"; 3725 -> "1:02:05". */
export function historyDuration(totalSeconds: number): string {
  const t = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(t / 3600);
  const m = Math.floor((t % 3600) / 60);
  const s = String(t % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** Who the other party is: the name, else the number. */
export function historyParty(e: Pick<HistoryEntry, 'remote_name' | 'remote_number'>): string {
  return e.remote_name.trim() || e.remote_number || 'Unknown caller';
}

/**
 * Call records, newest first as given, virtualised (only the rows in view are in the DOM). Each row shows the kind of call (icon plus text, missed
 * calls in the danger colour), the other party, their number, when, how long (answered calls)
 * and transfer notes. With `selectable` (the default) each row is a button named like
 * "Missed call from Bob Baker, Today 14:05" that fires `sb-history-select`; otherwise rows are
 * plain list items (e.g. inside the detail of one party).
 *
 * Shows "Loading call history…" while `loading` with nothing listed yet, `error` in an alert,
 * "No calls yet" when empty, and a "Load more" button while `hasMore`.
 *
 * @fires sb-history-select - {@link HistorySelectEvent} with the row's `{number}`
 * @fires sb-history-more - {@link HistoryMoreEvent} when "Load more" is pressed
 * @csspart list - the list
 * @csspart item - each record
 */
@customElement('sb-history-list')
export class SbHistoryList extends LitElement {
  static override styles = [
    baseStyles,
    buttonStyles,
    listStateStyles,
    css`
      :host {
        display: block;
      }

      lit-virtualizer {
        /* The records are virtualised: only the rows in view are in the DOM, so a user who has
           paged down through thousands of calls pays for one screenful per update. */
        width: 100%;
        /* Its own scroller (the virtualiser needs a size); a short list leaves the rest empty. */
        height: var(--sb-history-list-height, 65vh);
      }

      .item {
        width: 100%;
        display: grid;
        grid-template-columns: minmax(0, 1fr) auto;
        align-items: center;
        gap: 0 var(--sb-sys-space-md);
        padding: var(--sb-sys-space-xs) 0;
        border-bottom: 1px solid var(--sb-sys-color-outline);
      }

      .row {
        display: grid;
        grid-template-columns: auto minmax(0, 1fr);
        gap: 0 var(--sb-sys-space-md);
        align-items: center;
        width: 100%;
        padding: var(--sb-sys-space-xs);
        border: 0;
        background: none;
        color: inherit;
        font: inherit;
        text-align: start;
      }

      button.row {
        cursor: pointer;
        border-radius: var(--sb-sys-radius-control);
      }

      button.row:hover {
        background: var(--sb-sys-color-surface-variant, rgb(127 127 127 / 0.08));
      }

      button.row:focus-visible {
        outline: 2px solid var(--sb-sys-color-primary);
        outline-offset: -2px;
      }

      .row > .icon {
        color: var(--sb-sys-color-on-surface-muted);
      }

      .missed .row > .icon,
      .missed .name {
        color: var(--sb-sys-color-danger);
      }

      .who {
        display: block;
        min-width: 0;
        overflow-wrap: anywhere;
      }

      .name {
        font-weight: 650;
      }

      /* In the name ("Bob Baker, Today 14:05") but not on screen. Not .sr-only: that takes the
         comma out of the inline flow, and name-from-content then puts a space before it. */
      .sep {
        font-size: 0;
      }

      time {
        display: block;
      }

      time,
      .meta {
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
      }

      .meta {
        grid-column: 1 / -1;
        display: flex;
        flex-wrap: wrap;
        gap: 0 var(--sb-sys-space-md);
        /* Under the name: past the icon (1.25rem) and the gap. */
        padding-left: calc(1.25rem + var(--sb-sys-space-md) + var(--sb-sys-space-xs));
      }

      .duration {
        font-variant-numeric: tabular-nums;
        color: var(--sb-sys-color-on-surface-muted);
      }

      .more {
        display: flex;
        justify-content: center;
        margin-top: var(--sb-sys-space-md);
      }
    `,
  ];

  @property({ attribute: false })
  entries: ReadonlyArray<HistoryEntry> = [];

  @property({ type: Boolean, reflect: true })
  loading = false;

  /** More (older) records exist: show "Load more". */
  @property({ type: Boolean, attribute: 'has-more' })
  hasMore = false;

  /** Why the list could not be loaded; '' for none. */
  @property()
  error = '';

  /** Rows are buttons firing `sb-history-select`. */
  @property({ type: Boolean })
  selectable = true;

  /** The list's accessible name. */
  @property()
  label = 'Call history';

  override render() {
    const list = this.entries;
    return html`<div role="alert">${this.error ? html`<p class="error">${icon('alert')}<span>${this.error}</span></p>` : nothing}</div>
      <div role="status">${this.loading && list.length === 0 ? html`<p class="loading">Loading call history…</p>` : nothing}</div>
      ${list.length > 0
        ? html`<lit-virtualizer
            part="list"
            scroller
            tabindex=${this.selectable ? nothing : '0'}
            role="list"
            aria-label=${this.label}
            aria-busy=${this.loading ? 'true' : 'false'}
            .items=${list as HistoryEntry[]}
            .keyFunction=${(e: HistoryEntry) => e.id}
            .renderItem=${(e: HistoryEntry) => this.renderEntry(e)}
          ></lit-virtualizer>`
        : !this.loading && !this.error
          ? html`<p class="empty">${icon('history')}No calls yet</p>`
          : nothing}
      ${this.hasMore
        ? html`<div class="more">
            <button class="btn secondary" type="button" ?disabled=${this.loading} @click=${() => this.dispatchEvent(new HistoryMoreEvent())}>
              Load more
            </button>
          </div>`
        : nothing}`;
  }

  private renderEntry(e: HistoryEntry) {
    const kind = TYPE[e.type] ?? TYPE.inbound;
    const who = historyParty(e);
    const when = historyWhen(e.started_at);
    const answered = e.type !== 'missed' && !!e.answered_at;
    // The button's content is its name ("Missed call from Bob Baker, Today 14:05"): the kind and
    // the comma are visually hidden; number, duration and notes sit beside it.
    const main = html`${icon(kind.icon)}<span class="who"
        ><span class="sr-only">${kind.text} ${kind.preposition} </span><span class="name">${who}</span
        ><span class="sep">, </span><time datetime=${e.started_at}>${when}</time></span
      >`;
    return html`<div role="listitem" part="item" class="item ${e.type}">
      ${this.selectable
        ? html`<button class="row" type="button" @click=${() => this.dispatchEvent(new HistorySelectEvent({ number: e.remote_number }))}>${main}</button>`
        : html`<div class="row">${main}</div>`}
      <span class="duration">${answered
        ? html`<span aria-hidden="true">${historyDuration(e.duration_s)}</span><span class="sr-only">${spokenDuration(e.duration_s)}</span>`
        : nothing}</span>
      <span class="meta">
        ${e.remote_name.trim() && e.remote_number ? html`<span class="number">${e.remote_number}</span>` : nothing}
        ${e.transferred_to ? html`<span>Transferred to ${e.transferred_to}</span>` : nothing}
        ${e.transferred_from ? html`<span>Transferred by ${e.transferred_from}</span>` : nothing}
      </span>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-history-list': SbHistoryList;
  }
  interface HTMLElementEventMap {
    'sb-history-select': HistorySelectEvent;
    'sb-history-more': HistoryMoreEvent;
  }
}
