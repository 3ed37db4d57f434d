import { LitElement, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { live } from 'lit/directives/live.js';
import { deviceSelectStyles } from './sb-device-select.styles.js';

export interface AudioDeviceOption {
  deviceId: string;
  /** Empty until the user granted microphone access; the element numbers them then. */
  label: string;
}

export interface DeviceChangeDetail {
  /** The chosen deviceId; '' for the system default. */
  value: string;
}

/** The user picked another device. */
export class DeviceChangeEvent extends CustomEvent<DeviceChangeDetail> {
  static readonly eventName = 'sb-device-change' as const;
  constructor(detail: DeviceChangeDetail) {
    super(DeviceChangeEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

/**
 * A labelled choice of one audio device (microphone, speaker or ringer). The first option,
 * "System default", is the value ''. A chosen device that is not connected right now stays
 * selected as "Unavailable device" rather than silently showing another choice.
 *
 * @fires sb-device-change - {@link DeviceChangeEvent} `{value}` when the user picks an option.
 * @csspart select - the native select
 */
@customElement('sb-device-select')
export class SbDeviceSelect extends LitElement {
  static override styles = deviceSelectStyles;

  /** The visible label, e.g. "Microphone". */
  @property()
  label = '';

  @property({ attribute: false })
  devices: ReadonlyArray<AudioDeviceOption> = [];

  /** The chosen deviceId; '' for the system default. */
  @property()
  value = '';

  @property({ type: Boolean, reflect: true })
  disabled = false;

  private onChange(e: Event): void {
    this.value = (e.target as HTMLSelectElement).value;
    this.dispatchEvent(new DeviceChangeEvent({ value: this.value }));
  }

  override render() {
    const known = this.value === '' || this.devices.some((d) => d.deviceId === this.value);
    // `selected` per option rather than `.value` on the select: the select's own binding is
    // committed before its options exist. `live` re-applies the app's value if it kept it.
    return html`<div class="field">
      <label for="select">${this.label}</label>
      <select id="select" part="select" ?disabled=${this.disabled} @change=${this.onChange}>
        <option value="" .selected=${live(this.value === '')}>System default</option>
        ${this.devices
          .filter((d) => d.deviceId !== '' && d.deviceId !== 'default')
          .map(
            (d, i) =>
              html`<option value=${d.deviceId} .selected=${live(d.deviceId === this.value)}>
                ${d.label || `${this.label || 'Device'} ${i + 1}`}
              </option>`,
          )}
        ${known ? nothing : html`<option value=${this.value} selected>Unavailable device</option>`}
      </select>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-device-select': SbDeviceSelect;
  }
  interface HTMLElementEventMap {
    'sb-device-change': DeviceChangeEvent;
  }
}
