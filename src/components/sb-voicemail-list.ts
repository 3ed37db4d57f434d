import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { VoicemailEntry, VoicemailFolderName } from '../data/wire.js';
import { formatDuration, spokenDuration } from './format.js';
import { icon } from './icons.js';
import { recordingDate } from './sb-recordings-list.js';
import { baseStyles, buttonStyles, entryListStyles, listStateStyles } from './shared-styles.js';

/** What the user asked to do with a message; the view does it. */
export type VoicemailAction = 'play' | 'call' | 'save' | 'mark-new' | 'delete' | 'download';

export class VoicemailActionEvent extends CustomEvent<{ action: VoicemailAction; entry: VoicemailEntry }> {
  static readonly eventName = 'sb-voicemail-action' as const;
  constructor(action: VoicemailAction, entry: VoicemailEntry) {
    super(VoicemailActionEvent.eventName, { detail: { action, entry }, bubbles: true, composed: true });
  }
}

/** The transcription line: the text, or what is happening to it. */
export function transcriptionText(m: Pick<VoicemailEntry, 'transcription' | 'transcription_status'>): string {
  if (m.transcription_status === 'pending') return 'Transcribing…';
  if (m.transcription_status === 'done' && m.transcription?.trim()) return m.transcription.trim();
  return 'No transcription';
}

/** "voicemail-2026-03-14-1405-bob-baker.ogg": a file name of our own, safe on every system. */
export function voicemailFileName(m: Pick<VoicemailEntry, 'received_at' | 'caller_name' | 'caller_number'>, name = m.caller_name): string {
  const d = new Date(m.received_at);
  const two = (n: number) => String(n).padStart(2, '0');
  const when = Number.isNaN(d.getTime()) ? '' : `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}-${two(d.getHours())}${two(d.getMinutes())}`;
  const who = (name.trim() || m.caller_number).normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase()
    .replace(/[^a-z0-9+]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return `${['voicemail', when, who].filter(Boolean).join('-')}.ogg`;
}

/**
 * Voicemail messages of one folder, newest first as given: caller (the name `nameOf` finds, else
 * the one the call carried, else the number), when, how long, the transcription ("Transcribing…",
 * the text, or "No transcription"), and the actions: Play (then the audio player, with progress
 * and seeking), Call back, Save or Mark new, Download, Delete. A new message is marked "New".
 * The player of a message whose audio is loaded is given by `audioUrls` (id -> object URL).
 *
 * @fires sb-voicemail-action - {@link VoicemailActionEvent} `{action, entry}`
 */
@customElement('sb-voicemail-list')
export class SbVoicemailList extends LitElement {
  static override styles = [
    baseStyles,
    buttonStyles,
    listStateStyles,
    entryListStyles,
    css`
      :host {
        display: block;
      }

      li.unheard .who::before {
        content: '';
        display: inline-block;
        width: 0.55rem;
        height: 0.55rem;
        margin-right: var(--sb-sys-space-xs);
        border-radius: 50%;
        background: var(--sb-sys-color-primary);
        vertical-align: 0.1rem;
      }

      .meta,
      .transcription {
        grid-column: 1 / -1;
        margin: 0;
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
      }

      .transcription {
        color: var(--sb-sys-color-on-surface);
        font-size: var(--sb-sys-font-size-body);
        overflow-wrap: anywhere;
      }

      .transcription.status {
        color: var(--sb-sys-color-on-surface-muted);
        font-style: italic;
      }
    `,
  ];

  @property({ attribute: false }) messages: ReadonlyArray<VoicemailEntry> = [];
  @property() folder: VoicemailFolderName = 'new';
  @property({ type: Boolean, reflect: true }) loading = false;
  /** Object URLs of the messages whose audio is loaded, by id. */
  @property({ attribute: false }) audioUrls: ReadonlyMap<string, string> = new Map();
  /** The message whose Play was pressed: its player starts once its audio is given. */
  @property({ attribute: false }) playing: string | null = null;
  /** The caller's name from the directory or contacts, when known. */
  @property({ attribute: false }) nameOf: (number: string) => string = () => '';

  protected override updated(changed: Map<string, unknown>): void {
    if (!changed.has('audioUrls') && !changed.has('playing')) return;
    const player = this.playing && this.renderRoot.querySelector<HTMLAudioElement>(`audio[data-id="${CSS.escape(this.playing)}"]`);
    // Started here rather than by `autoplay`: the user pressed Play, so it may play with sound.
    if (player && player.paused && player.currentTime === 0) void player.play().catch(() => undefined);
  }

  override render() {
    const list = this.messages;
    if (list.length === 0) {
      if (this.loading) return html`<p class="loading" role="status">Loading voicemail…</p>`;
      return html`<p class="empty">${icon('voicemail')}${this.folder === 'new' ? 'No new messages' : 'No saved messages'}</p>`;
    }
    return html`<ul aria-label=${this.folder === 'new' ? 'New messages' : 'Saved messages'}>
      ${repeat(list, (m) => m.id, (m) => this.renderItem(m))}
    </ul>`;
  }

  private renderItem(m: VoicemailEntry) {
    const known = this.nameOf(m.caller_number);
    const name = known || m.caller_name.trim() || m.caller_number || 'Unknown caller';
    const date = recordingDate(m.received_at);
    const url = this.audioUrls.get(m.id);
    const about = `message from ${name}, ${date}`;
    const act = (action: VoicemailAction) => () => this.dispatchEvent(new VoicemailActionEvent(action, m));
    const transcription = transcriptionText(m);
    return html`<li class=${m.folder === 'new' ? 'unheard' : ''}>
      <p class="who">
        ${m.folder === 'new' ? html`<span class="sr-only">New: </span>` : nothing}<span class="name">${name}</span>
        ${name !== m.caller_number && m.caller_number ? html`<span class="number">${m.caller_number}</span>` : nothing}
      </p>
      <span class="duration"><span aria-hidden="true">${formatDuration(m.duration_s)}</span><span class="sr-only">${spokenDuration(m.duration_s)}</span></span>
      <p class="meta"><time datetime=${m.received_at}>${date}</time></p>
      <p class="transcription ${m.transcription_status === 'done' && m.transcription?.trim() ? '' : 'status'}">${transcription}</p>
      ${url ? html`<audio controls data-id=${m.id} src=${url} aria-label="Voicemail ${about}"></audio>` : nothing}
      <div class="actions">
        ${url ? nothing : html`<button class="btn primary" type="button" aria-label="Play ${about}" @click=${act('play')}>${icon('play')}Play</button>`}
        ${m.caller_number
          ? html`<button class="btn secondary" type="button" aria-label="Call back ${name}" @click=${act('call')}>${icon('phone')}Call back</button>`
          : nothing}
        ${m.folder === 'new'
          ? html`<button class="btn secondary" type="button" aria-label="Save ${about}" @click=${act('save')}>${icon('check')}Save</button>`
          : html`<button class="btn secondary" type="button" aria-label="Mark new ${about}" @click=${act('mark-new')}>${icon('voicemail')}Mark new</button>`}
        <button class="btn secondary" type="button" aria-label="Download ${about}" @click=${act('download')}>${icon('download')}Download</button>
        <button class="btn secondary" type="button" aria-label="Delete ${about}" @click=${act('delete')}>${icon('trash')}Delete</button>
      </div>
    </li>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-voicemail-list': SbVoicemailList;
  }
  interface HTMLElementEventMap {
    'sb-voicemail-action': VoicemailActionEvent;
  }
}
