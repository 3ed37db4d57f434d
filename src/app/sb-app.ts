import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, query, state } from 'lit/decorators.js';
import { provide } from '@lit/context';
import { callHistoryContext, callStoreContext, contactBookContext, directoryContext, installContext, otherDevicesContext, phoneLineContext, recordingsContext, sessionContext, settingsContext } from './contexts.js';
import type { Directory } from '../state/directory.js';
import type { OtherDevices } from '../state/other-devices.js';
import type { CallRecordings } from '../state/recordings.js';
import type { EventsClient } from '../data/events.js';
import { HistoryChangedEvent, type CallHistory } from '../state/call-history.js';
import type { ContactBook } from '../state/contact-book.js';
import type { UserData } from '../state/user-data.js';
import type { RecordingQueue } from '../data/recording-queue.js';
import type { InstallHelper } from './install-prompt.js';
import { countUnseen, readSeen, seenKey } from '../state/missed-calls.js';
import { StoreController } from '../controllers/store-controller.js';
import { HoldReminderEvent, RingingEvent, type CallStore } from '../state/call-store.js';
import type { PhoneLine } from '../state/phone-line.js';
import type { Session } from '../state/session.js';
import type { SettingsStore } from '../state/settings.js';
import type { Ringer } from './ringer.js';
import { notify } from './notifications.js';
import { tokens } from '../styles/tokens.js';
import { baseStyles, buttonStyles } from '../components/shared-styles.js';
import type { LoginSubmitEvent, MfaSubmitEvent } from '../components/sb-login-form.js';
import type { NavigateEvent, NavItem } from '../components/sb-nav-pane.js';
import type { SbCallsView } from '../views/calls/sb-calls-view.js';
import type { NavigateRequestEvent, SbHistoryView } from '../views/history/sb-history-view.js';
import type { SbContactsView } from '../views/contacts/sb-contacts-view.js';
import '../components/sb-login-form.js';
import '../components/sb-nav-pane.js';
import '../components/sb-nav-toggle.js';
import '../views/calls/sb-calls-view.js';
import '../views/settings/sb-settings-view.js';
import '../views/recordings/sb-recordings-view.js';
import '../views/history/sb-history-view.js';
import '../views/contacts/sb-contacts-view.js';

/** Fired when the user accepts a waiting app update; the composition root then swaps it in. */
export class UpdateAcceptEvent extends Event {
  static readonly eventName = 'sb-update-accept' as const;
  constructor() {
    super(UpdateAcceptEvent.eventName, { bubbles: true, composed: true });
  }
}

type Area = 'contacts' | 'calls' | 'history' | 'recordings' | 'settings';

/** Areas that are built; an area not built yet is not shown at all (no dead links). */
const AREAS: ReadonlyArray<NavItem & { id: Area; path: string }> = [
  { id: 'contacts', label: 'Contacts', icon: 'contacts', path: '/contacts' },
  { id: 'calls', label: 'Calls', icon: 'phone', path: '/' },
  { id: 'history', label: 'Call History', icon: 'history', path: '/history' },
  { id: 'recordings', label: 'Recordings', icon: 'voicemail', path: '/recordings' },
  { id: 'settings', label: 'Settings', icon: 'settings', path: '/settings' },
];

/** Wide enough for the navigation pane beside the content (the pane overlays below this). */
const WIDE = window.matchMedia?.('(min-width: 48rem)');

const areaOf = (path: string): Area => AREAS.find((a) => a.path === path)?.id ?? 'calls';

/**
 * The application shell: the login form until signed in, then the navigation pane and the
 * current area. It owns the session-wide reactions: starting and stopping the phone line,
 * the ringer, notifications for calls arriving while the app is in the background.
 *
 * @fires sb-update-accept - {@link UpdateAcceptEvent} when the user clicks "Reload" on the
 *   update notice shown while `updateReady` is set.
 */
