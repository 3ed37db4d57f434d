import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { CallSnapshot } from '../phone/types.js';
import { displayName, STATUS_TEXT } from './format.js';
import { icon } from './icons.js';
import { hiddenCallsStyles } from './sb-hidden-calls.styles.js';

export interface UnhideDetail {
  callId: string;
}

/** The user wants a hidden call's card back on the grid. */
export class UnhideEvent extends CustomEvent<UnhideDetail> {
  static readonly eventName = 'sb-unhide' as const;
  constructor(detail: UnhideDetail) {
    super(UnhideEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

/**
 * The calls the user hid (Hide Call), as a compact bar of chips: each a button "Show call with
 * <name>" showing the name and the call's state. A call that needs attention (it was put on hold
 * by the other side, ended, or a hold reminder fired: the app decides) is highlighted and pulses,
 * unless the user prefers reduced motion. Renders nothing when there are no hidden calls.
 *
 * @fires sb-unhide - {@link UnhideEvent} `{callId}`.
 * @csspart bar - the region holding the chips
 * @csspart chip - each chip
 * @cssprop --sb-hidden-calls-attention-color - ring of a chip that needs attention (default: warning)
 */
@customElement('sb-hidden-calls')
export class SbHiddenCalls extends LitElement {
  static override styles = hiddenCallsStyles;

  @property({ attribute: false })
  calls: ReadonlyArray<CallSnapshot> = [];

  /** Ids of hidden calls that need the user's attention. */
  @property({ attribute: false })
  attention: ReadonlyArray<string> = [];

  override render() {
    if (this.calls.length === 0) return nothing;
    return html`<section class="bar" part="bar" role="region" aria-label="Hidden calls">
      <p class="title" aria-hidden="true">Hidden</p>
      <ul>
        ${repeat(
          this.calls,
          (c) => c.id,
          (c, i) => {
            const attention = this.attention.includes(c.id);
            const state = c.status === 'connected' && c.remoteHeld ? 'They put you on hold' : STATUS_TEXT[c.status];
            // The name is "Show call with <name>" exactly; the state is its description.
            return html`<li>
              <button
                class="chip"
                part="chip"
                type="button"
                data-status=${c.status}
                data-attention=${attention ? '' : nothing}
                aria-describedby="state-${i}"
                @click=${() => this.dispatchEvent(new UnhideEvent({ callId: c.id }))}
              >
                ${icon('show')}<span class="sr-only">Show call with </span><span class="name">${displayName(c.remote)}</span
                ><span class="state" id="state-${i}" aria-hidden="true">${state}${attention
                  ? html`<span class="sr-only">, needs attention</span>`
                  : nothing}</span>
              </button>
            </li>`;
          },
        )}
      </ul>
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-hidden-calls': SbHiddenCalls;
  }
  interface HTMLElementEventMap {
    'sb-unhide': UnhideEvent;
  }
}
