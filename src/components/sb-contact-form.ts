import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { icon } from './icons.js';
import { baseStyles, buttonStyles, fieldStyles } from './shared-styles.js';

export type ContactFormLabel = 'mobile' | 'work' | 'home' | 'main' | 'fax' | 'other';

const LABELS: ReadonlyArray<ContactFormLabel> = ['mobile', 'work', 'home', 'main', 'fax', 'other'];

/** The fields of a personal contact, named as the platform's API names them. */
export interface ContactFormValue {
  first_name: string;
  last_name: string;
  company: string;
  email: string;
  notes: string;
  numbers: Array<{ label: ContactFormLabel; number: string }>;
}

export const emptyContactForm = (): ContactFormValue => ({ first_name: '', last_name: '', company: '', email: '', notes: '', numbers: [] });

/** "Save" was pressed; `detail` is the edited fields (numbers left blank are dropped). */
export class ContactSaveEvent extends Event {
  static readonly eventName = 'sb-contact-save' as const;
  constructor(readonly detail: ContactFormValue) {
    super(ContactSaveEvent.eventName, { bubbles: true, composed: true });
  }
}

/** "Cancel" was pressed. */
export class ContactCancelEvent extends Event {
  static readonly eventName = 'sb-contact-cancel' as const;
  constructor() {
    super(ContactCancelEvent.eventName, { bubbles: true, composed: true });
  }
}

type TextField = 'first_name' | 'last_name' | 'company' | 'email';

/** The platform's rules for a contact (server/http/routes/contacts.ts), checked before sending. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;
const PHONE = /^\+?[0-9*#()\[\]\s.\-]+$/;
const MAX_DIGITS = 32;
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_IN_NOTES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** What the user is told, in their words, never naming a field of the API. */
export const CONTACT_MESSAGES = {
  name: 'Enter a first name, last name or company, or add a number.',
  email: 'Enter an email address like name@example.com.',
  number: 'Enter a phone number: digits, with + * # spaces, dashes, dots or brackets.',
  numberLength: `This number is too long: use at most ${MAX_DIGITS} digits.`,
  control: 'Remove the special characters (such as tabs) from this field.',
  other: 'Check this field: the phone system did not accept it.',
} as const;

/**
 * The message for a field the platform refused (`first_name`, `email`, `numbers.0.number`, ...),
 * in the user's words: the platform's own text names API fields, so it is never shown as is.
 */
export function contactFieldMessage(field: string, platformMessage = ''): string {
  const m = platformMessage.toLowerCase();
  if (/^numbers\.\d+\.(number|label)$/.test(field) || field === 'numbers') {
    if (m.includes('control')) return CONTACT_MESSAGES.control;
    return m.includes('digits') && m.includes('more than') ? CONTACT_MESSAGES.numberLength : CONTACT_MESSAGES.number;
  }
  if (m.includes('control characters')) return CONTACT_MESSAGES.control;
  if (field === 'email') return CONTACT_MESSAGES.email;
  if (field === 'first_name' || field === 'last_name' || field === 'company') {
    return m.includes('needs a name') ? CONTACT_MESSAGES.name : CONTACT_MESSAGES.other;
  }
  return CONTACT_MESSAGES.other;
}

/** Checks the fields as the platform will; messages by field (`numbers.0.number` for numbers). */
export function validateContact(d: ContactFormValue): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const key of ['first_name', 'last_name', 'company', 'email'] as const) {
    if (CONTROL.test(d[key])) errors[key] = CONTACT_MESSAGES.control;
  }
  const email = d.email.trim();
  if (!errors.email && email && !EMAIL.test(email)) errors.email = CONTACT_MESSAGES.email;
  if (CONTROL_IN_NOTES.test(d.notes)) errors.notes = CONTACT_MESSAGES.control;
  d.numbers.forEach((n, i) => {
    const number = n.number.trim();
    if (!number) return; // blank rows are dropped on save
    const digits = number.replace(/\D/g, '');
    if (!PHONE.test(number) || !digits) errors[`numbers.${i}.number`] = CONTACT_MESSAGES.number;
    else if (digits.length > MAX_DIGITS) errors[`numbers.${i}.number`] = CONTACT_MESSAGES.numberLength;
  });
  const named = d.first_name.trim() || d.last_name.trim() || d.company.trim();
  if (!named && !d.numbers.some((n) => n.number.trim()) && !errors.first_name) errors.first_name = CONTACT_MESSAGES.name;
  return errors;
}

