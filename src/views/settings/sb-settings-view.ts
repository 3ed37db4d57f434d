import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { installContext, settingsContext } from '../../app/contexts.js';
import type { InstallHelper } from '../../app/install-prompt.js';
import { StoreController } from '../../controllers/store-controller.js';
import type { SettingsStore } from '../../state/settings.js';
import { DeviceChangeEvent } from '../../components/sb-device-select.js';
import { baseStyles, buttonStyles, fieldStyles } from '../../components/shared-styles.js';
import '../../components/sb-device-select.js';

interface DeviceOption {
  deviceId: string;
  label: string;
}

/**
 * Settings of this browser: microphone, speaker and ringer devices, the hold reminder, and
 * notifications. Device lists follow `devicechange` (a headset plugged in shows up at once).
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
    `,
  ];

  @consume({ context: settingsContext, subscribe: true })
  settings?: SettingsStore;

  @consume({ context: installContext, subscribe: true })
  install?: InstallHelper;

  @state() private inputs: DeviceOption[] = [];
  @state() private outputs: DeviceOption[] = [];
  @state() private labelsHidden = false;
  @state() private permission: NotificationPermission | 'unsupported' = 'Notification' in window ? Notification.permission : 'unsupported';

  private readonly watch = new StoreController(this, ['settings-changed']);
  private readonly watchInstall = new StoreController(this, ['install-changed']);
  private readonly onDeviceChange = () => void this.loadDevices();

  override connectedCallback(): void {
    super.connectedCallback();
    navigator.mediaDevices?.addEventListener('devicechange', this.onDeviceChange);
    void this.loadDevices();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    navigator.mediaDevices?.removeEventListener('devicechange', this.onDeviceChange);
  }

  override willUpdate(): void {
    this.watch.observe(this.settings);
    this.watchInstall.observe(this.install);
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
          <input id="hold-reminder" type="number" min="0" max="3600" step="5" .value=${String(s.holdReminderS)}
            @change=${this.onHoldReminder} />
        </div>
        <p class="hint">A call left on hold rings you back after this time until you resume it.</p>
      </section>

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
              <div class="row"><button class="btn secondary" @click=${() => void install.install()}>Install PWA</button></div>`
          : html`<p class="hint">${this.installText(install)}</p>`}
      </section>
    `;
  }

  /** Why there is no button: the browser's prompt is not available here. */
  private installText(install: InstallHelper): string {
    if (install.installed) return 'Switchboard is installed as an app on this device.';
    const brands = (navigator as Navigator & { userAgentData?: { brands: { brand: string }[] } }).userAgentData?.brands.map((b) => b.brand) ?? [];
    const chromium = brands.some((b) => /Chrom|Edge/.test(b)) || /\b(Chrome|Chromium|Edg)\//.test(navigator.userAgent);
    if (chromium) return 'Use your browser\'s menu: Install Switchboard…';
    return 'This browser cannot install Switchboard as an app; it works in a browser tab.';
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

  private onHoldReminder(e: Event): void {
    const value = Number((e.target as HTMLInputElement).value);
    this.settings?.update({ holdReminderS: Number.isFinite(value) ? Math.max(0, Math.min(3600, Math.round(value))) : 60 });
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
