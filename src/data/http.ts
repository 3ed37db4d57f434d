/**
 * The small HTTP client of the platform's REST API (/api/v2): signing in (password, MFA),
 * restoring a saved session, signing out, and the access token. It holds the access token in
 * memory only; the refresh token and the user are kept by a SessionStorage so a reload signs back
 * in without the password. Every failure becomes an ApiError with a message fit to show the
 * user. The resources (directory, devices, calls, recordings, cdrs, contacts) are modules of
 * their own under resources/, each speaking through `send` or `request`.
 */

import type { MfaChallenge, TokenGrant, WireError, WireUser } from './wire.js';

export type ApiUser = WireUser;

export type ApiErrorKind = 'network' | 'http';

export class ApiError extends Error {
  constructor(
    readonly kind: ApiErrorKind,
    message: string,
    readonly status = 0,
    readonly code = '',
    readonly field?: string,
    /** The whole error body, e.g. the current `contact` of a 409 version_conflict. */
    readonly body?: unknown,
  ) {
    super(message);
  }
}

/** Where the session outlives a reload. localStorage in the app; a Map in tests. */
export interface SessionStorage {
  load(): { refreshToken: string; user: ApiUser } | null;
  save(session: { refreshToken: string; user: ApiUser }): void;
  clear(): void;
}

export function localSessionStorage(key = 'switchboard.session'): SessionStorage {
  return {
    load() {
      try {
        const raw = localStorage.getItem(key);
        return raw ? (JSON.parse(raw) as { refreshToken: string; user: ApiUser }) : null;
      } catch {
        return null;
      }
    },
    save(session) {
      localStorage.setItem(key, JSON.stringify(session));
    },
    clear() {
      localStorage.removeItem(key);
    },
  };
}

export type LoginOutcome = { kind: 'signed-in'; user: ApiUser } | { kind: 'mfa-required'; mfaToken: string };

export interface SendOptions {
  /** False for the token endpoint itself: no bearer token, and a 401 is an answer, not a refresh. */
  authenticated?: boolean;
  /** Extra request headers (e.g. `if-match`). */
  headers?: Record<string, string>;
}

/** What a resource module needs of the client: JSON requests, and raw ones for binary bodies. */
export type Http = Pick<HttpClient, 'send' | 'request'>;

const UNREACHABLE = 'Cannot reach the phone system. Check your connection and try again.';
const REFRESH_LOCK = 'switchboard.token-refresh';

/** Runs `work` holding a Web Lock shared by this origin's tabs (or just runs it without Web Locks). */
function withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  return locks ? (locks.request(name, work) as Promise<T>) : work();
}

export class HttpClient {
  private accessToken: string | null = null;
  private refreshing: Promise<void> | null = null;
  user: ApiUser | null = null;

  constructor(
    private readonly storage: SessionStorage,
    private readonly baseUrl = '',
    private readonly fetchFn: typeof fetch = (...args) => fetch(...args),
  ) {}

  async login(username: string, password: string): Promise<LoginOutcome> {
    const body = await this.send<TokenGrant | MfaChallenge>('POST', '/api/v2/tokens', {
      grant_type: 'password', username: username.trim(), password,
    }, { authenticated: false });
    if ('mfa_required' in body) return { kind: 'mfa-required', mfaToken: body.mfa_token };
    this.accept(body);
    return { kind: 'signed-in', user: body.user };
  }

  async verifyMfa(mfaToken: string, passcode: string): Promise<ApiUser> {
    const grant = await this.send<TokenGrant>('POST', '/api/v2/tokens', { grant_type: 'mfa', mfa_token: mfaToken, passcode }, { authenticated: false });
    this.accept(grant);
    return grant.user;
  }

  /** Who the saved session belongs to, without asking the platform (for an offline start). */
  savedUser(): ApiUser | null {
    return this.storage.load()?.user ?? null;
  }

