/**
 * The demo organisation, created on the first start with an empty store so that a new user has
 * a working phone system at once. The TOTP secret of 1003 is fixed and published in the README.
 */
import { randomBytes } from 'node:crypto';
import { hashPassword } from './auth/passwords.js';
import { DEFAULT_RING_NO_ANSWER_TIMEOUT_S, type Store } from './store/types.js';
import type { TimeFrameInput } from '../src/data/wire.js';

export const DEMO_DOMAIN = 'demo';
export const DEMO_PASSWORD = 'switchboard';
/** Base32 TOTP secret of 1003 Carol Chen (add it to any authenticator app). */
export const DEMO_MFA_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

export const DEMO_USERS = [
  { extension: '1001', firstName: 'Alice', lastName: 'Anders', role: 'user' },
  { extension: '1002', firstName: 'Bob', lastName: 'Baker', role: 'user' },
  { extension: '1003', firstName: 'Carol', lastName: 'Chen', role: 'user', mfa: true },
  { extension: '1004', firstName: 'Dan', lastName: 'Diaz', role: 'user' },
  { extension: '1005', firstName: 'Erin', lastName: 'Evans', role: 'admin' },
] as const;

/**
 * Shared voicemail boxes: extensions with no devices (a call to one goes to its voicemail),
 * granted to users who read them. Nobody signs in as one: its password is random and not kept.
 */
export const DEMO_MAILBOXES = [{ extension: '2000', firstName: 'Sales', lastName: '', grantees: ['1001', '1002'] }] as const;

/**
 * The demo organisation's time frames, for its users' answering rules (no rule is seeded: each
 * user has only the default rule until they write one).
 */
export const DEMO_TIME_FRAMES: readonly TimeFrameInput[] = [
  { name: 'Business Hours', kind: 'days-of-week', days: ([1, 2, 3, 4, 5] as const).map((day) => ({ day, ranges: [{ start: '09:00', end: '17:00' }] })) },
  {
    name: 'Holidays', kind: 'holidays', yearly: true,
    holidays: [
      { name: "New Year's Day", date: '2027-01-01' },
      { name: 'Independence Day', date: '2027-07-04' },
      { name: 'Christmas Day', date: '2026-12-25' },
    ],
  },
];

/**
 * SMS is on for the demo organisation: its own number (texts to it reach 1001 and 1002), and
 * 1001's. Outside numbers are fictional (555 01xx).
 */
export const DEMO_SMS_NUMBERS = [
  { number: '+15550100000', owner: null, defaultRecipients: ['1001', '1002'] },
  { number: '+15550101001', owner: '1001', defaultRecipients: [] },
] as const;

/** Seeds the demo organisation when the store has no users; returns whether it did. `timeZone`: the organisation's (UTC). */
export async function seedDemo(store: Store, now = Date.now(), timeZone = 'UTC'): Promise<boolean> {
  if ((await store.users.count()) > 0) return false;
  if (!(await store.domains.get(DEMO_DOMAIN))) {
    await store.domains.create({ name: DEMO_DOMAIN, description: 'Demo organisation', createdAt: now, timeZone });
  }
  for (const u of DEMO_USERS) {
    await store.users.create({
      domain: DEMO_DOMAIN,
      extension: u.extension,
      firstName: u.firstName,
      lastName: u.lastName,
      email: `${u.firstName.toLowerCase()}@demo.example`,
      role: u.role,
      passwordHash: await hashPassword(DEMO_PASSWORD),
      mfaSecret: 'mfa' in u ? DEMO_MFA_SECRET : null,
      ringNoAnswerTimeoutS: DEFAULT_RING_NO_ANSWER_TIMEOUT_S,
      createdAt: now,
    });
  }
  for (const box of DEMO_MAILBOXES) {
    await store.users.create({
      domain: DEMO_DOMAIN, extension: box.extension, firstName: box.firstName, lastName: box.lastName, email: '', role: 'user',
      passwordHash: await hashPassword(randomBytes(24).toString('base64url')), mfaSecret: null,
      ringNoAnswerTimeoutS: DEFAULT_RING_NO_ANSWER_TIMEOUT_S, createdAt: now,
    });
    for (const grantee of box.grantees) {
      await store.mailboxGrants.grant({ domain: DEMO_DOMAIN, mailbox: box.extension, grantee, grantedBy: 'seed', grantedAt: now });
    }
  }
  const existing = new Set((await store.timeFrames.list(DEMO_DOMAIN, null)).map((f) => f.name));
  for (const frame of DEMO_TIME_FRAMES) if (!existing.has(frame.name)) await store.timeFrames.create(DEMO_DOMAIN, null, frame);
  await store.messaging.setSmsEnabled(DEMO_DOMAIN, true);
  for (const n of DEMO_SMS_NUMBERS) await store.messaging.putSmsNumber({ domain: DEMO_DOMAIN, ...n, defaultRecipients: [...n.defaultRecipients] });
  return true;
}
