import { LitElement, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ModalDialogController } from '../../controllers/modal-dialog-controller.js';
import type { AnswerRuleActions, AnswerRuleInput, AnswerRuleView, ForwardAction, RuleDestination, TimeFrameView } from '../../data/wire.js';
import { emptyActions } from '../../state/answer-rule-summary.js';
import { icon } from '../../components/icons.js';
import { baseStyles, buttonStyles, dialogStyles, fieldStyles } from '../../components/shared-styles.js';
import { ruleDialogStyles } from './dialog-styles.js';

export interface RuleSaveDetail {
  /** The rule's id (its time frame's, `*` for the default); null for a new rule. */
  id: string | null;
  input: AnswerRuleInput;
}

/** "Save Rule": the view sends it and closes the form, or shows the platform's error in it. */
export class RuleSaveEvent extends CustomEvent<RuleSaveDetail> {
  static readonly eventName = 'sb-rule-save' as const;
  constructor(detail: RuleSaveDetail) {
    super(RuleSaveEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

/** "Delete Rule", confirmed. */
export class RuleDeleteEvent extends CustomEvent<{ id: string }> {
  static readonly eventName = 'sb-rule-delete' as const;
  constructor(id: string) {
    super(RuleDeleteEvent.eventName, { detail: { id }, bubbles: true, composed: true });
  }
}

/** "Cancel" or Escape (the form has closed itself). */
export class RuleFormCancelEvent extends Event {
  static readonly eventName = 'sb-rule-cancel' as const;
  constructor() {
    super(RuleFormCancelEvent.eventName, { bubbles: true, composed: true });
  }
}

/** "New time frame…" was chosen: the view opens the time frame form, then {@link SbRuleForm.useFrame}. */
export class RuleNewFrameEvent extends Event {
  static readonly eventName = 'sb-rule-new-frame' as const;
  constructor() {
    super(RuleNewFrameEvent.eventName, { bubbles: true, composed: true });
  }
}

/** Someone a destination can name: a user of the organisation. */
export interface DirectoryName {
  extension: string;
  name: string;
}

type DestKind = 'user' | 'my-voicemail' | 'voicemail' | 'number' | 'queue';
interface DestDraft {
  kind: DestKind;
  /** The extension or number as typed. */
  value: string;
}
interface ForwardDraft {
  enabled: boolean;
  dest: DestDraft;
}
interface RingDraft {
  dest: DestDraft;
  delay: string;
}
type ForwardKey = 'forward_always' | 'forward_on_busy' | 'forward_no_answer' | 'forward_when_unregistered';

const FORWARDS: ReadonlyArray<{ key: ForwardKey; label: string; hint: (ringS: number) => string }> = [
  { key: 'forward_always', label: 'Forward always', hint: () => 'Every call goes there; your phones do not ring.' },
  { key: 'forward_on_busy', label: 'Forward on busy', hint: () => 'When you are already on a call.' },
  { key: 'forward_no_answer', label: 'Forward on no answer', hint: (s) => `When nobody answers within your ring time (${s} s); instead of your voicemail.` },
  { key: 'forward_when_unregistered', label: 'Forward when unregistered', hint: () => 'When none of your phones is online.' },
];

const KIND_LABEL: Record<DestKind, string> = {
  user: 'An extension',
  'my-voicemail': 'My voicemail',
  voicemail: "Another user's voicemail",
  number: 'An outside number',
  queue: 'A call queue',
};

export const OUTSIDE_NUMBER_HINT = 'Calls to outside numbers are not set up on this phone system: this forward cannot ring until they are';
const NEW_FRAME = '__new__';

/**
 * Creates or edits an answering rule in a modal dialog: the time frame (a new rule picks one of
 * mine or the organisation's that has no rule yet, or "New time frame…"), Enabled, and what it
 * does: Do Not Disturb; Forward always; Simultaneous ring (besides my phones, destinations each
 * rung after a delay); Forward on busy, on no answer, when unregistered; and the callers to
 * reject or always allow. A destination is an extension (from the directory as you type), my
 * voicemail, another user's voicemail, or an outside number.
 *
 * `open` works as the pickers' does. The form does not talk to the platform: it fires
 * `sb-rule-save` with the AnswerRuleInput, and the view sets `error` (the platform's words) or
 * closes it.
 *
 * @fires sb-rule-save - {@link RuleSaveEvent}
 * @fires sb-rule-delete - {@link RuleDeleteEvent} after the confirmation
 * @fires sb-rule-cancel - {@link RuleFormCancelEvent}
 * @fires sb-rule-new-frame - {@link RuleNewFrameEvent}
 */
@customElement('sb-rule-form')
export class SbRuleForm extends LitElement {
  static override styles = [baseStyles, buttonStyles, fieldStyles, dialogStyles, ruleDialogStyles];

  @property({ type: Boolean, reflect: true }) open = false;
  /** The rule to edit; null for a new rule. */
  @property({ attribute: false }) rule: AnswerRuleView | null = null;
  /** The time frames a new rule can use (without those that have a rule). */
  @property({ attribute: false }) frames: TimeFrameView[] = [];
  @property({ attribute: false }) directory: DirectoryName[] = [];
  /** My extension: "My voicemail" is its voicemail. */
  @property() me = '';
  /** My ring time, for the no-answer hint. */
  @property({ type: Number }) ringTimeoutS = 25;
  /** The platform's refusal, in words. */
  @property() error = '';
  /** The field the platform named in its refusal (a 400's `field`, e.g. "forward_on_busy"), if any. */
  @property() errorField = '';
  @property({ type: Boolean }) busy = false;

  @state() private frameId = '';
  @state() private enabled = true;
  @state() private dnd = false;
  @state() private forwards = {} as Record<ForwardKey, ForwardDraft>;
  @state() private simultaneous = false;
  @state() private ring: RingDraft[] = [];
  @state() private reject = '';
  @state() private allow = '';
  @state() private confirming = false;

  private readonly modal = new ModalDialogController(this, {
    cancel: () => this.cancel(),
    shown: () => this.renderRoot.querySelector<HTMLElement>('select, input')?.focus(),
  });

  /** After "New time frame…": the new frame is the one this rule uses. */
  useFrame(id: string): void {
    this.frameId = id;
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('open') && this.open) this.reset();
    // Refused (a delete too): back from the confirmation, to show why.
    if (changed.has('error') && this.error) this.confirming = false;
    // The frame chosen must be one on offer (the list changes after a refresh).
    if (this.open && !this.rule && !this.frames.some((f) => f.id === this.frameId)) this.frameId = this.frames[0]?.id ?? '';
  }

  private reset(): void {
    const r: AnswerRuleActions & { enabled: boolean } = this.rule ?? { ...emptyActions(), enabled: true };
    this.frameId = this.rule?.time_frame_id ?? this.frames[0]?.id ?? '';
    this.enabled = r.enabled;
    this.dnd = r.do_not_disturb;
    this.forwards = Object.fromEntries(FORWARDS.map(({ key }) => [key, { enabled: r[key].enabled, dest: this.draftOf(r[key].destination) }])) as Record<ForwardKey, ForwardDraft>;
    this.simultaneous = r.simultaneous_ring.enabled;
    this.ring = r.simultaneous_ring.targets.map((t) => ({ dest: this.draftOf(t.destination), delay: String(t.delay_s) }));
    this.reject = r.screening.reject.join(', ');
    this.allow = r.screening.allow.join(', ');
    this.confirming = false;
    this.error = '';
  }

  private draftOf(d: RuleDestination | null): DestDraft {
    if (!d) return { kind: 'user', value: '' };
    switch (d.kind) {
      case 'user':
        return { kind: 'user', value: d.extension };
      case 'voicemail':
        return d.extension === this.me ? { kind: 'my-voicemail', value: '' } : { kind: 'voicemail', value: d.extension };
      case 'queue':
        return { kind: 'queue', value: d.extension };
      case 'number':
        return { kind: 'number', value: d.number };
    }
  }

  /** What was typed as a destination; null when nothing was (the platform says it is needed). */
  private destinationOf(d: DestDraft): RuleDestination | null {
    if (d.kind === 'my-voicemail') return { kind: 'voicemail', extension: this.me };
    const typed = d.value.trim();
    if (!typed) return null;
    if (d.kind === 'number') return { kind: 'number', number: typed };
    // A name picked or typed in full stands for its extension.
    const named = this.directory.find((p) => p.name.toLowerCase() === typed.toLowerCase() || `${p.extension} ${p.name}`.toLowerCase() === typed.toLowerCase());
    const extension = named?.extension ?? typed;
    return d.kind === 'user' ? { kind: 'user', extension } : d.kind === 'voicemail' ? { kind: 'voicemail', extension } : { kind: 'queue', extension };
  }

  /** The AnswerRuleInput of what the form shows. */
  get input(): AnswerRuleInput {
    const forward = (key: ForwardKey): ForwardAction => {
      const f = this.forwards[key];
      return { enabled: f.enabled, destination: f.enabled ? this.destinationOf(f.dest) : null };
    };
    // Commas, semicolons or new lines part them: a number may have spaces ("+1 555 0100").
    const list = (text: string) => text.split(/[,;\n]+/).map((s) => s.trim()).filter(Boolean);
    const input: AnswerRuleInput = {
      enabled: this.rule?.time_frame_id === null ? true : this.enabled,
      do_not_disturb: this.dnd,
      forward_always: forward('forward_always'),
      simultaneous_ring: {
        enabled: this.simultaneous,
        targets: this.simultaneous
          ? this.ring.flatMap((t) => {
              const destination = this.destinationOf(t.dest);
              const delay = Number(t.delay.trim() || '0');
              return destination ? [{ destination, delay_s: Number.isFinite(delay) ? delay : 0 }] : [];
            })
          : [],
      },
      forward_on_busy: forward('forward_on_busy'),
      forward_no_answer: forward('forward_no_answer'),
      forward_when_unregistered: forward('forward_when_unregistered'),
      screening: { reject: list(this.reject), allow: list(this.allow) },
    };
    if (!this.rule) input.time_frame_id = this.frameId;
    return input;
  }

  override render() {
    const rule = this.rule;
    const title = rule ? `Edit rule: ${rule.time_frame_name}` : 'New Rule';
    return html`<dialog part="dialog" aria-labelledby="rule-title" @close=${this.modal.onClose} @keydown=${this.modal.onKeydown}>
      <div class="dialog-head"><h2 id="rule-title">${title}</h2></div>
      <div class="dialog-body">${this.open ? this.renderBody() : nothing}</div>
      <div class="dialog-foot">${this.open ? this.renderFoot() : nothing}</div>
    </dialog>`;
  }

  private renderBody(): TemplateResult {
    const rule = this.rule;
    const isDefault = rule?.time_frame_id === null;
    return html`
      <div role="alert" id="rule-error">${this.error ? html`<p class="error">${icon('alert')}<span>${this.error}</span></p>` : nothing}</div>
      <datalist id="people">${this.directory.map((p) => html`<option value=${p.extension}>${p.name}</option>`)}</datalist>
      ${rule
        ? html`<p><strong>Time frame</strong>: ${rule.time_frame_name}${isDefault ? ' (the default rule: when no other rule applies)' : ''}</p>`
        : this.renderFrameSelect()}
      ${isDefault
        ? nothing
        : html`<label class="check"><input type="checkbox" .checked=${this.enabled} @change=${(e: Event) => (this.enabled = checked(e))} />Enabled</label>`}
      <fieldset>
        <legend>When this rule is active</legend>
        <label class="check"><input type="checkbox" .checked=${this.dnd} aria-describedby="dnd-hint" @change=${(e: Event) => (this.dnd = checked(e))} />Do Not Disturb</label>
        <p class="hint" id="dnd-hint">Callers go straight to your voicemail (callers you always allow still ring).</p>
        ${this.renderForward(FORWARDS[0]!)}
        ${this.renderSimultaneous()}
        ${FORWARDS.slice(1).map((f) => this.renderForward(f))}
      </fieldset>
      <fieldset>
        <legend>Callers</legend>
        <div class="field">
          <label for="reject">Reject these callers</label>
          <textarea id="reject" aria-describedby="callers-hint" .value=${this.reject} @input=${(e: Event) => (this.reject = (e.target as HTMLTextAreaElement).value)}></textarea>
        </div>
        <div class="field">
          <label for="allow">Always allow these callers</label>
          <textarea id="allow" aria-describedby="callers-hint" .value=${this.allow} @input=${(e: Event) => (this.allow = (e.target as HTMLTextAreaElement).value)}></textarea>
        </div>
        <p class="hint" id="callers-hint">Extensions or numbers, separated by commas or new lines.</p>
      </fieldset>
    `;
  }

  private renderFrameSelect(): TemplateResult {
    const mine = this.frames.filter((f) => f.scope === 'user');
    const org = this.frames.filter((f) => f.scope === 'domain');
    return html`<div class="field">
      <label for="frame">Time frame</label>
      <select id="frame" required @change=${this.onFrameChange}>
        ${this.frameId ? nothing : html`<option value="" selected disabled>Choose a time frame</option>`}
        ${mine.length ? html`<optgroup label="My time frames">${mine.map((f) => html`<option value=${f.id} ?selected=${f.id === this.frameId}>${f.name}</option>`)}</optgroup>` : nothing}
        ${org.length ? html`<optgroup label="Organisation">${org.map((f) => html`<option value=${f.id} ?selected=${f.id === this.frameId}>${f.name}</option>`)}</optgroup>` : nothing}
        <option value=${NEW_FRAME}>New time frame…</option>
      </select>
      ${this.frames.length ? nothing : html`<p class="hint">Every time frame has a rule: make a new time frame for this one.</p>`}
    </div>`;
  }

  private readonly onFrameChange = (e: Event): void => {
    const select = e.target as HTMLSelectElement;
    if (select.value === NEW_FRAME) {
      select.value = this.frameId;
      this.dispatchEvent(new RuleNewFrameEvent());
      return;
    }
    this.frameId = select.value;
  };

  private renderForward({ key, label, hint }: (typeof FORWARDS)[number]): TemplateResult {
    const f = this.forwards[key];
    return html`<div class="action">
      <label class="check"><input type="checkbox" .checked=${f.enabled} aria-describedby="${key}-hint"
        @change=${(e: Event) => (this.forwards = { ...this.forwards, [key]: { ...this.forwards[key], enabled: checked(e) } })} />${label}</label>
      <p class="hint" id="${key}-hint">${hint(this.ringTimeoutS)}</p>
      ${f.enabled
        ? this.renderDestination(key, label, f.dest, (dest) => (this.forwards = { ...this.forwards, [key]: { ...this.forwards[key], dest } }))
        : nothing}
    </div>`;
  }

  private renderSimultaneous(): TemplateResult {
    return html`<div class="action">
      <label class="check"><input type="checkbox" .checked=${this.simultaneous} aria-describedby="sim-hint"
        @change=${(e: Event) => {
          this.simultaneous = checked(e);
          if (this.simultaneous && this.ring.length === 0) this.addRing();
        }} />Simultaneous ring</label>
      <p class="hint" id="sim-hint">Ring my phones, and these at the same time (each after its delay).</p>
      ${this.simultaneous
        ? html`${this.ring.map((t, i) => html`<div class="row ring" role="group" aria-label="Ring ${i + 1}">
              ${this.renderDestination(`ring-${i}`, `Ring ${i + 1}`, t.dest, (dest) => (this.ring = this.ring.map((x, j) => (j === i ? { ...x, dest } : x))), false)}
              <div class="field narrow">
                <label for="ring-${i}-delay">After (seconds)</label>
                <input id="ring-${i}-delay" type="number" min="0" max="120" step="1" inputmode="numeric" aria-label="Ring ${i + 1}: after (seconds)" .value=${t.delay}
                  @input=${(e: Event) => (this.ring = this.ring.map((x, j) => (j === i ? { ...x, delay: (e.target as HTMLInputElement).value } : x)))} />
              </div>
              <button class="btn secondary" type="button" aria-label="Remove ring ${i + 1}" @click=${() => (this.ring = this.ring.filter((_, j) => j !== i))}>${icon('trash')}Remove</button>
            </div>`)}
            <div class="row"><button class="btn secondary" type="button" aria-label="Add a destination to ring" @click=${() => this.addRing()}>Add</button></div>`
        : nothing}
    </div>`;
  }

  private addRing(): void {
    this.ring = [...this.ring, { dest: { kind: 'user', value: '' }, delay: '0' }];
  }

  /** A destination: what kind (an extension, my voicemail, ...) and the extension or number. */
  private renderDestination(id: string, label: string, d: DestDraft, change: (d: DestDraft) => void, row = true): TemplateResult {
    // The platform named this one ("forward_on_busy.destination", "simultaneous_ring.targets[1].destination", ...).
    const ring = /^ring-(\d+)$/.exec(id);
    const field = this.error ? this.errorField : '';
    const invalid = field !== '' && (ring ? field.startsWith(`simultaneous_ring.targets[${ring[1]}]`) || field === 'simultaneous_ring' : field.startsWith(id));
    const kinds: DestKind[] = ['user', 'my-voicemail', 'voicemail', 'number', ...(d.kind === 'queue' ? (['queue'] as const) : [])];
    const fields = html`
      <div class="field">
        <label for="${id}-kind">Send to</label>
        <select id="${id}-kind" aria-label="${label}: send to" @change=${(e: Event) => change({ kind: (e.target as HTMLSelectElement).value as DestKind, value: '' })}>
          ${kinds.map((k) => html`<option value=${k} ?selected=${k === d.kind}>${KIND_LABEL[k]}</option>`)}
        </select>
      </div>
      ${d.kind === 'my-voicemail'
        ? nothing
        : html`<div class="field">
            <label for="${id}-value">${d.kind === 'number' ? 'Number' : 'Extension'}</label>
            <input id="${id}-value" aria-label="${label}: ${d.kind === 'number' ? 'number' : 'extension'}" .value=${d.value}
              aria-invalid=${invalid ? 'true' : 'false'} aria-errormessage=${invalid ? 'rule-error' : nothing}
              type=${d.kind === 'number' ? 'tel' : 'text'} list=${d.kind === 'number' ? nothing : 'people'} autocomplete="off"
              placeholder=${d.kind === 'number' ? '+1 555 0100' : 'Name or extension'}
              aria-describedby=${d.kind === 'number' ? `${id}-outside` : nothing}
              @input=${(e: Event) => change({ ...d, value: (e.target as HTMLInputElement).value })} />
          </div>`}
      ${d.kind === 'number' ? html`<p class="warning" id="${id}-outside">${OUTSIDE_NUMBER_HINT}</p>` : nothing}
    `;
    return row ? html`<div class="row">${fields}</div>` : fields;
  }

  private renderFoot(): TemplateResult {
    const rule = this.rule;
    if (this.confirming && rule) {
      return html`<p class="confirm" role="alert">Delete the rule for ${rule.time_frame_name}? Calls in that time then follow your other rules.</p>
        <button class="btn secondary" type="button" @click=${() => (this.confirming = false)}>No, keep it</button>
        <button class="btn danger" type="button" ?disabled=${this.busy} @click=${() => this.dispatchEvent(new RuleDeleteEvent(rule.time_frame_id!))}>Yes, delete</button>`;
    }
    const canSave = this.rule !== null || this.frameId !== '';
    return html`
      ${rule && rule.time_frame_id !== null
        ? html`<button class="btn secondary" type="button" @click=${() => (this.confirming = true)}>${icon('trash')}Delete Rule</button>`
        : nothing}
      <button class="btn secondary" type="button" @click=${() => this.cancel()}>Cancel</button>
      <button class="btn primary" type="button" ?disabled=${this.busy || !canSave} @click=${this.save}>${icon('check')}Save Rule</button>
    `;
  }

  private readonly save = (): void => {
    this.dispatchEvent(new RuleSaveEvent({ id: this.rule ? (this.rule.time_frame_id ?? '*') : null, input: this.input }));
  };

  private cancel(): void {
    this.open = false;
    this.dispatchEvent(new RuleFormCancelEvent());
  }
}

function checked(e: Event): boolean {
  return (e.target as HTMLInputElement).checked;
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-rule-form': SbRuleForm;
  }
}
