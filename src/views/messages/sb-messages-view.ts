import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { consume } from '@lit/context';
import { areaServicesContext, contactBookContext, directoryContext, sessionContext } from '../../app/contexts.js';
import type { AreaServices } from '../../areas/area.js';
import type { MessageSessionView, NewMessageSession } from '../../data/wire.js';
import { StoreController } from '../../controllers/store-controller.js';
import { ContactBookChangedEvent, type ContactBook } from '../../state/contact-book.js';
import { DirectoryChangedEvent, partyNames, type Directory } from '../../state/directory.js';
import { CONVERSATIONS_CHANGED, conversationName, type Conversations } from '../../state/conversations.js';
import { formatPhoneNumber, normalisePhoneNumber } from '../../state/phone-number.js';
import type { Session } from '../../state/session.js';
import { icon } from '../../components/icons.js';
import { baseStyles, buttonStyles, fieldStyles, listStateStyles, viewStyles } from '../../components/shared-styles.js';
import { NavigateRequestEvent } from '../../areas/navigate-request.js';

/** Someone picked in "To": a colleague or an outside number (E.164). */
type Picked = { kind: 'user'; extension: string; name: string } | { kind: 'number'; number: string };

/** A suggestion under "To". */
type Suggestion = { id: string; label: string; pick: Picked };

/**
 * Chat and SMS: my conversations, newest activity first (name, last message, time, unread
 * count), a search, and New Conversation: type a colleague's name or extension, or a whole phone
 * number, pick the suggestion (a chip), and the check mark opens the conversation's card on the
 * grid. Clicking a conversation opens its card; "Delete conversation" (asked first) deletes it for
 * me. state/conversations.ts keeps the list.
 */
@customElement('sb-messages-view')
export class SbMessagesView extends LitElement {
  static override styles = [
    viewStyles,
    baseStyles,
    buttonStyles,
    fieldStyles,
    listStateStyles,
    css`
      .tools {
        display: flex;
        flex-wrap: wrap;
        gap: var(--sb-sys-space-sm);
        align-items: end;
        margin-bottom: var(--sb-sys-space-md);
      }

      .tools .field {
        flex: 1 1 12rem;
      }

      .new {
        position: relative;
        margin-bottom: var(--sb-sys-space-md);
        padding: var(--sb-sys-space-md);
        border: 1px solid var(--sb-sys-color-outline);
        border-radius: var(--sb-sys-radius-card);
        background: var(--sb-sys-color-surface);
      }

      .new h2 {
        margin: 0 0 var(--sb-sys-space-sm);
        font-size: var(--sb-sys-font-size-title);
      }

      .to {
        display: flex;
        flex-wrap: wrap;
        gap: var(--sb-sys-space-xs);
        align-items: center;
      }

      .to input {
        flex: 1 1 10rem;
        width: auto;
      }

      .chip {
        display: inline-flex;
        align-items: center;
        gap: var(--sb-sys-space-xs);
        padding: 0 0 0 var(--sb-sys-space-sm);
        border-radius: var(--sb-sys-radius-pill);
        background: var(--sb-sys-color-primary-container);
        color: var(--sb-sys-color-on-primary-container);
      }

      .chip .btn {
        min-height: 2rem;
        padding: 0 var(--sb-sys-space-xs);
      }

      [role='listbox'] {
        margin: var(--sb-sys-space-xs) 0 0;
        padding: 0;
        list-style: none;
        border: 1px solid var(--sb-sys-color-outline);
        border-radius: var(--sb-sys-radius-control);
        background: var(--sb-sys-color-surface);
        box-shadow: var(--sb-sys-elevation-card);
      }

      [role='option'] {
        padding: var(--sb-sys-space-sm) var(--sb-sys-space-md);
        cursor: pointer;
      }

      [role='option'][aria-selected='true'],
      [role='option']:hover {
        background: var(--sb-sys-color-primary-container);
        color: var(--sb-sys-color-on-primary-container);
      }

      .row-actions {
        display: flex;
        gap: var(--sb-sys-space-xs);
        margin-top: var(--sb-sys-space-sm);
      }

      .hint {
        margin: var(--sb-sys-space-xs) 0 0;
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
      }

      .refused {
        margin: var(--sb-sys-space-xs) 0 0;
        color: var(--sb-sys-color-danger);
        font-size: var(--sb-sys-font-size-small);
      }

      ul.list {
        margin: 0;
        padding: 0;
        list-style: none;
      }

      ul.list > li {
        display: grid;
        grid-template-columns: minmax(0, 1fr) auto;
        align-items: center;
        gap: var(--sb-sys-space-xs);
        border-bottom: 1px solid var(--sb-sys-color-outline);
      }

      .open {
        display: grid;
        grid-template-columns: minmax(0, 1fr) auto;
        gap: 0 var(--sb-sys-space-sm);
        width: 100%;
        padding: var(--sb-sys-space-sm) var(--sb-sys-space-xs);
        border: none;
        background: none;
        color: inherit;
        font: inherit;
        text-align: start;
        cursor: pointer;
      }

      .open:hover {
        background: var(--sb-sys-color-surface-variant);
      }

      .name {
        font-weight: 650;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }

      .unread .name {
        font-weight: 800;
      }

      .last {
        grid-column: 1;
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }

      .when {
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
        text-align: end;
      }

      .badge {
        justify-self: end;
        min-width: 1.5rem;
        padding: 0 var(--sb-sys-space-xs);
        border-radius: var(--sb-sys-radius-pill);
        background: var(--sb-sys-color-primary);
        color: var(--sb-sys-color-on-primary);
        font-size: var(--sb-sys-font-size-small);
        font-weight: 700;
        text-align: center;
      }

      .confirm {
        grid-column: 1 / -1;
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--sb-sys-space-sm);
        padding: var(--sb-sys-space-sm);
        border-radius: var(--sb-sys-radius-control);
        background: var(--sb-sys-color-danger-container);
      }

      .confirm p {
        margin: 0;
        flex: 1 1 100%;
      }
    `,
  ];

