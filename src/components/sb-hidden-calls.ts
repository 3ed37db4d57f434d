import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { CallSnapshot } from '../phone/types.js';
import { displayName, STATUS_TEXT } from './format.js';
import { icon } from './icons.js';
import { baseStyles } from './shared-styles.js';

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
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }

      .bar {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--sb-sys-space-sm);
        padding: var(--sb-sys-space-sm) var(--sb-sys-space-md);
        border: 1px solid var(--sb-sys-color-outline);
        border-radius: var(--sb-sys-radius-card);
        background: var(--sb-sys-color-surface);
      }

      .title {
        margin: 0;
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
        font-weight: 650;
      }

      ul {
        display: flex;
        flex-wrap: wrap;
        gap: var(--sb-sys-space-sm);
        min-width: 0;
        margin: 0;
        padding: 0;
        list-style: none;
      }

      li {
        display: block;
        min-width: 0;
        max-width: 100%;
      }

      .chip {
        display: inline-flex;
        align-items: center;
        gap: var(--sb-sys-space-sm);
        max-width: 100%;
        min-height: 2.5rem;
        padding: 0 var(--sb-sys-space-md) 0 var(--sb-sys-space-sm);
        border: 1px solid var(--sb-sys-color-outline);
        border-radius: var(--sb-sys-radius-pill);
        background: var(--sb-sys-color-surface-variant);
        color: var(--sb-sys-color-on-surface);
        font: inherit;
        font-size: var(--sb-sys-font-size-small);
        cursor: pointer;
        -webkit-tap-highlight-color: transparent;
      }

      .chip:hover {
        background: var(--sb-sys-color-primary-container);
      }

      .chip > .icon {
        width: 1rem;
        height: 1rem;
        color: var(--sb-sys-color-primary);
      }

      .name {
        min-width: 0;
        font-weight: 650;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }

      .state {
        flex: none;
        color: var(--sb-sys-color-on-surface-muted);
      }

      .chip[data-status='held'] .state {
        color: var(--sb-sys-color-warning);
      }

      .chip[data-attention] {
        --_ring: var(--sb-hidden-calls-attention-color, var(--sb-sys-color-warning));
        border-color: var(--_ring);
        background: var(--sb-sys-color-warning-container);
        box-shadow: 0 0 0 2px var(--_ring);
        animation: attention 1.4s ease-out infinite;
      }

      @keyframes attention {
        0% {
          box-shadow:
            0 0 0 2px var(--_ring),
            0 0 0 2px color-mix(in srgb, var(--_ring) 60%, transparent);
        }
        70%,
        100% {
          box-shadow:
            0 0 0 2px var(--_ring),
            0 0 0 10px color-mix(in srgb, var(--_ring) 0%, transparent);
        }
      }

      @media (prefers-reduced-motion: reduce) {
        .chip[data-attention] {
          animation: none;
        }
      }
    `,
  ];

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
