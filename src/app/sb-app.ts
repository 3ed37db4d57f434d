import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { provide } from '@lit/context';
import { areaServicesContext, callHistoryContext, callStoreContext, contactBookContext, directoryContext, installContext, otherDevicesContext, phoneLineContext, recordingsApiContext, recordingsContext, sessionContext, settingsContext } from './contexts.js';
import type { Directory } from '../state/directory.js';
import type { OtherDevices } from '../state/other-devices.js';
import type { CallRecordings } from '../state/recordings.js';
import type { EventsClient } from '../data/events.js';
import type { CallHistory } from '../state/call-history.js';
import type { ContactBook } from '../state/contact-book.js';
import type { UserData } from '../state/user-data.js';
import type { RecordingQueue } from '../data/recording-queue.js';
import type { RecordingsResource } from '../data/resources/recordings.js';
import type { InstallHelper } from './install-prompt.js';
import type { MissedCalls } from '../state/missed-calls.js';
import type { AnsweringRules } from '../state/answering-rules.js';
import type { DndChangeEvent } from '../components/sb-dnd-toggle.js';
import { StoreController } from '../controllers/store-controller.js';
import type { CallStore } from '../state/call-store.js';
import type { PhoneLine } from '../state/phone-line.js';
import type { Session } from '../state/session.js';
import type { SettingsStore } from '../state/settings.js';
import type { Ringer } from './ringer.js';
import { SessionLifecycle } from '../controllers/session-lifecycle.js';
import { CallAlerts } from '../controllers/call-alerts.js';
import { shellStyles } from './sb-app.styles.js';
import type { NavigateRequestEvent } from '../areas/navigate-request.js';
import { BADGE_CHANGED, type AreaDefinition, type AreaServices } from '../areas/area.js';
import { AREAS, areaForPath } from '../areas/registry.js';
import { icon } from '../components/icons.js';
import type { LoginSubmitEvent, MfaSubmitEvent } from '../components/sb-login-form.js';
import type { NavigateEvent } from '../components/sb-nav-pane.js';
import type { SbCallWorkspace } from '../workspace/sb-call-workspace.js';
import '../components/sb-login-form.js';
import '../components/sb-nav-pane.js';
import '../components/sb-nav-toggle.js';

/** Fired when the user accepts a waiting app update; the composition root then swaps it in. */
export class UpdateAcceptEvent extends Event {
  static readonly eventName = 'sb-update-accept' as const;
  constructor() {
    super(UpdateAcceptEvent.eventName, { bubbles: true, composed: true });
  }
}

/**
 * Wide enough for the navigation pane beside the content, and for an area beside the card grid.
 * Below it the pane overlays the content and, with an area open, the grid becomes a bar.
 */
const WIDE = window.matchMedia?.('(min-width: 48rem)');

/** The keyboard shortcut that answers the ringing call from anywhere in the app. */
export const ANSWER_SHORTCUT = 'Alt+A';

/**
 * The application shell: the login form until signed in, then the workspace: the navigation
 * pane, the open area's panel (from the area registry, loaded on first use) and the call card
 * grid, which is always on screen. The session's start and end live in {@link SessionLifecycle},
 * the ringer, notifications and announcements in {@link CallAlerts}.
 *
 * The phone's services (`line`, `calls`, `otherDevices`, `recordings`) arrive after sign-in,
 * when their module has loaded; until then the grid says the phone is starting.
 *
 * @fires sb-update-accept - {@link UpdateAcceptEvent} when the user clicks "Reload" on the
 *   update notice shown while `updateReady` is set.
 */
@customElement('sb-app')
export class SbApp extends LitElement {
  static override styles = shellStyles;

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
  @provide({ context: recordingsApiContext }) @property({ attribute: false }) recordingsApi?: RecordingsResource;
  @property({ attribute: false }) events?: EventsClient;
  /** The user's local data: loaded at sign-in, cleared on logout. */
  @property({ attribute: false }) userData?: UserData;
  @property({ attribute: false }) recordingQueue?: RecordingQueue;
  @property({ attribute: false }) ringer?: Ringer;
  @property({ attribute: false }) missedCalls?: MissedCalls;
  /**
   * My answering rules, with the phone (phone-services.ts, which also defines <sb-dnd-toggle>):
   * the top bar's quick Do Not Disturb and the Answering Rules area use it.
   */
  @property({ attribute: false }) answeringRules?: AnsweringRules;
  /** The areas' services (voicemail, ...), for their hooks and, through context, their views. */
  @provide({ context: areaServicesContext }) @property({ attribute: false }) areaServices: AreaServices = {};
  /** The areas of the navigation pane (the registry's; tests may pass their own). */
  @property({ attribute: false }) areas: ReadonlyArray<AreaDefinition> = AREAS;

  /** A new version of the app is waiting; show "Update available - Reload". */
  @property({ type: Boolean, attribute: 'update-ready' }) updateReady = false;

