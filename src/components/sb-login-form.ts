import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { icon } from './icons.js';
import { loginFormStyles } from './sb-login-form.styles.js';

export interface LoginSubmitDetail {
  /** `extension@domain`, trimmed. */
  username: string;
  password: string;
}

/** The user asks to log in with a username and password that passed the client-side check. */
export class LoginSubmitEvent extends CustomEvent<LoginSubmitDetail> {
  static readonly eventName = 'sb-login-submit' as const;
  constructor(detail: LoginSubmitDetail) {
    super(LoginSubmitEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

export interface MfaSubmitDetail {
  /** Six digits, whitespace removed. */
  code: string;
}

/** The user submits the one-time code of the second step. */
export class MfaSubmitEvent extends CustomEvent<MfaSubmitDetail> {
  static readonly eventName = 'sb-mfa-submit' as const;
  constructor(detail: MfaSubmitDetail) {
    super(MfaSubmitEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

/** The user leaves the second step ("Back"); the app returns to `step = 'password'`. */
export class MfaCancelEvent extends Event {
  static readonly eventName = 'sb-mfa-cancel' as const;
  constructor() {
    super(MfaCancelEvent.eventName, { bubbles: true, composed: true });
  }
}

export type LoginStep = 'password' | 'mfa';

/** Logins are `extension@domain`: something before and after one `@`, no spaces. */
const USERNAME = /^[^\s@]+@[^\s@]+$/;
const CODE = /^\d{6}$/;

export const USERNAME_HINT = 'Enter your login as extension@domain, e.g. 1001@demo';
export const PASSWORD_HINT = 'Enter your password';
export const CODE_HINT = 'Enter the 6-digit code from your authenticator app';

type FieldName = 'username' | 'password' | 'code';

/**
 * The login screen: brand header, username and password, and a second step for a one-time code
 * when the account has MFA. The element only checks the shape of what was typed; the app talks to
 * the platform and sets `busy`, `error` and `step` from the answer.
 *
 * While `busy`, an error is not shown, so the app can set the same message again after a retry
 * and it is announced again. Typing updates `username` (like a native input's `value`).
 *
 * @fires sb-login-submit - {@link LoginSubmitEvent} `{username, password}` from "Log in".
 * @fires sb-mfa-submit - {@link MfaSubmitEvent} `{code}` from "Verify".
 * @fires sb-mfa-cancel - {@link MfaCancelEvent} from "Back".
 * @csspart card - the panel holding the form
 * @cssprop --sb-login-form-background - panel background (default: surface)
 * @cssprop --sb-login-form-max-width - panel width on wide screens (default: 24rem)
 */
@customElement('sb-login-form')
export class SbLoginForm extends LitElement {
  static override styles = loginFormStyles;

  /** Which step to show: username and password, or the one-time code. */
  @property({ reflect: true })
  step: LoginStep = 'password';

  /** A request is in flight: the fields and buttons are disabled and progress shows. */
  @property({ type: Boolean, reflect: true })
  busy = false;

  /** What went wrong with the last attempt, shown in an alert; '' for none. */
  @property()
  error = '';

  /** The username field's value; set it to prefill, read it after the user typed. */
  @property()
  username = '';

  /** The logo shown above the title. */
  @property({ attribute: 'logo-src' })
  logoSrc = '/icons/icon.svg';

  @state()
  private invalid: { field: FieldName; message: string } | null = null;

  @query('#username') private usernameInput?: HTMLInputElement;
  @query('#password') private passwordInput?: HTMLInputElement;
  @query('#code') private codeInput?: HTMLInputElement;

  private password = '';
  private code = '';

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('step') && changed.get('step') !== undefined) {
      this.invalid = null;
      this.code = '';
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    const stepChanged = changed.has('step') && changed.get('step') !== undefined;
    const busyEnded = changed.has('busy') && changed.get('busy') === true && !this.busy;
    // Disabling the fields while busy drops focus to the page; put it back where the user
    // continues: the first field of a new step, or the field to correct after a failure.
    if (stepChanged || (busyEnded && !this.containsFocus())) {
      if (this.step === 'mfa') this.codeInput?.focus();
      else if (stepChanged || !this.usernameInput?.value) this.usernameInput?.focus();
      else this.passwordInput?.focus();
    }
  }

  private containsFocus(): boolean {
    return this.shadowRoot?.activeElement != null;
  }

  private onPasswordSubmit(e: SubmitEvent): void {
    e.preventDefault();
    if (this.busy) return;
    const username = (this.usernameInput?.value ?? '').trim();
    const password = this.passwordInput?.value ?? '';
    if (!USERNAME.test(username)) {
      this.showInvalid('username', USERNAME_HINT);
      return;
    }
    if (!password) {
      this.showInvalid('password', PASSWORD_HINT);
      return;
    }
    this.invalid = null;
    this.username = username;
    this.dispatchEvent(new LoginSubmitEvent({ username, password }));
  }

  private onCodeSubmit(e: SubmitEvent): void {
    e.preventDefault();
    if (this.busy) return;
    const code = (this.codeInput?.value ?? '').replace(/\s+/g, '');
    if (!CODE.test(code)) {
      this.showInvalid('code', CODE_HINT);
      return;
    }
    this.invalid = null;
    this.dispatchEvent(new MfaSubmitEvent({ code }));
  }

  private onBack(): void {
    if (this.busy) return;
    this.dispatchEvent(new MfaCancelEvent());
  }

  private async showInvalid(field: FieldName, message: string): Promise<void> {
    this.invalid = { field, message };
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>(`#${field}`)?.focus();
  }

  private onInput(e: InputEvent): void {
    const input = e.target as HTMLInputElement;
    if (input.id === 'username') this.username = input.value;
    else if (input.id === 'password') this.password = input.value;
    else if (input.id === 'code') this.code = input.value;
    // Clear the message once the field is being corrected.
    if (this.invalid?.field === input.id) this.invalid = null;
  }

  override render() {
    return html`
      <div class="card" part="card">
        <header>
          <img src=${this.logoSrc} alt="" width="56" height="56" />
          <h1>Switchboard</h1>
          <p class="lead">
            ${this.step === 'mfa' ? 'Two-step verification' : 'Log in to your phone'}
          </p>
        </header>
        ${this.step === 'mfa' ? this.renderMfa() : this.renderPassword()}
      </div>
    `;
  }

  private renderPassword() {
    return html`
      <form novalidate aria-busy=${this.busy ? 'true' : 'false'} @submit=${this.onPasswordSubmit} @input=${this.onInput}>
        <fieldset ?disabled=${this.busy}>
          ${this.renderField('username', 'Username', {
            type: 'text',
            value: this.username,
            autocomplete: 'username',
            inputmode: 'email',
            placeholder: 'extension@domain',
          })}
          ${this.renderField('password', 'Password', {
            type: 'password',
            value: this.password,
            autocomplete: 'current-password',
          })}
          ${this.renderAlert()}
          <div class="actions">
            <button class="btn primary" type="submit">
              ${this.busy ? html`<span class="spinner" aria-hidden="true"></span>` : nothing}Log in
            </button>
          </div>
        </fieldset>
        <span class="sr-only" role="status">${this.busy ? 'Logging in…' : ''}</span>
      </form>
    `;
  }

  private renderMfa() {
    return html`
      <form novalidate aria-busy=${this.busy ? 'true' : 'false'} @submit=${this.onCodeSubmit} @input=${this.onInput}>
        <fieldset ?disabled=${this.busy}>
          <p class="lead" id="code-help">Enter the 6-digit code from your authenticator app.</p>
          ${this.renderField('code', 'Verification code', {
            type: 'text',
            value: this.code,
            autocomplete: 'one-time-code',
            inputmode: 'numeric',
            pattern: '[0-9]{6}',
            describedBy: 'code-help',
          })}
          ${this.renderAlert()}
          <div class="actions">
            <button class="btn primary" type="submit">
              ${this.busy ? html`<span class="spinner" aria-hidden="true"></span>` : nothing}Verify
            </button>
            <button class="btn secondary" type="button" @click=${this.onBack}>Back</button>
          </div>
        </fieldset>
        <span class="sr-only" role="status">${this.busy ? 'Verifying…' : ''}</span>
      </form>
    `;
  }

  private renderField(
    id: FieldName,
    label: string,
    o: {
      type: string;
      value: string;
      autocomplete: string;
      inputmode?: string;
      placeholder?: string;
      pattern?: string;
      describedBy?: string;
    },
  ) {
    const invalid = this.invalid?.field === id ? this.invalid.message : '';
    const describedBy = [o.describedBy, invalid ? `${id}-error` : ''].filter(Boolean).join(' ');
    return html`
      <div class="field">
        <label for=${id}>${label}</label>
        <input
          id=${id}
          name=${id}
          class=${id === 'code' ? 'code' : ''}
          type=${o.type}
          .value=${o.value}
          autocomplete=${o.autocomplete}
          inputmode=${o.inputmode ?? nothing}
          placeholder=${o.placeholder ?? nothing}
          pattern=${o.pattern ?? nothing}
          autocapitalize="none"
          spellcheck="false"
          required
          aria-invalid=${invalid ? 'true' : 'false'}
          aria-describedby=${describedBy || nothing}
        />
        ${invalid ? html`<p class="field-error" id="${id}-error">${icon('alert')}<span>${invalid}</span></p>` : nothing}
      </div>
    `;
  }

  private renderAlert() {
    // The alert region stays in the DOM so that new content is announced when it appears.
    const show = this.error && !this.busy;
    return html`<div class="alert" role="alert">${show
      ? html`<p class="error">${icon('alert')}<span>${this.error}</span></p>`
      : nothing}</div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-login-form': SbLoginForm;
  }
  interface HTMLElementEventMap {
    'sb-login-submit': LoginSubmitEvent;
    'sb-mfa-submit': MfaSubmitEvent;
    'sb-mfa-cancel': MfaCancelEvent;
  }
}
