import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { installContext, otherDevicesContext, settingsContext } from '../../app/contexts.js';
import { installAdvice, type InstallHelper } from '../../app/install-prompt.js';
import { StoreController } from '../../controllers/store-controller.js';
import type { OtherDevices } from '../../state/other-devices.js';
import { HOLD_REMINDER_MAX_S, holdReminderError, type SettingsStore } from '../../state/settings.js';
import { DeviceChangeEvent } from '../../components/sb-device-select.js';
import { baseStyles, buttonStyles, fieldStyles } from '../../components/shared-styles.js';
import '../../components/sb-voicemail-settings.js';
import '../../components/sb-time-zone-settings.js';
import '../../components/sb-device-select.js';

interface DeviceOption {
  deviceId: string;
  label: string;
}

/**
 * Settings of this browser: microphone, speaker and ringer devices, the hold reminder (0 = off
 * to 600 s; anything else is refused with a message and not saved), notifications, my devices
 * (each with Rename; this one marked "(this device)"), and Install (a button whenever the
 * browser offers to install, else what to do instead). Audio device lists follow
 * `devicechange` (a headset plugged in shows up at once).
 */
@customElement('sb-settings-view')
export class SbSettingsView extends LitElement {
  static override styles = [
    baseStyles,
    buttonStyles,
    fieldStyles,
    css`
      :host {
        display: block;
        padding: var(--sb-sys-space-md);
        max-width: 40rem;
      }
      section {
        display: grid;
        gap: var(--sb-sys-space-md);
        padding: var(--sb-sys-space-md);
        margin-bottom: var(--sb-sys-space-md);
        border-radius: var(--sb-sys-radius-card);
        background: var(--sb-sys-color-surface);
        box-shadow: var(--sb-sys-elevation-card);
      }
      h2 {
        margin: 0;
        font-size: var(--sb-sys-font-size-title);
      }
      .hint {
        margin: 0;
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
      }
      .row {
        display: flex;
        align-items: center;
        gap: var(--sb-sys-space-sm);
        flex-wrap: wrap;
      }
      input[type='number'] {
        width: 6rem;
      }
      .error {
        margin: 0;
        color: var(--sb-sys-color-danger);
        font-size: var(--sb-sys-font-size-small);
        font-weight: 600;
      }
      .error:empty {
        display: none;
      }
      .devices {
        display: grid;
        gap: var(--sb-sys-space-sm);
        margin: 0;
        padding: 0;
        list-style: none;
      }
      .devices li {
        display: flex;
        align-items: center;
        flex-wrap: wrap;
        gap: var(--sb-sys-space-sm);
        padding: var(--sb-sys-space-sm) 0;
        border-bottom: 1px solid var(--sb-sys-color-outline);
      }
      .devices .name {
        flex: 1 1 12rem;
        min-width: 0;
        font-weight: 600;
        overflow-wrap: anywhere;
      }
      .devices .mark,
      .devices .presence {
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
        font-weight: 500;
      }
      .devices form {
        display: flex;
        flex: 1 1 100%;
        flex-wrap: wrap;
        align-items: end;
        gap: var(--sb-sys-space-sm);
      }
      .devices form .field {
        flex: 1 1 12rem;
      }
    `,
  ];

  @consume({ context: settingsContext, subscribe: true })
  settings?: SettingsStore;

  @consume({ context: installContext, subscribe: true })
  install?: InstallHelper;

  @consume({ context: otherDevicesContext, subscribe: true })
  devices?: OtherDevices;

  /** What the hold reminder field says is wrong with its value ('' when it is fine). */
  @state() private holdError = '';
  /** What the user typed while it is refused (kept in the field to be corrected), else null. */
  @state() private holdDraft: string | null = null;
  /** The device being renamed, the name typed so far, and why the platform refused it. */
  @state() private renaming: { id: string; label: string; error: string; saving: boolean } | null = null;

  @state() private inputs: DeviceOption[] = [];
  @state() private outputs: DeviceOption[] = [];
  @state() private labelsHidden = false;
  @state() private permission: NotificationPermission | 'unsupported' = 'Notification' in window ? Notification.permission : 'unsupported';

  private readonly watch = new StoreController(this, ['settings-changed']);
  private readonly watchInstall = new StoreController(this, ['install-changed']);
  private readonly watchDevices = new StoreController(this, ['other-devices-changed']);
  /** The devices store whose list this view has asked for. */
  private devicesFetched: OtherDevices | undefined;
  private readonly onDeviceChange = () => void this.loadDevices();