  /** Signs back in from the stored refresh token; null when there is none or it was revoked. */
  async restore(): Promise<ApiUser | null> {
    if (!this.storage.load()) return null;
    try {
      // Through the shared refresh: other requests (an offline start's syncs, say) may be
      // refreshing at the same moment, and a rotated refresh token works exactly once.
      await this.refresh();
      return this.user;
    } catch (err) {
      // Offline is not signed out: keep the session and let the caller retry later.
      if (err instanceof ApiError && err.kind === 'network') throw err;
      this.storage.clear();
      return null;
    }
  }

  async logout(): Promise<void> {
    try {
      if (this.accessToken) await this.send('DELETE', '/api/v2/tokens');
    } finally {
      this.accessToken = null;
      this.user = null;
      this.storage.clear();
    }
  }

  /** The events channel URL (ws:// or wss:// on the same origin as the API). */
  eventsUrl(): string {
    const base = new URL(this.baseUrl || location.origin);
    base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    base.pathname = '/api/v2/events';
    return base.toString();
  }

  /** The access token held now, if any: never refreshes (for background work that can wait). */
  heldToken(): string | null {
    return this.accessToken ?? null;
  }

  /** The current access token, refreshed first when it has expired. */
  async token(): Promise<string> {
    if (!this.accessToken) await this.refresh();
    return this.accessToken!;
  }

  /**
   * A JSON request: the body is sent as JSON, the answer parsed (204: undefined). A failure is an
   * ApiError: `network` when the platform cannot be reached (or answers 5xx), `http` with the
   * platform's message, code and field otherwise.
   */
  async send<T>(method: string, path: string, body?: unknown, options: SendOptions = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await this.request(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) }, options.authenticated ?? true);
    if (res.status === 204) return undefined as T;
    let json: unknown = null;
    try {
      json = await res.json();
    } catch {
      if (res.ok) throw new ApiError('http', 'The phone system sent an unreadable answer.', res.status);
    }
    if (!res.ok) {
      const err = (json ?? {}) as Partial<WireError>;
      if (res.status >= 500) throw new ApiError('http', UNREACHABLE, res.status, err.code ?? '');
      throw new ApiError('http', err.message ?? `Request failed (HTTP ${res.status})`, res.status, err.code ?? '', err.field, json);
    }
    return json as T;
  }

  /**
   * A request whose answer the caller reads itself (audio, uploads): with the bearer token when
   * `authenticated`, refreshed and sent once more on a 401. Only an unreachable platform throws
   * (a `network` ApiError); any HTTP status is returned.
   */
  async request(path: string, init: { method?: string; headers?: Record<string, string>; body?: BodyInit } = {}, authenticated = true): Promise<Response> {
    for (let retried = false; ; retried = true) {
      const headers = { ...init.headers };
      if (authenticated) headers.authorization = `Bearer ${await this.token()}`;
      let res: Response;
      try {
        res = await this.fetchFn(this.baseUrl + path, { ...init, headers });
      } catch {
        throw new ApiError('network', UNREACHABLE);
      }
      if (res.status !== 401 || !authenticated || retried) return res;
      // The access token expired (or was revoked): refresh once and try again.
      this.accessToken = null;
    }
  }

  private accept(grant: TokenGrant): void {
    this.accessToken = grant.access_token;
    this.user = grant.user;
    this.storage.save({ refreshToken: grant.refresh_token, user: grant.user });
  }

  private async refresh(): Promise<void> {
    // Concurrent 401s share one refresh: a rotated refresh token works exactly once, and the
    // platform takes a second use of one as theft and ends the login. Tabs share the stored
    // token, so they take turns through a Web Lock, and each reads the token inside it: a tab
    // that waited uses the one the other tab's refresh just saved.
    this.refreshing ??= withLock(REFRESH_LOCK, async () => {
      const saved = this.storage.load();
      if (!saved) throw new ApiError('http', 'Your session has ended. Please log in again.', 401, 'invalid_token');
      await this.refreshWith(saved.refreshToken);
    }).finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  private async refreshWith(refreshToken: string): Promise<void> {
    const grant = await this.send<TokenGrant>('POST', '/api/v2/tokens', { grant_type: 'refresh_token', refresh_token: refreshToken }, { authenticated: false });
    this.accept(grant);
  }
}
