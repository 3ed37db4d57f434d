/**
 * Portal authentication: password (+ TOTP when enabled) in exchange for a short-lived access
 * token and a rotating refresh token. Tokens are random bearer strings; only their SHA-256 is
 * stored, so they can be revoked (logout) and a copy of the database does not grant access.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Role, Store, TokenKind, TokenRecord, User } from '../store/types.js';
import type { TokenGrant, WireUser } from '../../src/data/wire.js';
import { decoyHash, verifyPassword } from './passwords.js';
import { GateBusyError, HashGate } from './hash-gate.js';
import { LoginThrottle, type Reservation } from './throttle.js';
import { verifyTotp } from './totp.js';

export interface Principal {
  domain: string;
  extension: string;
  role: Role;
  /** The token family of this login session (shared by its access and refresh tokens). */
  session: string;
}

/** The wire shapes (src/data/wire.ts) of a granted login and of its user. */
export type { TokenGrant };
export type PublicUser = WireUser;

export type LoginResult =
  | { kind: 'granted'; grant: TokenGrant }
  | { kind: 'mfa_required'; mfaToken: string; expiresIn: number };

/** `locked`: too many failures (429); `busy`: too many logins being checked at once (429). */
export type AuthErrorCode = 'invalid_credentials' | 'invalid_passcode' | 'locked' | 'busy' | 'invalid_token';

export class AuthError extends Error {
  constructor(readonly code: AuthErrorCode, message: string, readonly retryAfterS = 0) {
    super(message);
  }
}

const MFA_TOKEN_TTL_S = 5 * 60;
const PREFIX: Record<TokenKind, string> = { access: 'sba_', refresh: 'sbr_', mfa: 'sbm_' };

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function publicUser(u: User): PublicUser {
  return { domain: u.domain, extension: u.extension, first_name: u.firstName, last_name: u.lastName, role: u.role };
}

/** Splits `1001@demo` into its parts; null when it is not of that form. */
export function parseLogin(username: string): { extension: string; domain: string } | null {
  const m = /^([^@\s]+)@([^@\s]+)$/.exec(username.trim());
  return m ? { extension: m[1]!, domain: m[2]!.toLowerCase() } : null;
}

/** Why a login ended: the user logged out, or a reused refresh token revoked it. */
export type LoginEndReason = 'logout' | 'refresh-reuse';
export type LoginEndedListener = (login: { domain: string; extension: string; family: string; reason: LoginEndReason }) => void | Promise<void>;

export interface AuthOptions {
  throttle?: LoginThrottle;
  hashGate?: HashGate;
  now?: () => number;
  /** Told after a login's tokens are revoked, so its sockets and devices can go too. */
  onLoginEnded?: LoginEndedListener;
}

