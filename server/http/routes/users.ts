/**
 * The organisation directory: GET /api/v2/domains/{domain}/users lists every user of my domain
 * with presence (whether any device is registered); GET .../users/{user} one of them.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../app.js';
import type { User } from '../../store/types.js';
import type { PresenceState } from '../../events/presence.js';
import { resolveDomain, resolveOwner } from '../access.js';
import { notFound } from '../errors.js';
import type { DirectoryEntry } from '../../../src/data/wire.js';

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

export function userRoutes(s: Services): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { domain: string } }>('/domains/:domain/users', async (req) => {
      const domain = resolveDomain(req, req.params.domain);
      const users = await s.store.users.list(domain);
      return users.map((u) => directoryEntry(u, s.registrar.isOnline(u.domain, u.extension), s.presence.state(u.domain, u.extension)));
    });

    app.get<{ Params: { domain: string; user: string } }>('/domains/:domain/users/:user', async (req) => {
      const domain = resolveDomain(req, req.params.domain);
      const extension = req.params.user === '~' ? resolveOwner(req, req.params).extension : req.params.user;
      const user = await s.store.users.get(domain, extension);
      if (!user) throw notFound('No such user');
      return directoryEntry(user, s.registrar.isOnline(domain, extension), s.presence.state(domain, extension));
    });
  };
}
