import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import type { CallSnapshot, CallStatus } from '../phone/types.js';
import { initials } from './format.js';
import { icon, type IconName } from './icons.js';
import { baseStyles } from './shared-styles.js';
import { DialpadCloseEvent, DtmfEvent } from './sb-dialpad.js';
import './sb-call-timer.js';
import './sb-dialpad.js';

export type CallAction =
  | 'answer'
  | 'decline'
  | 'hangup'
  | 'mute'
  | 'unmute'
  | 'hold'
  | 'resume'
  | 'dtmf'
  | 'dismiss'
  | 'toggle-dialpad';

export interface CallActionDetail {
  callId: string;
  action: CallAction;
  /** The tone, for `dtmf` only. */
  tone?: string;
}

/** The user asked for something to happen to a call. */
export class CallActionEvent extends CustomEvent<CallActionDetail> {
  static readonly eventName = 'sb-call-action' as const;
  constructor(detail: CallActionDetail) {
    super(CallActionEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

const STATUS_TEXT: Record<CallStatus, string> = {
  calling: 'Calling…',
  ringing: 'Ringing…',
  incoming: 'Incoming call',
  connecting: 'Connecting…',
  connected: 'Connected',
  held: 'On Hold',
  ended: 'Ended',
};

type Tone = 'success' | 'danger' | 'neutral';

interface Control {
  label: string;
  icon: IconName;
  action: CallAction;
  tone?: Tone;
  pressed?: boolean;
  expanded?: boolean;
}

/** Who the call is with, as a person would say it. */
export function partyName(call: CallSnapshot): string {
  return call.remote.name.trim() || call.remote.number || 'Unknown caller';
}

/**
 * One call: who it is with, its state, and the controls that make sense in that state. Every
 * control fires one `sb-call-action`; the card never changes the call itself, and `showDialpad`
 * is the app's to flip when it sees `toggle-dialpad`.
 *
 * Controls wrap onto more rows as needed: transfer, park and the other in-call options slot into
 * the same row later.
 *
 * @fires sb-call-action - {@link CallActionEvent} `{callId, action, tone?}`. The embedded pad's
 *   `sb-dtmf` and `sb-dialpad-close` are turned into `dtmf` and `toggle-dialpad` actions and do
 *   not escape the card.
 * @csspart card - the card
 * @csspart controls - the row of call controls
 * @cssprop --sb-call-card-background - card background (default: surface)
 * @cssprop --sb-call-card-active-color - border of the call you are talking on (default: primary)
 * @cssprop --sb-call-card-incoming-color - border and pulse of a ringing call (default: success)
 */
@customElement('sb-call-card')
export class SbCallCard extends LitElement {
  static override styles = [
    baseStyles,
    css`
      :host {
        display: block;
      }

      article {
        display: flex;
        flex-direction: column;
        gap: var(--sb-sys-space-md);
        height: 100%;
        padding: var(--sb-sys-space-md);
        border: 2px solid var(--sb-sys-color-outline);
        border-radius: var(--sb-sys-radius-card);
        background: var(--sb-call-card-background, var(--sb-sys-color-surface));
        box-shadow: var(--sb-sys-elevation-card);
        transition: border-color var(--sb-sys-motion-duration-medium) var(--sb-sys-motion-easing);
      }

      :host([active]) article {
        border-color: var(--sb-call-card-active-color, var(--sb-sys-color-primary));
      }

      article[data-status='incoming'] {
        border-color: var(--sb-call-card-incoming-color, var(--sb-sys-color-success));
        background: color-mix(
          in srgb,
          var(--sb-sys-color-success-container) 45%,
          var(--sb-call-card-background, var(--sb-sys-color-surface))
        );
        animation: ring 1.6s ease-out infinite;
      }

      @keyframes ring {
        0% {
          box-shadow:
            var(--sb-sys-elevation-card),
            0 0 0 0 color-mix(in srgb, var(--sb-call-card-incoming-color, var(--sb-sys-color-success)) 55%, transparent);
        }
        70%,
        100% {
          box-shadow:
            var(--sb-sys-elevation-card),
            0 0 0 14px color-mix(in srgb, var(--sb-call-card-incoming-color, var(--sb-sys-color-success)) 0%, transparent);
        }
      }

      article[data-status='ended'] {
        border-style: dashed;
        box-shadow: none;
      }

      @media (prefers-reduced-motion: reduce) {
        article[data-status='incoming'] {
          animation: none;
          /* Still prominent without movement: a thicker ring. */
          box-shadow:
            var(--sb-sys-elevation-card),
            0 0 0 4px var(--sb-sys-color-success-container);
        }
      }

      header {
        display: flex;
        align-items: center;
        gap: var(--sb-sys-space-md);
        min-width: 0;
      }

      .avatar {
        display: grid;
        place-items: center;
        flex: none;
        width: 3rem;
        height: 3rem;
        border-radius: var(--sb-sys-radius-pill);
        background: var(--sb-sys-color-primary-container);
        color: var(--sb-sys-color-on-primary-container);
        font-weight: 700;
        font-size: var(--sb-sys-font-size-title);
      }

      .who {
        min-width: 0;
        flex: 1;
      }

      h2 {
        margin: 0;
        font-size: var(--sb-sys-font-size-headline);
        font-weight: 650;
        line-height: 1.25;
        overflow-wrap: anywhere;
      }

      .number {
        margin: 0;
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
        overflow-wrap: anywhere;
      }

      .state {
        display: flex;
        flex-wrap: wrap;
        align-items: baseline;
        gap: var(--sb-sys-space-xs) var(--sb-sys-space-sm);
        margin: 0;
        font-weight: 600;
      }

      .state sb-call-timer {
        font-weight: 500;
        color: var(--sb-sys-color-on-surface-muted);
      }

      article[data-status='connected'] .status-text {
        color: var(--sb-sys-color-success);
      }

      article[data-status='held'] .status-text,
      article[data-remote-held] .status-text {
        color: var(--sb-sys-color-warning);
      }

      article[data-status='ended'] .status-text {
        color: var(--sb-sys-color-on-surface-muted);
      }

      .note {
        font-weight: 500;
        color: var(--sb-sys-color-on-surface-muted);
      }

      .end-message {
        margin: 0;
      }

      .controls {
        display: flex;
        flex-wrap: wrap;
        justify-content: center;
        gap: var(--sb-sys-space-sm);
      }

      .control {
        display: flex;
        flex-direction: column;
        align-items: center;
        gap: var(--sb-sys-space-xs);
        /* Four controls fit one row of a 360 px screen (flex wraps by basis before it shrinks);
           the options added later wrap onto further rows. */
        flex: 0 0 4rem;
        min-width: 0;
        padding: var(--sb-sys-space-xs) 0;
        text-align: center;
        border: 0;
        border-radius: var(--sb-sys-radius-control);
        background: transparent;
        color: var(--sb-sys-color-on-surface);
        font: inherit;
        font-size: var(--sb-sys-font-size-small);
        font-weight: 600;
        line-height: 1.2;
        cursor: pointer;
        -webkit-tap-highlight-color: transparent;
      }

      .control .disc {
        display: grid;
        place-items: center;
        width: 3rem;
        height: 3rem;
        border-radius: var(--sb-sys-radius-pill);
        background: var(--sb-sys-color-surface-variant);
        border: 1px solid var(--sb-sys-color-outline);
        transition:
          background-color var(--sb-sys-motion-duration-short) var(--sb-sys-motion-easing),
          filter var(--sb-sys-motion-duration-short) var(--sb-sys-motion-easing);
      }

      .control:hover .disc {
        filter: brightness(0.94);
      }

      .control[aria-pressed='true'] .disc,
      .control[aria-expanded='true'] .disc {
        background: var(--sb-sys-color-primary);
        border-color: var(--sb-sys-color-primary);
        color: var(--sb-sys-color-on-primary);
      }

      .control.success .disc {
        background: var(--sb-sys-color-success);
        border-color: var(--sb-sys-color-success);
        color: var(--sb-sys-color-surface);
      }

      .control.danger .disc {
        background: var(--sb-sys-color-danger);
        border-color: var(--sb-sys-color-danger);
        color: var(--sb-sys-color-surface);
      }

      .control .icon {
        width: 1.375rem;
        height: 1.375rem;
      }

      .control:focus-visible {
        outline: none;
      }

      .control:focus-visible .disc {
        outline: 2px solid var(--sb-sys-color-focus-ring);
        outline-offset: 2px;
      }

      sb-dialpad {
        padding-top: var(--sb-sys-space-sm);
        border-top: 1px solid var(--sb-sys-color-outline);
      }
    `,
  ];

  @property({ attribute: false })
  call: CallSnapshot | null = null;

  /** This is the call the user is talking on. */
  @property({ type: Boolean, reflect: true })
  active = false;

  /** Show the DTMF pad (connected and held calls only). */
  @property({ type: Boolean, attribute: 'show-dialpad' })
  showDialpad = false;

  private hadFocus = false;

  protected override willUpdate(): void {
    this.hadFocus = this.shadowRoot?.activeElement != null;
  }

  protected override updated(changed: PropertyValues<this>): void {
    // A state change replaces the controls (Answer -> Hang Up...). If the focused one went away,
    // keep keyboard users on the card rather than dropping them to the top of the page.
    if (changed.has('call') && this.hadFocus && this.shadowRoot?.activeElement == null) {
      this.renderRoot.querySelector<HTMLButtonElement>('.controls button')?.focus();
    }
  }

  private fire(action: CallAction, tone?: string): void {
    if (!this.call) return;
    const detail: CallActionDetail = { callId: this.call.id, action };
    if (tone !== undefined) detail.tone = tone;
    this.dispatchEvent(new CallActionEvent(detail));
  }

  private onDtmf(e: DtmfEvent): void {
    e.stopPropagation();
    this.fire('dtmf', e.detail.tone);
  }

  private onDialpadClose(e: DialpadCloseEvent): void {
    e.stopPropagation();
    this.fire('toggle-dialpad');
  }

  override render() {
    const call = this.call;
    if (!call) return nothing;
    const name = partyName(call);
    const hasName = call.remote.name.trim() !== '';
    const live = call.status === 'connected' || call.status === 'held';
    const statusText =
      call.status === 'connected' && call.remoteHeld ? 'They put you on hold' : STATUS_TEXT[call.status];
    return html`<article
      part="card"
      aria-label="Call with ${name}"
      data-status=${call.status}
      data-remote-held=${call.remoteHeld ? '' : nothing}
    >
      <header>
        <span class="avatar" aria-hidden="true">${hasName ? initials(call.remote.name) : icon('phone')}</span>
        <div class="who">
          <h2>${name}</h2>
          ${hasName && call.remote.number ? html`<p class="number">${call.remote.number}</p>` : nothing}
        </div>
      </header>
      <p class="state">
        <span class="status-text" role="status">${statusText}</span>
        ${live ? html`<sb-call-timer .since=${call.connectedAt ?? call.startedAt}></sb-call-timer>` : nothing}
        ${call.status === 'held' && call.remoteHeld ? html`<span class="note">They put you on hold</span>` : nothing}
        ${call.dtmfReceived ? html`<span class="note">Received: ${call.dtmfReceived}</span>` : nothing}
      </p>
      ${call.status === 'ended' && call.endMessage ? html`<p class="end-message">${call.endMessage}</p>` : nothing}
      <div class="controls" part="controls">${this.controls(call).map((c) => this.renderControl(c))}</div>
      ${live && this.showDialpad
        ? html`<sb-dialpad
            mode="dtmf"
            closable
            .digits=${call.dtmf}
            @sb-dtmf=${this.onDtmf}
            @sb-dialpad-close=${this.onDialpadClose}
          ></sb-dialpad>`
        : nothing}
    </article>`;
  }

  private controls(call: CallSnapshot): Control[] {
    switch (call.status) {
      case 'incoming':
        return [
          { label: 'Answer', icon: 'phone', action: 'answer', tone: 'success' },
          { label: 'Decline', icon: 'hangup', action: 'decline', tone: 'danger' },
        ];
      case 'calling':
      case 'ringing':
      case 'connecting':
        return [{ label: 'Hang Up', icon: 'hangup', action: 'hangup', tone: 'danger' }];
      case 'connected':
      case 'held': {
        const held = call.status === 'held';
        return [
          call.muted
            ? { label: 'Unmute', icon: 'mic-off', action: 'unmute', pressed: true }
            : { label: 'Mute', icon: 'mic', action: 'mute', pressed: false },
          held
            ? { label: 'Resume', icon: 'play', action: 'resume', pressed: true }
            : { label: 'Hold', icon: 'pause', action: 'hold', pressed: false },
          { label: 'Dialpad', icon: 'dialpad', action: 'toggle-dialpad', expanded: this.showDialpad },
          { label: 'Hang Up', icon: 'hangup', action: 'hangup', tone: 'danger' },
        ];
      }
      case 'ended':
        return [{ label: 'Dismiss', icon: 'close', action: 'dismiss' }];
    }
  }

  private renderControl(c: Control): TemplateResult {
    return html`<button
      class="control ${c.tone ?? ''}"
      type="button"
      aria-pressed=${c.pressed === undefined ? nothing : c.pressed ? 'true' : 'false'}
      aria-expanded=${c.expanded === undefined ? nothing : c.expanded ? 'true' : 'false'}
      @click=${() => this.fire(c.action)}
    >
      <span class="disc">${icon(c.icon)}</span>${c.label}
    </button>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-call-card': SbCallCard;
  }
  interface HTMLElementEventMap {
    'sb-call-action': CallActionEvent;
  }
}
