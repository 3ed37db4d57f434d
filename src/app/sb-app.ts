import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { fetchStatus, formatUptime, StatusError, type PlatformStatus, type StatusLoader } from '../data/status.js';
import { tokens } from '../styles/tokens.js';

/** Fired when the user accepts a waiting app update; the composition root then swaps it in. */
export class UpdateAcceptEvent extends Event {
  static readonly eventName = 'sb-update-accept' as const;

  constructor() {
    super(UpdateAcceptEvent.eventName, { bubbles: true, composed: true });
  }
}

/**
 * `idle` -> `loading` -> `online` | `unreachable`; "Check again" or the browser coming back
 * online goes back to `loading`.
 */
type StatusView =
  | { state: 'loading' }
  | { state: 'online'; status: PlatformStatus }
  | { state: 'unreachable'; reason: string };

/**
 * The application shell. For now: the Switchboard brand bar and a panel that reports, truthfully,
 * whether the platform answers `GET /api/v2/status`. The web phone (navigation, call cards)
 * replaces the panel next.
 *
 * @fires sb-update-accept - {@link UpdateAcceptEvent} when the user clicks "Reload" on the
 *   update notice shown while `updateReady` is set.
 * @csspart header - the brand bar
 * @csspart status - the platform status panel
 */
@customElement('sb-app')
export class SbApp extends LitElement {
  static override styles = [
    tokens,
    css`
      :host {
        display: flex;
        flex-direction: column;
        min-height: 100vh;
        min-height: 100dvh;
        background: var(--sb-sys-color-background);
        color: var(--sb-sys-color-on-surface);
        font-family: var(--sb-sys-font);
        font-size: var(--sb-sys-font-size-body);
        line-height: 1.5;
        -webkit-font-smoothing: antialiased;
      }

      header {
        display: flex;
        align-items: center;
        gap: var(--sb-sys-space-sm);
        padding: var(--sb-sys-space-sm) var(--sb-sys-space-md);
        padding-top: max(var(--sb-sys-space-sm), env(safe-area-inset-top));
        min-height: 3.5rem;
        box-sizing: border-box;
        background: var(--sb-sys-color-brand-bar);
        color: var(--sb-sys-color-on-brand-bar);
        border-bottom: 1px solid var(--sb-sys-color-outline);
      }

      .brand {
        display: flex;
        align-items: center;
        gap: var(--sb-sys-space-sm);
        margin: 0;
        font-size: var(--sb-sys-font-size-headline);
        font-weight: 650;
        letter-spacing: -0.01em;
      }

      .brand img {
        display: block;
        width: 2rem;
        height: 2rem;
        /* The tile is brand blue like the bar; a hairline that follows its shape separates them. */
        filter: drop-shadow(0 0 0.75px rgb(255 255 255 / 0.9)) drop-shadow(0 1px 2px rgb(0 0 0 / 0.2));
      }

      main {
        flex: 1;
        display: flex;
        flex-direction: column;
        align-items: center;
        gap: var(--sb-sys-space-lg);
        padding: var(--sb-sys-space-xl) var(--sb-sys-space-md);
      }

      .update {
        display: flex;
        align-items: center;
        gap: var(--sb-sys-space-md);
        width: 100%;
        max-width: 30rem;
        box-sizing: border-box;
        padding: var(--sb-sys-space-sm) var(--sb-sys-space-md);
        border-radius: var(--sb-sys-radius-card);
        background: var(--sb-sys-color-primary-container);
        color: var(--sb-sys-color-on-primary-container);
      }

      .update p {
        flex: 1;
        margin: 0;
      }

      .card {
        width: 100%;
        max-width: 30rem;
        box-sizing: border-box;
        padding: var(--sb-sys-space-lg);
        border: 1px solid var(--sb-sys-color-outline);
        border-radius: var(--sb-sys-radius-card);
        background: var(--sb-sys-color-surface);
        box-shadow: var(--sb-sys-elevation-card);
      }

      .card h2 {
        margin: 0 0 var(--sb-sys-space-md);
        font-size: var(--sb-sys-font-size-small);
        font-weight: 600;
        text-transform: uppercase;
        letter-spacing: 0.06em;
        color: var(--sb-sys-color-on-surface-muted);
      }

      .headline {
        display: flex;
        align-items: center;
        gap: var(--sb-sys-space-sm);
        margin: 0;
        font-size: var(--sb-sys-font-size-headline);
        font-weight: 600;
      }

      .dot {
        flex: none;
        width: 0.75rem;
        height: 0.75rem;
        border-radius: var(--sb-sys-radius-pill);
        background: var(--sb-sys-color-on-surface-muted);
      }

      [data-state='online'] .dot {
        background: var(--sb-sys-color-success);
        box-shadow: 0 0 0 4px var(--sb-sys-color-success-container);
      }

      [data-state='unreachable'] .dot {
        background: var(--sb-sys-color-danger);
        box-shadow: 0 0 0 4px var(--sb-sys-color-danger-container);
      }

      [data-state='loading'] .dot {
        animation: pulse calc(var(--sb-sys-motion-duration-medium) * 5) ease-in-out infinite;
      }

      @keyframes pulse {
        50% {
          opacity: 0.3;
        }
      }

      .reason {
        margin: var(--sb-sys-space-sm) 0 0;
        color: var(--sb-sys-color-on-surface-muted);
      }

      dl {
        display: grid;
        grid-template-columns: max-content 1fr;
        gap: var(--sb-sys-space-xs) var(--sb-sys-space-lg);
        margin: var(--sb-sys-space-md) 0 0;
      }

      dt {
        color: var(--sb-sys-color-on-surface-muted);
      }

      dd {
        margin: 0;
        font-variant-numeric: tabular-nums;
      }

      .actions {
        margin-top: var(--sb-sys-space-lg);
      }

      button {
        font: inherit;
        font-weight: 600;
        min-height: 2.5rem;
        padding: 0 var(--sb-sys-space-md);
        border-radius: var(--sb-sys-radius-pill);
        cursor: pointer;
        transition: background-color var(--sb-sys-motion-duration-short) var(--sb-sys-motion-easing);
      }

      button.secondary {
        border: 1px solid var(--sb-sys-color-outline);
        background: transparent;
        color: var(--sb-sys-color-primary);
      }

      button.secondary:hover {
        background: var(--sb-sys-color-primary-container);
      }

      button.primary {
        border: none;
        background: var(--sb-sys-color-primary);
        color: var(--sb-sys-color-on-primary);
      }

      button.primary:hover {
        background: var(--sb-sys-color-primary-hover);
      }

      button:focus-visible {
        outline: 2px solid var(--sb-sys-color-focus-ring);
        outline-offset: 2px;
      }

      button:disabled {
        cursor: progress;
        opacity: 0.6;
      }

      .coming {
        max-width: 30rem;
        margin: 0;
        text-align: center;
        color: var(--sb-sys-color-on-surface-muted);
      }
    `,
  ];

