/**
 * The voicemail PIN: 4 to 10 digits, set by the user in Settings (PATCH .../users/~ with
 * `voicemail_pin`), asked for when a mailbox is reached by phone from elsewhere (*98). Kept as a
 * password is (scrypt, auth/passwords.ts), never as itself. Guesses are limited per mailbox:
 * after `maxFailures` wrong ones in a row the mailbox refuses every PIN, the right one too, for
 * `lockMs` (the counting is the store's, atomic: store/types.ts reserveVoicemailPinAttempt).
 */
import { decoyHash, hashPassword, verifyPassword } from '../auth/passwords.js';
import type { PinLockRule, UserRepo } from '../store/types.js';

export const PIN_PATTERN = /^[0-9]{4,10}$/;
export const PIN_RULE_TEXT = 'voicemail_pin must be 4 to 10 digits (0-9), or null to clear it';

export const DEFAULT_PIN_LOCK: PinLockRule = { maxFailures: 5, lockMs: 15 * 60_000 };

export function validPin(pin: string): boolean {
  return PIN_PATTERN.test(pin);
}

export function hashPin(pin: string): Promise<string> {
  return hashPassword(pin);
}

export type PinCheck = 'ok' | 'wrong' | 'locked';

/**
 * Checks `pin` for the mailbox. An unknown mailbox, or one with no PIN set, is `wrong` after
 * the same work as a wrong PIN, so the answer never tells which mailboxes exist.
 */
export async function checkPin(
  users: Pick<UserRepo, 'reserveVoicemailPinAttempt' | 'voicemailPinSucceeded'>,
  domain: string, extension: string, pin: string, rule: PinLockRule = DEFAULT_PIN_LOCK, now = Date.now(),
): Promise<PinCheck> {
  const attempt = await users.reserveVoicemailPinAttempt(domain, extension, now, rule);
  if (attempt && !attempt.ok) return 'locked';
  const hash = attempt?.pinHash ?? null;
  const right = await verifyPassword(pin, hash ?? (await decoyHash));
  if (!right || !hash || !validPin(pin)) return 'wrong';
  await users.voicemailPinSucceeded(domain, extension);
  return 'ok';
}
