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
import { DialogRegistry, type DialogParty, type LiveDialog } from '../../sip/dialogs.js';
import { principalOf, resolveOwner } from '../access.js';
import { ApiError, forbidden, notFound } from '../errors.js';
import type { LiveCall, SwitchOfferCreated } from '../../../src/data/wire.js';

/** One leg of a live dialog as its user sees it (also the shape of the `calls` event). */
export function liveCallView(dialog: LiveDialog, me: DialogParty): LiveCall {
  const other = me === dialog.caller ? dialog.callee : dialog.caller;
  return {
    call_id: dialog.callId,
    device_id: me.deviceId,
    device_label: me.deviceLabel,
    local_tag: me.tag,
    remote_tag: other.tag,
    remote: { number: other.extension, name: other.name },
    direction: me === dialog.caller ? 'outbound' : 'inbound',
    since: new Date(dialog.startedAt).toISOString(),
  };
}

export type LiveCallView = LiveCall;

/** Every leg a user has in live dialogs (both legs when they call their own other device). */
export function liveCallsOf(dialogs: DialogRegistry, domain: string, extension: string): LiveCallView[] {
  const out: LiveCallView[] = [];
  for (const d of dialogs.dialogsOf(domain, extension)) {
    for (const p of [d.caller, d.callee]) if (p.domain === domain && p.extension === extension) out.push(liveCallView(d, p));
  }
  return out;
}

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
      return { calls: liveCallsOf(s.dialogs, owner.domain, owner.extension) };
    });

    app.post<{ Params: OwnerParams & { call_id: string }; Body: { device_id: string } }>(
      '/domains/:domain/users/:user/calls/:call_id/switch',
      { schema: { body: switchBody } },
      async (req, reply) => {
        const owner = resolveOwner(req, req.params);
        const dialog = s.dialogs.dialogsOf(owner.domain, owner.extension).find((d) => d.callId === req.params.call_id);
        const me = dialog && DialogRegistry.sideOf(dialog, owner.domain, owner.extension)?.me;
        if (!dialog || !me) throw notFound('No such call');
        const deviceId = req.body.device_id;
        const device = await s.store.devices.get(deviceId);
        const online = s.registrar.lookup(owner.domain, owner.extension).some((b) => b.deviceId === deviceId);
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
        const dialog = s.dialogs.dialogsOf(owner.domain, owner.extension).find((d) => d.callId === req.params.call_id);
        const me = dialog && DialogRegistry.sideOf(dialog, owner.domain, owner.extension)?.me;
        if (!dialog || !me) throw notFound('No such call');
        s.recordingNotices?.set(dialog, me, req.body.recording);
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