  @consume({ context: areaServicesContext, subscribe: true }) services?: AreaServices;
  @consume({ context: directoryContext, subscribe: true }) directory?: Directory;
  @consume({ context: contactBookContext, subscribe: true }) book?: ContactBook;
  @consume({ context: sessionContext, subscribe: true }) session?: Session;

  @state() private query = '';
  @state() private composing = false;
  @state() private to = '';
  @state() private picked: Picked[] = [];
  @state() private active = 0;
  @state() private refusal = '';
  @state() private error = '';
  @state() private busy = false;
  @state() private confirming: string | null = null;

  private readonly watch = new StoreController(this, [CONVERSATIONS_CHANGED]);
  private readonly watchDirectory = new StoreController(this, [DirectoryChangedEvent.eventName]);
  private readonly watchBook = new StoreController(this, [ContactBookChangedEvent.eventName]);

  private get store(): Conversations | undefined {
    return this.services?.conversations;
  }

  protected override willUpdate(_changed: PropertyValues<this>): void {
    this.watch.observe(this.store);
    this.watchDirectory.observe(this.directory);
    this.watchBook.observe(this.book);
  }

  /** Opens the conversation with a colleague (Contacts' "Message"). */
  async startWith(extension: string): Promise<void> {
    const name = this.directory?.entries.find((p) => p.extension === extension)?.name ?? extension;
    await this.start([{ kind: 'user', extension, name }]);
  }

  /** The name of a conversation, as the list and its card show it. */
  nameOf(session: Pick<MessageSessionView, 'participants'>): string {
    return conversationName(session, this.names, formatPhoneNumber);
  }

  private namesCache: { people: unknown; contacts: unknown; nameOf: (n: string) => string } | null = null;
  private get names(): (number: string) => string {
    const people = this.directory?.entries ?? [];
    const contacts = this.book?.entries ?? [];
    const c = this.namesCache;
    if (c && c.people === people && c.contacts === contacts) return c.nameOf;
    const nameOf = partyNames(people, contacts);
    this.namesCache = { people, contacts, nameOf };
    return nameOf;
  }

  override render() {
    const store = this.store;
    const q = this.query.trim().toLowerCase();
    const sessions = (store?.sessions ?? []).filter((s) => !q || this.nameOf(s).toLowerCase().includes(q) || (s.last_message?.text ?? '').toLowerCase().includes(q)
      || s.participants.some((p) => (p.kind === 'user' ? p.extension : p.number).includes(q)));
    const error = this.error || store?.error || '';
    return html`
      <div role="alert">${error ? html`<p class="error">${icon('alert')}<span>${error}</span></p>` : nothing}</div>
      <div class="tools">
        <div class="field">
          <label for="search">Search conversations</label>
          <input id="search" type="search" autocomplete="off" .value=${this.query} @input=${(e: Event) => (this.query = (e.target as HTMLInputElement).value)} />
        </div>
        <button class="btn primary" type="button" aria-expanded=${this.composing} @click=${() => this.toggleNew()}>${icon('chat')}New Conversation</button>
      </div>
      ${this.composing ? this.renderNew() : nothing}
      <div role="status" class="sr-only">${sessions.length} conversations</div>
      ${sessions.length === 0
        ? html`<div class="empty">${icon('chat')}<p>${store?.loading ? 'Loading conversations…' : q ? 'No conversation matches.' : 'No conversations yet. Start one with New Conversation.'}</p></div>`
        : html`<ul class="list" aria-label="Conversations">${repeat(sessions, (s) => s.id, (s) => this.renderRow(s))}</ul>`}
    `;
  }

