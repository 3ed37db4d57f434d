import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { AttachmentView, MessageSessionView } from '../data/wire.js';
import { attachmentProblem } from '../data/resources/message-sessions.js';
import type { ShownMessage } from '../state/conversations.js';
import { icon } from './icons.js';
import { initials } from './format.js';
import { baseStyles, buttonStyles, cardHeaderStyles, cardStyles, fieldStyles } from './shared-styles.js';

export type ConversationAction = 'send' | 'retry' | 'typing' | 'read' | 'close' | 'call' | 'older' | 'add-people';

export interface ConversationActionDetail {
  sessionId: string;
  action: ConversationAction;
  /** send: the text and the files to attach. */
  text?: string;
  files?: File[];
  /** retry: the message's client_id. */
  clientId?: string;
  /** call: whom (an extension or an E.164 number); add-people: the colleague's extension. */
  target?: string;
}

/**
 * What a conversation card asks for. The owner (the workspace) does it; for `send` it puts the
 * outcome in `result` (an error to show, '' when sent on its way) while handling the event.
 */
export class ConversationActionEvent extends Event {
  static readonly eventName = 'sb-conversation-action' as const;
  result: Promise<string> | undefined;
  constructor(readonly detail: ConversationActionDetail) {
    super(ConversationActionEvent.eventName, { bubbles: true, composed: true });
  }
}

/** Links in a message: http and https only; everything else stays text. */
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"']+/gi;

/** A message's text as text and safe links (never HTML). */
export function linkify(text: string): Array<string | { href: string; text: string }> {
  const parts: Array<string | { href: string; text: string }> = [];
  let last = 0;
  for (const m of text.matchAll(URL_PATTERN)) {
    // Punctuation that ends a sentence is not part of the link.
    const raw = m[0].replace(/[.,;:!?)\]]+$/, '');
    const start = m.index ?? 0;
    let href = '';
    try {
      const url = new URL(raw);
      if (url.protocol === 'http:' || url.protocol === 'https:') href = url.href;
    } catch {
      href = '';
    }
    if (!href) continue;
    if (start > last) parts.push(text.slice(last, start));
    parts.push({ href, text: raw });
    last = start + raw.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

