/**
 * SIP devices of a user: GET lists them (with their live registrations), POST creates one and
 * returns its SIP password exactly once (only its digest HA1 is stored), DELETE removes it and
 * drops its registrations. The web phone creates a device after login, so the portal password
 * never needs to be kept in the browser.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../app.js';
import { principalOf, resolveExistingOwner } from '../access.js';
import { badRequest, notFound } from '../errors.js';
import { computeHa1 } from '../../sip/digest.js';

type OwnerParams = { domain: string; user: string };

const createBody = {
  type: 'object',
  required: ['label'],
  additionalProperties: false,
  properties: {
    label: { type: 'string', minLength: 1, maxLength: 80 },
    // The web phone's own device: it belongs to this login and goes when the login ends.
    login_scoped: { type: 'boolean' },
  },
} as const;

export function deviceRoutes(s: Services): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: OwnerParams }>('/domains/:domain/users/:user/devices', async (req) => {
      const owner = await resolveExistingOwner(req, req.params, s.store.users);
      const devices = await s.store.devices.listForUser(owner.domain, owner.extension);
      // lookup() returns only live bindings (unexpired, on an open flow): a device is online
      // while it has one.
      const bindings = s.registrar.lookup(owner.domain, owner.extension);
      return devices.map((d) => {
        const registrations = bindings.filter((b) => b.deviceId === d.id).map((b) => ({
          contact: b.contact,
          user_agent: b.userAgent,
          online: b.flow.isOpen,
          registered_at: new Date(b.registeredAt).toISOString(),
          expires_at: new Date(b.expiresAt).toISOString(),
        }));
        return {
          id: d.id,
          label: d.label,
          sip_username: d.sipUsername,
          created_at: new Date(d.createdAt).toISOString(),
          last_seen_at: d.lastSeenAt ? new Date(d.lastSeenAt).toISOString() : null,
          online: registrations.some((r) => r.online),
          registrations,
        };
      });
    });

    app.post<{ Params: OwnerParams; Body: { label: string; login_scoped?: boolean } }>(
      '/domains/:domain/users/:user/devices',
      { schema: { body: createBody } },
      async (req, reply) => {
        const owner = await resolveExistingOwner(req, req.params, s.store.users);
        const principal = principalOf(req);
        const own = owner.domain === principal.domain && owner.extension === principal.extension;
        if (req.body.login_scoped && !own) throw badRequest('login_scoped', 'login_scoped is only for a device of your own');
        const id = randomUUID();
        const sipUsername = `${owner.extension}-${randomBytes(4).toString('hex')}`;
        const password = randomBytes(18).toString('base64url');
        await s.store.devices.create({
          id, domain: owner.domain, extension: owner.extension, label: req.body.label.trim(),
          sipUsername, ha1: computeHa1(sipUsername, owner.domain, password), createdAt: Date.now(), lastSeenAt: null,
          loginFamily: req.body.login_scoped ? principal.session : null,
        });
        void reply.code(201).header('Cache-Control', 'no-store');
        return {
          id,
          label: req.body.label.trim(),
          sip: {
            uri: `sip:${owner.extension}@${owner.domain}`,
            authorization_user: sipUsername,
            password,
            realm: owner.domain,
            websocket_path: '/sip',
          },
        };
      },
    );

    app.delete<{ Params: OwnerParams & { id: string } }>('/domains/:domain/users/:user/devices/:id', async (req, reply) => {
      const owner = await resolveExistingOwner(req, req.params, s.store.users);
      const device = await s.store.devices.get(req.params.id);
      if (!device || device.domain !== owner.domain || device.extension !== owner.extension) throw notFound('No such device');
      await s.store.devices.delete(device.id);
      s.bus.emit('device-removed', { domain: device.domain, extension: device.extension, deviceId: device.id });
      return reply.code(204).send();
    });
  };
}
