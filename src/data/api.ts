/**
 * Typed client of the platform's REST API (/api/v2). Holds the access token in memory only; the
 * refresh token and the user are kept by a SessionStorage so a reload signs back in without the
 * password. Every failure becomes an ApiError with a message fit to show the user.
 */

export interface ApiUser {
  domain: string;
  extension: string;
  first_name: string;
  last_name: string;
  role: 'user' | 'admin';
}

export interface TokenGrant {
  access_token: string;
  expires_in: number;
  refresh_token: string;
  user: ApiUser;
}

export interface DirectoryEntry {
  domain: string;
  extension: string;
  first_name: string;
  last_name: string;
  name: string;
  email: string;
  /** A device is registered. */
  online: boolean;
  /** What they are doing (platforms before it send only `online`). */
  presence?: 'on-call' | 'ringing' | 'online' | 'offline';
}

export interface DeviceGrant {
  id: string;
  label: string;
  sip: { uri: string; authorization_user: string; password: string; realm: string; websocket_path: string };
}

export interface CdrEntry {
  id: number;
  call_id: string;
  type: 'inbound' | 'outbound' | 'missed';
  disposition: string;
  remote_number: string;
  remote_name: string;
  started_at: string;
  answered_at: string | null;
  ended_at: string | null;
  duration_s: number;
  /** This user transferred the call to that number. */
  transferred_to?: string | null;
  /** A transfer by that number set this call up. */
  transferred_from?: string | null;
}

export interface DeviceInfo {
  id: string;
  label: string;
  sip_username: string;
  registrations: Array<{ contact: string; user_agent: string; expires_at: string }>;
}

export interface RecordingInfo {
  id: string;
  call_id: string;
  extension: string;
  remote_number?: string;
  remote_name?: string;
  started_at: string;
  duration_s: number;
  bytes: number;
  content_type: string;
}

export type ContactNumberLabel = 'mobile' | 'work' | 'home' | 'main' | 'fax' | 'other';

export const CONTACT_NUMBER_LABELS: ReadonlyArray<ContactNumberLabel> = ['mobile', 'work', 'home', 'main', 'fax', 'other'];

/** What the user edits on a personal contact (the body of POST and PUT). */
export interface ContactFields {
  first_name: string;
  last_name: string;
  company: string;
  email: string;
  notes: string;
  numbers: Array<{ label: ContactNumberLabel; number: string }>;
}

/** A personal contact as the platform stores it; `version` goes back in If-Match. */
export interface Contact extends ContactFields {
  id: string;
  client_id: string | null;
  created_at: string;
  updated_at: string;
  version: number;
}

/** What `updated_since` lists for a deleted contact. */
export interface ContactTombstone {
  id: string;
  deleted: true;
  updated_at: string;
}

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

const UNREACHABLE = 'Cannot reach the phone system. Check your connection and try again.';
const REFRESH_LOCK = 'switchboard.token-refresh';

/** Runs `work` holding a Web Lock shared by this origin's tabs (or just runs it without Web Locks). */
function withLock<T>(name: string, work: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? navigator.locks : undefined;
  return locks ? (locks.request(name, work) as Promise<T>) : work();
}

export class ApiClient {
  private accessToken: string | null = null;
  private refreshing: Promise<void> | null = null;
  user: ApiUser | null = null;

  constructor(
    private readonly storage: SessionStorage,
    private readonly baseUrl = '',
    private readonly fetchFn: typeof fetch = (...args) => fetch(...args),
  ) {}

  async login(username: string, password: string): Promise<LoginOutcome> {
    const body = await this.send<TokenGrant | { mfa_required: true; mfa_token: string }>('POST', '/api/v2/tokens', {
      grant_type: 'password', username: username.trim(), password,
    }, false);
    if ('mfa_required' in body) return { kind: 'mfa-required', mfaToken: body.mfa_token };
    this.accept(body);
    return { kind: 'signed-in', user: body.user };
  }

