import { LitElement, css, html, nothing, svg, type SVGTemplateResult } from 'lit';
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
  /**
   * How it ended, as the platform records it: answered, missed, declined, cancelled, busy,
   * no-answer, unavailable, failed, interrupted (ringing while live). Absent from older records:
   * `type` alone decides then.
   */
  disposition?: string;
  /** The user transferred this call to that number. */
  transferred_to?: string | null;
  /** A transfer by that number set this call up. */
  transferred_from?: string | null;
  /** Where the callee's answering rule sent the call ("forwarded to 1003", "to voicemail"). */
  routed_to?: string | null;
}

function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
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

export interface HistoryCallDetail {
  number: string;
}

/** The user wants to call this party (back). */
export class HistoryCallEvent extends Event {
  static readonly eventName = 'sb-history-call' as const;
  constructor(readonly detail: HistoryCallDetail) {
    super(HistoryCallEvent.eventName, { bubbles: true, composed: true });
  }
}

/** Which way the call went: the colour of its arrow (inbound blue, outbound green, missed red). */
export type HistoryTone = 'inbound' | 'outbound' | 'missed';

export type HistoryOutcomeIcon =
  | 'call-in' | 'call-out' | 'call-missed' | 'declined' | 'busy' | 'no-answer' | 'cancelled' | 'failed' | 'transferred';

/** What happened on a call, in words and as an icon. */
export interface HistoryOutcome {
  /** On screen: "Missed call", "No answer", "Transferred", ... */
  text: string;
  /** Said after the text where it does not tell the direction: "outgoing call"; '' otherwise. */
  direction: '' | 'incoming call' | 'outgoing call';
  icon: HistoryOutcomeIcon;
  tone: HistoryTone;
}

/**
 * What the record says happened, from the user's side: an outgoing call nobody answered says
 * why (cancelled, declined, busy, no answer, unavailable, failed), an incoming one is missed or
 * declined, and a call the user passed on is transferred.
 */
export function historyOutcome(e: Pick<HistoryEntry, 'type' | 'disposition' | 'answered_at' | 'transferred_to'>): HistoryOutcome {
  const d = e.disposition;
  if (e.type === 'missed' || (e.type === 'inbound' && d === 'missed')) {
    return { text: 'Missed call', direction: '', icon: 'call-missed', tone: 'missed' };
  }
  const out = e.type === 'outbound';
  const tone: HistoryTone = out ? 'outbound' : 'inbound';
  const direction = out ? 'outgoing call' : 'incoming call';
  const is = (text: string, icon: HistoryOutcomeIcon): HistoryOutcome => ({ text, direction, icon, tone });
  if (e.transferred_to) return is('Transferred', 'transferred');
  if (d === 'interrupted') return is('Cut off', 'failed');
  if (!out) return d === 'declined' ? is('Declined', 'declined') : { text: 'Incoming call', direction: '', icon: 'call-in', tone };
  switch (d) {
    case 'cancelled': return is('Cancelled', 'cancelled');
    case 'declined': return is('Declined', 'declined');
    case 'busy': return is('Busy', 'busy');
    case 'no-answer': return is('No answer', 'no-answer');
    case 'unavailable': return is('Unavailable', 'no-answer');
    case 'failed': return is('Failed', 'failed');
    default: return { text: 'Outgoing call', direction: '', icon: 'call-out', tone };
  }
}

const HANDSET =
  'M22 16.92v3a2 2 0 0 1-2.18 2 19.79 19.79 0 0 1-8.63-3.07 19.5 19.5 0 0 1-6-6 19.79 19.79 0 0 1-3.07-8.67A2 2 0 0 1 4.11 2h3a2 2 0 0 1 2 1.72c.13.96.36 1.9.7 2.81a2 2 0 0 1-.45 2.11L8.09 9.91a16 16 0 0 0 6 6l1.27-1.27a2 2 0 0 1 2.11-.45c.91.34 1.85.57 2.81.7A2 2 0 0 1 22 16.92z';

