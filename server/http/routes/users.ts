/**
 * The organisation directory: GET /api/v2/domains/{domain}/users lists every user of my domain
 * with presence (whether any device is registered); GET .../users/{user} one of them, with their
 * settings when it is me (or I administer the domain). PATCH .../users/{user} changes settings:
 * `ring_no_answer_timeout_s`, `voicemail_greeting_index`, and `voicemail_pin` (4-10 digits, or null to clear; never read back,
 * the view says `voicemail_pin_set`).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../app.js';
import type { User } from '../../store/types.js';
import type { PresenceState } from '../../events/presence.js';
import { resolveDomain, resolveExistingOwner, resolveOwner, principalOf } from '../access.js';
import { badRequest, notFound } from '../errors.js';
import { hashPin, PIN_RULE_TEXT, validPin } from '../../voicemail/pin.js';
import type { DirectoryEntry, UserSettingsView } from '../../../src/data/wire.js';

/** `online`: a device is registered; `presence`: what they are doing (see events/presence.ts). */
export function directoryEntry(u: User, online: boolean, presence: PresenceState): DirectoryEntry {
  return {
    domain: u.domain,
    extension: u.extension,
    first_name: u.firstName,
    last_name: u.lastName,
    name: `${u.firstName} ${u.lastName}`.trim(),
    email: u.email,
    role: u.role,
    online,
    presence,
  };
}

/** The PIN itself is never shown (nor its hash): only whether one is set. */
async function settingsView(s: Services, u: User): Promise<UserSettingsView> {
  const active = await s.store.greetings.active(u.domain, u.extension);
  return {
    ring_no_answer_timeout_s: u.ringNoAnswerTimeoutS, voicemail_greeting_index: active?.index ?? 0, voicemail_pin_set: Boolean(u.voicemailPinHash),
    // Placeholders until the answering-rules store (time zones, the DND rule) reads them.
    time_zone: null, effective_time_zone: 'UTC', do_not_disturb: false,
  };
}

/** The range a hosted PBX offers: long enough to reach a phone, short enough to reach voicemail. */
const RING_TIMEOUT_MIN_S = 5;
const RING_TIMEOUT_MAX_S = 300;

const settingsBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    ring_no_answer_timeout_s: { type: 'integer', minimum: RING_TIMEOUT_MIN_S, maximum: RING_TIMEOUT_MAX_S },
    /** 0: the default greeting. */
    voicemail_greeting_index: { type: 'integer', minimum: 0 },
    // A string of digits (a number would lose leading zeros), or null to clear it; checked below.
    voicemail_pin: { type: ['string', 'null'] },
  },
} as const;

export function userRoutes(s: Services): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { domain: string } }>('/domains/:domain/users', async (req) => {
      const domain = resolveDomain(req, req.params.domain);
      const users = await s.store.users.list(domain);
      return users.map((u) => directoryEntry(u, s.sip.isOnline(u.domain, u.extension), s.presence.state(u.domain, u.extension)));
    });

    app.get<{ Params: { domain: string; user: string } }>('/domains/:domain/users/:user', async (req) => {
      const domain = resolveDomain(req, req.params.domain);
      const extension = req.params.user === '~' ? resolveOwner(req, req.params).extension : req.params.user;
      const user = await s.store.users.get(domain, extension);
      if (!user) throw notFound('No such user');
      const entry = directoryEntry(user, s.sip.isOnline(domain, extension), s.presence.state(domain, extension));
      const me = principalOf(req);
      // Settings are the user's own business, and their administrator's.
      return me.extension === extension || me.role === 'admin' ? { ...entry, ...(await settingsView(s, user)) } : entry;
    });

    app.patch<{ Params: { domain: string; user: string }; Body: { ring_no_answer_timeout_s?: number; voicemail_greeting_index?: number; voicemail_pin?: string | null } }>(
      '/domains/:domain/users/:user',
      { schema: { body: settingsBody } },
      async (req) => {
        const owner = await resolveExistingOwner(req, req.params, s.store.users);
        const pin = req.body.voicemail_pin;
        // Checked before anything changes: a bad PIN (or greeting) leaves the other settings as they were too.
        if (typeof pin === 'string' && !validPin(pin)) throw badRequest('voicemail_pin', PIN_RULE_TEXT);
        const pinHash = typeof pin === 'string' ? await hashPin(pin) : null;
        const greeting = req.body.voicemail_greeting_index;
        // Checked first: a bad index changes nothing, not even the other settings in the body.
        if (greeting !== undefined && greeting !== 0 && !(await s.store.greetings.get(owner.domain, owner.extension, greeting))) {
          throw badRequest('voicemail_greeting_index', `voicemail_greeting_index: there is no greeting ${greeting} (0 is the default greeting)`);
        }
        if (greeting !== undefined) await s.store.greetings.activate(owner.domain, owner.extension, greeting);
        if (!(await s.store.users.updateSettings(owner.domain, owner.extension, { ringNoAnswerTimeoutS: req.body.ring_no_answer_timeout_s }))) {
          throw notFound('No such user');
        }
        if (pin !== undefined) await s.store.users.setVoicemailPin(owner.domain, owner.extension, pinHash);
        const user = await s.store.users.get(owner.domain, owner.extension);
        if (!user) throw notFound('No such user');
        return settingsView(s, user);
      },
    );
  };
}
