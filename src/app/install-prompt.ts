/**
 * "Install Switchboard": keeps the browser's `beforeinstallprompt` event, which fires once,
 * early, and only where the browser considers the app installable (Chromium browsers). Created
 * at start-up in main.ts so the event is not missed before Settings is opened.
 *
 * @fires install-changed - when `canInstall` or `installed` may have changed.
 */

/** Chromium's event (not in the DOM typings). */
interface BeforeInstallPromptEvent extends Event {
  prompt(): Promise<void>;
  readonly userChoice: Promise<{ outcome: 'accepted' | 'dismissed'; platform: string }>;
}

export type InstallOutcome = 'accepted' | 'dismissed' | 'unavailable';

/** What the settings view needs: a narrow, fakeable surface. */
export interface InstallHelper extends EventTarget {
  /** The browser's install prompt is available now. */
  readonly canInstall: boolean;
  /** Running as the installed app (or installed during this visit). */
  readonly installed: boolean;
  install(): Promise<InstallOutcome>;
}

export class InstallChangedEvent extends Event {
  static readonly eventName = 'install-changed' as const;
  constructor() {
    super(InstallChangedEvent.eventName);
  }
}

export class InstallPrompt extends EventTarget implements InstallHelper {
  private deferred: BeforeInstallPromptEvent | null = null;
  private justInstalled = false;

  constructor(private readonly win: Window = window) {
    super();
    win.addEventListener('beforeinstallprompt', (e) => {
      // Keep the event for our own button instead of the browser's mini-infobar.
      e.preventDefault();
      this.deferred = e as BeforeInstallPromptEvent;
      this.changed();
    });
    win.addEventListener('appinstalled', () => {
      this.deferred = null;
      this.justInstalled = true;
      this.changed();
    });
  }

  get canInstall(): boolean {
    return this.deferred !== null;
  }

  get installed(): boolean {
    return this.justInstalled || (this.win.matchMedia?.('(display-mode: standalone)').matches ?? false);
  }

  async install(): Promise<InstallOutcome> {
    const e = this.deferred;
    if (!e) return 'unavailable';
    // The event can prompt only once.
    this.deferred = null;
    this.changed();
    await e.prompt();
    const { outcome } = await e.userChoice;
    return outcome;
  }

  private changed(): void {
    this.dispatchEvent(new InstallChangedEvent());
  }
}

declare global {
  interface WindowEventMap {
    beforeinstallprompt: Event;
    appinstalled: Event;
  }
}
