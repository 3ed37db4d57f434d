import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { baseStyles, buttonStyles } from './shared-styles.js';

export interface DndChangeDetail {
  /** The state the user asks for. */
  enabled: boolean;
}

/** The user flipped the quick Do Not Disturb (the app asks the platform; `on` follows its answer). */
export class DndChangeEvent extends CustomEvent<DndChangeDetail> {
  static readonly eventName = 'sb-dnd-change' as const;
  constructor(detail: DndChangeDetail) {
    super(DndChangeEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

/**
 * The quick Do Not Disturb in the top bar: a switch named "Do Not Disturb" (role=switch,
 * aria-checked). On, callers go straight to voicemail. It does not flip `on` itself: the app
 * owns the state (the platform's answer, and `answerrules` events from other devices).
 *
 * @fires sb-dnd-change - {@link DndChangeEvent} `{enabled}` with the opposite of `on`.
 * @csspart button - the switch
 */
@customElement('sb-dnd-toggle')
export class SbDndToggle extends LitElement {
  static override styles = [
    baseStyles,
    buttonStyles,
    css`
      :host {
        display: inline-block;
        flex: none;
        /* On the top bar: its colours, not the surface's. */
        color: inherit;
      }

      .btn[aria-disabled='true'] {
        cursor: progress;
      }

      .short {
        display: none;
      }

      /* A phone's top bar is narrow: the switch says "DND" (its name is still "Do Not Disturb"). */
      @media (max-width: 30rem) {
        .label {
          position: absolute;
          width: 1px;
          height: 1px;
          overflow: hidden;
          clip-path: inset(50%);
          white-space: nowrap;
        }

        .short {
          display: inline;
        }
      }

      .btn {
        gap: var(--sb-sys-space-sm);
        border-color: currentColor;
        padding: 0 var(--sb-sys-space-sm) 0 var(--sb-sys-space-xs);
        white-space: nowrap;
      }

      .track {
        position: relative;
        width: 2.25rem;
        height: 1.25rem;
        border-radius: var(--sb-sys-radius-pill);
        border: 2px solid currentColor;
        box-sizing: border-box;
      }

      .thumb {
        position: absolute;
        top: 2px;
        left: 2px;
        width: 0.75rem;
        height: 0.75rem;
        border-radius: 50%;
        background: currentColor;
        transition: translate var(--sb-sys-motion-duration-short) var(--sb-sys-motion-easing);
      }

      [aria-checked='true'] {
        background: var(--sb-sys-color-danger);
        border-color: var(--sb-sys-color-danger);
        color: var(--sb-sys-color-surface);
      }

      [aria-checked='true'] .thumb {
        translate: 1rem 0;
      }

      @media (prefers-reduced-motion: reduce) {
        .thumb {
          transition: none;
        }
      }
    `,
  ];

  /** Whether Do Not Disturb is on. */
  @property({ type: Boolean, reflect: true })
  on = false;

  /** A change is being sent: the switch ignores clicks until the answer (aria-disabled, keeping the focus). */
  @property({ type: Boolean })
  busy = false;

  override render() {
    return html`<button
      class="btn"
      part="button"
      type="button"
      role="switch"
      aria-checked=${this.on ? 'true' : 'false'}
      aria-disabled=${this.busy ? 'true' : 'false'}
      title=${this.on ? 'Do Not Disturb is on: callers go to voicemail' : 'Turn on Do Not Disturb: callers go to voicemail'}
      @click=${this.onClick}
    >
      <span class="track" aria-hidden="true"><span class="thumb"></span></span>
      <span class="label">Do Not Disturb</span><span class="short" aria-hidden="true">DND</span>
    </button>`;
  }

  private onClick(): void {
    // Busy: the click waits for the answer (aria-disabled keeps the focus where it is).
    if (this.busy) return;
    this.dispatchEvent(new DndChangeEvent({ enabled: !this.on }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-dnd-toggle': SbDndToggle;
  }
  interface HTMLElementEventMap {
    'sb-dnd-change': DndChangeEvent;
  }
}
