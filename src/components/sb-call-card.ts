import { LitElement, css, html, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { CallSnapshot } from '../phone/types.js';
import { displayName, initials, STATUS_TEXT } from './format.js';
import { renderCallControl, type CallControl } from './call-controls.js';
import { icon } from './icons.js';
import { baseStyles, buttonStyles, callControlStyles, cardHeaderStyles, cardStyles } from './shared-styles.js';
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
  | 'toggle-dialpad'
  /** Place another call while this one waits (the app opens the target picker). */
  | 'add-call'
  /** Transfer this call (the app opens the target picker in transfer mode). */
  | 'transfer'
  /** Move this call to another of my devices (the app opens the device picker). */
  | 'switch-phone'
  /** Take the card off the grid; the call goes on. */
  | 'hide'
  | 'start-recording'
  | 'stop-recording'
  /** Join this added call and the call it was added to in a conference. */
  | 'merge'
  /** Attended transfer: connect the waiting party with this consultation call. */
  | 'complete-transfer'
  /** Attended transfer: end this consultation and go back to the waiting party. */
  | 'cancel-transfer';

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

/** During an attended transfer: which of the two calls this card is, and who the other is with. */
export interface ConsultationInfo {
  /** 'original': the held call being transferred; 'consultation': the call to the new party. */
  role: 'original' | 'consultation';
  /** Who the other call of the pair is with. */
  otherName: string;
}

type Control = CallControl<CallAction>;

/** Who the call is with, as a person would say it. */
export function partyName(call: CallSnapshot): string {
  return displayName(call.remote);
}

function statusText(call: CallSnapshot): string {
  if (call.status === 'connected' && call.remoteHeld) return 'They put you on hold';
  if (call.status === 'connected' && call.answeredBy) return call.answeredBy;
  if (call.status === 'ended' && call.endReason === 'transferred') return 'Transferred';
  if (call.status === 'ended' && call.endReason === 'moved') return 'Moved to another device';
  return STATUS_TEXT[call.status];
}

const ORIGIN_TEXT: Record<CallSnapshot['origin'], string> = {
  normal: '',
  transfer: 'Transferred call',
  switch: 'Moved from another device',
};

/**
 * One call: who it is with, its state, and the controls that make sense in that state. Every
 * control fires one `sb-call-action`; the card never changes the call itself, and `showDialpad`
 * is the app's to flip when it sees `toggle-dialpad`.
 *
 * A live (connected or held) call has two rows: the main controls ("Mute", "Hold", "Dialpad",
 * "Hang Up") and below them the in-call options as smaller buttons ("Add Call", "Transfer",
 * "Switch Phone" when `canSwitch`, "Hide Call", "Start Recording"/"Stop Recording"). Above the
 * rows, the steps of a multi-call operation: "Merge" when `mergeable`, and "Complete Transfer" /
 * "Cancel Transfer" on the consultation call of an attended transfer.
 *
 * Notes under the state: "Transferring…" while `call.transfer` is in progress, the
 * `transferError` in an alert when it failed, "Transferring to <name>…" on the call waiting in an
 * attended transfer, where the call came from (`origin`: "Transferred call", "Moved from
 * another device"), "Still on hold" on a held call whose hold reminder has fired
 * (`holdReminder`), and "<name> is recording this call" when the other party records it
 * (`remoteRecording`: the "Recording" indicator shows then too, so nobody is recorded without
 * seeing it).
 *
 * @fires sb-call-action - {@link CallActionEvent} `{callId, action, tone?}`. The embedded pad's
 *   `sb-dtmf` and `sb-dialpad-close` are turned into `dtmf` and `toggle-dialpad` actions and do
 *   not escape the card.
 * @csspart card - the card
 * @csspart controls - the row of main call controls
 * @csspart options - the row of in-call options
 * @cssprop --sb-call-card-background - card background (default: surface)
 * @cssprop --sb-call-card-active-color - border of the call you are talking on (default: primary)
 * @cssprop --sb-call-card-incoming-color - border and pulse of a ringing call (default: success)
 * @cssprop --sb-call-card-recording-color - the "Recording" indicator (default: danger)
 */
@customElement('sb-call-card')
export class SbCallCard extends LitElement {
  static override styles = [
    baseStyles,
    buttonStyles,
    cardStyles,
    cardHeaderStyles,
    callControlStyles,
    css`
      :host {
        display: block;
      }

      article {
        background: var(--sb-call-card-background, var(--sb-sys-color-surface));
        transition: border-color var(--sb-sys-motion-duration-medium) var(--sb-sys-motion-easing);
      }

      :host([active]) article {
        border-color: var(--sb-call-card-active-color, var(--sb-sys-color-primary));
      }

      article[data-status='incoming'] {
        --_ring: var(--sb-call-card-incoming-color, var(--sb-sys-color-success));
        border-color: var(--_ring);
        background: color-mix(
          in srgb,
          var(--sb-sys-color-success-container) 45%,
          var(--sb-call-card-background, var(--sb-sys-color-surface))
        );
        animation: ring 1.6s ease-out infinite;
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

      .number {
        margin: 0;
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
        overflow-wrap: anywhere;
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

      .control .disc {
        transition:
          background-color var(--sb-sys-motion-duration-short) var(--sb-sys-motion-easing),
          filter var(--sb-sys-motion-duration-short) var(--sb-sys-motion-easing);
      }

      .recording .dot {
        background: var(--sb-call-card-recording-color, var(--sb-sys-color-danger));
      }

      /* Live regions stay in the tree (so a change is announced); empty, they take no room. */
      .notes:empty,
      .alerts:empty {
        margin-top: calc(-1 * var(--sb-sys-space-md));
      }

      .notes {
        display: flex;
        flex-direction: column;
        gap: var(--sb-sys-space-xs);
      }

      .notes p,
      .alerts p {
        display: flex;
        align-items: flex-start;
        gap: var(--sb-sys-space-sm);
        margin: 0;
        padding: var(--sb-sys-space-xs) var(--sb-sys-space-sm);
        border-radius: var(--sb-sys-radius-control);
        font-size: var(--sb-sys-font-size-small);
        font-weight: 600;
        overflow-wrap: anywhere;
      }

      .notes p {
        background: var(--sb-sys-color-primary-container);
        color: var(--sb-sys-color-on-primary-container);
      }

      .notes p.reminder {
        background: var(--sb-sys-color-warning-container);
        color: var(--sb-sys-color-on-surface);
      }

      .notes p.reminder .icon {
        color: var(--sb-sys-color-warning);
      }

      :host([hold-reminder]) article[data-status='held'] {
        border-color: var(--sb-sys-color-warning);
      }

      .notes p.remote-recording {
        background: var(--sb-sys-color-danger-container);
        color: var(--sb-sys-color-on-surface);
      }

      .alerts p {
        background: var(--sb-sys-color-danger-container);
        color: var(--sb-sys-color-on-surface);
      }

      .alerts .icon {
        color: var(--sb-sys-color-danger);
      }

      .notes .icon,
      .alerts .icon {
        width: 1rem;
        height: 1rem;
        margin-top: 0.125rem;
      }

      .origin {
        margin: 0;
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
        font-style: italic;
      }

      .steps {
        display: flex;
        flex-wrap: wrap;
        gap: var(--sb-sys-space-sm);
      }

      .steps .btn {
        flex: 1 1 auto;
        white-space: nowrap;
      }

      .options {
        display: flex;
        flex-wrap: wrap;
        justify-content: center;
        gap: var(--sb-sys-space-xs);
        padding-top: var(--sb-sys-space-sm);
        border-top: 1px solid var(--sb-sys-color-outline);
      }

      .option {
        display: flex;
        flex-direction: column;
        align-items: center;
        gap: 0.125rem;
        /* Five fit one row of a card 22rem wide; on a phone they wrap four and one, centred. */
        flex: 0 0 4.25rem;
        min-width: 0;
        padding: var(--sb-sys-space-xs) 0;
        border: 0;
        border-radius: var(--sb-sys-radius-control);
        background: transparent;
        color: var(--sb-sys-color-on-surface);
        font: inherit;
        font-size: 0.75rem;
        font-weight: 600;
        line-height: 1.2;
        text-align: center;
        cursor: pointer;
        -webkit-tap-highlight-color: transparent;
      }

      .option .disc {
        display: grid;
        place-items: center;
        width: 2.25rem;
        height: 2.25rem;
        border-radius: var(--sb-sys-radius-pill);
        border: 1px solid var(--sb-sys-color-outline);
        color: var(--sb-sys-color-primary);
        transition: background-color var(--sb-sys-motion-duration-short) var(--sb-sys-motion-easing);
      }

      .option .icon {
        width: 1.125rem;
        height: 1.125rem;
      }

      .option:hover:not(:disabled) .disc {
        background: var(--sb-sys-color-primary-container);
      }

      .option[aria-pressed='true'] .disc {
        background: var(--sb-sys-color-danger-container);
        border-color: var(--sb-call-card-recording-color, var(--sb-sys-color-danger));
        color: var(--sb-call-card-recording-color, var(--sb-sys-color-danger));
      }

      .option:disabled {
        cursor: not-allowed;
        opacity: 0.55;
      }

      .option:focus-visible {
        outline: none;
      }

      .option:focus-visible .disc {
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

  /** The call is being recorded: shows "Recording" and offers "Stop Recording". */
  @property({ type: Boolean, reflect: true })
  recording = false;

  /** The other party is recording the call (the platform told us): shows "Recording" too. */
  @property({ type: Boolean, reflect: true, attribute: 'remote-recording' })
  remoteRecording = false;

  /** The hold reminder has fired for this held call: shows "Still on hold". */
  @property({ type: Boolean, reflect: true, attribute: 'hold-reminder' })
  holdReminder = false;

  /** This call's part in an attended transfer under way, or null. */
  @property({ attribute: false })
  consultation: ConsultationInfo | null = null;

  /** This call was started with Add Call and can be merged with the call it was added to. */
  @property({ type: Boolean })
  mergeable = false;

  /** Another of the user's devices is online: offer "Switch Phone". */
  @property({ type: Boolean, attribute: 'can-switch' })
  canSwitch = false;

  private hadFocus = false;

  protected override willUpdate(): void {
    this.hadFocus = this.shadowRoot?.activeElement != null;
  }

  protected override updated(changed: PropertyValues<this>): void {
    // A state change replaces the controls (Answer -> Hang Up...). If the focused one went away,
    // keep keyboard users on the card rather than dropping them to the top of the page.
    if (this.hadFocus && this.shadowRoot?.activeElement == null && changed.size > 0) {
      // Closing the pad from inside it: back to the control that opens it.
      const target = changed.has('showDialpad') && !this.showDialpad ? '.controls button[aria-expanded]' : '.controls button';
      (this.renderRoot.querySelector<HTMLButtonElement>(target) ?? this.renderRoot.querySelector('.controls button'))?.focus();
    }
  }

  private fire(action: CallAction, tone?: string): void {
    if (!this.call) return;
    const detail: CallActionDetail = { callId: this.call.id, action };
    if (tone !== undefined) detail.tone = tone;
    this.dispatchEvent(new CallActionEvent(detail));
  }

  /** A control or option was activated. */
  private readonly onControl = (action: CallAction): void => this.fire(action);

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
    const origin = ORIGIN_TEXT[call.origin] ?? '';
    // No whitespace inside the live regions: `:empty` keeps them out of the layout when idle.
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
          ${origin ? html`<p class="origin">${origin}</p>` : nothing}
        </div>
      </header>
      <p class="state">
        <span class="status-text" role="status">${statusText(call)}</span>
        ${live ? html`<sb-call-timer .since=${call.connectedAt ?? call.startedAt}></sb-call-timer>` : nothing}
        ${call.status === 'held' && call.remoteHeld ? html`<span class="note">They put you on hold</span>` : nothing}
        ${call.dtmfReceived ? html`<span class="note">Received: ${call.dtmfReceived}</span>` : nothing}
        <span class="rec-region" role="status">${(this.recording || this.remoteRecording) && call.status !== 'ended'
          ? html`<span class="recording"><span class="dot" aria-hidden="true"></span>Recording</span>`
          : nothing}</span>
      </p>
      <div class="notes" role="status">${this.renderNotes(call)}</div>
      <div class="alerts" role="alert">${call.transfer === 'failed' && call.status !== 'ended'
        ? html`<p class="transfer-error">${icon('alert')}<span>${call.transferError || 'The transfer failed.'}</span></p>`
        : nothing}</div>
      ${call.status === 'ended' && call.endMessage ? html`<p class="end-message">${call.endMessage}</p>` : nothing}
      ${this.renderSteps(call)}
      <div class="controls" part="controls">${this.controls(call).map((c) => renderCallControl(c, this.onControl))}</div>
      ${live
        ? html`<div class="options" part="options" role="group" aria-label="Call options">
            ${repeat(this.options(call), (c) => c.key ?? c.action, (c) => renderCallControl(c, this.onControl, 'option'))}
          </div>`
        : nothing}
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

  private renderNotes(call: CallSnapshot): TemplateResult[] {
    if (call.status === 'ended') return [];
    const notes: TemplateResult[] = [];
    if (this.holdReminder && call.status === 'held') {
      notes.push(html`<p class="reminder">${icon('pause')}<span>Still on hold: ${partyName(call)} is waiting. Resume to talk.</span></p>`);
    }
    if (this.remoteRecording) notes.push(html`<p class="remote-recording">${icon('record')}<span>${partyName(call)} is recording this call</span></p>`);
    if (call.transfer === 'in-progress') notes.push(html`<p class="transferring">${icon('transfer')}<span>Transferring…</span></p>`);
    const c = this.consultation;
    if (c?.role === 'original') {
      notes.push(html`<p class="consultation">${icon('transfer')}<span>Transferring to ${c.otherName}…</span></p>`);
    } else if (c?.role === 'consultation') {
      notes.push(html`<p class="consultation">${icon('transfer')}<span>${c.otherName} is waiting to be transferred</span></p>`);
    }
    return notes;
  }

  /** The next step of a two-call operation, as full-size buttons above the controls. */
  private renderSteps(call: CallSnapshot) {
    const live = call.status === 'connected' || call.status === 'held';
    const consulting = this.consultation?.role === 'consultation' && call.status !== 'ended';
    const merge = this.mergeable && live && !consulting;
    if (!consulting && !merge) return nothing;
    return html`<div class="steps">
      ${merge
        ? html`<button class="btn primary" type="button" @click=${() => this.fire('merge')}>${icon('merge')}Merge</button>`
        : nothing}
      ${consulting && live
        ? html`<button class="btn primary" type="button" @click=${() => this.fire('complete-transfer')}>
            ${icon('check')}Complete Transfer
          </button>`
        : nothing}
      ${consulting
        ? html`<button class="btn secondary" type="button" @click=${() => this.fire('cancel-transfer')}>
            ${icon('close')}Cancel Transfer
          </button>`
        : nothing}
    </div>`;
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

  /**
   * The in-call options of a live call. Keyed by what they are (Start and Stop Recording share
   * one button), so a focused option stays itself when "Switch Phone" comes or goes.
   */
  private options(call: CallSnapshot): Control[] {
    // One transfer at a time: a second REFER while the first is pending would race it.
    const transferring = call.transfer === 'in-progress' || this.consultation != null;
    const options: Control[] = [
      { label: 'Add Call', icon: 'add-call', action: 'add-call' },
      { label: 'Transfer', icon: 'transfer', action: 'transfer', disabled: transferring },
    ];
    if (this.canSwitch) options.push({ label: 'Switch Phone', icon: 'switch-phone', action: 'switch-phone' });
    options.push({ label: 'Hide Call', icon: 'hide', action: 'hide' });
    options.push(
      this.recording
        ? { label: 'Stop Recording', icon: 'stop', action: 'stop-recording', pressed: true, key: 'recording' }
        : { label: 'Start Recording', icon: 'record', action: 'start-recording', pressed: false, key: 'recording' },
    );
    return options;
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
