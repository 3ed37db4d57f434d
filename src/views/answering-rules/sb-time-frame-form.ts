import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { ModalDialogController } from '../../controllers/modal-dialog-controller.js';
import type { DateTimeRange, Holiday, TimeFrameInput, TimeFrameKind, TimeFrameView, TimeRange, Weekday } from '../../data/wire.js';
import { icon } from '../../components/icons.js';
import { baseStyles, buttonStyles, dialogStyles, fieldStyles } from '../../components/shared-styles.js';
import { ruleDialogStyles } from './dialog-styles.js';

export interface FrameSaveDetail {
  /** The frame's id; null for a new one. */
  id: string | null;
  input: TimeFrameInput;
}

/** "Save Time Frame". */
export class FrameSaveEvent extends CustomEvent<FrameSaveDetail> {
  static readonly eventName = 'sb-frame-save' as const;
  constructor(detail: FrameSaveDetail) {
    super(FrameSaveEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

/** "Delete Time Frame", confirmed (the platform refuses while a rule uses it: 409, in words). */
export class FrameDeleteEvent extends CustomEvent<{ id: string }> {
  static readonly eventName = 'sb-frame-delete' as const;
  constructor(id: string) {
    super(FrameDeleteEvent.eventName, { detail: { id }, bubbles: true, composed: true });
  }
}

/** "Cancel" or Escape (the form has closed itself). */
export class FrameFormCancelEvent extends Event {
  static readonly eventName = 'sb-frame-cancel' as const;
  constructor() {
    super(FrameFormCancelEvent.eventName, { bubbles: true, composed: true });
  }
}

export const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'] as const;
export const KIND_NAMES: Record<TimeFrameKind, string> = { always: 'Always', 'days-of-week': 'Days of the week', dates: 'Specific dates', holidays: 'Holidays' };
/** A day has at most two ranges (morning and afternoon). */
const MAX_RANGES = 2;

interface DayDraft {
  on: boolean;
  ranges: TimeRange[];
}

/**
 * Creates or edits one of my time frames in a modal dialog: its name and kind. Always; Days of
 * the week: a week grid, Sunday to Saturday, each day a checkbox and one or two start/end times
 * ("Add range"); Specific dates: start/end date-times, and "Every year"; Holidays: named dates.
 * Like the rule form, it fires what to save and the view shows the platform's answer in `error`.
 *
 * @fires sb-frame-save - {@link FrameSaveEvent}
 * @fires sb-frame-delete - {@link FrameDeleteEvent}
 * @fires sb-frame-cancel - {@link FrameFormCancelEvent}
 */
@customElement('sb-time-frame-form')
export class SbTimeFrameForm extends LitElement {
  static override styles = [
    baseStyles,
    buttonStyles,
    fieldStyles,
    dialogStyles,
    ruleDialogStyles,
    css`
      .week {
        display: grid;
        gap: var(--sb-sys-space-xs);
      }

      .day {
        display: grid;
        grid-template-columns: 9rem minmax(0, 1fr);
        align-items: start;
        gap: var(--sb-sys-space-sm);
        padding: var(--sb-sys-space-xs) 0;
        border-bottom: 1px solid var(--sb-sys-color-outline);
      }

      .ranges {
        display: grid;
        gap: var(--sb-sys-space-xs);
      }

      .range {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--sb-sys-space-xs);
      }

      .range input {
        width: 8rem;
      }

      .closed {
        min-height: 2.75rem;
        display: flex;
        align-items: center;
        color: var(--sb-sys-color-on-surface-muted);
      }

      @media (max-width: 30rem) {
        .day {
          grid-template-columns: 1fr;
        }
      }
    `,
  ];

  @property({ type: Boolean, reflect: true }) open = false;
  /** The frame to edit; null for a new one. */
  @property({ attribute: false }) frame: TimeFrameView | null = null;
  @property() error = '';
  @property({ type: Boolean }) busy = false;

  @state() private name = '';
  @state() private kind: TimeFrameKind = 'days-of-week';
  @state() private days: DayDraft[] = [];
  @state() private dates: DateTimeRange[] = [];
  @state() private holidays: Holiday[] = [];
  @state() private yearly = false;
  @state() private confirming = false;

  private readonly modal = new ModalDialogController(this, {
    cancel: () => this.cancel(),
    shown: () => this.renderRoot.querySelector<HTMLInputElement>('#frame-name')?.focus(),
  });

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('open') && this.open) this.reset();
    // Refused (a delete too): back from the confirmation, to show why.
    if (changed.has('error') && this.error) this.confirming = false;
  }

  private reset(): void {
    const f = this.frame;
    this.name = f?.name ?? '';
    this.kind = f?.kind ?? 'days-of-week';
    this.days = DAY_NAMES.map((_, day) => {
      const ranges = f?.days?.find((d) => d.day === day)?.ranges ?? [];
      return { on: ranges.length > 0, ranges: ranges.length ? ranges.map((r) => ({ ...r })) : [{ start: '09:00', end: '17:00' }] };
    });
    this.dates = f?.dates?.map((d) => ({ ...d })) ?? [{ start: '', end: '' }];
    this.holidays = f?.holidays?.map((h) => ({ ...h })) ?? [{ name: '', date: '' }];
    this.yearly = f?.yearly ?? false;
    this.confirming = false;
    this.error = '';
  }

  /** The TimeFrameInput of what the form shows (only the field of its kind). */
  get input(): TimeFrameInput {
    const base = { name: this.name.trim(), kind: this.kind };
    switch (this.kind) {
      case 'always':
        return base;
      case 'days-of-week':
        return { ...base, days: this.days.flatMap((d, day) => (d.on ? [{ day: day as Weekday, ranges: d.ranges.map((r) => ({ ...r })) }] : [])) };
      case 'dates':
        return { ...base, dates: this.dates.filter((d) => d.start || d.end).map((d) => ({ ...d })), yearly: this.yearly };
      case 'holidays':
        return { ...base, holidays: this.holidays.filter((h) => h.name.trim() || h.date).map((h) => ({ name: h.name.trim(), date: h.date })), yearly: this.yearly };
    }
  }

  override render() {
    return html`<dialog part="dialog" aria-labelledby="frame-title" @close=${this.modal.onClose} @keydown=${this.modal.onKeydown}>
      <div class="dialog-head"><h2 id="frame-title">${this.frame ? `Edit time frame: ${this.frame.name}` : 'New Time Frame'}</h2></div>
      <div class="dialog-body">${this.open ? this.renderBody() : nothing}</div>
      <div class="dialog-foot">${this.open ? this.renderFoot() : nothing}</div>
    </dialog>`;
  }

  private renderBody(): TemplateResult {
    return html`
      <div role="alert">${this.error ? html`<p class="error">${icon('alert')}<span>${this.error}</span></p>` : nothing}</div>
      <div class="row">
        <div class="field">
          <label for="frame-name">Name</label>
          <input id="frame-name" maxlength="80" required .value=${this.name} @input=${(e: Event) => (this.name = value(e))} />
        </div>
        <div class="field">
          <label for="frame-kind">Kind</label>
          <select id="frame-kind" @change=${(e: Event) => (this.kind = value(e) as TimeFrameKind)}>
            ${(Object.keys(KIND_NAMES) as TimeFrameKind[]).map((k) => html`<option value=${k} ?selected=${k === this.kind}>${KIND_NAMES[k]}</option>`)}
          </select>
        </div>
      </div>
      ${this.kind === 'always' ? html`<p class="hint">All the time, every day.</p>` : nothing}
      ${this.kind === 'days-of-week' ? this.renderWeek() : nothing}
      ${this.kind === 'dates' ? this.renderDates() : nothing}
      ${this.kind === 'holidays' ? this.renderHolidays() : nothing}
      ${this.kind === 'dates' || this.kind === 'holidays'
        ? html`<label class="check"><input type="checkbox" .checked=${this.yearly} @change=${(e: Event) => (this.yearly = (e.target as HTMLInputElement).checked)} />Every year</label>`
        : nothing}
    `;
  }

  private renderWeek(): TemplateResult {
    return html`<fieldset>
      <legend>Days and times</legend>
      <p class="hint">An end before its start runs past midnight.</p>
      <div class="week">
        ${this.days.map((d, day) => {
          const name = DAY_NAMES[day]!;
          return html`<div class="day" role="group" aria-label=${name}>
            <label class="check"><input type="checkbox" .checked=${d.on} @change=${(e: Event) => this.setDay(day, { on: (e.target as HTMLInputElement).checked })} />${name}</label>
            ${d.on
              ? html`<div class="ranges">
                  ${d.ranges.map((r, i) => {
                    const which = i === 0 ? '' : ' (second range)';
                    return html`<div class="range">
                      <input type="time" aria-label="${name} start${which}" .value=${r.start} @input=${(e: Event) => this.setRange(day, i, { start: value(e) })} />
                      <span aria-hidden="true">to</span>
                      <input type="time" aria-label="${name} end${which}" .value=${r.end} @input=${(e: Event) => this.setRange(day, i, { end: value(e) })} />
                      ${i > 0
                        ? html`<button class="btn ghost" type="button" aria-label="Remove the second range of ${name}" @click=${() => this.setDay(day, { ranges: this.days[day]!.ranges.slice(0, 1) })}>Remove</button>`
                        : nothing}
                    </div>`;
                  })}
                  ${d.ranges.length < MAX_RANGES
                    ? html`<div><button class="btn secondary" type="button" aria-label="Add range to ${name}"
                        @click=${() => this.setDay(day, { ranges: [...this.days[day]!.ranges, { start: '13:30', end: '17:30' }] })}>Add range</button></div>`
                    : nothing}
                </div>`
              : html`<span class="closed">Not in this time frame</span>`}
          </div>`;
        })}
      </div>
    </fieldset>`;
  }

  private setDay(day: number, change: Partial<DayDraft>): void {
    this.days = this.days.map((d, i) => (i === day ? { ...d, ...change } : d));
  }

  private setRange(day: number, index: number, change: Partial<TimeRange>): void {
    const d = this.days[day]!;
    this.setDay(day, { ranges: d.ranges.map((r, i) => (i === index ? { ...r, ...change } : r)) });
  }

  private renderDates(): TemplateResult {
    return html`<fieldset>
      <legend>Dates</legend>
      ${this.dates.map((d, i) => html`<div class="row" role="group" aria-label="Dates ${i + 1}">
        <div class="field"><label for="date-${i}-start">From</label>
          <input id="date-${i}-start" type="datetime-local" aria-label="Dates ${i + 1}: from" .value=${d.start} @input=${(e: Event) => this.setDates(i, { start: value(e) })} /></div>
        <div class="field"><label for="date-${i}-end">Until</label>
          <input id="date-${i}-end" type="datetime-local" aria-label="Dates ${i + 1}: until" .value=${d.end} @input=${(e: Event) => this.setDates(i, { end: value(e) })} /></div>
        <button class="btn ghost" type="button" aria-label="Remove dates ${i + 1}" @click=${() => (this.dates = this.dates.filter((_, j) => j !== i))}>Remove</button>
      </div>`)}
      <div class="row"><button class="btn secondary" type="button" @click=${() => (this.dates = [...this.dates, { start: '', end: '' }])}>Add dates</button></div>
    </fieldset>`;
  }

  private setDates(index: number, change: Partial<DateTimeRange>): void {
    this.dates = this.dates.map((d, i) => (i === index ? { ...d, ...change } : d));
  }

  private renderHolidays(): TemplateResult {
    return html`<fieldset>
      <legend>Holidays</legend>
      ${this.holidays.map((h, i) => html`<div class="row" role="group" aria-label="Holiday ${i + 1}">
        <div class="field"><label for="holiday-${i}-name">Holiday name</label>
          <input id="holiday-${i}-name" aria-label="Holiday ${i + 1}: name" maxlength="80" .value=${h.name} @input=${(e: Event) => this.setHoliday(i, { name: value(e) })} /></div>
        <div class="field"><label for="holiday-${i}-date">Date</label>
          <input id="holiday-${i}-date" type="date" aria-label="Holiday ${i + 1}: date" .value=${h.date} @input=${(e: Event) => this.setHoliday(i, { date: value(e) })} /></div>
        <button class="btn ghost" type="button" aria-label="Remove holiday ${i + 1}" @click=${() => (this.holidays = this.holidays.filter((_, j) => j !== i))}>Remove</button>
      </div>`)}
      <div class="row"><button class="btn secondary" type="button" @click=${() => (this.holidays = [...this.holidays, { name: '', date: '' }])}>Add holiday</button></div>
    </fieldset>`;
  }

  private setHoliday(index: number, change: Partial<Holiday>): void {
    this.holidays = this.holidays.map((h, i) => (i === index ? { ...h, ...change } : h));
  }

  private renderFoot(): TemplateResult {
    const frame = this.frame;
    if (this.confirming && frame) {
      return html`<p class="confirm" role="alert">Delete the time frame ${frame.name}?</p>
        <button class="btn secondary" type="button" @click=${() => (this.confirming = false)}>No, keep it</button>
        <button class="btn danger" type="button" ?disabled=${this.busy} @click=${() => this.dispatchEvent(new FrameDeleteEvent(frame.id))}>Yes, delete</button>`;
    }
    return html`
      ${frame ? html`<button class="btn secondary" type="button" @click=${() => (this.confirming = true)}>${icon('trash')}Delete Time Frame</button>` : nothing}
      <button class="btn secondary" type="button" @click=${() => this.cancel()}>Cancel</button>
      <button class="btn primary" type="button" ?disabled=${this.busy || !this.name.trim()} @click=${this.save}>${icon('check')}Save Time Frame</button>
    `;
  }

  private readonly save = (): void => {
    this.dispatchEvent(new FrameSaveEvent({ id: this.frame?.id ?? null, input: this.input }));
  };

  private cancel(): void {
    this.open = false;
    this.dispatchEvent(new FrameFormCancelEvent());
  }
}

function value(e: Event): string {
  return (e.target as HTMLInputElement | HTMLSelectElement).value;
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-time-frame-form': SbTimeFrameForm;
  }
}
