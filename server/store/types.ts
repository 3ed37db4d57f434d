/**
 * Repository interfaces: the only view of persistence the rest of the platform has. The SQLite
 * implementation (sqlite.ts) is the embedded default; the methods are async so that a
 * PostgreSQL implementation can satisfy the same contract.
 */

export type Role = 'user' | 'admin';

export interface Domain {
  name: string;
  description: string;
  createdAt: number;
}

export interface User {
  domain: string;
  extension: string;
  firstName: string;
  lastName: string;
  email: string;
  role: Role;
  /** scrypt hash in the form produced by auth/passwords.ts; never the password itself. */
  passwordHash: string;
  /** Base32 TOTP secret when MFA is enabled. */
  mfaSecret: string | null;
  createdAt: number;
}

export interface Device {
  id: string;
  domain: string;
  extension: string;
  label: string;
  /** The SIP digest username (authorization user) of this device. */
  sipUsername: string;
  /** RFC 2617 HA1 = MD5(username:realm:password); the password itself is never stored. */
  ha1: string;
  createdAt: number;
  lastSeenAt: number | null;
}

export type TokenKind = 'access' | 'refresh' | 'mfa';

export interface TokenRecord {
  /** SHA-256 of the bearer token: a leaked database does not leak usable tokens. */
  hash: string;
  kind: TokenKind;
  domain: string;
  extension: string;
  expiresAt: number;
  /** Refresh-token family: rotating a refresh token keeps its family, logout revokes it whole. */
  family: string;
  createdAt: number;
}

export type CdrDirection = 'inbound' | 'outbound';
export type CdrDisposition = 'ringing' | 'answered' | 'missed' | 'declined' | 'cancelled' | 'failed' | 'busy';

/** One party's view of one call attempt. A call between two users yields two records. */
export interface Cdr {
  id: number;
  callId: string;
  domain: string;
  extension: string;
  direction: CdrDirection;
  remoteNumber: string;
  remoteName: string;
  startedAt: number;
  answeredAt: number | null;
  endedAt: number | null;
  disposition: CdrDisposition;
  /** SIP status of a failed attempt (404, 480, 486, ...), else null. */
  sipStatus: number | null;
}

export type NewCdr = Omit<Cdr, 'id'>;
export type CdrPatch = Partial<Pick<Cdr, 'answeredAt' | 'endedAt' | 'disposition' | 'sipStatus'>>;

export interface Page<T> {
  items: T[];
  /** Pass as `before` to get the next (older) page; null when this is the last one. */
  nextCursor: number | null;
}

export interface DomainRepo {
  get(name: string): Promise<Domain | undefined>;
  list(): Promise<Domain[]>;
  create(domain: Domain): Promise<void>;
}

export interface UserRepo {
  get(domain: string, extension: string): Promise<User | undefined>;
  list(domain: string): Promise<User[]>;
  create(user: User): Promise<void>;
  setPassword(domain: string, extension: string, passwordHash: string): Promise<boolean>;
  setMfaSecret(domain: string, extension: string, secret: string | null): Promise<boolean>;
  count(): Promise<number>;
}

export interface DeviceRepo {
  create(device: Device): Promise<void>;
  get(id: string): Promise<Device | undefined>;
  getBySipUsername(sipUsername: string): Promise<Device | undefined>;
  listForUser(domain: string, extension: string): Promise<Device[]>;
  delete(id: string): Promise<boolean>;
  touch(id: string, at: number): Promise<void>;
}

export interface TokenRepo {
  insert(token: TokenRecord): Promise<void>;
  get(hash: string): Promise<TokenRecord | undefined>;
  delete(hash: string): Promise<void>;
  deleteFamily(family: string): Promise<void>;
  purgeExpired(now: number): Promise<number>;
}

export interface CdrRepo {
  insert(cdr: NewCdr): Promise<number>;
  update(id: number, patch: CdrPatch): Promise<void>;
  get(id: number): Promise<Cdr | undefined>;
  listForUser(domain: string, extension: string, opts: { before?: number; limit: number }): Promise<Page<Cdr>>;
}

export interface Store {
  domains: DomainRepo;
  users: UserRepo;
  devices: DeviceRepo;
  tokens: TokenRepo;
  cdrs: CdrRepo;
  close(): void;
}
