/**
 * Signing in and out, and this browser's SIP device. After login the web phone asks the
 * platform for device credentials once and keeps them (not the portal password) so a reload
 * registers the same device; logout deletes the device and forgets everything.
 *
 *   restoring --(a saved session: at once)--> signed-in, while the refresh token is checked
 *   restoring --(platform unreachable, a saved session)--> signed-in, `offline` (the stored data
 *                shows; sign-in is retried when the browser is back online and every 15 s)
 *   restoring --(none / revoked)----> signed-out --login--> signed-in | mfa --verify--> signed-in
 *   signed-in --logout--> signed-out
 *   signed-in (saved) --(refresh token revoked)--> signed-out, 'Your session has ended'
 */
import { ApiError, type ApiUser, type HttpClient } from '../data/http.js';
import type { DevicesResource } from '../data/resources/devices.js';
import type { DeviceGrant } from '../data/wire.js';
import type { SipCredentials } from '../phone/types.js';
import { describeUserAgent } from '../data/device-label.js';

export type SessionState = 'restoring' | 'signed-out' | 'mfa' | 'signed-in';

export class SessionChangedEvent extends Event {
  static readonly eventName = 'session-changed' as const;
  constructor() {
    super(SessionChangedEvent.eventName);
  }
}

export interface DeviceStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** How often an offline start tries the platform again (besides the browser's `online`). */
const OFFLINE_RETRY_MS = 15_000;

export class Session extends EventTarget {
  state: SessionState = 'restoring';
  user: ApiUser | null = null;
  /** Signed in from the saved session while the platform cannot be reached. */
  offline = false;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly retry = () => void this.restore();
  /** Why the last attempt failed, for the login form. */
  error = '';
  private mfaToken = '';

  constructor(
    /** Signing in and out, and the tokens. */
    private readonly http: Pick<HttpClient, 'savedUser' | 'restore' | 'login' | 'verifyMfa' | 'logout'>,
    /** This browser's SIP device is created at the first registration and deleted at logout. */
    private readonly devices: Pick<DevicesResource, 'create' | 'delete'>,
    private readonly storage: DeviceStorage = localStorage,
    private readonly origin: string = location.origin,
  ) {
    super();
  }

  get displayName(): string {
    return this.user ? `${this.user.first_name} ${this.user.last_name}`.trim() : '';
  }

  async restore(): Promise<void> {
    clearTimeout(this.retryTimer);
    // A saved session opens at once (the installed app starts straight into the workspace, with
    // no round trip first); the refresh token is checked meanwhile and a revoked one signs out.
    const saved = this.http.savedUser();
    if (saved && this.state === 'restoring') {
      this.user = saved;
      this.set('signed-in');
    }
    try {
      const user = await this.http.restore();
      this.goOnline();
      if (user) {
        this.user = user;
        this.set('signed-in');
        return;
      }
      if (this.state === 'signed-in') this.error = 'Your session has ended. Please log in again.';
      this.user = null;
      this.set('signed-out');
    } catch (err) {
      if (err instanceof ApiError && err.kind === 'network' && saved) {
        this.user = saved;
        this.goOffline();
        this.set('signed-in');
        return;
      }
      this.goOnline();
      this.error = (err as Error).message;
      this.user = null;
      this.set('signed-out');
    }
  }

  private goOffline(): void {
    if (!this.offline) window.addEventListener('online', this.retry);
    this.offline = true;
    this.retryTimer = setTimeout(this.retry, OFFLINE_RETRY_MS);
  }

  private goOnline(): void {
    window.removeEventListener('online', this.retry);
    this.offline = false;
  }

  async login(username: string, password: string): Promise<void> {
    this.error = '';
    try {
      const outcome = await this.http.login(username, password);
      if (outcome.kind === 'mfa-required') {
        this.mfaToken = outcome.mfaToken;
        this.set('mfa');
        return;
      }
      this.user = outcome.user;
      this.set('signed-in');
    } catch (err) {
      this.fail(err);
    }
  }

  async verify(code: string): Promise<void> {
    this.error = '';
    try {
      this.user = await this.http.verifyMfa(this.mfaToken, code);
      this.mfaToken = '';
      this.set('signed-in');
    } catch (err) {
      // An expired MFA step cannot be retried: back to the password.
      if (err instanceof ApiError && err.code === 'invalid_token') {
        this.mfaToken = '';
        this.error = 'The sign-in took too long. Please enter your password again.';
        this.set('signed-out');
        return;
      }
      this.fail(err);
    }
  }

  cancelMfa(): void {
    this.mfaToken = '';
    this.error = '';
    this.set('signed-out');
  }

  /** This browser's device on the platform, once it has one. */
  get deviceId(): string | null {
    try {
      return (JSON.parse(this.storage.getItem(this.deviceKey()) ?? 'null') as DeviceGrant | null)?.id ?? null;
    } catch {
      return null;
    }
  }

  /** SIP credentials of this browser's device, created on the platform the first time. */
  async sipCredentials(userAgent: string, renew = false): Promise<SipCredentials> {
    const key = this.deviceKey();
    let grant: DeviceGrant | null = null;
    if (!renew) {
      try {
        grant = JSON.parse(this.storage.getItem(key) ?? 'null') as DeviceGrant | null;
      } catch {
        grant = null;
      }
    }
    if (!grant) {
      grant = await this.devices.create(deviceLabel(userAgent));
      this.storage.setItem(key, JSON.stringify(grant));
    }
    const ws = new URL(grant.sip.websocket_path, this.origin);
    ws.protocol = ws.protocol === 'https:' ? 'wss:' : 'ws:';
    return {
      uri: grant.sip.uri,
      authorizationUser: grant.sip.authorization_user,
      password: grant.sip.password,
      websocketUrl: ws.toString(),
      displayName: this.displayName,
      userAgent,
    };
  }

  async logout(): Promise<void> {
    const key = this.deviceKey();
    try {
      const grant = JSON.parse(this.storage.getItem(key) ?? 'null') as DeviceGrant | null;
      if (grant) await this.devices.delete(grant.id).catch(() => undefined);
      await this.http.logout();
    } catch {
      // Signing out locally must work even when the platform cannot be reached.
    } finally {
      clearTimeout(this.retryTimer);
      this.goOnline();
      this.storage.removeItem(key);
      this.user = null;
      this.error = '';
      this.set('signed-out');
    }
  }

  private deviceKey(): string {
    return `switchboard.device.${this.user?.extension ?? ''}@${this.user?.domain ?? ''}`;
  }

  private fail(err: unknown): void {
    this.error = err instanceof Error ? err.message : String(err);
    this.dispatchEvent(new SessionChangedEvent());
  }

  private set(state: SessionState): void {
    this.state = state;
    this.dispatchEvent(new SessionChangedEvent());
  }
}

/**
 * "Chrome on Linux": how this device appears in lists and in Switch Phone until the user renames
 * it in Settings. Never the raw browser identifier.
 */
export function deviceLabel(userAgent: string): string {
  return describeUserAgent(userAgent);
}
