import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { Party } from '../phone/types.js';
import { displayName } from './format.js';
import { icon } from './icons.js';
import './sb-call-timer.js';
import { otherDeviceCallsStyles } from './sb-other-device-calls.styles.js';

/** A call of mine that is live on another of my devices. */
export interface OtherDeviceCall {
  callId: string;
  remote: Party;
  /** The device it is on. */
  deviceLabel: string;
  /** Epoch ms the call was connected. */
  since: number;
}

export interface PullCallDetail {
  callId: string;
}

/** Bring the call over to this device. */
export class PullCallEvent extends CustomEvent<PullCallDetail> {
  static readonly eventName = 'sb-pull-call' as const;
  constructor(detail: PullCallDetail) {
    super(PullCallEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

/**
 * The user's calls that are live on their other devices, so one can be pulled here: a region
 * "Calls on your other devices" with a row per call (who, which device, how long) and a button
 * "Pull call with <name> here". Renders nothing when there are none.
 *
 * @fires sb-pull-call - {@link PullCallEvent} `{callId}`.
 * @csspart region - the region
 */
@customElement('sb-other-device-calls')
export class SbOtherDeviceCalls extends LitElement {
  static override styles = otherDeviceCallsStyles;

  @property({ attribute: false })
  calls: ReadonlyArray<OtherDeviceCall> = [];

  override render() {
    if (this.calls.length === 0) return nothing;
    return html`<section part="region" aria-label="Calls on your other devices">
      <h2>Calls on your other devices</h2>
      <ul>
        ${repeat(
          this.calls,
          (c) => c.callId,
          (c) => {
            const name = displayName(c.remote);
            return html`<li>
              <span class="who">
                <span class="name">${name}</span>
                <span class="where">
                  ${icon('switch-phone')}<span>${c.deviceLabel || 'Another device'}</span><span aria-hidden="true">·</span
                  ><sb-call-timer .since=${c.since}></sb-call-timer>
                </span>
              </span>
              <button
                class="btn secondary"
                type="button"
                @click=${() => this.dispatchEvent(new PullCallEvent({ callId: c.callId }))}
              >
                ${icon('pull')}<span>Pull<span class="sr-only"> call with ${name}</span> here</span>
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
    'sb-other-device-calls': SbOtherDeviceCalls;
  }
  interface HTMLElementEventMap {
    'sb-pull-call': PullCallEvent;
  }
}