const TEXT_FIELDS: ReadonlyArray<{ key: TextField; label: string; type: string; autocomplete: string }> = [
  { key: 'first_name', label: 'First name', type: 'text', autocomplete: 'given-name' },
  { key: 'last_name', label: 'Last name', type: 'text', autocomplete: 'family-name' },
  { key: 'company', label: 'Company', type: 'text', autocomplete: 'organization' },
  { key: 'email', label: 'Email', type: 'email', autocomplete: 'email' },
];

/**
 * Creates or edits a personal contact: first and last name, company, email, notes, and a list
 * of numbers (a label select and a number input each, "Add number", "Remove"). `value` pre-fills
 * it (e.g. "Add to Contacts" from Call History). "Save" first checks the fields as the platform
 * will ({@link validateContact}) and, when one is wrong, shows why beside it in the user's words
 * and moves focus there instead of saving. `errors` are the fields the platform refused
 * (`first_name`, `email`, `numbers.0.number`, ...): they are shown in the user's words too
 * ({@link contactFieldMessage}), never the platform's text. A message goes as soon as its field
 * is fixed (checked as the user types). `error` is shown above the form in an alert (e.g. a
 * version conflict).
 *
 * @fires sb-contact-save - {@link ContactSaveEvent} with the fields
 * @fires sb-contact-cancel - {@link ContactCancelEvent}
 */
@customElement('sb-contact-form')
export class SbContactForm extends LitElement {
  static override styles = [
    baseStyles,
    buttonStyles,
    fieldStyles,
    css`
      :host {
        display: block;
      }

      form {
        display: flex;
        flex-direction: column;
        gap: var(--sb-sys-space-md);
      }

      h2 {
        margin: 0;
        font-size: var(--sb-sys-font-size-title);
      }

      textarea {
        width: 100%;
        min-height: 5rem;
        padding: var(--sb-sys-space-xs) var(--sb-sys-space-sm);
        border: 1px solid var(--sb-sys-color-on-surface-muted);
        border-radius: var(--sb-sys-radius-control);
        background: var(--sb-sys-color-surface);
        color: var(--sb-sys-color-on-surface);
        font: inherit;
      }

      fieldset {
        display: flex;
        flex-direction: column;
        gap: var(--sb-sys-space-sm);
        margin: 0;
        padding: var(--sb-sys-space-sm);
        border: 1px solid var(--sb-sys-color-outline);
        border-radius: var(--sb-sys-radius-control);
      }

      legend {
        font-weight: 600;
      }

      .number {
        display: grid;
        grid-template-columns: 8rem minmax(0, 1fr) auto;
        gap: var(--sb-sys-space-sm);
        align-items: end;
      }

      .alert {
        margin: 0;
        padding: var(--sb-sys-space-sm) var(--sb-sys-space-md);
        border-radius: var(--sb-sys-radius-control);
        background: var(--sb-sys-color-danger-container);
      }

      .actions {
        display: flex;
        gap: var(--sb-sys-space-sm);
      }
    `,
  ];

  /** The contact to start from; the form edits a copy. */
  @property({ attribute: false })
  value: ContactFormValue = emptyContactForm();

  /** Messages by field name, from the platform's `{field, message}` errors. */
  @property({ attribute: false })
  errors: Record<string, string> = {};

  /** A message about the whole form; '' for none. */
  @property()
  error = '';

  /** The form's heading. */
  @property()
  heading = 'New Contact';

  @property({ type: Boolean })
  busy = false;

