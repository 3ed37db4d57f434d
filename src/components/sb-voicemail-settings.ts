import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { areaServicesContext } from '../app/contexts.js';
import type { AreaServices } from '../areas/area.js';
import type { UserSettingsView } from '../data/wire.js';
import { baseStyles, buttonStyles, fieldStyles, settingFormStyles } from './shared-styles.js';

/**
 * Settings' Voicemail section: how long my phones ring before a call goes to voicemail, and the
 * PIN for my mailbox by phone (*98 from any phone; *97 from my own needs none). The PIN is never
 * shown or read back: the section says whether one is set.
 */
@customElement('sb-voicemail-settings')
export class SbVoicemailSettings extends LitElement {
  static override styles = [
    baseStyles,
    buttonStyles,
    fieldStyles,
    settingFormStyles,
    css`
      :host {
        display: block;
      }
    `,
  ];

  @consume({ context: areaServicesContext, subscribe: true }) services?: AreaServices;
  @state() private view: UserSettingsView | null = null;
  @state() private error = '';
  @state() private status = '';
  @state() private busy = false;

  override connectedCallback(): void {
    super.connectedCallback();
    void this.services?.account?.get().then((v) => (this.view = v)).catch((err: unknown) => (this.error = (err as Error).message));
  }

  override render() {
    const v = this.view;
    if (!v) return html`<p class="error" role="alert">${this.error}</p>`;
    return html`
      <form @submit=${this.saveRing}>
        <div class="field">
          <label for="ring-time">Ring my phones for (seconds)</label>
          <input id="ring-time" name="ring" type="number" min="5" max="300" step="1" inputmode="numeric" required .value=${String(v.ring_no_answer_timeout_s)} />
        </div>
        <button class="btn secondary" type="submit" ?disabled=${this.busy}>Set ring time</button>
        <p class="hint">An unanswered call goes to voicemail after this time (5 to 300 seconds).</p>
      </form>
      <form @submit=${this.savePin}>
        <div class="field">
          <label for="vm-pin">${v.voicemail_pin_set ? 'New voicemail PIN' : 'Voicemail PIN'}</label>
          <input id="vm-pin" name="pin" type="password" inputmode="numeric" autocomplete="new-password" pattern="[0-9]{4,10}" minlength="4" maxlength="10" required
            aria-describedby="vm-pin-hint" />
        </div>
        <button class="btn secondary" type="submit" ?disabled=${this.busy}>Set PIN</button>
        ${v.voicemail_pin_set ? html`<button class="btn secondary" type="button" ?disabled=${this.busy} @click=${this.removePin}>Remove PIN</button>` : nothing}
        <p id="vm-pin-hint" class="hint">${v.voicemail_pin_set ? 'A PIN is set. ' : 'No PIN is set. '}4 to 10 digits, for your mailbox from any phone: dial *98, your extension, then the PIN. From your own phones, *97 needs no PIN.</p>
      </form>
      <p class="error" role="alert">${this.error}</p>
      <p class="hint" role="status">${this.status}</p>
    `;
  }

  private async change(what: Parameters<NonNullable<AreaServices['account']>['update']>[0], done: string): Promise<boolean> {
    const account = this.services?.account;
    if (!account) return false;
    this.busy = true;
    this.error = '';
    this.status = '';
    try {
      this.view = await account.update(what);
      this.status = done;
      return true;
    } catch (err) {
      this.error = (err as Error).message;
      return false;
    } finally {
      this.busy = false;
    }
  }

  private readonly saveRing = async (e: Event) => {
    e.preventDefault();
    const seconds = Number(new FormData(e.target as HTMLFormElement).get('ring'));
    await this.change({ ring_no_answer_timeout_s: seconds }, `Your phones ring for ${seconds} seconds before voicemail`);
  };

  private readonly savePin = async (e: Event) => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const pin = String(new FormData(form).get('pin') ?? '');
    if (await this.change({ voicemail_pin: pin }, 'Voicemail PIN saved')) form.reset();
  };

  private readonly removePin = () => this.change({ voicemail_pin: null }, 'Voicemail PIN removed');
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-voicemail-settings': SbVoicemailSettings;
  }
}