const size = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`);

/**
 * One conversation on the card grid, beside the call cards: its people (Call, Add people for a
 * chat, Close), the messages (day separators; mine on the right with their status; attachments
 * as thumbnails that open larger, or file chips; links clickable, http and https only), who is
 * typing, and the composer (Enter sends, Shift+Enter is a new line; Attach for images and PDF up
 * to 5 MB). Closing only takes the card off the grid. It knows nothing of the stores: it fires
 * {@link ConversationActionEvent}s.
 *
 * @fires sb-conversation-action - {@link ConversationActionEvent}
 */
@customElement('sb-conversation-card')
export class SbConversationCard extends LitElement {
  static override styles = [
    baseStyles,
    buttonStyles,
    fieldStyles,
    cardStyles,
    cardHeaderStyles,
    css`
      :host {
        display: block;
        min-width: 0;
      }

      article {
        gap: var(--sb-sys-space-sm);
        min-height: 24rem;
        max-height: min(40rem, 85dvh);
      }

      header .sub {
        margin: 0;
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
        overflow-wrap: anywhere;
      }

      header .tools {
        display: flex;
        flex-wrap: wrap;
        gap: var(--sb-sys-space-xs);
        justify-content: flex-end;
      }

      h2 {
        font-size: var(--sb-sys-font-size-title);
      }

      .icon-only {
        padding: var(--sb-sys-space-xs);
        min-width: 2.75rem;
        min-height: 2.75rem;
      }

      .messages {
        flex: 1;
        min-height: 8rem;
        overflow-y: auto;
        display: flex;
        flex-direction: column;
        gap: var(--sb-sys-space-xs);
        margin: 0;
        padding: var(--sb-sys-space-xs);
        list-style: none;
        border-radius: var(--sb-sys-radius-card);
        background: var(--sb-sys-color-surface-variant);
      }

      .day {
        align-self: center;
        margin: var(--sb-sys-space-sm) 0 var(--sb-sys-space-xs);
        padding: 0 var(--sb-sys-space-sm);
        border-radius: var(--sb-sys-radius-pill);
        background: var(--sb-sys-color-surface);
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
      }

      .message {
        display: flex;
        flex-direction: column;
        align-items: flex-start;
        max-width: 85%;
      }

      .message.mine {
        align-self: flex-end;
        align-items: flex-end;
      }

      .bubble {
        padding: var(--sb-sys-space-xs) var(--sb-sys-space-sm);
        border-radius: 1rem 1rem 1rem 0.25rem;
        background: var(--sb-sys-color-surface);
        border: 1px solid var(--sb-sys-color-outline);
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }

      .mine .bubble {
        border-radius: 1rem 1rem 0.25rem 1rem;
        background: var(--sb-sys-color-primary-container);
        color: var(--sb-sys-color-on-primary-container);
        border-color: transparent;
      }

      .bubble a {
        color: inherit;
        text-decoration: underline;
      }

      .from,
      .meta {
        font-size: var(--sb-sys-font-size-small);
        color: var(--sb-sys-color-on-surface-muted);
      }

      .meta {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--sb-sys-space-xs);
      }

      .meta.failed {
        color: var(--sb-sys-color-danger);
        font-weight: 600;
      }

      .meta .btn {
        min-height: 2rem;
        padding: 0 var(--sb-sys-space-sm);
      }

      .attachments {
        display: flex;
        flex-wrap: wrap;
        gap: var(--sb-sys-space-xs);
        margin-top: var(--sb-sys-space-xs);
      }

      .thumb {
        padding: 0;
        border: 1px solid var(--sb-sys-color-outline);
        border-radius: 0.5rem;
        background: var(--sb-sys-color-surface);
        cursor: zoom-in;
        overflow: hidden;
      }

      .thumb img {
        display: block;
        width: 8rem;
        height: 6rem;
        object-fit: cover;
      }

      .chip {
        display: inline-flex;
        align-items: center;
        gap: var(--sb-sys-space-xs);
        max-width: 100%;
        font-size: var(--sb-sys-font-size-small);
      }

      .typing {
        min-height: 1.25rem;
        margin: 0;
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
        font-style: italic;
      }

      form.composer {
        display: grid;
        grid-template-columns: auto 1fr auto;
        align-items: end;
        gap: var(--sb-sys-space-xs);
      }

      textarea {
        width: 100%;
        padding: var(--sb-sys-space-xs) var(--sb-sys-space-sm);
        border: 1px solid var(--sb-sys-color-on-surface-muted);
        border-radius: var(--sb-sys-radius-control);
        background: var(--sb-sys-color-surface);
        color: var(--sb-sys-color-on-surface);
        min-height: 2.75rem;
        max-height: 8rem;
        resize: vertical;
        font: inherit;
      }

      .files {
        grid-column: 1 / -1;
        display: flex;
        flex-wrap: wrap;
        gap: var(--sb-sys-space-xs);
      }

      .error {
        margin: 0;
        color: var(--sb-sys-color-danger);
        font-size: var(--sb-sys-font-size-small);
      }

      .add {
        display: flex;
        flex-wrap: wrap;
        gap: var(--sb-sys-space-xs);
        align-items: end;
      }

      dialog {
        max-width: min(90vw, 60rem);
        padding: var(--sb-sys-space-md);
        border: none;
        border-radius: var(--sb-sys-radius-card);
        background: var(--sb-sys-color-surface);
        color: var(--sb-sys-color-on-surface);
      }

      dialog img {
        display: block;
        max-width: 100%;
        max-height: 75vh;
        margin-bottom: var(--sb-sys-space-sm);
      }
    `,
  ];

  @property({ attribute: false }) conversation?: MessageSessionView;
  /** What the conversation is called ("Bob Baker", "+1 555 010 0199", "Bob and Carol"). */
  @property() name = '';
  /** Its messages, oldest first. */
  @property({ attribute: false }) messages: readonly ShownMessage[] = [];
  /** Names of those typing now. */
  @property({ attribute: false }) typing: readonly string[] = [];
  @property({ type: Boolean, attribute: 'has-older' }) hasOlder = false;
  /** Colleagues who could be added to a chat. */
  @property({ attribute: false }) colleagues: ReadonlyArray<{ extension: string; name: string }> = [];
  /** Fetches an attachment (with the token) as an object URL. */
  @property({ attribute: false }) attachmentUrl?: (a: AttachmentView) => Promise<string>;

  @state() private text = '';
  @state() private files: File[] = [];
  @state() private error = '';
  @state() private busy = false;
  @state() private adding = false;
  @state() private urls = new Map<string, string>();
  @state() private viewing: AttachmentView | null = null;

  @query('.messages') private list?: HTMLElement;
  @query('textarea') private textarea?: HTMLTextAreaElement;
  @query('input[type=file]') private fileInput?: HTMLInputElement;
  @query('dialog') private dialog?: HTMLDialogElement;

  private visible = false;
  private observer: IntersectionObserver | undefined;
  private readonly onAttention = () => this.maybeRead();

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('focus', this.onAttention);
    document.addEventListener('visibilitychange', this.onAttention);
    this.observer = new IntersectionObserver((entries) => {
      this.visible = entries.some((e) => e.isIntersecting);
      this.maybeRead();
    });
    this.observer.observe(this);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('focus', this.onAttention);
    document.removeEventListener('visibilitychange', this.onAttention);
    this.observer?.disconnect();
  }

  /** Puts the cursor in the composer. */
  override focus(): void {
    this.textarea?.focus();
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('messages')) {
      // The newest at the bottom, in view (again once the layout and thumbnails have settled).
      this.scrollToEnd();
      requestAnimationFrame(() => this.scrollToEnd());
      for (const m of this.messages) for (const a of m.attachments) if (a.content_type.startsWith('image/')) void this.fetchUrl(a);
    }
    if (changed.has('conversation')) this.maybeRead();
  }

  private scrollToEnd(): void {
    const list = this.list;
    if (list) list.scrollTop = list.scrollHeight;
  }

  private get sessionId(): string {
    return this.conversation?.id ?? '';
  }

  /** The card is seen (on screen, the window focused): its messages are read. */
  private maybeRead(): void {
    if (!this.conversation?.unread || !this.visible) return;
    if (document.visibilityState !== 'visible' || !document.hasFocus()) return;
    this.act({ action: 'read' });
  }

  private act(detail: Omit<ConversationActionDetail, 'sessionId'>): ConversationActionEvent {
    const e = new ConversationActionEvent({ sessionId: this.sessionId, ...detail });
    this.dispatchEvent(e);
    return e;
  }

  override render() {
    const c = this.conversation;
    if (!c) return nothing;
    const name = this.name || 'Conversation';
    const single = c.participants.length === 1 ? c.participants[0] : undefined;
    const target = single ? (single.kind === 'user' ? single.extension : single.number) : '';
    const sub = c.kind === 'sms'
      ? `Text message${c.local_number ? ` from ${c.local_number}` : ''}`
      : c.participants.length > 1 ? `Group chat, ${c.participants.length + 1} people` : `Chat, extension ${single?.kind === 'user' ? single.extension : ''}`;
    return html`<article aria-label="Conversation with ${name}">
      <header>
        <span class="avatar" aria-hidden="true">${c.participants.length > 1 ? icon('contacts') : c.kind === 'sms' && /^[+\d(]/.test(name) ? icon('phone') : initials(name) || icon('chat')}</span>
        <div class="who">
          <h2>${name}</h2>
          <p class="sub">${sub}</p>
        </div>
        <div class="tools">
          ${target
            ? html`<button class="btn success icon-only" type="button" aria-label="Call ${name}" title="Call ${name}"
                @click=${() => this.act({ action: 'call', target })}>${icon('phone')}</button>`
            : nothing}
          ${c.kind === 'chat'
            ? html`<button class="btn ghost icon-only" type="button" aria-label="Add people" title="Add people" aria-expanded=${this.adding}
                @click=${() => (this.adding = !this.adding)}>${icon('add-person')}</button>`
            : nothing}
          <button class="btn ghost icon-only" type="button" aria-label="Close conversation with ${name}" title="Close (the conversation stays in Chat and SMS)"
            @click=${() => this.act({ action: 'close' })}>${icon('close')}</button>
        </div>
      </header>
      ${this.adding ? this.renderAdd(c) : nothing}
      <ol class="messages" aria-label="Messages" tabindex="0">
        ${this.hasOlder
          ? html`<li class="day"><button class="btn ghost" type="button" @click=${() => this.act({ action: 'older' })}>Load older messages</button></li>`
          : nothing}
        ${this.messages.length === 0 ? html`<li class="day">No messages yet. Say hello.</li>` : nothing}
        ${this.renderMessages(c)}
      </ol>
      <p class="typing" aria-live="polite">${this.typingText()}</p>
      ${this.renderComposer()}
      <dialog aria-label=${this.viewing?.name ?? 'Attachment'} @close=${() => (this.viewing = null)}>
        ${this.viewing
          ? html`<img src=${this.urls.get(this.viewing.url) ?? ''} alt=${this.viewing.name} />
              <button class="btn secondary" type="button" @click=${() => this.dialog?.close()}>Close</button>`
          : nothing}
      </dialog>
    </article>`;
  }

  private renderAdd(c: MessageSessionView) {
    const inIt = new Set(c.participants.map((p) => (p.kind === 'user' ? p.extension : '')));
    const options = this.colleagues.filter((p) => !inIt.has(p.extension));
    return html`<form class="add" @submit=${(e: Event) => {
      e.preventDefault();
      const select = (e.target as HTMLFormElement).querySelector('select');
      if (!select?.value) return;
      this.act({ action: 'add-people', target: select.value });
      this.adding = false;
    }}>
      <label class="field">Colleague to add
        <select>${options.map((p) => html`<option value=${p.extension}>${p.name} (${p.extension})</option>`)}</select>
      </label>
      <button class="btn primary" type="submit" ?disabled=${options.length === 0}>Add</button>
      <button class="btn secondary" type="button" @click=${() => (this.adding = false)}>Cancel</button>
    </form>`;
  }

  private renderMessages(c: MessageSessionView) {
    let day = '';
    const items: unknown[] = [];
    const group = c.participants.length > 1;
    for (const m of this.messages) {
      const d = new Date(m.sent_at);
      const thisDay = d.toDateString();
      if (thisDay !== day) {
        day = thisDay;
        items.push(html`<li class="day" role="separator">${dayLabel(d)}</li>`);
      }
      items.push(this.renderMessage(m, group));
    }
    return items;
  }

  private renderMessage(m: ShownMessage, group: boolean) {
    const mine = m.direction === 'outbound';
    const time = new Date(m.sent_at).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
    return html`<li class="message ${mine ? 'mine' : ''}" data-id=${m.id}>
      ${!mine && group ? html`<span class="from">${m.sender.name}</span>` : nothing}
      ${m.text
        ? html`<div class="bubble">${linkify(m.text).map((p) => (typeof p === 'string' ? p : html`<a href=${p.href} target="_blank" rel="noopener noreferrer">${p.text}</a>`))}</div>`
        : nothing}
      ${m.attachments.length ? html`<div class="attachments">${m.attachments.map((a) => this.renderAttachment(a))}</div>` : nothing}
      <span class="meta ${mine && m.status === 'failed' ? 'failed' : ''}">
        <time datetime=${m.sent_at}>${time}</time>${mine ? this.renderStatus(m) : nothing}
      </span>
    </li>`;
  }

  private renderStatus(m: ShownMessage) {
    if (m.status === 'failed') {
      return html`<span class="status">Failed: ${m.failure_reason || 'not sent'}</span>
        <button class="btn secondary" type="button" @click=${() => this.act({ action: 'retry', clientId: m.client_id })}>Retry</button>`;
    }
    const text = m.waiting ? 'Waiting for connection' : { sending: 'Sending…', sent: 'Sent', delivered: 'Delivered', read: 'Read' }[m.status];
    const ticks = { sending: '', sent: '✓', delivered: '✓✓', read: '✓✓' }[m.status];
    return html`<span class="status">${ticks ? html`<span aria-hidden="true">${ticks}</span> ` : nothing}${text}</span>`;
  }

  private renderAttachment(a: AttachmentView) {
    if (a.content_type.startsWith('image/')) {
      const url = this.urls.get(a.url);
      return html`<button class="thumb" type="button" aria-label="View ${a.name}" @click=${() => void this.view(a)}>
        ${url ? html`<img src=${url} alt="" @load=${() => this.scrollToEnd()} />` : html`<span class="chip">${icon('file')}${a.name}</span>`}
      </button>`;
    }
    return html`<button class="btn secondary chip" type="button" aria-label="Download ${a.name}" @click=${() => void this.download(a)}>
      ${icon('download')}<span>${a.name}</span><span>(${a.content_type === 'application/pdf' ? 'PDF' : 'file'}, ${size(a.size)})</span>
    </button>`;
  }

  private renderComposer() {
    return html`<form class="composer" @submit=${(e: Event) => {
      e.preventDefault();
      void this.submit();
    }}>
      ${this.files.length
        ? html`<div class="files">${this.files.map((f) => html`<span class="chip">${icon('file')}${f.name}
            <button class="btn ghost" type="button" aria-label="Remove ${f.name}" @click=${() => (this.files = this.files.filter((x) => x !== f))}>${icon('close')}</button></span>`)}</div>`
        : nothing}
      <input type="file" accept="image/*,application/pdf" multiple hidden @change=${this.onFiles} />
      <button class="btn ghost icon-only" type="button" aria-label="Attach" title="Attach an image or PDF (up to 5 MB)" @click=${() => this.fileInput?.click()}>${icon('attach')}</button>
      <label class="sr-only" for="composer">Message</label>
      <textarea id="composer" rows="1" placeholder="Message" .value=${this.text}
        @input=${(e: InputEvent) => {
          this.text = (e.target as HTMLTextAreaElement).value;
          if (this.text.trim()) this.act({ action: 'typing' });
        }}
        @keydown=${this.onKeydown}></textarea>
      <button class="btn primary icon-only" type="submit" aria-label="Send" title="Send (Enter)" ?disabled=${this.busy}>${icon('send')}</button>
      <div role="alert" class="files">${this.error ? html`<p class="error">${this.error}</p>` : nothing}</div>
    </form>`;
  }

  private readonly onKeydown = (e: KeyboardEvent): void => {
    if (e.key !== 'Enter' || e.shiftKey || e.isComposing) return;
    e.preventDefault();
    void this.submit();
  };

  private readonly onFiles = (e: Event): void => {
    const input = e.target as HTMLInputElement;
    const picked = [...(input.files ?? [])];
    input.value = '';
    this.addFiles(picked);
  };

  /** Files to send with the next message; refused at once (in words) when not an image or PDF or over 5 MB. */
  addFiles(files: readonly File[]): void {
    for (const f of files) {
      const problem = attachmentProblem(f);
      if (problem) {
        this.error = problem;
        return;
      }
    }
    this.error = '';
    this.files = [...this.files, ...files];
  }

  private async submit(): Promise<void> {
    if (this.busy) return;
    const text = this.text;
    if (!text.trim() && this.files.length === 0) {
      this.error = 'Type a message first.';
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      const error = (await this.act({ action: 'send', text, files: this.files }).result) ?? '';
      this.error = error;
      if (!error) {
        this.text = '';
        this.files = [];
      }
    } finally {
      this.busy = false;
      this.textarea?.focus();
    }
  }

  private typingText(): string {
    const t = this.typing;
    if (t.length === 0) return '';
    if (t.length === 1) return `${t[0]} is typing…`;
    return `${t.slice(0, -1).join(', ')} and ${t.at(-1)} are typing…`;
  }

  private async fetchUrl(a: AttachmentView): Promise<string | undefined> {
    const known = this.urls.get(a.url);
    if (known || !this.attachmentUrl) return known;
    try {
      const url = await this.attachmentUrl(a);
      this.urls = new Map(this.urls).set(a.url, url);
      return url;
    } catch {
      return undefined;
    }
  }

  private async view(a: AttachmentView): Promise<void> {
    await this.fetchUrl(a);
    this.viewing = a;
    await this.updateComplete;
    if (!this.dialog?.open) this.dialog?.showModal();
  }

  private async download(a: AttachmentView): Promise<void> {
    const url = await this.fetchUrl(a);
    if (!url) {
      this.error = `Cannot open ${a.name} right now.`;
      return;
    }
    const link = document.createElement('a');
    link.href = url;
    link.download = a.name;
    link.click();
  }
}

function dayLabel(d: Date): string {
  const today = new Date();
  const yesterday = new Date(today.getFullYear(), today.getMonth(), today.getDate() - 1);
  if (d.toDateString() === today.toDateString()) return 'Today';
  if (d.toDateString() === yesterday.toDateString()) return 'Yesterday';
  return d.toLocaleDateString([], { weekday: 'long', day: 'numeric', month: 'long', year: d.getFullYear() === today.getFullYear() ? undefined : 'numeric' });
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-conversation-card': SbConversationCard;
  }
  interface HTMLElementEventMap {
    'sb-conversation-action': ConversationActionEvent;
  }
}