  /** The open area's id, or null for the bare workspace (the grid takes the whole width). */
  @state() private areaId: string | null = null;
  /** The open area's view, once its module has loaded. */
  @state() private view: HTMLElement | null = null;
  @state() private navOpen = WIDE?.matches ?? true;
  @state() private wide = WIDE?.matches ?? true;
  @state() private busy = false;

  private readonly lifecycle = new SessionLifecycle(this);
  private readonly alerts = new CallAlerts(this);
  private readonly watchSession = new StoreController(this, ['session-changed']);
  private readonly watchLine = new StoreController(this, ['line-changed']);
  private readonly watchCalls = new StoreController(this, ['calls-changed']);
  private readonly watchRules = new StoreController(this, ['answering-rules-changed']);
  /** One per area with a badge: the pane's counts follow their sources. */
  private readonly watchBadges: StoreController[] = [];
  private readonly onPopState = () => void this.show(areaForPath(this.areas, location.pathname)?.id ?? null);
  private readonly onConnectivity = () => this.requestUpdate();
  private readonly onCdr = () => void this.callHistory?.sync().catch(() => undefined);
  private readonly onKeydown = (e: KeyboardEvent) => this.shortcut(e);
  /** The pane follows the window: shown beside the content when wide, tucked away when narrow. */
  private readonly onWidthChange = () => {
    this.navOpen = WIDE?.matches ?? true;
    this.wide = WIDE?.matches ?? true;
  };
  private launchHandled = false;
  /** New Call was asked for (with this number) before the grid existed. */
  private pendingDial: string | null = null;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('popstate', this.onPopState);
    window.addEventListener('online', this.onConnectivity);
    window.addEventListener('offline', this.onConnectivity);
    window.addEventListener('keydown', this.onKeydown);
    WIDE?.addEventListener('change', this.onWidthChange);
    void this.show(areaForPath(this.areas, location.pathname)?.id ?? null);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('popstate', this.onPopState);
    window.removeEventListener('online', this.onConnectivity);
    window.removeEventListener('offline', this.onConnectivity);
    window.removeEventListener('keydown', this.onKeydown);
    WIDE?.removeEventListener('change', this.onWidthChange);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    this.watchSession.observe(this.session);
    this.watchLine.observe(this.line);
    this.watchCalls.observe(this.calls);
    this.watchRules.observe(this.answeringRules);
    if (changed.has('answeringRules') && this.answeringRules && this.areaServices.answeringRules !== this.answeringRules) {
      this.areaServices = { ...this.areaServices, answeringRules: this.answeringRules };
    }
    const services = this.services;
    this.areas.forEach((area, i) => {
      this.watchBadges[i] ??= new StoreController(this, [BADGE_CHANGED]);
      this.watchBadges[i].observe(area.badge?.(services));
    });
    if (changed.has('events')) {
      changed.get('events')?.removeEventListener('platform-cdr', this.onCdr);
      this.events?.addEventListener('platform-cdr', this.onCdr);
    }
    if (this.session?.state === 'signed-in' && !this.launchHandled) {
      this.launchHandled = true;
      void this.openLaunchAction();
    }
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
    const area = this.area;
    const services = this.services;
    return html`
      <div class="shell">
        <sb-nav-pane
          .items=${this.areas.filter((a) => a.available?.(services) ?? true)
            .map((a) => ({ id: a.id, label: a.label, icon: a.icon, badge: a.badge?.(services)?.count ?? 0 }))}
          .selected=${area?.id ?? ''}
          .open=${this.navOpen}
          .user=${{ name: session.displayName, extension: user.extension, domain: user.domain }}
          .registration=${line?.registration ?? 'connecting'}
          .registrationDetail=${line?.detail ?? ''}
          .dnd=${this.answeringRules?.doNotDisturb ?? false}
          @sb-navigate=${(e: NavigateEvent) => this.navigate(e.detail.id)}
          @sb-nav-toggle=${() => (this.navOpen = !this.navOpen)}
          @sb-logout=${this.onLogout}
        ></sb-nav-pane>
        <div class="main">
          <header>
            <sb-nav-toggle .expanded=${this.navOpen} @sb-nav-toggle=${() => (this.navOpen = !this.navOpen)}></sb-nav-toggle>
            <span class="brand">Switchboard</span>
            ${this.answeringRules
              ? html`<sb-dnd-toggle .on=${this.answeringRules.doNotDisturb} .busy=${this.answeringRules.busy}
                  @sb-dnd-change=${(e: DndChangeEvent) => void this.answeringRules?.setDoNotDisturb(e.detail.enabled)}></sb-dnd-toggle>`
              : nothing}
            <button class="btn primary new-call" type="button" @click=${() => void this.newCall()}>${icon('phone')}New Call</button>
          </header>
          ${this.renderBanners()}
          <div class="workspace" ?data-area=${area !== undefined} ?data-wide=${this.wide}>
            ${area ? this.renderArea(area) : nothing}
            ${this.calls
              ? html`<sb-call-workspace class="grid" ?compact=${area !== undefined && !this.wide}></sb-call-workspace>`
              : html`<p class="grid starting" role="status">Starting the phone…</p>`}
          </div>
        </div>
      </div>
      <div class="sr-only call-announcer" role="status" aria-live="polite">${this.alerts.message}</div>
    `;
  }

  private renderArea(area: AreaDefinition) {
    return html`<section class="area" aria-labelledby="area-title" @sb-navigate-request=${this.onNavigateRequest}>
      <div class="area-header">
        <h1 id="area-title">${area.label}</h1>
        <button class="btn ghost icon-only" type="button" aria-label="Collapse ${area.label}" title="Collapse ${area.label} (the calls take the whole width)"
          @click=${() => this.navigate(null)}>${icon('close')}</button>
      </div>
      ${this.view ?? html`<p class="loading" role="status">Loading ${area.label}…</p>`}
    </section>`;
  }

  private renderBanners() {
    const offline = this.session?.offline || !navigator.onLine;
    const live = (this.calls?.calls ?? []).some((c) => c.status !== 'ended');
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
      ${this.answeringRules?.dndError
        ? html`<div class="banner" role="alert"><p>${this.answeringRules.dndError}</p>
            <button class="btn secondary" @click=${() => this.answeringRules?.clearDndError()}>Dismiss</button></div>`
        : nothing}
      ${this.updateReady
        ? html`<div class="banner" role="status"><p>Update available.</p>
            <button class="btn primary" ?disabled=${live} title=${live ? 'Finish your calls first' : ''}
              @click=${() => this.dispatchEvent(new UpdateAcceptEvent())}>Reload</button></div>`
        : nothing}
    `;
  }

  private get area(): AreaDefinition | undefined {
    return this.areas.find((a) => a.id === this.areaId);
  }

  private get services(): AreaServices {
    return { ...this.areaServices, missedCalls: this.missedCalls ?? this.areaServices.missedCalls };
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

  /**
   * Opens the New Call dialpad on the grid, e.g. for a tel: link or the "New Call" shortcut. Asked
   * before the phone has loaded, it opens as soon as the grid is there.
   */
  async newCall(number = ''): Promise<void> {
    this.pendingDial = number;
    await this.updateComplete;
    this.openPendingDial();
  }

  private openPendingDial(): void {
    const workspace = this.workspace;
    if (this.pendingDial === null || !workspace) return;
    workspace.openDialpad(this.pendingDial);
    this.pendingDial = null;
  }

  protected override updated(): void {
    this.openPendingDial();
  }

  private get workspace(): SbCallWorkspace | null {
    return this.renderRoot.querySelector('sb-call-workspace');
  }

  /**
   * Opens an area (null closes the area panel) and puts it in the address bar. Picking the area
   * that is already open starts it afresh (e.g. from a contact's detail back to the list).
   */
  private async navigate(id: string | null): Promise<HTMLElement | null> {
    const path = this.areas.find((a) => a.id === id)?.path ?? '/';
    if (location.pathname !== path) history.pushState(null, '', path);
    if (!WIDE?.matches) this.navOpen = false;
    if (id !== null && id === this.areaId) this.view = null;
    return this.show(id);
  }

  /** Shows an area's panel, loading its view the first time; resolves to the view. */
  private async show(id: string | null): Promise<HTMLElement | null> {
    const area = this.areas.find((a) => a.id === id);
    if (this.areaId === (area?.id ?? null) && (this.view || !area)) return this.view;
    this.area?.visible?.(this.services, false);
    this.areaId = area?.id ?? null;
    this.view = null;
    if (!area) return null;
    area.visible?.(this.services, true);
    try {
      await area.load();
    } catch (err) {
      console.warn(`Switchboard: loading ${area.label} failed`, err);
    }
    // The user may have moved on while it loaded.
    if (this.areaId !== area.id) return null;
    this.view = document.createElement(area.tag);
    return this.view;
  }

  /** A view asked for another area (Call History -> Contacts to add one; -> the calls after "Call"). */
  private readonly onNavigateRequest = async (e: Event): Promise<void> => {
    const { area: id, ...params } = (e as NavigateRequestEvent).detail;
    if (id === 'calls') {
      // The grid is beside every area; on a narrow window the call's card takes the screen.
      if (!this.wide) void this.navigate(null);
      return;
    }
    const area = this.areas.find((a) => a.id === id);
    if (!area) return;
    const view = await this.navigate(area.id);
    if (view && area.open && Object.keys(params).length) {
      await (view as HTMLElement & { updateComplete?: Promise<unknown> }).updateComplete;
      area.open(view, params);
    }
  };

  /** Alt+A answers the ringing call from anywhere, without moving focus. */
  private shortcut(e: KeyboardEvent): void {
    if (e.altKey && !e.ctrlKey && !e.metaKey && e.code === 'KeyA' && this.workspace?.answerRinging()) e.preventDefault();
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
    await this.lifecycle.logout();
    history.replaceState(null, '', '/');
    await this.show(null);
    this.launchHandled = false;
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
