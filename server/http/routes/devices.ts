/**
 * SIP devices of a user: GET lists them (with their live registrations), POST creates one and
 * returns its SIP password exactly once (only its digest HA1 is stored), PATCH renames one,
 * DELETE removes it and drops its registrations. The web phone creates a device after login, so
 * the portal password never needs to be kept in the browser.
 *
 * Labels are names for people: a device created without one is named from the browser that
 * asked ("Chrome on Linux"), and a raw browser identifier given as a label is turned into such a
 * name too, so none is ever shown. Every change is announced (`devices-changed`) to the
 * user's events sockets.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../app.js';
import { principalOf, resolveExistingOwner } from '../access.js';
import { badRequest, notFound } from '../errors.js';
import { computeHa1 } from '../../sip/digest.js';
import { DEVICE_LABEL_MAX, describeUserAgent, isRawUserAgent, readableLabel } from '../../../src/data/device-label.js';
import type { Device } from '../../store/types.js';
import type { Registration } from '../../sip/queries.js';
import type { DeviceGrant, DeviceInfo, DeviceRegistration } from '../../../src/data/wire.js';

type OwnerParams = { domain: string; user: string };

const createBody = {
  type: 'object',
  additionalProperties: false,
  properties: {
    // Optional: without one the device is named from the request's User-Agent.
    label: { type: 'string', maxLength: 1000 },
    // The web phone's own device: it belongs to this login and goes when the login ends.
    login_scoped: { type: 'boolean' },
  },
} as const;

const renameBody = {
  type: 'object',
  required: ['label'],
  additionalProperties: false,
  properties: { label: { type: 'string', maxLength: 1000 } },
} as const;

/** Control characters (and the line and paragraph separators) have no place in a name. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** A label fit to show: trimmed, named from the user agent when empty or raw, else refused (400) in words. */
export function deviceLabelFrom(given: string | undefined, userAgent: string | undefined, required: boolean): string {
  const label = (given ?? '').trim().replace(/\s+/g, ' ');
  if (given !== undefined && CONTROL.test(given)) throw badRequest('label', 'A device name cannot contain control characters');
  if (!label) {
    if (required) throw badRequest('label', 'Give the device a name');
    return describeUserAgent(userAgent);
  }
  if (isRawUserAgent(label)) return describeUserAgent(label);
  if ([...label].length > DEVICE_LABEL_MAX) throw badRequest('label', `A device name is at most ${DEVICE_LABEL_MAX} characters`);
  return label;
}

/** One device as GET lists it; `bindings` are the user's live ones (lookup()). */
export function deviceView(d: Device, live: Registration[]): DeviceInfo {
  const registrations = live.filter((b) => b.deviceId === d.id).map((b): DeviceRegistration => ({
    contact: b.contact,
    user_agent: b.userAgent,
    online: b.online,
    registered_at: new Date(b.registeredAt).toISOString(),
    expires_at: new Date(b.expiresAt).toISOString(),
  }));
  return {
    id: d.id,
    label: readableLabel(d.label),
    sip_username: d.sipUsername,
    created_at: new Date(d.createdAt).toISOString(),
    last_seen_at: d.lastSeenAt ? new Date(d.lastSeenAt).toISOString() : null,
    online: registrations.some((r) => r.online),
    registrations,
  };
}

export function deviceRoutes(s: Services): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: OwnerParams }>('/domains/:domain/users/:user/devices', async (req): Promise<DeviceInfo[]> => {
      const owner = await resolveExistingOwner(req, req.params, s.store.users);
      const devices = await s.store.devices.listForUser(owner.domain, owner.extension);
      // lookup() returns only live bindings (unexpired, on an open flow): a device is online
      // while it has one.
      const live = s.sip.registrations(owner.domain, owner.extension);
      return devices.map((d) => deviceView(d, live));
    });

    app.post<{ Params: OwnerParams; Body: { label?: string; login_scoped?: boolean } }>(
      '/domains/:domain/users/:user/devices',
      { schema: { body: createBody } },
      async (req, reply) => {
        const owner = await resolveExistingOwner(req, req.params, s.store.users);
        const principal = principalOf(req);
        const own = owner.domain === principal.domain && owner.extension === principal.extension;
        if (req.body.login_scoped && !own) throw badRequest('login_scoped', 'login_scoped is only for a device of your own');
        const label = deviceLabelFrom(req.body.label, req.headers['user-agent'], false);
        const id = randomUUID();
        const sipUsername = `${owner.extension}-${randomBytes(4).toString('hex')}`;
        const password = randomBytes(18).toString('base64url');
        await s.store.devices.create({
          id, domain: owner.domain, extension: owner.extension, label,
          sipUsername, ha1: computeHa1(sipUsername, owner.domain, password), createdAt: Date.now(), lastSeenAt: null,
          loginFamily: req.body.login_scoped ? principal.session : null,
        });
        s.bus.emit('devices-changed', { domain: owner.domain, extension: owner.extension, deviceId: id, change: 'added' });
        void reply.code(201).header('Cache-Control', 'no-store');
        const grant: DeviceGrant = {
          id,
          label,
          sip: {
            uri: `sip:${owner.extension}@${owner.domain}`,
            authorization_user: sipUsername,
            password,
            realm: owner.domain,
            websocket_path: '/sip',
          },
        };
        return grant;
      },
    );

    /** The device `id` of the owner named in the path; another user's device is 404, as if it did not exist. */
    async function ownDevice(req: Parameters<typeof resolveExistingOwner>[0], params: OwnerParams & { id: string }) {
      const owner = await resolveExistingOwner(req, params, s.store.users);
      const device = await s.store.devices.get(params.id);
      if (!device || device.domain !== owner.domain || device.extension !== owner.extension) throw notFound('No such device');
      return device;
    }

    // Rename: the owner, or an administrator of the domain (who manages its devices).
    app.patch<{ Params: OwnerParams & { id: string }; Body: { label: string } }>(
      '/domains/:domain/users/:user/devices/:id',
      { schema: { body: renameBody } },
      async (req) => {
        const device = await ownDevice(req, req.params);
        const label = deviceLabelFrom(req.body.label, undefined, true);
        if (!(await s.store.devices.rename(device.id, label))) throw notFound('No such device');
        s.sip.relabelDevice(device.id, label);
        s.bus.emit('devices-changed', { domain: device.domain, extension: device.extension, deviceId: device.id, change: 'renamed' });
        return deviceView({ ...device, label }, s.sip.registrations(device.domain, device.extension));
      },
    );

    app.delete<{ Params: OwnerParams & { id: string } }>('/domains/:domain/users/:user/devices/:id', async (req, reply) => {
      const device = await ownDevice(req, req.params);
      await s.store.devices.delete(device.id);
      s.bus.emit('device-removed', { domain: device.domain, extension: device.extension, deviceId: device.id });
      return reply.code(204).send();
    });
  };
}
