import { LitElement, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { icon } from './icons.js';
import { navToggleStyles } from './sb-nav-toggle.styles.js';

export interface NavToggleDetail {
  /** The state the user asks for: true to show the navigation pane, false to hide it. */
  open: boolean;
}

/**
 * Show or hide the navigation pane. Fired by `sb-nav-toggle`, and by `sb-nav-pane` when the user
 * dismisses it as an overlay (scrim, Escape, its own "Hide navigation" button).
 */
export class NavToggleEvent extends CustomEvent<NavToggleDetail> {
  static readonly eventName = 'sb-nav-toggle' as const;
  constructor(detail: NavToggleDetail) {
    super(NavToggleEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

/**
 * The menu button that shows and hides the navigation pane. It does not flip `expanded` itself:
 * the app owns whether the pane is open and passes it down to both elements.
 *
 * @fires sb-nav-toggle - {@link NavToggleEvent} `{open}` with the opposite of `expanded`.
 * @csspart button - the button
 */
@customElement('sb-nav-toggle')
export class SbNavToggle extends LitElement {
  static override styles = navToggleStyles;

  /** Whether the pane is currently shown. */
  @property({ type: Boolean, reflect: true })
  expanded = false;

  override render() {
    const label = this.expanded ? 'Hide navigation' : 'Show navigation';
    return html`<button
      class="btn"
      part="button"
      type="button"
      aria-label=${label}
      title=${label}
      aria-expanded=${this.expanded ? 'true' : 'false'}
      @click=${this.onClick}
    >
      ${icon('menu')}
    </button>`;
  }

  private onClick(): void {
    this.dispatchEvent(new NavToggleEvent({ open: !this.expanded }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-nav-toggle': SbNavToggle;
  }
  interface HTMLElementEventMap {
    'sb-nav-toggle': NavToggleEvent;
  }
}
