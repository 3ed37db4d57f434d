/** TOTP (RFC 6238) second factor, via the otpauth library. */
import { Secret, TOTP } from 'otpauth';

function totpFor(secret: string, label = 'Switchboard'): TOTP {
  return new TOTP({ issuer: 'Switchboard', label, algorithm: 'SHA1', digits: 6, period: 30, secret: Secret.fromBase32(secret) });
}

/** Returns the matched time step, or null. One step of drift either way is accepted. */
export function verifyTotp(secret: string, passcode: string, now = Date.now()): number | null {
  const totp = totpFor(secret);
  const delta = totp.validate({ token: passcode, timestamp: now, window: 1 });
  if (delta === null) return null;
  return Math.floor(now / 30_000) + delta;
}

export function generateTotp(secret: string, now = Date.now()): string {
  return totpFor(secret).generate({ timestamp: now });
}

export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

export function totpUri(secret: string, account: string): string {
  return totpFor(secret, account).toString();
}