  private renderRow(s: MessageSessionView) {
    const name = this.nameOf(s);
    const last = s.last_message;
    const preview = last ? `${last.direction === 'outbound' ? 'You: ' : ''}${last.text || (last.attachments.length ? `Attachment: ${last.attachments.map((a) => a.name).join(', ')}` : '')}` : 'No messages yet';
    return html`<li class=${s.unread ? 'unread' : ''} data-id=${s.id}>
      <button class="open" type="button" @click=${() => this.openCard(s.id)}
        aria-label="${name}${s.kind === 'sms' ? ' (text message)' : ''}${s.unread ? `, ${s.unread} unread` : ''}: ${preview}">
        <span class="name">${name}</span>
        <span class="when"><time datetime=${s.updated_at}>${when(s.updated_at)}</time></span>
        <span class="last">${preview}</span>
        ${s.unread ? html`<span class="badge" aria-hidden="true">${s.unread}</span>` : nothing}
      </button>
      <button class="btn ghost" type="button" aria-label="Delete conversation with ${name}" title="Delete conversation"
        @click=${() => (this.confirming = s.id)}>${icon('trash')}</button>
      ${this.confirming === s.id
        ? html`<div class="confirm" role="group" aria-label="Confirm delete">
            <p>Delete your conversation with ${name}? The others keep theirs.</p>
            <button class="btn danger" type="button" @click=${() => void this.deleteConversation(s.id)}>Delete conversation</button>
            <button class="btn secondary" type="button" @click=${() => (this.confirming = null)}>Keep</button>
          </div>`
        : nothing}
    </li>`;
  }

  private renderNew() {
    const suggestions = this.suggestions();
    const active = Math.min(this.active, suggestions.length - 1);
    const smsOff = this.store?.sms?.enabled === false;
    return html`<section class="new" aria-labelledby="new-title">
      <h2 id="new-title">New Conversation</h2>
      <div class="field">
        <label for="to">To</label>
        <div class="to">
          ${this.picked.map((p) => {
            const label = p.kind === 'user' ? `${p.name} (${p.extension})` : formatPhoneNumber(p.number);
            return html`<span class="chip">${label}<button class="btn ghost" type="button" aria-label="Remove ${label}"
              @click=${() => (this.picked = this.picked.filter((x) => x !== p))}>${icon('close')}</button></span>`;
          })}
          <input id="to" type="text" autocomplete="off" role="combobox" aria-autocomplete="list"
            aria-expanded=${suggestions.length > 0} aria-controls="suggestions"
            aria-activedescendant=${suggestions.length ? `suggestion-${active}` : ''}
            aria-describedby="to-hint to-refused"
            placeholder="Name, extension or whole phone number"
            .value=${this.to}
            @input=${(e: Event) => {
              this.to = (e.target as HTMLInputElement).value;
              this.active = 0;
              this.refusal = '';
            }}
            @keydown=${(e: KeyboardEvent) => this.onToKey(e, suggestions)} />
          <button class="btn success" type="button" aria-label="Start conversation" title="Start conversation"
            ?disabled=${this.busy} @click=${() => void this.startPicked()}>${icon('check')}</button>
          <button class="btn ghost" type="button" @click=${() => this.toggleNew()}>Cancel</button>
        </div>
        <ul id="suggestions" role="listbox" aria-label="Suggestions" ?hidden=${suggestions.length === 0}>
          ${suggestions.map((s, i) => html`<li id="suggestion-${i}" role="option" aria-selected=${i === active}
            @mousedown=${(e: Event) => e.preventDefault()} @click=${() => this.pick(s.pick)}>${s.label}</li>`)}
        </ul>
        <p id="to-hint" class="hint">${smsOff
          ? 'Chat with colleagues by name or extension. Text messages to outside numbers are not enabled for your organisation.'
          : 'A colleague by name or extension, or an outside number: type the whole number, then pick the suggestion.'}</p>
        <p id="to-refused" class="refused" role="alert">${this.refusal || this.typedProblem(suggestions)}</p>
      </div>
    </section>`;
  }

  /** Colleagues whose name or extension matches, and "Text <number>" for a whole valid number. */
  private suggestions(): Suggestion[] {
    const typed = this.to.trim();
    if (!typed) return [];
    const q = typed.toLowerCase();
    const me = this.session?.user?.extension;
    const taken = new Set(this.picked.map((p) => (p.kind === 'user' ? p.extension : p.number)));
    const people = (this.directory?.entries ?? [])
      .filter((p) => p.extension !== me && !taken.has(p.extension) && (p.name.toLowerCase().includes(q) || p.extension.startsWith(q)))
      .slice(0, 8)
      .map((p): Suggestion => ({ id: `user:${p.extension}`, label: `${p.name} (${p.extension})`, pick: { kind: 'user', extension: p.extension, name: p.name } }));
    const number = /\d/.test(typed) ? normalisePhoneNumber(typed) : null;
    if (number?.ok && !taken.has(number.e164)) {
      people.push({ id: `number:${number.e164}`, label: `Text ${formatPhoneNumber(number.e164)}`, pick: { kind: 'number', number: number.e164 } });
    }
    return people;
  }