@customElement('sb-app')
export class SbApp extends LitElement {
  static override styles = [
    tokens,
    baseStyles,
    buttonStyles,
    css`
      :host {
        display: flex;
        min-height: 100vh;
        min-height: 100dvh;
        background: var(--sb-sys-color-background);
        color: var(--sb-sys-color-on-surface);
        font-family: var(--sb-sys-font);
        font-size: var(--sb-sys-font-size-body);
        line-height: 1.5;
      }
      .login {
        flex: 1;
        display: grid;
        place-items: center;
        padding: var(--sb-sys-space-md);
      }
      .splash {
        flex: 1;
        display: grid;
        place-items: center;
        color: var(--sb-sys-color-on-surface-muted);
      }
      .shell {
        flex: 1;
        display: flex;
        min-width: 0;
      }
      .main {
        flex: 1;
        display: flex;
        flex-direction: column;
        min-width: 0;
      }
      header {
        display: flex;
        align-items: center;
        gap: var(--sb-sys-space-sm);
        min-height: 3.5rem;
        padding: var(--sb-sys-space-xs) var(--sb-sys-space-md);
        background: var(--sb-sys-color-brand-bar);
        color: var(--sb-sys-color-on-brand-bar);
      }
      header h1 {
        margin: 0;
        font-size: var(--sb-sys-font-size-title);
        font-weight: 650;
      }
      .banner {
        display: flex;
        align-items: center;
        gap: var(--sb-sys-space-md);
        flex-wrap: wrap;
        margin: var(--sb-sys-space-md) var(--sb-sys-space-md) 0;
        padding: var(--sb-sys-space-sm) var(--sb-sys-space-md);
        border-radius: var(--sb-sys-radius-card);
        background: var(--sb-sys-color-primary-container);
        color: var(--sb-sys-color-on-primary-container);
      }
      .banner p {
        flex: 1;
        margin: 0;
      }
    `,
  ];

  @provide({ context: sessionContext }) @property({ attribute: false }) session?: Session;
  @provide({ context: phoneLineContext }) @property({ attribute: false }) line?: PhoneLine;
  @provide({ context: callStoreContext }) @property({ attribute: false }) calls?: CallStore;
  @provide({ context: settingsContext }) @property({ attribute: false }) settings?: SettingsStore;
  @provide({ context: directoryContext }) @property({ attribute: false }) directory?: Directory;
  @provide({ context: otherDevicesContext }) @property({ attribute: false }) otherDevices?: OtherDevices;
  @provide({ context: recordingsContext }) @property({ attribute: false }) recordings?: CallRecordings;
  @provide({ context: installContext }) @property({ attribute: false }) install?: InstallHelper;
  @provide({ context: contactBookContext }) @property({ attribute: false }) contactBook?: ContactBook;
  @provide({ context: callHistoryContext }) @property({ attribute: false }) callHistory?: CallHistory;
  @property({ attribute: false }) events?: EventsClient;
  /** The user's local data: loaded at sign-in, cleared on logout. */
  @property({ attribute: false }) userData?: UserData;
  @property({ attribute: false }) recordingQueue?: RecordingQueue;
  @property({ attribute: false }) ringer?: Ringer;

  /** A new version of the app is waiting; show "Update available - Reload". */
  @property({ type: Boolean, attribute: 'update-ready' }) updateReady = false;

  @state() private area: Area = areaOf(location.pathname);
  @state() private navOpen = WIDE?.matches ?? true;
  @state() private busy = false;
  /** Missed calls newer than the seen marker (the Call History badge). */
  @state() private missed = 0;

  @query('sb-calls-view') private callsView?: SbCallsView;
  @query('sb-history-view') private historyView?: SbHistoryView;
  @query('sb-contacts-view') private contactsView?: SbContactsView;