  @state() private draft: ContactFormValue = emptyContactForm();
  /** The messages shown, by field: the last check's and the platform's, until fixed. */
  @state() private shown: Record<string, string> = {};

  override willUpdate(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('value')) {
      const v = { ...emptyContactForm(), ...this.value };
      this.draft = { ...v, numbers: (v.numbers ?? []).map((n) => ({ ...n })) };
      this.shown = {};
    }
    if (changed.has('errors')) {
      const fromPlatform: Record<string, string> = {};
      for (const [field, message] of Object.entries(this.errors ?? {})) fromPlatform[field] = contactFieldMessage(field, message);
      this.shown = { ...this.shown, ...fromPlatform };
    }
  }

  /** After an edit: a message whose field is now right goes; the others stay. */
  private recheck(): void {
    if (Object.keys(this.shown).length === 0) return;
    const now = validateContact(this.draft);
    const kept: Record<string, string> = {};
    for (const [field, message] of Object.entries(this.shown)) {
      // The "needs a name or number" rule is about several fields: any of them fixes it.
      if (now[field]) kept[field] = now[field]!;
      else if (this.platformStillRefuses(field, message)) kept[field] = message;
    }
    this.shown = kept;
  }

  /** A message from the platform stays until its field changes (we cannot check all it checks). */
  private platformStillRefuses(field: string, message: string): boolean {
    const original = this.errors?.[field];
    if (original === undefined || contactFieldMessage(field, original) !== message) return false;
    return this.fieldValue(field) === this.refusedValues[field];
  }

  /** The values the platform refused, to tell when the user has changed them. */
  private refusedValues: Record<string, string> = {};

  private fieldValue(field: string): string {
    const m = /^numbers\.(\d+)\.(number|label)$/.exec(field);
    if (m) return this.draft.numbers[Number(m[1])]?.[m[2] as 'number' | 'label'] ?? '';
    return field in this.draft ? String(this.draft[field as keyof Omit<ContactFormValue, 'numbers'>]) : '';
  }

  protected override updated(changed: Map<PropertyKey, unknown>): void {
    if (changed.has('errors')) {
      this.refusedValues = {};
      for (const field of Object.keys(this.errors ?? {})) this.refusedValues[field] = this.fieldValue(field);
    }
  }

  override render() {
    const d = this.draft;
    return html`<form novalidate @submit=${this.onSubmit}>
      <h2>${this.heading}</h2>
      <div role="alert">${this.error ? html`<p class="alert">${this.error}</p>` : nothing}</div>
      ${TEXT_FIELDS.map((f) => this.renderText(f.key, f.label, f.type, f.autocomplete))}
      <div class="field">
        <label for="notes">Notes</label>
        <textarea id="notes" .value=${d.notes} aria-invalid=${this.shown.notes ? 'true' : 'false'}
          aria-describedby=${this.shown.notes ? 'notes-error' : nothing}
          @input=${(e: Event) => this.set('notes', (e.target as HTMLTextAreaElement).value)}></textarea>
        ${this.renderError('notes')}
      </div>
      <fieldset>
        <legend>Numbers</legend>
        ${d.numbers.map((n, i) => this.renderNumber(n, i))}
        <div><button class="btn secondary" type="button" @click=${this.addNumber}>Add number</button></div>
        ${this.renderError('numbers')}
      </fieldset>
      <div class="actions">
        <button class="btn primary" type="submit" ?disabled=${this.busy}>Save</button>
        <button class="btn secondary" type="button" @click=${() => this.dispatchEvent(new ContactCancelEvent())}>Cancel</button>
      </div>
    </form>`;
  }

  private renderText(key: TextField, label: string, type: string, autocomplete: string) {
    const err = this.shown[key];
    return html`<div class="field">
      <label for=${key}>${label}</label>
      <input id=${key} name=${key} type=${type} autocomplete=${autocomplete} .value=${this.draft[key]}
        aria-invalid=${err ? 'true' : 'false'} aria-describedby=${err ? `${key}-error` : nothing}
        @input=${(e: Event) => this.set(key, (e.target as HTMLInputElement).value)} />
      ${this.renderError(key)}
    </div>`;
  }

  private renderNumber(n: { label: ContactFormLabel; number: string }, i: number) {
    const key = `numbers.${i}.number`;
    const err = this.shown[key] ?? this.shown[`numbers.${i}.label`];
    return html`<div class="field">
      <div class="number">
        <div class="field">
          <label for="label-${i}">Label ${i + 1}</label>
          <select id="label-${i}" @change=${(e: Event) => this.setNumber(i, { label: (e.target as HTMLSelectElement).value as ContactFormLabel })}>
            ${LABELS.map((l) => html`<option value=${l} ?selected=${l === n.label}>${l}</option>`)}
          </select>
        </div>
        <div class="field">
          <label for="number-${i}">Number ${i + 1}</label>
          <input id="number-${i}" type="tel" inputmode="tel" .value=${n.number}
            aria-invalid=${err ? 'true' : 'false'} aria-describedby=${err ? `number-${i}-error` : nothing}
            @input=${(e: Event) => this.setNumber(i, { number: (e.target as HTMLInputElement).value })} />
        </div>
        <button class="btn ghost" type="button" aria-label="Remove number ${i + 1}" @click=${() => this.removeNumber(i)}>Remove</button>
      </div>
      ${err ? html`<p class="field-error" id="number-${i}-error">${icon('alert')}<span>${err}</span></p>` : nothing}
    </div>`;
  }

  private renderError(key: string) {
    const err = this.shown[key];
    return err ? html`<p class="field-error" id="${key}-error">${icon('alert')}<span>${err}</span></p>` : nothing;
  }

  private set(key: keyof Omit<ContactFormValue, 'numbers'>, value: string): void {
    this.draft = { ...this.draft, [key]: value };
    this.recheck();
  }

  private setNumber(i: number, change: Partial<{ label: ContactFormLabel; number: string }>): void {
    this.draft = { ...this.draft, numbers: this.draft.numbers.map((n, j) => (j === i ? { ...n, ...change } : n)) };
    this.recheck();
  }

  private readonly addNumber = async (): Promise<void> => {
    const i = this.draft.numbers.length;
    this.draft = { ...this.draft, numbers: [...this.draft.numbers, { label: 'mobile', number: '' }] };
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLInputElement>(`#number-${i}`)?.focus();
  };

  private removeNumber(i: number): void {
    this.draft = { ...this.draft, numbers: this.draft.numbers.filter((_, j) => j !== i) };
    // Messages of the numbers below move up with them; a fresh check puts them right.
    const renumbered: Record<string, string> = {};
    for (const [field, message] of Object.entries(this.shown)) {
      const m = /^numbers\.(\d+)\.(number|label)$/.exec(field);
      const n = m ? Number(m[1]) : -1;
      if (!m) renumbered[field] = message;
      else if (n > i) renumbered[`numbers.${n - 1}.${m[2]}`] = message;
      else if (n < i) renumbered[field] = message;
    }
    this.shown = renumbered;
    this.recheck();
  }

  private async onSubmit(e: Event): Promise<void> {
    e.preventDefault();
    const d = this.draft;
    const errors = validateContact(d);
    if (Object.keys(errors).length > 0) {
      this.shown = errors;
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
      return;
    }
    this.shown = {};
    this.dispatchEvent(new ContactSaveEvent({
      first_name: d.first_name.trim(),
      last_name: d.last_name.trim(),
      company: d.company.trim(),
      email: d.email.trim(),
      notes: d.notes,
      numbers: d.numbers.filter((n) => n.number.trim()).map((n) => ({ label: n.label, number: n.number.trim() })),
    }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-contact-form': SbContactForm;
  }
  interface HTMLElementEventMap {
    'sb-contact-save': ContactSaveEvent;
    'sb-contact-cancel': ContactCancelEvent;
  }
}
