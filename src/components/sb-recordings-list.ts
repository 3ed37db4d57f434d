import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { formatDuration, spokenDuration } from './format.js';
import { icon } from './icons.js';
import { baseStyles, listStateStyles } from './shared-styles.js';

/** One recorded call, as the platform lists it. */
export interface RecordingItem {
  id: string;
  remoteName: string;
  remoteNumber: string;
  /** ISO 8601. */
  startedAt: string;
  durationS: number;
  /** Whose recording it is, where the list shows more than the user's own. */
  owner?: string;
  /** Where the audio streams from (same origin, authorised by the app). */
  audioUrl: string;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The recording's start in the user's locale, or the raw value if it is not a date. */
export function recordingDate(startedAt: string): string {
  const d = new Date(startedAt);
  return Number.isNaN(d.getTime()) ? startedAt : dateTime.format(d);
}

/**
 * Recorded calls, newest first as given: when, who, how long, whose (when `owner` is set), and a
 * native audio player labelled "Recording of call with <name>, <date>" that loads nothing until
 * played. Shows "Loading recordings…" while `loading` (with nothing listed yet), `error` in an
 * alert, and "No recordings yet" when the list is empty.
 *
 * @csspart list - the list
 * @csspart item - each recording
 */
@customElement('sb-recordings-list')
export class SbRecordingsList extends LitElement {
  static override styles = [
    baseStyles,
    listStateStyles,
    css`
      :host {
        display: block;
      }

      ul {
        display: flex;
        flex-direction: column;
        margin: 0;
        padding: 0;
        list-style: none;
      }

      li {
        display: grid;
        grid-template-columns: minmax(0, 1fr) auto;
        gap: var(--sb-sys-space-xs) var(--sb-sys-space-md);
        padding: var(--sb-sys-space-md) 0;
        border-bottom: 1px solid var(--sb-sys-color-outline);
      }

      .who {
        min-width: 0;
        margin: 0;
        font-weight: 650;
        font-size: var(--sb-sys-font-size-title);
        overflow-wrap: anywhere;
      }

      .number {
        margin-left: var(--sb-sys-space-xs);
        color: var(--sb-sys-color-on-surface-muted);
        font-weight: 500;
        font-size: var(--sb-sys-font-size-small);
      }

      .duration {
        align-self: start;
        font-variant-numeric: tabular-nums;
        color: var(--sb-sys-color-on-surface-muted);
      }

      .meta {
        grid-column: 1 / -1;
        display: flex;
        flex-wrap: wrap;
        gap: 0 var(--sb-sys-space-md);
        margin: 0;
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
      }

      audio {
        grid-column: 1 / -1;
        width: 100%;
        height: 2.5rem;
      }

      .error .icon {
        margin-top: 0.1rem;
      }
    `,
  ];

  @property({ attribute: false })
  recordings: ReadonlyArray<RecordingItem> = [];

  @property({ type: Boolean, reflect: true })
  loading = false;

  /** Why the list could not be loaded; '' for none. */
  @property()
  error = '';

  override render() {
    const list = this.recordings;
    return html`<div class="alert" role="alert">${this.error
        ? html`<p class="error">${icon('alert')}<span>${this.error}</span></p>`
        : nothing}</div>
      <div role="status" class="status">${this.loading && list.length === 0
        ? html`<p class="loading">Loading recordings…</p>`
        : nothing}</div>
      ${list.length > 0
        ? html`<ul part="list" aria-label="Recordings" aria-busy=${this.loading ? 'true' : 'false'}>
            ${repeat(list, (r) => r.id, (r) => this.renderItem(r))}
          </ul>`
        : !this.loading && !this.error
          ? html`<p class="empty">${icon('record')}No recordings yet</p>`
          : nothing}`;
  }

  private renderItem(r: RecordingItem) {
    const name = r.remoteName.trim() || r.remoteNumber || 'Unknown caller';
    const date = recordingDate(r.startedAt);
    return html`<li part="item">
      <p class="who">
        <span class="name">${name}</span>
        ${r.remoteName.trim() && r.remoteNumber ? html`<span class="number">${r.remoteNumber}</span>` : nothing}
      </p>
      <span class="duration"
        ><span aria-hidden="true">${formatDuration(r.durationS)}</span
        ><span class="sr-only">${spokenDuration(r.durationS)}</span></span
      >
      <p class="meta">
        <time datetime=${r.startedAt}>${date}</time>
        ${r.owner ? html`<span>Recorded by ${r.owner}</span>` : nothing}
      </p>
      <audio controls preload="none" src=${r.audioUrl} aria-label="Recording of call with ${name}, ${date}"></audio>
    </li>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-recordings-list': SbRecordingsList;
  }
}
