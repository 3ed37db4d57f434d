import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { CallSnapshot } from '../phone/types.js';
import { displayName, STATUS_TEXT } from './format.js';
import { icon } from './icons.js';
import { baseStyles, buttonStyles } from './shared-styles.js';
import './sb-call-timer.js';

/** The user wants the call cards shown (or put away again). */
export class ActiveCallBarToggleEvent extends Event {
  static readonly eventName = 'sb-active-call-bar-toggle' as const;
  constructor() {
    super(ActiveCallBarToggleEvent.eventName, { bubbles: true, composed: true });
  }
}

/**
 * The calls, collapsed into one bar at the top of an area on a narrow window: who the call I am
 * on is with, its state and time, how many other calls there are, and "View calls" to expand the
 * cards ("Minimize calls" while they are shown; names chosen not to clash with a card's "Hide Call" or a chip's "Show call with ...").
 *
 * @fires sb-active-call-bar-toggle - {@link ActiveCallBarToggleEvent}
 * @csspart bar - the bar
 */
@customElement('sb-active-call-bar')
export class SbActiveCallBar extends LitElement {
  static override styles = [
    baseStyles,
    buttonStyles,
    css`
      :host {
        display: block;
      }
      .bar {
        display: flex;
        align-items: center;
        gap: var(--sb-sys-space-sm);
        min-height: 3rem;
        padding: var(--sb-sys-space-xs) var(--sb-sys-space-sm) var(--sb-sys-space-xs) var(--sb-sys-space-md);
        background: var(--sb-sys-color-success-container);
        color: var(--sb-sys-color-on-surface);
      }
      .who {
        flex: 1;
        min-width: 0;
        display: flex;
        flex-wrap: wrap;
        column-gap: var(--sb-sys-space-sm);
        align-items: baseline;
      }
      .name {
        font-weight: 650;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        max-width: 100%;
      }
      .state {
        font-size: var(--sb-sys-font-size-small);
      }
      .btn {
        flex: none;
      }
    `,
  ];

  /** The live calls, the one I am on first (or the newest). */
  @property({ attribute: false }) calls: ReadonlyArray<CallSnapshot> = [];

  /** The cards are shown. */
  @property({ type: Boolean }) expanded = false;

  override render() {
    const [call, ...others] = this.calls;
    if (!call) return nothing;
    const live = call.status === 'connected' || call.status === 'held';
    return html`<div class="bar" part="bar" role="region" aria-label="Active calls">
      ${icon('phone')}
      <p class="who">
        <span class="name">${displayName(call.remote)}</span>
        <span class="state">${STATUS_TEXT[call.status]}${live ? html` · <sb-call-timer .since=${call.connectedAt ?? call.startedAt}></sb-call-timer>` : nothing}</span>
        ${others.length ? html`<span class="state">+ ${others.length} more</span>` : nothing}
      </p>
      <button class="btn secondary" type="button" aria-expanded=${this.expanded ? 'true' : 'false'}
        @click=${() => this.dispatchEvent(new ActiveCallBarToggleEvent())}>${this.expanded ? 'Minimize calls' : 'View calls'}</button>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-active-call-bar': SbActiveCallBar;
  }
  interface HTMLElementEventMap {
    'sb-active-call-bar-toggle': ActiveCallBarToggleEvent;
  }
}
