import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { formatDuration, spokenDuration } from './format.js';
import { icon } from './icons.js';
import { baseStyles, buttonStyles, entryListStyles, listStateStyles } from './shared-styles.js';

/** One recorded call, as the platform lists it. */
export interface RecordingItem {
  id: string;
  remoteName: string;
  remoteNumber: string;
  /** ISO 8601. */
  startedAt: string;
  /** Seconds; null when the phone that made it could not tell (a recording cut by a crash). */
  durationS: number | null;
  /** Whose recording it is, where the list shows more than the user's own. */
  owner?: string;
  /** Where the audio streams from (same origin, authorised by the app); '' when it could not be fetched. */
  audioUrl: string;
  /** 'audio/webm' or 'audio/ogg': the extension of the downloaded file. */
  contentType?: string;
  /** The user may delete it (their own, or any of the domain's for an administrator). */
  deletable?: boolean;
}

export interface RecordingDeleteDetail {
  id: string;
  /** Whose it is (the extension), where the list shows more than the user's own. */
  owner?: string;
}

/** The user confirmed deleting a recording; the app deletes it and updates `recordings`. */
export class RecordingDeleteEvent extends CustomEvent<RecordingDeleteDetail> {
  static readonly eventName = 'sb-recording-delete' as const;
  constructor(detail: RecordingDeleteDetail) {
    super(RecordingDeleteEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

/** "recording-2025-03-14-1405-bob-baker.webm": a file name of our own, safe on every system. */
export function downloadName(r: Pick<RecordingItem, 'startedAt' | 'remoteName' | 'remoteNumber' | 'contentType'>): string {
  const d = new Date(r.startedAt);
  const two = (n: number) => String(n).padStart(2, '0');
  const when = Number.isNaN(d.getTime()) ? '' : `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}-${two(d.getHours())}${two(d.getMinutes())}`;
  const who = (r.remoteName.trim() || r.remoteNumber).normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9+]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  const ext = r.contentType === 'audio/ogg' ? 'ogg' : 'webm';
  return `${['recording', when, who].filter(Boolean).join('-')}.${ext}`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The recording's start in the user's locale, or the raw value if it is not a date. */
export function recordingDate(startedAt: string): string {
  const d = new Date(startedAt);
  return Number.isNaN(d.getTime()) ? startedAt : dateTime.format(d);
}

/**
 * Recorded calls, newest first as given: when, who, how long ("Length unknown" when the phone
 * could not tell), whose (when `owner` is set), a native audio player labelled "Recording of
 * call with <name>, <date>" that loads nothing until played, a "Download" link (a file name of
 * our own), and "Delete" on recordings marked `deletable`, which asks "Delete this recording?"
 * before it fires. Shows "Loading recordings…" while `loading` (with nothing listed yet),
 * `error` in an alert, and "No recordings yet" when the list is empty.
 *
 * @fires sb-recording-delete - {@link RecordingDeleteEvent} `{id, owner?}` once the user confirmed.
 * @csspart list - the list
 * @csspart item - each recording
 */
@customElement('sb-recordings-list')
export class SbRecordingsList extends LitElement {
  static override styles = [
    baseStyles,
    buttonStyles,
    listStateStyles,
    entryListStyles,
    css`
      :host {
        display: block;
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

      .error .icon {
        margin-top: 0.1rem;
      }

      .actions .confirm {
        margin: 0;
        font-weight: 600;
      }

      a.btn {
        text-decoration: none;
      }

      .unavailable {
        grid-column: 1 / -1;
        margin: 0;
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
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

  /** The recording whose "Delete" was pressed and waits for the confirmation. */
  @state()
  private confirming: string | null = null;

  private confirmDelete(r: RecordingItem): void {
    this.confirming = null;
    this.dispatchEvent(new RecordingDeleteEvent(r.owner !== undefined ? { id: r.id, owner: r.owner } : { id: r.id }));
  }

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
      ${typeof r.durationS === 'number' && Number.isFinite(r.durationS)
        ? html`<span class="duration"
            ><span aria-hidden="true">${formatDuration(r.durationS)}</span
            ><span class="sr-only">${spokenDuration(r.durationS)}</span></span
          >`
        : html`<span class="duration">Length unknown</span>`}
      <p class="meta">
        <time datetime=${r.startedAt}>${date}</time>
        ${r.owner ? html`<span>Recorded by ${r.owner}</span>` : nothing}
      </p>
      ${r.audioUrl
        ? html`<audio controls preload="none" src=${r.audioUrl} aria-label="Recording of call with ${name}, ${date}"></audio>`
        : html`<p class="unavailable">The audio cannot be played right now.</p>`}
      <div class="actions">
        ${r.audioUrl
          ? html`<a class="btn secondary" href=${r.audioUrl} download=${downloadName(r)}
              aria-label="Download recording of call with ${name}, ${date}">${icon('download')}Download</a>`
          : nothing}
        ${r.deletable
          ? this.confirming === r.id
            ? html`<p class="confirm" id="confirm-${r.id}">Delete this recording?</p>
                <button class="btn danger" type="button" aria-describedby="confirm-${r.id}" @click=${() => this.confirmDelete(r)}>Yes, delete</button>
                <button class="btn secondary" type="button" @click=${() => (this.confirming = null)}>Keep</button>`
            : html`<button class="btn secondary" type="button" aria-label="Delete recording of call with ${name}, ${date}"
                @click=${() => (this.confirming = r.id)}>${icon('trash')}Delete</button>`
          : nothing}
      </div>
    </li>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-recordings-list': SbRecordingsList;
  }
  interface HTMLElementEventMap {
    'sb-recording-delete': RecordingDeleteEvent;
  }
}