/** The outcome icons (same grid and stroke as icons.ts); the arrows are the shared ones. */
const OUTCOME_SHAPES: Readonly<Record<Exclude<HistoryOutcomeIcon, 'call-in' | 'call-out' | 'call-missed'>, SVGTemplateResult>> = {
  declined: svg`<path d=${HANDSET} /><path d="m16 2 6 6" /><path d="m22 2-6 6" />`,
  busy: svg`<path d=${HANDSET} /><path d="M15 3h6" /><path d="M15 7h6" />`,
  'no-answer': svg`<path d=${HANDSET} /><circle cx="18" cy="5" r="4" /><path d="M18 3v2l1 1" />`,
  cancelled: svg`<path d=${HANDSET} /><path d="M15 5h7" />`,
  failed: svg`<circle cx="12" cy="12" r="10" /><path d="M12 8v4" /><path d="M12 16h.01" />`,
  transferred: svg`<path d=${HANDSET} /><path d="m18 1 4 4-4 4" /><path d="M14 5h8" />`,
};

function outcomeIcon(name: HistoryOutcomeIcon) {
  if (name === 'call-in' || name === 'call-out' || name === 'call-missed') return icon(name);
  return html`<svg class="icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"
    stroke-linejoin="round" aria-hidden="true" focusable="false">${OUTCOME_SHAPES[name]}</svg>`;
}

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

/** Names people by number (the directory, then personal contacts); '' for nobody known. */
export type NameOf = (number: string) => string;

const noNames: NameOf = () => '';

/**
 * Who the other party is: the name the directory or a personal contact has for the number,
 * else the name the record carries, else the number.
 */
export function historyParty(e: Pick<HistoryEntry, 'remote_name' | 'remote_number'>, nameOf: NameOf = noNames): string {
  return (e.remote_number ? nameOf(e.remote_number) : '') || e.remote_name.trim() || e.remote_number || 'Unknown caller';
}

/** A number with the name it belongs to, when one is known: "Carol Chen (1003)". */
function named(number: string, nameOf: NameOf): string {
  const name = nameOf(number);
  return name ? `${name} (${number})` : number;
}

