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

/** What the browser says about itself, for {@link installAdvice}. */
export interface BrowserInfo {
  userAgent: string;
  /** navigator.userAgentData.brands, where the browser has it (Chromium). */
  brands?: ReadonlyArray<string>;
}

/**
 * What to tell the user when there is no Install button: that it is installed already, or how
 * this browser installs a web app (its menu, Add to Dock, Add to Home Screen), or that it
 * cannot and which browsers can.
 */
export function installAdvice(installed: boolean, browser: BrowserInfo): string {
  if (installed) return 'Switchboard is installed on this device. Open it from your apps (Start menu, Dock, launcher or home screen) to get its own window.';
  const ua = browser.userAgent;
  const brands = browser.brands ?? [];
  const ios = /\b(iPhone|iPad|iPod)\b/.test(ua);
  const edge = brands.some((b) => /Edge/.test(b)) || /\bEdg(e|A|iOS)?\//.test(ua);
  const chromium = edge || brands.some((b) => /Chrom/.test(b)) || /\b(Chrome|Chromium|CriOS)\//.test(ua);
  const firefox = /\b(Firefox|FxiOS)\//.test(ua);
  if (ios) return 'To install Switchboard, open it in Safari, tap Share, then Add to Home Screen.';
  if (firefox) return 'Firefox cannot install Switchboard as an app. Open it in Chrome or Edge to install it, or keep it in a pinned tab.';
  if (/\bAndroid\b/.test(ua) && chromium) return 'To install Switchboard, open the browser menu (⋮) and choose Install app or Add to Home screen.';
  if (edge) return 'To install Switchboard, use the install icon in the address bar, or your browser\'s menu (…): Apps, then Install Switchboard.';
  if (chromium) return 'To install Switchboard, use the install icon in the address bar, or your browser\'s menu (⋮): Cast, save and share, then Install Switchboard….';
  if (/\bMacintosh\b/.test(ua) && /\bSafari\//.test(ua)) return 'To install Switchboard, choose File, then Add to Dock in Safari\'s menu bar.';
  return 'This browser cannot install Switchboard as an app; it works in a browser tab. Chrome and Edge can install it.';
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
