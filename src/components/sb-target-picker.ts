import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { icon } from './icons.js';
import { ModalDialogController } from '../controllers/modal-dialog-controller.js';
import { baseStyles, buttonStyles, dialogStyles, fieldStyles } from './shared-styles.js';

/** Someone the user can call: a user of the domain. */
export interface DirectoryEntry {
  extension: string;
  name: string;
  /** At least one of their devices is registered. */
  online: boolean;
}

export type TargetPickerMode = 'add' | 'transfer';

export interface TargetChosenDetail {
  /** What to call: an extension from the directory, or the number as typed (formatting removed). */
  target: string;
  /** The directory name; '' for a typed number. */
  name: string;
  /** 'add': Add Call; 'blind': Transfer Now; 'attended': Talk First (consult, then transfer). */
  kind: 'add' | 'blind' | 'attended';
}

/** The user chose who to add or transfer to (the picker has closed itself). */
export class TargetChosenEvent extends CustomEvent<TargetChosenDetail> {
  static readonly eventName = 'sb-target-chosen' as const;
  constructor(detail: TargetChosenDetail) {
    super(TargetChosenEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

/** The user dismissed the picker ("Cancel" or Escape; it has closed itself). */
export class TargetCancelEvent extends Event {
  static readonly eventName = 'sb-target-cancel' as const;
  constructor() {
    super(TargetCancelEvent.eventName, { bubbles: true, composed: true });
  }
}

/** Dialable as typed: digits, *, #, a leading +, and the usual separators. */
const NUMBER = /^\+?[0-9*#][0-9*#\s().-]*$/;
/** Shown at once; more means the user should keep typing. */
const MAX_RESULTS = 50;

const fold = (s: string): string =>
  s
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase();

const digitsOf = (s: string): string => s.replace(/[\s().-]/g, '');

interface Match {
  target: string;
  name: string;
  entry?: DirectoryEntry;
}

/**
 * Chooses who to add to a call or transfer it to: a modal dialog with a search field ("Search or
 * enter a number") that filters `directory` by name or extension as the user types, a list of
 * matches, and "Use <number>" for a typed number that is nobody's extension.
 *
 * In `add` mode choosing a match fires `sb-target-chosen` with kind 'add'. In `transfer` mode it
 * asks how: "Transfer Now" (blind, kind 'blind') or "Talk First" (attended, kind 'attended').
 *
 * `open` behaves like the native dialog's: the app sets it to show the picker, and the picker
 * clears it itself when the user chooses or cancels, before firing the event. Opening again
 * starts from an empty search.
 *
 * Keyboard: typing filters; Down moves from the field into the matches and Up/Down through them
 * (Home/End to the ends); Enter in the field chooses the first match; Escape cancels.
 *
 * @fires sb-target-chosen - {@link TargetChosenEvent} `{target, name, kind}`.
 * @fires sb-target-cancel - {@link TargetCancelEvent} from "Cancel" or Escape.
 * @csspart dialog - the native dialog
 */
@customElement('sb-target-picker')
export class SbTargetPicker extends LitElement {
  static override styles = [
    baseStyles,
    buttonStyles,
    fieldStyles,
    dialogStyles,
    css`
      :host {
        display: contents;
      }

      .search {
        position: relative;
      }

      .search .icon {
        position: absolute;
        left: var(--sb-sys-space-sm);
        top: 50%;
        translate: 0 -50%;
        color: var(--sb-sys-color-on-surface-muted);
        pointer-events: none;
      }

      .search input {
        padding-left: 2.25rem;
      }

      .results {
        gap: 2px;
        margin-top: var(--sb-sys-space-sm);
      }

      .result {
        gap: var(--sb-sys-space-sm);
        min-height: 2.75rem;
        padding: var(--sb-sys-space-xs) var(--sb-sys-space-sm);
        border: 0;
      }

      .result:focus-visible {
        background: var(--sb-sys-color-primary-container);
        outline-offset: -2px;
      }

      .result .name {
        flex: 1;
        min-width: 0;
        font-weight: 600;
        overflow-wrap: anywhere;
      }

      .result .ext {
        flex: none;
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
        font-variant-numeric: tabular-nums;
      }

      .dot {
        flex: none;
        width: 0.625rem;
        height: 0.625rem;
        border-radius: var(--sb-sys-radius-pill);
        border: 2px solid var(--sb-sys-color-on-surface-muted);
      }

      .dot.online {
        border-color: var(--sb-sys-color-success);
        background: var(--sb-sys-color-success);
      }

      .use .icon {
        color: var(--sb-sys-color-success);
      }

      .hint {
        margin: var(--sb-sys-space-sm) 0 0;
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
        overflow-wrap: anywhere;
      }

      .chosen {
        display: flex;
        flex-direction: column;
        gap: var(--sb-sys-space-xs);
        margin: 0 0 var(--sb-sys-space-md);
        padding: var(--sb-sys-space-sm) var(--sb-sys-space-md);
        border-radius: var(--sb-sys-radius-control);
        background: var(--sb-sys-color-surface-variant);
      }

      .chosen .label {
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
      }

      .chosen .who {
        font-weight: 650;
        font-size: var(--sb-sys-font-size-title);
        overflow-wrap: anywhere;
      }

      .chosen .ext {
        color: var(--sb-sys-color-on-surface-muted);
        font-weight: 500;
        font-size: var(--sb-sys-font-size-body);
      }

      .how {
        display: flex;
        flex-wrap: wrap;
        gap: var(--sb-sys-space-sm);
      }

      .how .btn {
        flex: 1 1 10rem;
      }

      .how-hint {
        margin: var(--sb-sys-space-sm) 0 0;
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
      }

      .back {
        margin-right: auto;
      }
    `,
  ];

  @property({ reflect: true })
  mode: TargetPickerMode = 'add';

  @property({ attribute: false })
  directory: ReadonlyArray<DirectoryEntry> = [];

  @property({ type: Boolean, reflect: true })
  open = false;

  @state()
  private query = '';

  /** Transfer mode, second step: who was chosen, while asking how. */
  @state()
  private chosen: Match | null = null;

  @query('#search')
  private input?: HTMLInputElement;

  private readonly modal = new ModalDialogController(this, {
    cancel: () => this.cancel(),
    shown: () => this.input?.focus(),
  });

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('open') && this.open) {
      this.query = '';
      this.chosen = null;
    }
  }

  /** Runs after `modal` has shown or closed the dialog: focus follows the step (who, then how). */
  protected override updated(changed: PropertyValues): void {
    if (changed.has('chosen') && this.open) {
      if (this.chosen) this.renderRoot.querySelector<HTMLButtonElement>('.how .btn')?.focus();
      else if (changed.get('chosen')) this.input?.focus();
    }
  }

  /** The matches for what is typed, then "Use <number>" when it is a number nobody has. */
  private findMatches(): { list: Match[]; more: boolean } {
    const q = this.query.trim();
    const terms = fold(q).split(/\s+/).filter(Boolean);
    const numberLike = NUMBER.test(q);
    const digits = numberLike ? digitsOf(q) : '';
    const found = this.directory.filter((d) => {
      if (terms.length === 0) return true;
      if (numberLike && d.extension.includes(digits)) return true;
      const haystack = `${fold(d.name)} ${fold(d.extension)}`;
      return terms.every((t) => haystack.includes(t));
    });
    const list: Match[] = found.slice(0, MAX_RESULTS).map((entry) => ({ target: entry.extension, name: entry.name, entry }));
    if (numberLike && !this.directory.some((d) => d.extension === digits)) list.push({ target: digits, name: '' });
    return { list, more: found.length > MAX_RESULTS };
  }

  private choose(m: Match): void {
    if (this.mode === 'transfer') {
      this.chosen = m;
      return;
    }
    this.finish({ target: m.target, name: m.name, kind: 'add' });
  }

  private finish(detail: TargetChosenDetail): void {
    this.open = false;
    this.dispatchEvent(new TargetChosenEvent(detail));
  }

  private cancel(): void {
    this.open = false;
    this.dispatchEvent(new TargetCancelEvent());
  }

  private onInput(e: InputEvent): void {
    this.query = (e.target as HTMLInputElement).value;
  }

  private onSearchKeydown(e: KeyboardEvent): void {
    if (e.key === 'ArrowDown') {
      e.preventDefault();
      this.resultButtons()[0]?.focus();
    } else if (e.key === 'Enter') {
      e.preventDefault();
      const first = this.findMatches().list[0];
      if (first) this.choose(first);
    }
  }

  private resultButtons(): HTMLButtonElement[] {
    return [...this.renderRoot.querySelectorAll<HTMLButtonElement>('.results button')];
  }

  private onResultsKeydown(e: KeyboardEvent): void {
    const buttons = this.resultButtons();
    const at = buttons.indexOf(this.shadowRoot!.activeElement as HTMLButtonElement);
    if (at < 0) return;
    let next: HTMLElement | undefined;
    if (e.key === 'ArrowDown') next = buttons[Math.min(at + 1, buttons.length - 1)];
    else if (e.key === 'ArrowUp') next = at === 0 ? this.input : buttons[at - 1];
    else if (e.key === 'Home') next = buttons[0];
    else if (e.key === 'End') next = buttons[buttons.length - 1];
    else return;
    e.preventDefault();
    next?.focus();
  }

  override render() {
    const title = this.mode === 'transfer' ? 'Transfer call' : 'Add a call';
    return html`<dialog part="dialog" aria-labelledby="title" @close=${this.modal.onClose} @keydown=${this.modal.onKeydown}>
      <div class="dialog-head">
        <h2 id="title">${title}</h2>
      </div>
      <div class="dialog-body">${this.open ? (this.chosen ? this.renderHow(this.chosen) : this.renderSearch()) : nothing}</div>
      <div class="dialog-foot">
        ${this.chosen
          ? html`<button class="btn ghost back" type="button" @click=${() => (this.chosen = null)}>
              ${icon('back')}Back
            </button>`
          : nothing}
        <button class="btn secondary" type="button" @click=${this.cancel}>Cancel</button>
      </div>
    </dialog>`;
  }

  private renderSearch(): TemplateResult {
    const { list, more } = this.findMatches();
    const q = this.query.trim();
    const count = list.length === 0 ? 'No matches' : list.length === 1 ? '1 match' : `${list.length}${more ? '+' : ''} matches`;
    return html`<div class="field">
        <label for="search">Search or enter a number</label>
        <div class="search">
          ${icon('search')}
          <input
            id="search"
            type="text"
            autocomplete="off"
            autocapitalize="off"
            spellcheck="false"
            enterkeyhint="go"
            aria-describedby="count"
            autofocus
            .value=${live(this.query)}
            @input=${this.onInput}
            @keydown=${this.onSearchKeydown}
          />
        </div>
      </div>
      <p id="count" class="sr-only" role="status">${q ? count : ''}</p>
      ${list.length > 0
        ? html`<ul class="dialog-list results" aria-label="Matches" @keydown=${this.onResultsKeydown}>
            ${list.map((m) => html`<li>${m.entry ? this.renderEntry(m, m.entry) : this.renderUse(m)}</li>`)}
          </ul>`
        : html`<p class="hint">${this.directory.length === 0 && !q ? 'Type a number to call.' : `No one matches “${q}”.`}</p>`}
      ${more ? html`<p class="hint">Keep typing to narrow the list down.</p>` : nothing}`;
  }

  private renderEntry(m: Match, entry: DirectoryEntry): TemplateResult {
    return html`<button class="dialog-choice result" type="button" @click=${() => this.choose(m)}>
      <span class="dot ${entry.online ? 'online' : ''}" aria-hidden="true"></span>
      <span class="name">${entry.name || entry.extension}</span>
      ${entry.name ? html`<span class="ext">${entry.extension}</span>` : nothing}
      <span class="sr-only">${entry.online ? 'online' : 'offline'}</span>
    </button>`;
  }

  private renderUse(m: Match): TemplateResult {
    return html`<button class="dialog-choice result use" type="button" @click=${() => this.choose(m)}>
      ${icon('phone')}<span class="name">Use ${m.target}</span>
    </button>`;
  }

  private renderHow(m: Match): TemplateResult {
    const who = m.name || m.target;
    return html`<p class="chosen">
        <span class="label">Transfer to</span>
        <span class="who">${who} ${m.name ? html`<span class="ext">${m.target}</span>` : nothing}</span>
      </p>
      <div class="how">
        <button class="btn primary" type="button" @click=${() => this.finish({ target: m.target, name: m.name, kind: 'blind' })}>
          ${icon('transfer')}Transfer Now
        </button>
        <button class="btn secondary" type="button" @click=${() => this.finish({ target: m.target, name: m.name, kind: 'attended' })}>
          ${icon('phone')}Talk First
        </button>
      </div>
      <p class="how-hint">Talk First calls ${who} while your caller waits on hold; you complete the transfer when ready.</p>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-target-picker': SbTargetPicker;
  }
  interface HTMLElementEventMap {
    'sb-target-chosen': TargetChosenEvent;
    'sb-target-cancel': TargetCancelEvent;
  }
}
