import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { RegistrationState } from '../phone/types.js';
import { initials } from './format.js';
import { icon, type NavIconName } from './icons.js';
import { NavToggleEvent } from './sb-nav-toggle.js';
import './sb-registration-indicator.js';
import { navPaneStyles } from './sb-nav-pane.styles.js';

export type { NavIconName } from './icons.js';

export interface NavItem {
  id: string;
  label: string;
  icon: NavIconName;
  /** A count of new things (voicemails, messages); 0 or absent shows nothing. */
  badge?: number;
}

export interface NavUser {
  name: string;
  extension: string;
  domain: string;
}

export interface NavigateDetail {
  id: string;
}

/** The user picked a navigation item. */
export class NavigateEvent extends CustomEvent<NavigateDetail> {
  static readonly eventName = 'sb-navigate' as const;
  constructor(detail: NavigateDetail) {
    super(NavigateEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

/** The user asked to log out. */
export class LogoutEvent extends Event {
  static readonly eventName = 'sb-logout' as const;
  constructor() {
    super(LogoutEvent.eventName, { bubbles: true, composed: true });
  }
}

/** Below this width the pane overlays the content instead of sitting beside it. */
export const NAV_OVERLAY_QUERY = '(max-width: 47.99rem)';

/**
 * The navigation pane: who is logged in, whether the phone is registered, the areas of the app,
 * and "Log out". Hidden unless `open`. On wide screens it is a column beside the content; below
 * 48rem it overlays the content over a scrim, and the scrim, Escape and its "Hide navigation"
 * button ask to close it.
 *
 * Selecting an item only fires `sb-navigate`; the app sets `selected` (and, on narrow screens,
 * usually closes the pane).
 *
 * @fires sb-navigate - {@link NavigateEvent} `{id}` of the item picked.
 * @fires sb-logout - {@link LogoutEvent} from "Log out".
 * @fires sb-nav-toggle - {@link NavToggleEvent} `{open: false}` when dismissed as an overlay.
 * @csspart panel - the pane itself
 * @csspart scrim - the shade behind the pane when it overlays
 * @cssprop --sb-nav-pane-width - width (default: 16rem)
 * @cssprop --sb-nav-pane-background - background (default: surface)
 * @cssprop --sb-nav-pane-overlay-top - where the overlay starts, e.g. below an app bar (default: 0)
 * @cssprop --sb-nav-pane-selected-background - selected item (default: primary container)
 * @cssprop --sb-nav-pane-selected-color - selected item text (default: on primary container)
 */
@customElement('sb-nav-pane')
export class SbNavPane extends LitElement {
  static override styles = navPaneStyles;

  @property({ attribute: false })
  items: ReadonlyArray<NavItem> = [];

  /** The id of the current area; its item gets `aria-current="page"`. */
  @property()
  selected = '';

  @property({ type: Boolean, reflect: true })
  open = false;

  @property({ attribute: false })
  user: NavUser | null = null;

  @property()
  registration: RegistrationState = 'offline';

  @property({ attribute: 'registration-detail' })
  registrationDetail = '';

  /** Do Not Disturb is on: the registration indicator says so. */
  @property({ type: Boolean })
  dnd = false;

  override connectedCallback(): void {
    super.connectedCallback();
    this.addEventListener('keydown', this.onKeydown);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.removeEventListener('keydown', this.onKeydown);
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Opening as an overlay takes focus into the pane, like any other modal surface.
    if (changed.has('open') && changed.get('open') === false && this.open && this.isOverlay()) {
      const target =
        this.renderRoot.querySelector<HTMLElement>('.item[aria-current="page"]') ??
        this.renderRoot.querySelector<HTMLElement>('.item');
      target?.focus();
    }
  }

  private isOverlay(): boolean {
    return typeof window.matchMedia === 'function' && window.matchMedia(NAV_OVERLAY_QUERY).matches;
  }

  private onKeydown = (e: KeyboardEvent): void => {
    if (e.key === 'Escape' && this.open && this.isOverlay()) {
      e.stopPropagation();
      this.dismiss();
    }
  };

  private dismiss(): void {
    this.dispatchEvent(new NavToggleEvent({ open: false }));
  }

  private onItemClick(id: string): void {
    this.dispatchEvent(new NavigateEvent({ id }));
  }

  private onLogout(): void {
    this.dispatchEvent(new LogoutEvent());
  }

  override render() {
    return html`
      <div class="scrim" part="scrim" @click=${this.dismiss}></div>
      <div class="panel" part="panel">
        <button class="btn ghost close" type="button" aria-label="Hide navigation" title="Hide navigation" @click=${this.dismiss}>
          ${icon('close')}
        </button>
        ${this.renderUser()}
        <sb-registration-indicator .state=${this.registration} .detail=${this.registrationDetail} .dnd=${this.dnd}></sb-registration-indicator>
        <nav aria-label="Main">
          <ul>
            ${repeat(
              this.items,
              (item) => item.id,
              (item) => html`<li>
                <button
                  class="item"
                  type="button"
                  aria-current=${item.id === this.selected ? 'page' : nothing}
                  aria-describedby=${item.badge && item.badge > 0 ? `badge-${item.id}` : nothing}
                  @click=${() => this.onItemClick(item.id)}
                >
                  ${icon(item.icon)}
                  <span class="label">${item.label}</span>
                  ${item.badge && item.badge > 0
                    ? html`<span class="badge" aria-hidden="true">${item.badge > 99 ? '99+' : item.badge}</span>`
                    : nothing}
                </button>
                ${item.badge && item.badge > 0
                  ? html`<span class="sr-only" id="badge-${item.id}">${item.badge} new</span>`
                  : nothing}
              </li>`,
            )}
          </ul>
        </nav>
        <button class="btn ghost logout" type="button" @click=${this.onLogout}>${icon('logout')}Log out</button>
      </div>
    `;
  }

  private renderUser() {
    const user = this.user;
    if (!user) return nothing;
    return html`<div class="user">
      <span class="avatar" aria-hidden="true">${initials(user.name || user.extension)}</span>
      <p class="name">${user.name || user.extension}</p>
      <p class="ext" title="${user.extension}@${user.domain}">Ext. ${user.extension} · ${user.domain}</p>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-nav-pane': SbNavPane;
  }
  interface HTMLElementEventMap {
    'sb-navigate': NavigateEvent;
    'sb-logout': LogoutEvent;
  }
}