  override connectedCallback(): void {
    super.connectedCallback();
    navigator.mediaDevices?.addEventListener('devicechange', this.onDeviceChange);
    void this.loadDevices();
    // Opened again: my devices may have changed meanwhile (the first time, willUpdate fetches them).
    if (this.hasUpdated) void this.devices?.refreshDevices();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    navigator.mediaDevices?.removeEventListener('devicechange', this.onDeviceChange);
  }

  override willUpdate(): void {
    this.watch.observe(this.settings);
    this.watchInstall.observe(this.install);
    this.watchDevices.observe(this.devices);
    // The phone's services (and with them my devices) may arrive after Settings opened.
    if (this.devices && this.devices !== this.devicesFetched) {
      this.devicesFetched = this.devices;
      void this.devices.refreshDevices();
    }
  }

  override render() {
    const s = this.settings?.value;
    if (!s) return nothing;
    const canPickOutput = 'setSinkId' in HTMLMediaElement.prototype;
    return html`
      <section aria-labelledby="audio-title">
        <h2 id="audio-title">Audio devices</h2>
        ${this.labelsHidden
          ? html`<div class="row"><p class="hint">Device names appear once the browser may use the microphone.</p>
              <button class="btn secondary" @click=${this.allowMicrophone}>Allow microphone</button></div>`
          : nothing}
        <sb-device-select label="Microphone" .devices=${this.inputs} .value=${s.microphone}
          @sb-device-change=${(e: DeviceChangeEvent) => this.settings?.update({ microphone: e.detail.value })}></sb-device-select>
        <sb-device-select label="Speaker" .devices=${this.outputs} .value=${s.speaker} ?disabled=${!canPickOutput}
          @sb-device-change=${(e: DeviceChangeEvent) => this.settings?.update({ speaker: e.detail.value })}></sb-device-select>
        <sb-device-select label="Ringer" .devices=${this.outputs} .value=${s.ringer} ?disabled=${!canPickOutput}
          @sb-device-change=${(e: DeviceChangeEvent) => this.settings?.update({ ringer: e.detail.value })}></sb-device-select>
        ${canPickOutput ? nothing : html`<p class="hint">This browser plays calls and the ringer on its default output.</p>`}
      </section>

      <section aria-labelledby="calls-title">
        <h2 id="calls-title">Calls</h2>
        <div class="field">
          <label for="hold-reminder">Hold reminder (seconds, 0 = off)</label>
          <input id="hold-reminder" type="number" min="0" max=${HOLD_REMINDER_MAX_S} step="1" inputmode="numeric"
            .value=${this.holdDraft ?? String(s.holdReminderS)}
            aria-invalid=${this.holdError ? 'true' : 'false'} aria-describedby="hold-reminder-error hold-reminder-hint"
            @change=${this.onHoldReminder} />
          <p id="hold-reminder-error" class="error" role="alert">${this.holdError}</p>
        </div>
        <p id="hold-reminder-hint" class="hint">A call left on hold rings you back after this time, and its card says it is still on hold, until you resume it. From 0 (off) to 600 seconds (10 minutes).</p>
      </section>

      <section aria-labelledby="voicemail-title">
        <h2 id="voicemail-title">Voicemail</h2>
        <sb-voicemail-settings></sb-voicemail-settings>
      </section>

      <section aria-labelledby="time-zone-title">
        <h2 id="time-zone-title">Time zone</h2>
        <sb-time-zone-settings></sb-time-zone-settings>
      </section>

      ${this.devices ? this.renderDevices(this.devices) : nothing}

      <section aria-labelledby="notify-title">
        <h2 id="notify-title">Notifications</h2>
        <p class="hint">${this.notificationText()}</p>
        ${this.permission === 'default'
          ? html`<div class="row"><button class="btn secondary" @click=${this.enableNotifications}>Enable notifications</button></div>`
          : nothing}
      </section>

      ${this.install ? this.renderInstall(this.install) : nothing}
    `;
  }

  private renderInstall(install: InstallHelper) {
    return html`
      <section aria-labelledby="install-title">
        <h2 id="install-title">Install</h2>
        ${install.canInstall
          ? html`<p class="hint">Install Switchboard as an app: its own window, and a place in the taskbar or dock.</p>
              <div class="row"><button class="btn primary" @click=${() => void install.install()}>Install</button></div>`
          : html`<p class="hint">${this.installText(install)}</p>`}
      </section>
    `;
  }

  /** Why there is no button: installed already, or how this browser installs (or that it cannot). */
  private installText(install: InstallHelper): string {
    const brands = (navigator as Navigator & { userAgentData?: { brands: { brand: string }[] } }).userAgentData?.brands.map((b) => b.brand) ?? [];
    return installAdvice(install.installed, { userAgent: navigator.userAgent, brands });
  }

