import { LitElement, css, html } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { areaServicesContext } from '../app/contexts.js';
import type { AreaServices } from '../areas/area.js';
import type { UserSettingsView } from '../data/wire.js';
import { baseStyles, buttonStyles, fieldStyles, settingFormStyles } from './shared-styles.js';

/** The zone that means "the organisation's" in the list (the platform stores null for it). */
const ORGANISATION = '';

/** Every IANA zone the browser knows (Chrome and Edge list them all), or none on an old one. */
function knownZones(): string[] {
  const intl = Intl as typeof Intl & { supportedValuesOf?: (key: 'timeZone') => string[] };
  return intl.supportedValuesOf?.('timeZone') ?? [];
}

/**
 * Settings' Time zone section: the zone my answering rules' time frames are read in ("Business
 * Hours" 09:00-17:00 means my 09:00), mine or the organisation's.
 */
@customElement('sb-time-zone-settings')
export class SbTimeZoneSettings extends LitElement {
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
  private readonly zones = knownZones();

  override connectedCallback(): void {
    super.connectedCallback();
    void this.services?.account?.get().then((v) => (this.view = v)).catch((err: unknown) => (this.error = (err as Error).message));
  }

  override render() {
    const v = this.view;
    if (!v) return html`<p class="error" role="alert">${this.error}</p>`;
    const mine = v.time_zone ?? ORGANISATION;
    // My zone stays choosable even if this browser does not list it.
    const zones = v.time_zone && !this.zones.includes(v.time_zone) ? [v.time_zone, ...this.zones] : this.zones;
    return html`
      <form @submit=${this.save}>
        <div class="field">
          <label for="time-zone">Time zone</label>
          <select id="time-zone" name="zone" aria-describedby="time-zone-hint">
            <option value=${ORGANISATION} ?selected=${mine === ORGANISATION}>The organisation's${v.time_zone ? '' : ` (${v.effective_time_zone})`}</option>
            ${zones.map((z) => html`<option value=${z} ?selected=${z === mine}>${z.replace(/_/g, ' ')}</option>`)}
          </select>
        </div>
        <button class="btn secondary" type="submit" ?disabled=${this.busy}>Set time zone</button>
        <p id="time-zone-hint" class="hint">Your answering rules' time frames are read in this zone (now ${v.effective_time_zone.replace(/_/g, ' ')}).</p>
        <p class="error" role="alert">${this.error}</p>
        <p class="hint" role="status">${this.status}</p>
      </form>
    `;
  }

  private readonly save = async (e: Event) => {
    e.preventDefault();
    const account = this.services?.account;
    if (!account) return;
    const zone = String(new FormData(e.target as HTMLFormElement).get('zone') ?? ORGANISATION);
    this.busy = true;
    this.error = '';
    this.status = '';
    try {
      this.view = await account.update({ time_zone: zone === ORGANISATION ? null : zone });
      this.status = `Time frames are read in ${this.view.effective_time_zone.replace(/_/g, ' ')}`;
    } catch (err) {
      this.error = (err as Error).message;
    } finally {
      this.busy = false;
    }
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-time-zone-settings': SbTimeZoneSettings;
  }
}
