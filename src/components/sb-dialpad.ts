import { LitElement, html, nothing } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { icon } from './icons.js';
import { dialpadStyles } from './sb-dialpad.styles.js';

export interface DialDetail {
  /** What to call, trimmed; never empty. */
  number: string;
}

/**
 * The user asks to call what was typed. The pad clears its input afterwards unless a listener
 * calls `preventDefault()` (to keep the number, e.g. when it cannot be called).
 */
export class DialEvent extends CustomEvent<DialDetail> {
  static readonly eventName = 'sb-dial' as const;
  constructor(detail: DialDetail) {
    super(DialEvent.eventName, { detail, bubbles: true, composed: true, cancelable: true });
  }
}

export interface DtmfDetail {
  /** One of 0-9, *, #. */
  tone: string;
}

/** A key was pressed in DTMF mode: send this tone on the call. */
export class DtmfEvent extends CustomEvent<DtmfDetail> {
  static readonly eventName = 'sb-dtmf' as const;
  constructor(detail: DtmfDetail) {
    super(DtmfEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

/** "Close" was pressed (only offered when `closable`). */
export class DialpadCloseEvent extends Event {
  static readonly eventName = 'sb-dialpad-close' as const;
  constructor() {
    super(DialpadCloseEvent.eventName, { bubbles: true, composed: true });
  }
}

export type DialpadMode = 'dial' | 'dtmf';

const KEYS: ReadonlyArray<readonly [digit: string, letters: string]> = [
  ['1', ''],
  ['2', 'ABC'],
  ['3', 'DEF'],
  ['4', 'GHI'],
  ['5', 'JKL'],
  ['6', 'MNO'],
  ['7', 'PQRS'],
  ['8', 'TUV'],
  ['9', 'WXYZ'],
  ['*', ''],
  ['0', '+'],
  ['#', ''],
];

const TONE = /^[0-9*#]$/;

/**
 * A telephone keypad. In `dial` mode it edits a number (an input labelled "Number", "Delete",
 * "Call"); in `dtmf` mode every key press is a tone for a live call and the pad only shows the
 * `digits` sent so far. Typing 0-9, * and # works while focus is anywhere in the pad (and +,
 * Backspace and Enter in dial mode).
 *
 * `value` behaves like a native input's: the pad updates it as the user types.
 *
 * @fires sb-dial - {@link DialEvent} `{number}` from "Call" or Enter (dial mode; cancelable).
 * @fires sb-dtmf - {@link DtmfEvent} `{tone}` for each key press (dtmf mode).
 * @fires sb-dialpad-close - {@link DialpadCloseEvent} from "Close" (when `closable`).
 * @csspart keys - the 12-key grid
 * @csspart key - each key
 * @cssprop --sb-dialpad-key-background - key face (default: surface variant)
 * @cssprop --sb-dialpad-key-size - key height (default: 3.5rem)
 * @cssprop --sb-dialpad-max-width - pad width (default: 18rem)
 */
@customElement('sb-dialpad')
export class SbDialpad extends LitElement {
  static override styles = dialpadStyles;

  @property({ reflect: true })
  mode: DialpadMode = 'dial';

  /** The number being dialled (dial mode). */
  @property()
  value = '';

  /** The tones sent so far (dtmf mode), e.g. `call.dtmf`. */
  @property()
  digits = '';

  /** Offer a "Close" button. */
  @property({ type: Boolean, reflect: true })
  closable = false;

  @state()
  private pressed = '';

  @query('#number')
  private input?: HTMLInputElement;

  private pressedTimer: ReturnType<typeof setTimeout> | undefined;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.pressedTimer);
  }

  /** Presses one key, as a click or a typed character would. */
  press(key: string): void {
    if (this.mode === 'dtmf') {
      if (TONE.test(key)) this.dispatchEvent(new DtmfEvent({ tone: key }));
      return;
    }
    this.value += key;
  }

  /** Dial mode: calls what was typed, if anything. */
  dial(): void {
    const number = this.value.trim();
    if (this.mode !== 'dial' || !number) return;
    const event = new DialEvent({ number });
    if (this.dispatchEvent(event)) {
      this.value = '';
      this.keepFocusInInput();
    }
  }

  private backspace(): void {
    this.value = this.value.slice(0, -1);
    if (!this.value) this.keepFocusInInput();
  }

  /**
   * "Call" and "Delete" are disabled once the number is empty; a focused button that becomes
   * disabled drops focus to the page, so move it to the input first.
   */
  private keepFocusInInput(): void {
    const focused = this.shadowRoot?.activeElement;
    if (focused instanceof HTMLButtonElement && !focused.classList.contains('key')) this.input?.focus();
  }

  private flash(key: string): void {
    this.pressed = key;
    clearTimeout(this.pressedTimer);
    this.pressedTimer = setTimeout(() => (this.pressed = ''), 150);
  }

  private onKeydown(e: KeyboardEvent): void {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const inInput = e.composedPath()[0] === this.input;
    if (inInput) {
      // The input edits itself; Enter is the only key with a meaning beyond typing.
      if (e.key === 'Enter') {
        e.preventDefault();
        this.dial();
      }
      return;
    }
    if (TONE.test(e.key) || (this.mode === 'dial' && e.key === '+')) {
      e.preventDefault();
      this.flash(e.key);
      this.press(e.key);
    } else if (this.mode === 'dial' && e.key === 'Backspace') {
      e.preventDefault();
      this.backspace();
    }
  }

  private onInput(e: InputEvent): void {
    this.value = (e.target as HTMLInputElement).value;
  }

  override render() {
    return html`<div class="pad" @keydown=${this.onKeydown}>
      <div class="top">${this.mode === 'dial' ? this.renderInput() : this.renderDigits()} ${this.renderClose()}</div>
      <div class="keys" part="keys">
        ${KEYS.map(
          ([digit, letters]) => html`<button
            class="key ${this.pressed === digit ? 'pressed' : ''}"
            part="key"
            type="button"
            @click=${() => this.press(digit)}
          >
            <span class="digit">${digit}</span><span class="letters" aria-hidden="true">${letters}</span>
          </button>`,
        )}
      </div>
      ${this.mode === 'dial'
        ? html`<div class="bottom">
            <button class="btn success call" type="button" ?disabled=${!this.value.trim()} @click=${this.dial}>
              ${icon('phone')}Call
            </button>
          </div>`
        : nothing}
    </div>`;
  }

  private renderInput() {
    return html`<div class="field">
        <label for="number">Number</label>
        <input
          id="number"
          type="tel"
          autocomplete="off"
          .value=${live(this.value)}
          @input=${this.onInput}
        />
      </div>
      <button
        class="btn ghost icon-btn"
        type="button"
        aria-label="Delete"
        title="Delete"
        ?disabled=${!this.value}
        @click=${this.backspace}
      >
        ${icon('backspace')}
      </button>`;
  }

  private renderDigits() {
    return html`<p class="digits">
      ${this.digits
        ? html`<span class="sr-only">Tones sent: </span><bdi>${this.digits}</bdi>`
        : html`<span class="placeholder">Tones you press are sent to the call</span>`}
    </p>`;
  }

  private renderClose() {
    if (!this.closable) return nothing;
    return html`<button
      class="btn ghost icon-btn"
      type="button"
      aria-label="Close"
      title="Close"
      @click=${() => this.dispatchEvent(new DialpadCloseEvent())}
    >
      ${icon('close')}
    </button>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-dialpad': SbDialpad;
  }
  interface HTMLElementEventMap {
    'sb-dial': DialEvent;
    'sb-dtmf': DtmfEvent;
    'sb-dialpad-close': DialpadCloseEvent;
  }
}
