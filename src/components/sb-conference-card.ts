import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { CallSnapshot } from '../phone/types.js';
import { displayName, initials, joinNames, STATUS_TEXT } from './format.js';
import { renderCallControl, type CallControl } from './call-controls.js';
import { icon } from './icons.js';
import './sb-call-timer.js';
import { conferenceCardStyles } from './sb-conference-card.styles.js';

export type ConferenceAction =
  | 'mute'
  | 'unmute'
  | 'hold'
  | 'resume'
  /** Ends every leg of the conference. */
  | 'hangup'
  /** Ends one participant's leg (`callId`); the others stay. */
  | 'drop'
  | 'start-recording'
  | 'stop-recording';

export interface ConferenceActionDetail {
  conferenceId: string;
  action: ConferenceAction;
  /** The participant's call, for `drop` only. */
  callId?: string;
}

/** The user asked for something to happen to a conference. */
export class ConferenceActionEvent extends CustomEvent<ConferenceActionDetail> {
  static readonly eventName = 'sb-conference-action' as const;
  constructor(detail: ConferenceActionDetail) {
    super(ConferenceActionEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

/** A participant's state in words: a leg that ended has left the conference. */
function participantState(p: CallSnapshot): string {
  if (p.status === 'ended') return 'Left';
  if (p.status === 'connected' && p.remoteHeld) return 'Holding';
  return STATUS_TEXT[p.status];
}

/**
 * One card for a conference mixed on this device (3-way or more): who is in it, each with their
 * state and a "Drop <name>" button, and controls for the whole conference ("Mute"/"Unmute",
 * "Hold"/"Resume", "Start Recording"/"Stop Recording", "Hang Up" which ends every leg).
 *
 * The element's own `id` is the conference's id, echoed in every event (nothing renders from it,
 * so the native property serves).
 *
 * @fires sb-conference-action - {@link ConferenceActionEvent} `{conferenceId, action, callId?}`
 *   (`callId` for `drop`).
 * @csspart card - the card
 * @csspart participants - the list of participants
 * @csspart controls - the row of conference controls
 * @cssprop --sb-conference-card-background - card background (default: surface)
 * @cssprop --sb-conference-card-active-color - border when it is what you are talking on (default: primary)
 */
@customElement('sb-conference-card')
export class SbConferenceCard extends LitElement {
  static override styles = conferenceCardStyles;

  /** The legs, in the order they joined. */
  @property({ attribute: false })
  participants: ReadonlyArray<CallSnapshot> = [];

  @property({ type: Boolean })
  muted = false;

  @property({ type: Boolean })
  held = false;

  @property({ type: Boolean, reflect: true })
  recording = false;

  /** The conference is what the user is talking on. */
  @property({ type: Boolean, reflect: true })
  active = false;

  private hadFocus = false;

  protected override willUpdate(): void {
    this.hadFocus = this.shadowRoot?.activeElement != null;
  }

  protected override updated(changed: PropertyValues<this>): void {
    // Dropping someone removes the focused button with its row: stay on the card.
    if (this.hadFocus && changed.size > 0 && this.shadowRoot?.activeElement == null) {
      this.renderRoot.querySelector<HTMLButtonElement>('.drop, .controls button')?.focus();
    }
  }

  private fire(action: ConferenceAction, callId?: string): void {
    const detail: ConferenceActionDetail = { conferenceId: this.id, action };
    if (callId !== undefined) detail.callId = callId;
    this.dispatchEvent(new ConferenceActionEvent(detail));
  }

  private readonly onControl = (action: ConferenceAction): void => this.fire(action);

  override render() {
    const names = this.participants.map((p) => displayName(p.remote));
    const since = Math.min(...this.participants.map((p) => p.connectedAt ?? p.startedAt));
    const controls: CallControl<ConferenceAction>[] = [
      this.muted
        ? { label: 'Unmute', icon: 'mic-off', action: 'unmute', pressed: true }
        : { label: 'Mute', icon: 'mic', action: 'mute', pressed: false },
      this.held
        ? { label: 'Resume', icon: 'play', action: 'resume', pressed: true }
        : { label: 'Hold', icon: 'pause', action: 'hold', pressed: false },
      this.recording
        ? { label: 'Stop Recording', icon: 'stop', action: 'stop-recording', pressed: true, variant: 'recording-toggle' }
        : { label: 'Start Recording', icon: 'record', action: 'start-recording', pressed: false, variant: 'recording-toggle' },
      { label: 'Hang Up', icon: 'hangup', action: 'hangup', tone: 'danger' },
    ];
    return html`<article
      part="card"
      aria-label="Conference with ${joinNames(names)}"
      data-held=${this.held ? '' : nothing}
    >
      <header>
        <span class="avatar" aria-hidden="true">${icon('conference')}</span>
        <div class="who">
          <h2>Conference</h2>
          <p class="count">${names.length === 1 ? '1 participant' : `${names.length} participants`}</p>
        </div>
      </header>
      <p class="state">
        <span class="status-text" role="status">${this.held ? 'On Hold' : 'Connected'}</span>
        ${Number.isFinite(since) ? html`<sb-call-timer .since=${since}></sb-call-timer>` : nothing}
        <span class="rec-region" role="status">${this.recording
          ? html`<span class="recording"><span class="dot" aria-hidden="true"></span>Recording</span>`
          : nothing}</span>
      </p>
      <ul part="participants" aria-label="Participants">
        ${repeat(
          this.participants,
          (p) => p.id,
          (p, i) => {
            const name = names[i]!;
            const hasName = p.remote.name.trim() !== '';
            const detail = [hasName ? p.remote.number : '', participantState(p)].filter(Boolean).join(' · ');
            return html`<li data-status=${p.status}>
              <span class="avatar" aria-hidden="true">${hasName ? initials(p.remote.name) : icon('phone')}</span>
              <span class="who">
                <span class="name">${name}</span>
                <span class="detail">${detail}</span>
              </span>
              <button class="btn secondary drop" type="button" aria-label="Drop ${name}" @click=${() => this.fire('drop', p.id)}>
                ${icon('drop')}Drop
              </button>
            </li>`;
          },
        )}
      </ul>
      <div class="controls" part="controls">${controls.map((c) => renderCallControl(c, this.onControl))}</div>
    </article>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-conference-card': SbConferenceCard;
  }
  interface HTMLElementEventMap {
    'sb-conference-action': ConferenceActionEvent;
  }
}
