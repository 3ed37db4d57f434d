/**
 * Live calls of a user and Switch Phone:
 *   GET  /api/v2/domains/{domain}/users/{user}/calls                               -> {calls: [LiveCall]}
 *   POST /api/v2/domains/{domain}/users/{user}/calls/{call_id}/switch             {device_id} -> 202 {offer_id, expires_at}
 *   POST /api/v2/domains/{domain}/users/{user}/calls/{call_id}/switch/{offer_id}/decline -> 204
 *   POST /api/v2/domains/{domain}/users/{user}/calls/{call_id}/recording          {recording} -> 204:
 *        I started (true) or stopped (false) recording my call; the other party is told.
 * The offer reaches the events sockets of the chosen device, which then takes the call over
 * itself with an INVITE carrying Replaces (RFC 3891) to the other party.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../app.js';
import { liveCallView } from '../../views/live-call.js';
import { principalOf, resolveOwner } from '../access.js';
import { ApiError, forbidden, notFound } from '../errors.js';
import type { SwitchOfferCreated } from '../../../src/data/wire.js';

type OwnerParams = { domain: string; user: string };

const switchBody = {
  type: 'object',
  required: ['device_id'],
  additionalProperties: false,
  properties: { device_id: { type: 'string', minLength: 1, maxLength: 100 } },
} as const;

const recordingBody = {
  type: 'object',
  required: ['recording'],
  additionalProperties: false,
  properties: { recording: { type: 'boolean' } },
} as const;

export function callRoutes(s: Services): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: OwnerParams }>('/domains/:domain/users/:user/calls', async (req) => {
      const owner = resolveOwner(req, req.params);
      return { calls: s.sip.callLegs(owner.domain, owner.extension).map(liveCallView) };
    });

    app.post<{ Params: OwnerParams & { call_id: string }; Body: { device_id: string } }>(
      '/domains/:domain/users/:user/calls/:call_id/switch',
      { schema: { body: switchBody } },
      async (req, reply) => {
        const owner = resolveOwner(req, req.params);
        const leg = s.sip.callLeg(owner.domain, owner.extension, req.params.call_id);
        if (!leg) throw notFound('No such call');
        const { dialog, me } = leg;
        const deviceId = req.body.device_id;
        const device = await s.store.devices.get(deviceId);
        const online = s.sip.registrations(owner.domain, owner.extension).some((r) => r.deviceId === deviceId);
        if (!device || device.domain !== owner.domain || device.extension !== owner.extension || !online) {
          throw notFound('No such device online');
        }
        if (deviceId === me.deviceId) throw new ApiError(409, 'conflict', 'The call is already on that device');
        const offer = s.switchOffers.create(dialog, me, deviceId);
        const created: SwitchOfferCreated = { offer_id: offer.id, expires_at: new Date(offer.expiresAt).toISOString() };
        return reply.code(202).send(created);
      },
    );

    // Only a party of the call speaks for its own recording: not an administrator for a user.
    app.post<{ Params: OwnerParams & { call_id: string }; Body: { recording: boolean } }>(
      '/domains/:domain/users/:user/calls/:call_id/recording',
      { schema: { body: recordingBody } },
      async (req, reply) => {
        const owner = resolveOwner(req, req.params);
        if (owner.extension !== principalOf(req).extension) throw forbidden('Only a party of the call says it is recording it');
        const leg = s.sip.callLeg(owner.domain, owner.extension, req.params.call_id);
        if (!leg) throw notFound('No such call');
        s.recordingNotices?.set(leg.dialog, leg.me, req.body.recording);
        return reply.code(204).send();
      },
    );

    app.post<{ Params: OwnerParams & { call_id: string; offer_id: string } }>(
      '/domains/:domain/users/:user/calls/:call_id/switch/:offer_id/decline',
      async (req, reply) => {
        const owner = resolveOwner(req, req.params);
        if (!s.switchOffers.decline(owner.domain, owner.extension, req.params.call_id, req.params.offer_id)) {
          throw notFound('No such offer');
        }
        return reply.code(204).send();
      },
    );
  };
}