/**
 * Call records, newest first as given, virtualised (only the rows in view are in the DOM). Each
 * row shows what happened (an icon and a word: "Missed call", "No answer", "Declined", "Busy",
 * "Cancelled", "Failed", "Transferred", ...; the arrow is blue for calls in, green for calls out,
 * red for missed ones), the other party (the name the directory or a personal contact has for the
 * number, through `nameOf`, else the record's), their number, when, how long (answered calls) and
 * transfer notes, named the same way ("Transferred by Carol Chen (1003)").
 *
 * With `selectable` (the default) each row is a button named like "Bob Baker, Missed call,
 * Today 14:05" (or "Bob Baker, No answer, outgoing call, ...") that fires `sb-history-select`, beside a "Call" button (named "Call Bob Baker")
 * that fires `sb-history-call`; otherwise rows are plain list items (e.g. inside the detail of
 * one party). The list fills the height it is given (a flex column), scrolling inside.
 *
 * Shows "Loading call history…" while `loading` with nothing listed yet, `error` in an alert,
 * "No calls yet" when empty, and a "Load more" button while `hasMore`.
 *
 * @fires sb-history-select - {@link HistorySelectEvent} with the row's `{number}`
 * @fires sb-history-call - {@link HistoryCallEvent} with the row's `{number}` from its "Call"
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
        display: flex;
        flex-direction: column;
        /* Fills what the panel gives it; the rows scroll inside. */
        height: 100%;
        min-height: 0;
      }

      lit-virtualizer {
        /* The records are virtualised: only the rows in view are in the DOM, so a user who has
           paged down through thousands of calls pays for one screenful per update. It is its own
           scroller (the virtualiser needs a size): it grows or shrinks to the height the panel
           gives the list, and where the parent's height is not definite it is this tall. */
        width: 100%;
        flex: 1 1 auto;
        height: var(--sb-history-list-height, 65vh);
        min-height: 8rem;
      }

      .item {
        width: 100%;
        display: grid;
        grid-template-columns: minmax(0, 1fr) auto auto;
        align-items: center;
        gap: 0 var(--sb-sys-space-sm);
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

      /* The arrow says which way: in blue, out green, missed red. */
      .row > .icon {
        color: var(--sb-sys-color-primary);
      }

      .outbound .row > .icon {
        color: var(--sb-sys-color-success);
      }

      .missed .row > .icon,
      .missed .name,
      .missed .outcome {
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

      /* In the name ("Bob Baker, Missed call, Today 14:05") but not on screen. Not .sr-only:
         that takes the comma out of the inline flow, and name-from-content then puts a space
         before it. */
      .sep {
        font-size: 0;
      }

      .line {
        display: block;
      }

      .outcome {
        font-weight: 500;
      }

      .outcome {
        margin-inline-end: var(--sb-sys-space-sm);
      }

      .line,
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

      .meta:empty {
        display: none;
      }

      .duration {
        font-variant-numeric: tabular-nums;
        color: var(--sb-sys-color-on-surface-muted);
      }

      .call {
        margin-inline-end: var(--sb-sys-space-xs);
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

  /** Rows are buttons firing `sb-history-select`, each with a "Call" button. */
  @property({ type: Boolean })
  selectable = true;

  /** The list's accessible name. */
  @property()
  label = 'Call history';

  /** Names by number (directory, personal contacts); the record's own name is the fallback. */
  @property({ attribute: false })
  nameOf: NameOf = noNames;

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
    const outcome = historyOutcome(e);
    const who = historyParty(e, this.nameOf);
    const when = historyWhen(e.started_at);
    const answered = e.type !== 'missed' && !!e.answered_at;
    // The row's content is its name ("Bob Baker, No answer, outgoing call, Today 14:05"): the
    // commas and the direction are in the text but not on screen (font-size 0; see .sep).
    const main = html`${outcomeIcon(outcome.icon)}<span class="who"
        ><span class="name">${who}</span><span class="sep">, </span><span class="line"><span class="outcome">${outcome.text}</span
        ><span class="sep">${outcome.direction ? `, ${outcome.direction}` : ''}, </span><time datetime=${e.started_at}>${when}</time></span></span
      >`;
    const showNumber = !!e.remote_number && who !== e.remote_number;
    return html`<div role="listitem" part="item" class="item ${outcome.tone}">
      ${this.selectable
        ? html`<button class="row" type="button"
            @click=${() => this.dispatchEvent(new HistorySelectEvent({ number: e.remote_number }))}>${main}</button>`
        : html`<div class="row">${main}</div>`}
      <span class="duration">${answered
        ? html`<span aria-hidden="true">${historyDuration(e.duration_s)}</span><span class="sr-only">${spokenDuration(e.duration_s)}</span>`
        : nothing}</span>
      ${this.selectable && e.remote_number
        ? html`<button class="btn success call" type="button" aria-label="Call ${who}"
            @click=${() => this.dispatchEvent(new HistoryCallEvent({ number: e.remote_number }))}>${icon('phone')}Call</button>`
        : html`<span></span>`}
      <span class="meta">${showNumber ? html`<span class="number">${e.remote_number}</span>` : nothing}${e.transferred_to
        ? html`<span>Transferred to ${named(e.transferred_to, this.nameOf)}</span>`
        : nothing}${e.transferred_from ? html`<span>Transferred by ${named(e.transferred_from, this.nameOf)}</span>` : nothing}${e.routed_to
        ? html`<span class="routed">${capitalised(e.routed_to)}</span>`
        : nothing}</span>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-history-list': SbHistoryList;
  }
  interface HTMLElementEventMap {
    'sb-history-select': HistorySelectEvent;
    'sb-history-call': HistoryCallEvent;
    'sb-history-more': HistoryMoreEvent;
  }
}