export class AuthService {
  readonly throttle: LoginThrottle;
  private readonly hashGate: HashGate;
  private readonly now: () => number;
  /** Last TOTP step used per account: a passcode is good for one login only. */
  private readonly usedSteps = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly ttl: { accessS: number; refreshS: number },
    private readonly options: AuthOptions = {},
  ) {
    this.throttle = options.throttle ?? new LoginThrottle();
    this.hashGate = options.hashGate ?? new HashGate();
    this.now = options.now ?? Date.now;
  }

  async login(username: string, password: string, address: string): Promise<LoginResult> {
    const account = username.trim().toLowerCase();
    const attempt = this.admit(account, address);
    const parsed = parseLogin(username);
    let user: User | undefined;
    let ok: boolean;
    try {
      user = parsed ? await this.store.users.get(parsed.domain, parsed.extension) : undefined;
      const stored = user?.passwordHash ?? (await decoyHash);
      ok = await this.hashGate.run(() => verifyPassword(password, stored));
    } catch (err) {
      // Nothing was checked: this attempt does not count against anyone.
      attempt.cancel();
      if (err instanceof GateBusyError) throw new AuthError('busy', err.message, err.retryAfterS);
      throw err;
    }
    if (!user || !ok) throw new AuthError('invalid_credentials', 'Wrong username or password');
    if (user.mfaSecret) {
      // The password was right, but earlier failures stand until the passcode is right too.
      attempt.cancel();
      const mfaToken = await this.issue('mfa', user, randomUUID(), MFA_TOKEN_TTL_S);
      return { kind: 'mfa_required', mfaToken, expiresIn: MFA_TOKEN_TTL_S };
    }
    attempt.succeeded();
    return { kind: 'granted', grant: await this.grant(user, randomUUID()) };
  }

  async completeMfa(mfaToken: string, passcode: string, address: string): Promise<TokenGrant> {
    const record = await this.lookup(mfaToken, 'mfa');
    const account = `${record.extension}@${record.domain}`;
    const user = await this.store.users.get(record.domain, record.extension);
    if (!user?.mfaSecret) throw new AuthError('invalid_token', 'The login has expired; start again');
    // From here to usedSteps.set nothing awaits: two requests with one code cannot both pass.
    const attempt = this.admit(account, address);
    const step = verifyTotp(user.mfaSecret, passcode.trim(), this.now());
    const last = this.usedSteps.get(account);
    if (step === null || (last !== undefined && step <= last)) throw new AuthError('invalid_passcode', 'Wrong or expired code');
    this.usedSteps.set(account, step);
    attempt.succeeded();
    await this.store.tokens.delete(record.hash);
    return this.grant(user, record.family);
  }

  /**
   * Rotates a refresh token: the old one stops working, the session (family) continues. A
   * rotated token that comes back means two parties hold it, one of them a thief: the whole
   * login is revoked (OAuth 2.0 Security BCP, RFC 9700 s4.14.2). Marking it used is one atomic
   * step, so two concurrent uses cannot both rotate.
   */
  async refresh(refreshToken: string): Promise<TokenGrant> {
    const record = await this.lookup(refreshToken, 'refresh');
    if (record.usedAt !== null || !(await this.store.tokens.markUsed(record.hash, this.now()))) {
      await this.endLogin(record, 'refresh-reuse');
      throw new AuthError('invalid_token', 'This login was ended because its refresh token was used twice; log in again');
    }
    const user = await this.store.users.get(record.domain, record.extension);
    if (!user) throw new AuthError('invalid_token', 'Unknown or expired token');
    return this.grant(user, record.family);
  }

  async authenticate(accessToken: string): Promise<Principal> {
    const record = await this.lookup(accessToken, 'access');
    const user = await this.store.users.get(record.domain, record.extension);
    if (!user) throw new AuthError('invalid_token', 'Unknown or expired token');
    return { domain: user.domain, extension: user.extension, role: user.role, session: record.family };
  }

  /** Ends a login session: its access and refresh tokens stop working at once. */
  async logout(principal: Principal): Promise<void> {
    await this.endLogin({ domain: principal.domain, extension: principal.extension, family: principal.session }, 'logout');
  }

  private async endLogin(login: { domain: string; extension: string; family: string }, reason: LoginEndReason): Promise<void> {
    await this.store.tokens.deleteFamily(login.family);
    await this.options.onLoginEnded?.({ domain: login.domain, extension: login.extension, family: login.family, reason });
  }

  /** Counts this attempt before anything is checked, or refuses it (429). */
  private admit(account: string, address: string): Reservation {
    const r = this.throttle.reserve(account, address);
    if (!r.ok) throw new AuthError('locked', `Too many failed attempts; try again in ${Math.ceil(r.retryAfterS / 60)} min`, r.retryAfterS);
    return r.reservation;
  }

  private async lookup(token: string, kind: TokenKind): Promise<TokenRecord> {
    const invalid = new AuthError('invalid_token', 'Unknown or expired token');
    if (typeof token !== 'string' || !token.startsWith(PREFIX[kind])) throw invalid;
    const record = await this.store.tokens.get(hashToken(token));
    if (!record || record.kind !== kind) throw invalid;
    if (record.expiresAt <= this.now()) {
      await this.store.tokens.delete(record.hash);
      throw invalid;
    }
    return record;
  }

  private async issue(kind: TokenKind, user: User, family: string, ttlS: number): Promise<string> {
    const token = PREFIX[kind] + randomBytes(32).toString('base64url');
    const now = this.now();
    await this.store.tokens.insert({
      hash: hashToken(token), kind, domain: user.domain, extension: user.extension,
      family, createdAt: now, expiresAt: now + ttlS * 1000, usedAt: null,
    });
    return token;
  }

  private async grant(user: User, family: string): Promise<TokenGrant> {
    return {
      access_token: await this.issue('access', user, family, this.ttl.accessS),
      token_type: 'Bearer',
      expires_in: this.ttl.accessS,
      refresh_token: await this.issue('refresh', user, family, this.ttl.refreshS),
      refresh_expires_in: this.ttl.refreshS,
      user: publicUser(user),
    };
  }
}
