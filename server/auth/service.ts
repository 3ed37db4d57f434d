/**
 * Portal authentication: password (+ TOTP when enabled) in exchange for a short-lived access
 * token and a rotating refresh token. Tokens are random bearer strings; only their SHA-256 is
 * stored, so they can be revoked (logout) and a copy of the database does not grant access.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Role, Store, TokenKind, TokenRecord, User } from '../store/types.js';
import { decoyHash, verifyPassword } from './passwords.js';
import { LoginThrottle } from './throttle.js';
import { verifyTotp } from './totp.js';

export interface Principal {
  domain: string;
  extension: string;
  role: Role;
  /** The token family of this login session (shared by its access and refresh tokens). */
  session: string;
}

export interface TokenGrant {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  refresh_token: string;
  refresh_expires_in: number;
  user: PublicUser;
}

export interface PublicUser {
  domain: string;
  extension: string;
  first_name: string;
  last_name: string;
  role: Role;
}

export type LoginResult =
  | { kind: 'granted'; grant: TokenGrant }
  | { kind: 'mfa_required'; mfaToken: string; expiresIn: number };

export type AuthErrorCode = 'invalid_credentials' | 'invalid_passcode' | 'locked' | 'invalid_token';

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

export class AuthService {
  readonly throttle: LoginThrottle;
  /** Last TOTP step used per account: a passcode is good for one login only. */
  private readonly usedSteps = new Map<string, number>();

  constructor(
    private readonly store: Store,
    private readonly ttl: { accessS: number; refreshS: number },
    throttle?: LoginThrottle,
    private readonly now: () => number = Date.now,
  ) {
    this.throttle = throttle ?? new LoginThrottle();
  }

  async login(username: string, password: string, address: string): Promise<LoginResult> {
    const account = username.trim().toLowerCase();
    this.assertNotThrottled(account, address);
    const parsed = parseLogin(username);
    const user = parsed ? await this.store.users.get(parsed.domain, parsed.extension) : undefined;
    const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash));
    if (!user || !ok) {
      this.throttle.recordFailure(account, address);
      throw new AuthError('invalid_credentials', 'Wrong username or password');
    }
    if (user.mfaSecret) {
      const mfaToken = await this.issue('mfa', user, randomUUID(), MFA_TOKEN_TTL_S);
      return { kind: 'mfa_required', mfaToken, expiresIn: MFA_TOKEN_TTL_S };
    }
    this.throttle.recordSuccess(account);
    return { kind: 'granted', grant: await this.grant(user, randomUUID()) };
  }

  async completeMfa(mfaToken: string, passcode: string, address: string): Promise<TokenGrant> {
    const record = await this.lookup(mfaToken, 'mfa');
    const account = `${record.extension}@${record.domain}`;
    this.assertNotThrottled(account, address);
    const user = await this.store.users.get(record.domain, record.extension);
    if (!user?.mfaSecret) throw new AuthError('invalid_token', 'The login has expired; start again');
    const step = verifyTotp(user.mfaSecret, passcode.trim(), this.now());
    const last = this.usedSteps.get(account);
    if (step === null || (last !== undefined && step <= last)) {
      this.throttle.recordFailure(account, address);
      throw new AuthError('invalid_passcode', 'Wrong or expired code');
    }
    this.usedSteps.set(account, step);
    this.throttle.recordSuccess(account);
    await this.store.tokens.delete(record.hash);
    return this.grant(user, record.family);
  }

  /** Rotates a refresh token: the old one stops working, the session (family) continues. */
  async refresh(refreshToken: string): Promise<TokenGrant> {
    const record = await this.lookup(refreshToken, 'refresh');
    const user = await this.store.users.get(record.domain, record.extension);
    if (!user) throw new AuthError('invalid_token', 'Unknown or expired token');
    await this.store.tokens.delete(record.hash);
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
    await this.store.tokens.deleteFamily(principal.session);
  }

  private assertNotThrottled(account: string, address: string): void {
    const wait = this.throttle.retryAfter(account, address);
    if (wait > 0) throw new AuthError('locked', `Too many failed attempts; try again in ${Math.ceil(wait / 60)} min`, wait);
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
      family, createdAt: now, expiresAt: now + ttlS * 1000,
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