  /** Loads the platform status; tests replace it with a fake. */
  @property({ attribute: false })
  loadStatus: StatusLoader = fetchStatus;

  /** Set by the composition root when a new version of the app is installed and waiting. */
  @property({ type: Boolean, attribute: 'update-ready' })
  updateReady = false;

  @state()
  private view: StatusView = { state: 'loading' };

  private abort?: AbortController;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('online', this.onOnline);
    // Coming back after being moved in the DOM: the earlier request was cancelled.
    if (this.hasUpdated) void this.refresh();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('online', this.onOnline);
    this.abort?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    // Also true on the first update, since loadStatus has an initial value.
    if (changed.has('loadStatus')) void this.refresh();
  }

  /** Asks the platform again; the panel shows the outcome. */
  async refresh(): Promise<void> {
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    this.view = { state: 'loading' };
    let next: StatusView;
    try {
      next = { state: 'online', status: await this.loadStatus({ signal: abort.signal }) };
    } catch (err) {
      next = { state: 'unreachable', reason: describe(err) };
    }
    // A newer refresh, or disconnection, superseded this one.
    if (abort.signal.aborted) return;
    this.view = next;
  }

  private onOnline = (): void => {
    if (this.view.state !== 'loading') void this.refresh();
  };

  private onUpdateClick(): void {
    this.dispatchEvent(new UpdateAcceptEvent());
  }

  override render() {
    return html`
      <header part="header">
        <h1 class="brand">
          <img src="/icons/icon.svg" alt="" width="32" height="32" />
          Switchboard
        </h1>
      </header>
      <main>
        ${this.updateReady
          ? html`<div class="update" role="status">
              <p>A new version of Switchboard is ready.</p>
              <button class="primary" @click=${this.onUpdateClick}>Reload</button>
            </div>`
          : nothing}
        <section class="card" part="status" aria-labelledby="status-title" data-state=${this.view.state}>
          <h2 id="status-title">Platform status</h2>
          <div role="status" aria-live="polite">${this.renderStatus()}</div>
          <div class="actions">
            <button class="secondary" ?disabled=${this.view.state === 'loading'} @click=${() => this.refresh()}>
              Check again
            </button>
          </div>
        </section>
        <p class="coming">
          The web phone is on its way: calls, contacts, voicemail and chat will live here.
        </p>
      </main>
    `;
  }

  private renderStatus() {
    const view = this.view;
    switch (view.state) {
      case 'loading':
        return html`<p class="headline"><span class="dot"></span>Checking the platform…</p>`;
      case 'online': {
        const s = view.status;
        return html`
          <p class="headline"><span class="dot"></span>Platform online</p>
          <dl>
            <dt>Platform</dt>
            <dd>${s.name}</dd>
            <dt>Version</dt>
            <dd>${s.version}</dd>
            <dt>Domains</dt>
            <dd>${s.domain_count}</dd>
            <dt>Uptime</dt>
            <dd>${formatUptime(s.uptime_s)}</dd>
          </dl>
        `;
      }
      case 'unreachable':
        return html`
          <p class="headline"><span class="dot"></span>Platform unreachable</p>
          <p class="reason">${view.reason}</p>
        `;
    }
  }
}

function describe(err: unknown): string {
  if (err instanceof StatusError) {
    if (err.kind === 'network' && typeof navigator !== 'undefined' && !navigator.onLine) {
      return 'This device is offline.';
    }
    return `${err.message}.`;
  }
  return 'The status check failed unexpectedly.';
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-app': SbApp;
  }
  interface HTMLElementEventMap {
    'sb-update-accept': UpdateAcceptEvent;
  }
}