  private readonly watchSession = new StoreController(this, ['session-changed']);
  private readonly watchLine = new StoreController(this, ['line-changed']);
  private readonly watchCalls = new StoreController(this, ['calls-changed']);
  private readonly watchDirectory = new StoreController(this, ['directory-changed']);
  private readonly onPopState = () => this.show(areaOf(location.pathname));
  private readonly onConnectivity = () => this.requestUpdate();
  private readonly onCdr = () => void this.onNewRecord();
  private readonly onHistoryChanged = () => void this.countMissed();
  /** Whether missed calls are counted for the signed-in user (set after sign-in, reset on logout). */
  private countingMissed = false;
  /** The pane follows the window: shown beside the content when wide, tucked away when narrow. */
  private readonly onWidthChange = () => (this.navOpen = WIDE?.matches ?? true);

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('popstate', this.onPopState);
    window.addEventListener('online', this.onConnectivity);
    window.addEventListener('offline', this.onConnectivity);
    WIDE?.addEventListener('change', this.onWidthChange);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.onPopState);
    window.removeEventListener('online', this.onConnectivity);
    window.removeEventListener('offline', this.onConnectivity);
    WIDE?.removeEventListener('change', this.onWidthChange);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.watchSession.observe(this.session);
    this.watchLine.observe(this.line);
    this.watchCalls.observe(this.calls);
    this.watchDirectory.observe(this.directory);
    if (changed.has('directory') && this.directory) {
      this.directory.addEventListener('directory-changed', () => this.calls?.setDirectory(this.directory!.names));
    }
    if (changed.has('callHistory')) {
      changed.get('callHistory')?.removeEventListener(HistoryChangedEvent.eventName, this.onHistoryChanged);
      this.callHistory?.addEventListener(HistoryChangedEvent.eventName, this.onHistoryChanged);
    }
    if (changed.has('events')) {
      changed.get('events')?.removeEventListener('platform-cdr', this.onCdr);
      this.events?.addEventListener('platform-cdr', this.onCdr);
    }
    if (this.session?.state === 'signed-in' && !this.countingMissed) {
      this.countingMissed = true;
      if (this.area === 'history') this.setMissed(0);
      else void this.countMissed();
    }
    if (changed.has('calls') && this.calls) {
      this.calls.addEventListener(RingingEvent.eventName, (e) => this.onRinging(e as RingingEvent));
      this.calls.addEventListener(HoldReminderEvent.eventName, (e) => this.onHoldReminder(e as HoldReminderEvent));
    }
    if (this.session?.state === 'signed-in' && this.line?.state === 'idle') {
      const owner = `${this.session.user!.extension}@${this.session.user!.domain}`;
      const line = this.line;
      void line.start().then(() => this.events?.start());
      void this.openLaunchAction();
      // Stored data shows at once; the platform sync waits for REGISTER (up to 1.5 s), so that
      // the phone is ready first.
      void this.userData?.start(owner, line.whenRegistered(1500));
    }
    this.updateRinger();
  }

  override render() {
    const session = this.session;
    if (!session || session.state === 'restoring') return html`<div class="splash" role="status">Signing in…</div>`;
    if (session.state !== 'signed-in') {
      return html`<div class="login">
        <sb-login-form
          .step=${session.state === 'mfa' ? 'mfa' : 'password'}
          .busy=${this.busy}
          .error=${session.error}
          logo-src="/icons/icon.svg"
          @sb-login-submit=${this.onLogin}
          @sb-mfa-submit=${this.onMfa}
          @sb-mfa-cancel=${() => session.cancelMfa()}
        ></sb-login-form>
      </div>`;
    }
    const user = session.user!;
    const line = this.line;
    return html`
      <div class="shell">
        <sb-nav-pane
          .items=${AREAS.map((a) => (a.id === 'history' ? { ...a, badge: this.missed } : a))}
          .selected=${this.area}
          .open=${this.navOpen}
          .user=${{ name: session.displayName, extension: user.extension, domain: user.domain }}
          .registration=${line?.registration ?? 'offline'}
          .registrationDetail=${line?.detail ?? ''}
          @sb-navigate=${(e: NavigateEvent) => this.navigate(e.detail.id as Area)}
          @sb-nav-toggle=${() => (this.navOpen = !this.navOpen)}
          @sb-logout=${this.onLogout}
        ></sb-nav-pane>
        <div class="main">
          <header>
            <sb-nav-toggle .expanded=${this.navOpen} @sb-nav-toggle=${() => (this.navOpen = !this.navOpen)}></sb-nav-toggle>
            <h1>${AREAS.find((a) => a.id === this.area)?.label}</h1>
          </header>
          ${this.renderBanners()}
          <main>${this.renderArea()}</main>
        </div>
      </div>
    `;
  }

  private renderArea() {
    switch (this.area) {
      case 'settings': return html`<sb-settings-view></sb-settings-view>`;
      case 'recordings': return html`<sb-recordings-view></sb-recordings-view>`;
      case 'contacts': return html`<sb-contacts-view @sb-navigate-request=${this.onNavigateRequest}></sb-contacts-view>`;
      case 'history': return html`<sb-history-view @sb-navigate-request=${this.onNavigateRequest}></sb-history-view>`;
      default: return html`<sb-calls-view></sb-calls-view>`;
    }
  }

  private renderBanners() {
    const offline = this.session?.offline || !navigator.onLine;
    return html`
      ${offline
        ? html`<div class="banner" role="status"><p>You are offline. Showing your saved contacts and call history; changes are sent when you are back online.</p></div>`
        : nothing}
      ${this.line?.state === 'elsewhere'
        ? html`<div class="banner" role="status"><p>Switchboard is open in another tab, which has the phone.</p>
            <button class="btn primary" @click=${() => this.line?.takeOver()}>Use here</button></div>`
        : nothing}
      ${this.ringer?.blocked && this.calls?.ringing.length
        ? html`<div class="banner" role="alert"><p>The browser blocked the ringtone.</p>
            <button class="btn secondary" @click=${() => this.ringer?.unlock()}>Enable sound</button></div>`
        : nothing}
      ${this.updateReady
        ? html`<div class="banner" role="status"><p>Update available.</p>
            <button class="btn primary" ?disabled=${this.hasLiveCall()} title=${this.hasLiveCall() ? 'Finish your calls first' : ''}
              @click=${() => this.dispatchEvent(new UpdateAcceptEvent())}>Reload</button></div>`
        : nothing}
    `;
  }

  /**
   * The app was launched to place a call: a tel: link (manifest protocol_handlers: `/?tel=%s`)
   * or the "New Call" shortcut (`/?action=new-call`). Opens the dialpad, pre-filled for tel:,
   * so the user confirms the number before anything is dialled. Runs once per launch.
   */
  private async openLaunchAction(): Promise<void> {
    const params = new URLSearchParams(location.search);
    const tel = params.get('tel');
    if (tel === null && params.get('action') !== 'new-call') return;
    history.replaceState(null, '', location.pathname);
    const number = (tel ?? '').replace(/^(web\+)?tel:/i, '').replace(/[^0-9+*#]/g, '');
    await this.newCall(number);
  }

  /** Opens the New Call dialpad, e.g. for a tel: link or the "New Call" shortcut. */
  async newCall(number = ''): Promise<void> {
    this.navigate('calls');
    await this.updateComplete;
    this.callsView?.openDialpad(number);
  }

  private navigate(area: Area): void {
    const path = AREAS.find((a) => a.id === area)?.path ?? '/';
    if (location.pathname !== path) history.pushState(null, '', path);
    this.show(area);
    if (!WIDE?.matches) this.navOpen = false;
  }

  private show(area: Area): void {
    this.area = area;
    // The history view marks what it lists as seen; the badge goes as soon as it is shown.
    if (area === 'history') this.setMissed(0);
  }

  /** A view asked for another area (Call History -> Calls after "Call", -> Contacts to add one). */
  private readonly onNavigateRequest = async (e: NavigateRequestEvent): Promise<void> => {
    const area = AREAS.find((a) => a.id === e.detail.area)?.id;
    if (!area) return;
    this.navigate(area);
    const party = e.detail.contact;
    if (area === 'contacts' && party) {
      // "Add to Contacts" from Call History: a new personal contact, pre-filled.
      await this.updateComplete;
      const [first = '', ...rest] = party.name.split(/\s+/);
      this.contactsView?.newContact({ first_name: first, last_name: rest.join(' '), numbers: [{ label: 'other', number: party.number }] });
    }
  };

  /**
   * A new call record: the history view reloads if shown, else the stored history catches up
   * (which recounts the badge through `history-changed`).
   */
  private async onNewRecord(): Promise<void> {
    if (this.session?.state !== 'signed-in') return;
    if (this.area === 'history') {
      await this.historyView?.refresh();
      this.setMissed(0);
    } else {
      await this.callHistory?.sync().catch(() => undefined);
    }
  }

  /** Counts missed calls among the newest stored records newer than the seen marker. */
  private async countMissed(): Promise<void> {
    const user = this.session?.user;
    const history = this.callHistory;
    if (!user || !history) return;
    try {
      await this.userData?.claimed;
      const items = await history.stored(50);
      if (this.session?.user !== user || this.area === 'history') return;
      this.setMissed(countUnseen(items, readSeen(localStorage, seenKey(user))));
    } catch {
      // The badge is a hint; a failed count leaves the last one.
    }
  }

  /** The nav badge and the installed app's icon badge (Badging API, where supported). */
  private setMissed(n: number): void {
    this.missed = n;
    const nav = navigator as Navigator & { setAppBadge?: (n?: number) => Promise<void>; clearAppBadge?: () => Promise<void> };
    const done = n > 0 ? nav.setAppBadge?.(n) : nav.clearAppBadge?.();
    done?.catch(() => undefined);
  }

  private async onLogin(e: LoginSubmitEvent): Promise<void> {
    // This click is the user gesture that lets the first incoming call ring audibly.
    this.ringer?.unlock();
    this.busy = true;
    try {
      await this.session?.login(e.detail.username, e.detail.password);
    } finally {
      this.busy = false;
    }
  }

  private async onMfa(e: MfaSubmitEvent): Promise<void> {
    this.ringer?.unlock();
    this.busy = true;
    try {
      await this.session?.verify(e.detail.code);
    } finally {
      this.busy = false;
    }
  }

  private async onLogout(): Promise<void> {
    this.calls?.hangupAll();
    this.ringer?.stop();
    this.events?.stop();
    await this.line?.stop();
    // Recordings and contact changes are sent while the session can still authorize them.
    await this.flushRecordings();
    await this.userData?.flush().catch(() => undefined);
    await this.session?.logout();
    await this.clearUserData();
    history.replaceState(null, '', '/');
    this.area = 'calls';
    this.countingMissed = false;
    this.setMissed(0);
  }

  private async flushRecordings(): Promise<void> {
    const recordings = this.recordings;
    try {
      if (recordings) await Promise.all(recordings.recordingIds.map((key) => recordings.stop(key)));
      await this.recordingQueue?.flush();
    } catch (err) {
      console.warn('Switchboard: flushing recordings at logout failed', err);
    }
  }

  /**
   * Forgets what this browser cached for the user: the IndexedDB stores (see UserData.clear), and
   * every Cache Storage cache except Workbox's precache (the app shell stays so the login form
   * still starts offline).
   */
  private async clearUserData(): Promise<void> {
    try {
      // Recordings the flush could not upload (offline, platform away) are the only copy of
      // those calls: they are kept and uploaded after the next login rather than lost.
      const waiting = (await this.recordingQueue?.pending())?.length ?? 0;
      await this.userData?.clear(waiting > 0);
      if ('caches' in window) {
        for (const name of await caches.keys()) {
          if (!name.startsWith('workbox-precache')) await caches.delete(name);
        }
      }
    } catch (err) {
      console.warn('Switchboard: clearing local data at logout failed', err);
    }
  }

  private hasLiveCall(): boolean {
    return (this.calls?.calls ?? []).some((c) => c.status !== 'ended');
  }

  private updateRinger(): void {
    const ringing = (this.calls?.ringing.length ?? 0) > 0;
    if (ringing) {
      void this.ringer?.setDevice(this.settings?.value.ringer ?? '');
      this.ringer?.start();
    } else {
      this.ringer?.stop();
    }
  }

  private onRinging(e: RingingEvent): void {
    const who = e.call.remote.name || e.call.remote.number;
    void notify({ title: 'Incoming call', body: `${who}${e.call.remote.name ? ` (${e.call.remote.number})` : ''}`, tag: `call-${e.call.id}`, onlyWhenHidden: true });
  }

  private onHoldReminder(e: HoldReminderEvent): void {
    const who = e.call.remote.name || e.call.remote.number;
    // A short ring burst, and a notification when the app is in the background.
    this.ringer?.start();
    setTimeout(() => this.updateRinger(), 1500);
    void notify({ title: 'Call on hold', body: `${who} is still on hold`, tag: `hold-${e.call.id}`, onlyWhenHidden: true });
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-app': SbApp;
  }
  interface HTMLElementEventMap {
    'sb-update-accept': UpdateAcceptEvent;
  }
}