  async verifyMfa(mfaToken: string, passcode: string): Promise<ApiUser> {
    const grant = await this.send<TokenGrant>('POST', '/api/v2/tokens', { grant_type: 'mfa', mfa_token: mfaToken, passcode }, false);
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

  directory(): Promise<DirectoryEntry[]> {
    return this.send('GET', '/api/v2/domains/~/users');
  }

  createDevice(label: string): Promise<DeviceGrant> {
    // This browser's device lives as long as this login: logging out (or a revoked login) removes it.
    return this.send('POST', '/api/v2/domains/~/users/~/devices', { label, login_scoped: true });
  }

  devices(): Promise<DeviceInfo[]> {
    return this.send('GET', '/api/v2/domains/~/users/~/devices');
  }

  /** Offers my live call (SIP Call-ID) to another of my devices (Switch Phone). */
  switchCall(callId: string, deviceId: string): Promise<{ offer_id: string }> {
    return this.send('POST', `/api/v2/domains/~/users/~/calls/${encodeURIComponent(callId)}/switch`, { device_id: deviceId });
  }

  async declineSwitch(callId: string, offerId: string): Promise<void> {
    await this.send('POST', `/api/v2/domains/~/users/~/calls/${encodeURIComponent(callId)}/switch/${encodeURIComponent(offerId)}/decline`);
  }

  recordings(limit = 50): Promise<{ items: RecordingInfo[]; next_cursor: number | null }> {
    return this.send('GET', `/api/v2/domains/~/users/~/recordings?limit=${limit}`);
  }

  /** Every recording of my domain (domain administrators only). */
  domainRecordings(limit = 50): Promise<{ items: RecordingInfo[]; next_cursor: number | null }> {
    return this.send('GET', `/api/v2/domains/~/recordings?limit=${limit}`);
  }

  /**
   * A recording's audio. Fetched with the bearer token (an <audio src> cannot send one) and
   * played from an object URL; `owner` lets an administrator fetch anyone's.
   */
  async recordingAudio(id: string, owner = '~'): Promise<Blob> {
    const path = `/api/v2/domains/~/users/${encodeURIComponent(owner)}/recordings/${encodeURIComponent(id)}/audio`;
    let res: Response;
    try {
      res = await this.fetchFn(this.baseUrl + path, { headers: { authorization: `Bearer ${await this.token()}` } });
    } catch {
      throw new ApiError('network', UNREACHABLE);
    }
    if (!res.ok) throw new ApiError('http', `Cannot play this recording (HTTP ${res.status})`, res.status);
    return res.blob();
  }

  /** Uploads one recording; the same id twice stores it once (the platform answers 200). */
  async uploadRecording(meta: { id: string; callId: string; startedAt: string; durationS: number }, body: Blob): Promise<void> {
    const run = async (retried: boolean): Promise<void> => {
      let res: Response;
      try {
        res = await this.fetchFn(`${this.baseUrl}/api/v2/domains/~/users/~/recordings`, {
          method: 'POST',
          headers: {
            authorization: `Bearer ${await this.token()}`,
            'content-type': body.type || 'audio/webm',
            'x-call-id': meta.callId,
            'x-recording-id': meta.id,
            'x-started-at': meta.startedAt,
            'x-duration-s': String(Math.round(meta.durationS)),
          },
          body,
        });
      } catch {
        throw new ApiError('network', UNREACHABLE);
      }
      if (res.status === 401 && !retried) {
        this.accessToken = null;
        return run(true);
      }
      if (!res.ok) {
        const err = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
        throw new ApiError('http', err.message ?? `Upload failed (HTTP ${res.status})`, res.status, err.code ?? '');
      }
    };
    await run(false);
  }

  async deleteDevice(id: string): Promise<void> {
    await this.send('DELETE', `/api/v2/domains/~/users/~/devices/${encodeURIComponent(id)}`);
  }

  cdrs(opts: { limit?: number; before?: number } = {}): Promise<{ items: CdrEntry[]; next_cursor: number | null }> {
    const q = new URLSearchParams();
    if (opts.limit) q.set('limit', String(opts.limit));
    if (opts.before) q.set('before', String(opts.before));
    return this.send('GET', `/api/v2/domains/~/users/~/cdrs${q.size ? `?${q}` : ''}`);
  }

  /**
   * One page of my personal contacts; `next_cursor` is opaque, null on the last page. With
   * `updated_since`, the changes after that time, oldest first, deletions as tombstones.
   */
  contacts(opts: { q?: string; limit?: number; cursor?: string; updated_since?: string } = {}): Promise<{ items: Array<Contact | ContactTombstone>; next_cursor: string | null }> {
    const q = new URLSearchParams();
    if (opts.q) q.set('q', opts.q);
    if (opts.updated_since) q.set('updated_since', opts.updated_since);
    if (opts.limit) q.set('limit', String(opts.limit));
    if (opts.cursor) q.set('cursor', opts.cursor);
    return this.send('GET', `/api/v2/domains/~/users/~/contacts${q.size ? `?${q}` : ''}`);
  }

  contact(id: string): Promise<Contact> {
    return this.send('GET', `/api/v2/domains/~/users/~/contacts/${encodeURIComponent(id)}`);
  }

  /** Creates a contact; the same `client_id` twice creates it once (a retried create is safe). */
  createContact(fields: ContactFields & { client_id?: string }): Promise<Contact> {
    return this.send('POST', '/api/v2/domains/~/users/~/contacts', fields);
  }

  /**
   * Replaces a contact's fields, made on `version`: a 409 ApiError (code `version_conflict`,
   * `body.contact` the current one) when it has changed since.
   */
  updateContact(id: string, fields: ContactFields, version: number): Promise<Contact> {
    return this.send('PUT', `/api/v2/domains/~/users/~/contacts/${encodeURIComponent(id)}`, fields, true, false, { 'if-match': `"${version}"` });
  }

  async deleteContact(id: string, version?: number): Promise<void> {
    const headers: Record<string, string> = version === undefined ? {} : { 'if-match': `"${version}"` };
    await this.send('DELETE', `/api/v2/domains/~/users/~/contacts/${encodeURIComponent(id)}`, undefined, true, false, headers);
  }

  /** The events channel URL (ws:// or wss:// on the same origin as the API). */
  eventsUrl(): string {
    const base = new URL(this.baseUrl || location.origin);
    base.protocol = base.protocol === 'https:' ? 'wss:' : 'ws:';
    base.pathname = '/api/v2/events';
    return base.toString();
  }

  /** The current access token, refreshed first when it has expired. */
  async token(): Promise<string> {
    if (!this.accessToken) await this.refresh();
    return this.accessToken!;
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
    const grant = await this.send<TokenGrant>('POST', '/api/v2/tokens', { grant_type: 'refresh_token', refresh_token: refreshToken }, false);
    this.accept(grant);
  }

  private async send<T>(method: string, path: string, body?: unknown, authenticated = true, retried = false, extraHeaders: Record<string, string> = {}): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (authenticated) headers.authorization = `Bearer ${await this.token()}`;
    let res: Response;
    try {
      res = await this.fetchFn(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError('network', UNREACHABLE);
    }
    if (res.status === 401 && authenticated && !retried) {
      // The access token expired (or was revoked): refresh once and try again.
      this.accessToken = null;
      return this.send<T>(method, path, body, authenticated, true, extraHeaders);
    }
    if (res.status === 204) return undefined as T;
    let json: unknown = null;
    try {
      json = await res.json();
    } catch {
      if (res.ok) throw new ApiError('http', 'The phone system sent an unreadable answer.', res.status);
    }
    if (!res.ok) {
      const err = (json ?? {}) as { code?: string; message?: string; field?: string };
      if (res.status >= 500 || res.status === 502 || res.status === 504) throw new ApiError('http', UNREACHABLE, res.status, err.code ?? '');
      throw new ApiError('http', err.message ?? `Request failed (HTTP ${res.status})`, res.status, err.code ?? '', err.field, json);
    }
    return json as T;
  }
}