  private renderDevices(devices: OtherDevices) {
    const list = devices.myDevices;
    return html`
      <section aria-labelledby="devices-title">
        <h2 id="devices-title">Devices</h2>
        <p class="hint">Where you are signed in to Switchboard. Give each a name you will recognise in Switch Phone.</p>
        ${list.length === 0
          ? html`<p class="hint">Your devices appear here once this phone is connected.</p>`
          : html`<ul class="devices" aria-label="My devices">
              ${list.map((d) => html`<li>
                <span class="name">${d.label}${d.current ? html` <span class="mark">(this device)</span>` : nothing}</span>
                <span class="presence">${d.online ? 'Online' : 'Offline'}</span>
                ${this.renaming?.id === d.id
                  ? this.renderRename(d.label)
                  : html`<button class="btn secondary" type="button" aria-label="Rename ${d.label}"
                      @click=${() => (this.renaming = { id: d.id, label: d.label, error: '', saving: false })}>Rename</button>`}
              </li>`)}
            </ul>`}
      </section>
    `;
  }

  private renderRename(current: string) {
    const r = this.renaming!;
    return html`<form @submit=${this.onRename} aria-label="Rename ${current}">
      <div class="field">
        <label for="device-name">New name for ${current}</label>
        <input id="device-name" maxlength="80" autocomplete="off" .value=${r.label}
          aria-invalid=${r.error ? 'true' : 'false'} aria-describedby="device-name-error"
          @input=${(e: Event) => (this.renaming = { ...r, label: (e.target as HTMLInputElement).value, error: '' })} />
      </div>
      <button class="btn primary" type="submit" ?disabled=${r.saving}>Save</button>
      <button class="btn secondary" type="button" @click=${() => (this.renaming = null)}>Cancel</button>
      <p id="device-name-error" class="error" role="alert">${r.error}</p>
    </form>`;
  }

  private async onRename(e: Event): Promise<void> {
    e.preventDefault();
    const r = this.renaming;
    if (!r || !this.devices) return;
    const label = r.label.trim();
    if (!label) {
      this.renaming = { ...r, error: 'Give the device a name.' };
      return;
    }
    this.renaming = { ...r, saving: true, error: '' };
    try {
      await this.devices.rename(r.id, label);
      this.renaming = null;
    } catch (err) {
      this.renaming = { ...r, saving: false, error: (err as Error).message || 'The name could not be saved.' };
    }
  }

  private notificationText(): string {
    switch (this.permission) {
      case 'granted': return 'Incoming calls show a notification when Switchboard is in the background.';
      case 'denied': return 'Notifications are blocked for this site; allow them in the browser\'s site settings.';
      case 'unsupported': return 'This browser cannot show notifications.';
      default: return 'Get a notification for incoming calls while Switchboard is in the background.';
    }
  }

  private async loadDevices(): Promise<void> {
    const devices = (await navigator.mediaDevices?.enumerateDevices().catch(() => [])) ?? [];
    const named = (d: MediaDeviceInfo, i: number) => ({ deviceId: d.deviceId, label: d.label || `${d.kind === 'audioinput' ? 'Microphone' : 'Speaker'} ${i + 1}` });
    const real = (d: MediaDeviceInfo) => d.deviceId && d.deviceId !== 'default' && d.deviceId !== 'communications';
    this.inputs = devices.filter((d) => d.kind === 'audioinput' && real(d)).map(named);
    this.outputs = devices.filter((d) => d.kind === 'audiooutput' && real(d)).map(named);
    // Until microphone permission is granted, browsers hide device labels (and most ids).
    this.labelsHidden = devices.some((d) => d.kind === 'audioinput' && !d.label);
  }

  private async allowMicrophone(): Promise<void> {
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      stream.getTracks().forEach((t) => t.stop());
    } finally {
      await this.loadDevices();
    }
  }

  /** Saves a value from 0 to 600; anything else stays in the field with a message, unsaved. */
  private onHoldReminder(e: Event): void {
    const input = e.target as HTMLInputElement;
    // A number field reports text it cannot parse ("1e", "-") as an empty value with badInput.
    const error = input.validity.badInput ? 'Enter a whole number of seconds, from 0 (off) to 600 (10 minutes).' : holdReminderError(input.value);
    this.holdError = error;
    this.holdDraft = error ? input.value : null;
    if (!error) this.settings?.update({ holdReminderS: Number(input.value.trim()) });
  }

  private async enableNotifications(): Promise<void> {
    this.permission = await Notification.requestPermission();
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-settings-view': SbSettingsView;
  }
}
