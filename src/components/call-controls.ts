/**
 * The round buttons of the call and conference cards: an icon in a disc over a label. Styled by
 * `callControlStyles` (shared-styles.ts); the call card's smaller in-call options use the same
 * markup with class `option` and style it themselves.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { icon, type IconName } from './icons.js';

export type ControlTone = 'success' | 'danger' | 'neutral';

/** One control, as a card describes it; `A` is the card's action type. */
export interface CallControl<A extends string> {
  label: string;
  icon: IconName;
  action: A;
  tone?: ControlTone;
  /** Set on toggles (Mute/Unmute...): `aria-pressed`. */
  pressed?: boolean;
  /** Set on a control that shows and hides something (Dialpad): `aria-expanded`. */
  expanded?: boolean;
  disabled?: boolean;
  /** Identity across renders when the label and action flip (Start/Stop Recording). */
  key?: string;
  /** A further class for the card's own styling of this control. */
  variant?: string;
}

/** An ARIA boolean state: the attribute is left out when the control has no such state. */
function ariaBoolean(value: boolean | undefined): 'true' | 'false' | typeof nothing {
  return value === undefined ? nothing : value ? 'true' : 'false';
}

/**
 * A control as a `<button class="control">` (or `class="option"`): its label is its accessible
 * name, and activating it calls `onActivate` with its action.
 */
export function renderCallControl<A extends string>(
  c: CallControl<A>,
  onActivate: (action: A) => void,
  kind: 'control' | 'option' = 'control',
): TemplateResult {
  return html`<button
    class=${[kind, c.tone, c.variant].filter(Boolean).join(' ')}
    type="button"
    aria-pressed=${ariaBoolean(c.pressed)}
    aria-expanded=${ariaBoolean(c.expanded)}
    ?disabled=${c.disabled ?? false}
    @click=${() => onActivate(c.action)}
  >
    <span class="disc">${icon(c.icon)}</span>${c.label}
  </button>`;
}