  /** Why what is typed offers nothing, in words ('' while it may still become something). */
  private typedProblem(suggestions: Suggestion[]): string {
    const typed = this.to.trim();
    if (!typed || suggestions.length) return '';
    const digits = typed.replace(/\D/g, '');
    if (/^[\d\s().+\-/]+$/.test(typed)) {
      // An extension being typed, or a number not yet whole: only say so once it is long enough.
      if (digits.length < 10 && !typed.startsWith('+')) return digits.length > 6 ? 'Type the whole number: 10 digits, or + and the country code.' : '';
      const check = normalisePhoneNumber(typed);
      return check.ok ? '' : check.reason;
    }
    return `No colleague matches "${typed}", and it is not a phone number.`;
  }

  private onToKey(e: KeyboardEvent, suggestions: Suggestion[]): void {
    if (e.key === 'ArrowDown' && suggestions.length) {
      e.preventDefault();
      this.active = (Math.min(this.active, suggestions.length - 1) + 1) % suggestions.length;
    } else if (e.key === 'ArrowUp' && suggestions.length) {
      e.preventDefault();
      this.active = (Math.min(this.active, suggestions.length - 1) - 1 + suggestions.length) % suggestions.length;
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const s = suggestions[Math.min(this.active, suggestions.length - 1)];
      if (s) this.pick(s.pick);
      else if (this.to.trim()) this.refusal = this.typedProblem(suggestions) || 'Pick a suggestion first.';
      else void this.startPicked();
    } else if (e.key === 'Backspace' && !this.to && this.picked.length) {
      this.picked = this.picked.slice(0, -1);
    }
  }

  private pick(p: Picked): void {
    if (p.kind === 'number' && this.store?.sms?.enabled === false) {
      this.refusal = 'SMS is not enabled for your organisation.';
      return;
    }
    if ((p.kind === 'number' && this.picked.length) || this.picked.some((x) => x.kind === 'number')) {
      this.refusal = 'A text message conversation is with one number only: start it on its own.';
      return;
    }
    this.picked = [...this.picked, p];
    this.to = '';
    this.active = 0;
    this.refusal = '';
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('#to')?.focus());
  }

  private async startPicked(): Promise<void> {
    if (this.to.trim()) {
      // Typed but not picked: the product asks for the suggestion to be clicked.
      const suggestions = this.suggestions();
      this.refusal = suggestions.length ? 'Pick a suggestion first, then the check mark.' : this.typedProblem(suggestions) || 'Pick a suggestion first.';
      return;
    }
    if (!this.picked.length) {
      this.refusal = 'Add someone to talk to first.';
      return;
    }
    await this.start(this.picked);
  }

  private async start(picked: Picked[]): Promise<void> {
    const store = this.store;
    if (!store) return;
    const participants: NewMessageSession['participants'] = picked.map((p) => (p.kind === 'user' ? { kind: 'user', extension: p.extension } : { kind: 'number', number: p.number }));
    this.busy = true;
    this.refusal = '';
    try {
      await store.start(participants);
      this.composing = false;
      this.picked = [];
      this.to = '';
      this.dispatchEvent(new NavigateRequestEvent({ area: 'calls' }));
    } catch (err) {
      this.refusal = (err as Error).message;
      if (!this.composing) this.error = this.refusal;
    } finally {
      this.busy = false;
    }
  }

  private toggleNew(): void {
    this.composing = !this.composing;
    this.to = '';
    this.picked = [];
    this.refusal = '';
    if (this.composing) void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>('#to')?.focus());
  }

  private openCard(id: string): void {
    this.store?.openCard(id);
    // A narrow window shows the grid (with the card) instead of the list.
    this.dispatchEvent(new NavigateRequestEvent({ area: 'calls' }));
  }

  private async deleteConversation(id: string): Promise<void> {
    this.confirming = null;
    this.error = '';
    try {
      await this.store?.remove(id);
    } catch (err) {
      this.error = (err as Error).message;
    }
  }
}

/** "14:05" today, "Mon" this week, else "12 Mar". */
function when(iso: string): string {
  const d = new Date(iso);
  const now = new Date();
  if (d.toDateString() === now.toDateString()) return d.toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
  if (now.getTime() - d.getTime() < 6 * 86_400_000) return d.toLocaleDateString([], { weekday: 'short' });
  return d.toLocaleDateString([], { day: 'numeric', month: 'short' });
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-messages-view': SbMessagesView;
  }
}
