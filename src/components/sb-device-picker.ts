import { LitElement, css, html, nothing } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { icon } from './icons.js';
import { ModalDialogController } from '../controllers/modal-dialog-controller.js';
import { baseStyles, buttonStyles, dialogStyles } from './shared-styles.js';

/** One of the user's devices that is online now. */
export interface SwitchDevice {
  id: string;
  /** What the user named it ("Work laptop"), or a readable default ("Chrome on Linux"). */
  label: string;
  /** The device the call is on (this browser): listed as "(this device)", not a choice. */
  current?: boolean;
}

export interface DeviceChosenDetail {
  deviceId: string;
}

/** The user chose where to move the call (the picker has closed itself). */
export class DeviceChosenEvent extends CustomEvent<DeviceChosenDetail> {
  static readonly eventName = 'sb-device-chosen' as const;
  constructor(detail: DeviceChosenDetail) {
    super(DeviceChosenEvent.eventName, { detail, bubbles: true, composed: true });
  }
}

/** The user dismissed the picker ("Cancel" or Escape; it has closed itself). */
export class DeviceCancelEvent extends Event {
  static readonly eventName = 'sb-device-cancel' as const;
  constructor() {
    super(DeviceCancelEvent.eventName, { bubbles: true, composed: true });
  }
}

/**
 * Switch Phone: a modal dialog, "Move the call with <callName> to…", with one button per other
 * device of the user's that is online (its label: never the raw browser identifier). The
 * device the call is on now (`current`) is listed first as "<label> (this device)", so the user
 * can tell the devices apart, but is not a button. With no other device, it says "No other
 * device of yours is online."
 *
 * `open` behaves like the native dialog's: the app sets it, and the picker clears it itself when
 * the user chooses or cancels, before firing the event.
 *
 * @fires sb-device-chosen - {@link DeviceChosenEvent} `{deviceId}`.
 * @fires sb-device-cancel - {@link DeviceCancelEvent} from "Cancel" or Escape.
 * @csspart dialog - the native dialog
 */
@customElement('sb-device-picker')
export class SbDevicePicker extends LitElement {
  static override styles = [
    baseStyles,
    buttonStyles,
    dialogStyles,
    css`
      :host {
        display: contents;
      }

      .dialog-list {
        gap: var(--sb-sys-space-sm);
      }

      .device {
        gap: var(--sb-sys-space-md);
        min-height: 3.5rem;
        padding: var(--sb-sys-space-sm) var(--sb-sys-space-md);
        border: 1px solid var(--sb-sys-color-outline);
      }

      .device:hover {
        border-color: var(--sb-sys-color-primary);
      }

      .device > .icon {
        width: 1.5rem;
        height: 1.5rem;
        color: var(--sb-sys-color-primary);
      }

      .text {
        display: flex;
        flex-direction: column;
        min-width: 0;
      }

      .label {
        font-weight: 600;
        overflow-wrap: anywhere;
      }

      .here {
        display: flex;
        align-items: center;
        gap: var(--sb-sys-space-md);
        min-height: 3.5rem;
        padding: var(--sb-sys-space-sm) var(--sb-sys-space-md);
        border: 1px dashed var(--sb-sys-color-outline);
        border-radius: var(--sb-sys-radius-control);
      }

      .here > .icon {
        width: 1.5rem;
        height: 1.5rem;
        color: var(--sb-sys-color-on-surface-muted);
      }

      .mark {
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
      }

      .empty {
        margin: 0;
        color: var(--sb-sys-color-on-surface-muted);
      }
    `,
  ];

  @property({ type: Boolean, reflect: true })
  open = false;

  @property({ attribute: false })
  devices: ReadonlyArray<SwitchDevice> = [];

  /** Who the call is with, for the title. */
  @property({ attribute: 'call-name' })
  callName = '';

  private readonly modal = new ModalDialogController(this, { cancel: () => this.cancel() });

  private choose(deviceId: string): void {
    this.open = false;
    this.dispatchEvent(new DeviceChosenEvent({ deviceId }));
  }

  private cancel(): void {
    this.open = false;
    this.dispatchEvent(new DeviceCancelEvent());
  }

  override render() {
    return html`<dialog part="dialog" aria-labelledby="title" @close=${this.modal.onClose} @keydown=${this.modal.onKeydown}>
      <div class="dialog-head">
        <h2 id="title">Move the call with ${this.callName || 'this caller'} to…</h2>
      </div>
      <div class="dialog-body">
        ${this.devices.length === 0
          ? nothing
          : html`<ul class="dialog-list" aria-label="Your devices">
              ${this.devices.map((d) => (d.current
                ? html`<li class="here">
                    ${icon('device')}
                    <span class="text">
                      <span class="label">${d.label || 'Unnamed device'}</span>
                      <span class="mark">(this device)</span>
                    </span>
                  </li>`
                : html`<li>
                    <button class="dialog-choice device" type="button" @click=${() => this.choose(d.id)}>
                      ${icon('device')}
                      <span class="text"><span class="label">${d.label || 'Unnamed device'}</span></span>
                    </button>
                  </li>`))}
            </ul>`}
        ${this.devices.some((d) => !d.current) ? nothing : html`<p class="empty">No other device of yours is online.</p>`}
      </div>
      <div class="dialog-foot">
        <button class="btn secondary" type="button" @click=${this.cancel}>Cancel</button>
      </div>
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-device-picker': SbDevicePicker;
  }
  interface HTMLElementEventMap {
    'sb-device-chosen': DeviceChosenEvent;
    'sb-device-cancel': DeviceCancelEvent;
  }
}
