/**
 * Time frames (NetSapiens shape): when an answering rule applies.
 *   GET/POST          /domains/{domain}/users/{user}/timeframes        a user's own (the user, or their domain's administrator)
 *   GET/PUT/DELETE    /domains/{domain}/users/{user}/timeframes/{id}
 *   GET/POST          /domains/{domain}/timeframes                     the organisation's: read by its users, written by its administrators
 *   GET/PUT/DELETE    /domains/{domain}/timeframes/{id}
 *   GET/PATCH         /domains/{domain}                                the organisation, with its `time_zone` (PATCH: administrators)
 * Every frame is shown with `matches_now`, judged by the platform's clock in the zone of the user
 * whose frames they are (their own zone, else the organisation's); organisation frames in the
 * reader's. A frame used by an answering rule cannot be deleted (409 naming the rule's user).
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Services } from '../app.js';
import { principalOf, resolveDomain, resolveExistingOwner, type Owner } from '../access.js';
import { ApiError, badRequest, forbidden, notFound } from '../errors.js';
import { checkTimeFrame } from '../../rules/validate.js';
import { frameMatches, isTimeZone } from '../../rules/time-frame-match.js';
import { TimeFrameInUseError, type TimeFrameRecord } from '../../rules/types.js';
import { constraintViolation } from '../../store/errors.js';
import type { TimeFrameInput, TimeFrameView } from '../../../src/data/wire.js';

type OwnerParams = { domain: string; user: string };
type DomainParams = { domain: string };

export function timeFrameView(f: TimeFrameRecord, at: number, timeZone: string): TimeFrameView {
  const view: TimeFrameView = { id: f.id, name: f.name, scope: f.owner === null ? 'domain' : 'user', kind: f.kind, matches_now: frameMatches(f, at, timeZone) };
  if (f.days !== undefined) view.days = f.days;
  if (f.dates !== undefined) view.dates = f.dates;
  if (f.holidays !== undefined) view.holidays = f.holidays;
  if (f.yearly !== undefined) view.yearly = f.yearly;
  return view;
}

export function timeFrameRoutes(s: Services): FastifyPluginAsync {
  return async (app) => {
    const zoneOf = async (domain: string, extension: string) => (await s.rules.load(domain, extension)).timeZone;
    const view = async (f: TimeFrameRecord, reader: Owner) => timeFrameView(f, s.now(), await zoneOf(reader.domain, reader.extension));

    const checked = (body: unknown): TimeFrameInput => {
      const c = checkTimeFrame(body);
      if (!c.ok) throw badRequest(c.field, c.message);
      return c.value;
    };
    /** The store's answers to a write, as the API says them. */
    const write = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      try {
        return await fn();
      } catch (err) {
        if (constraintViolation(err) === 'unique') throw new ApiError(409, 'conflict', `There is already a time frame named "${name}"`, 'name');
        throw err;
      }
    };
    const remove = async (domain: string, id: string): Promise<boolean> => {
      try {
        return await s.store.timeFrames.delete(domain, id);
      } catch (err) {
        if (err instanceof TimeFrameInUseError) {
          throw new ApiError(409, 'time_frame_in_use', `The time frame "${err.frameName}" is used by the answering rule of ${err.extension}`);
        }
        throw err;
      }
    };
    async function ownFrame(req: FastifyRequest, params: OwnerParams & { id: string }): Promise<{ owner: Owner; frame: TimeFrameRecord }> {
      const owner = await resolveExistingOwner(req, params, s.store.users);
      const frame = await s.store.timeFrames.get(owner.domain, params.id);
      if (!frame || frame.owner !== owner.extension) throw notFound('No such time frame');
      return { owner, frame };
    }
    async function orgFrame(req: FastifyRequest, params: DomainParams & { id: string }, write: boolean): Promise<TimeFrameRecord> {
      const domain = adminOrReader(req, params.domain, write);
      const frame = await s.store.timeFrames.get(domain, params.id);
      if (!frame || frame.owner !== null) throw notFound('No such time frame');
      return frame;
    }
    function adminOrReader(req: FastifyRequest, domainParam: string, write: boolean): string {
      const domain = resolveDomain(req, domainParam);
      if (write && principalOf(req).role !== 'admin') throw forbidden('Only an administrator of the organisation changes its time frames');
      return domain;
    }
    const me = (req: FastifyRequest): Owner => ({ domain: principalOf(req).domain, extension: principalOf(req).extension });

    // ---- a user's own
    app.get<{ Params: OwnerParams }>('/domains/:domain/users/:user/timeframes', async (req): Promise<TimeFrameView[]> => {
      const owner = await resolveExistingOwner(req, req.params, s.store.users);
      const zone = await zoneOf(owner.domain, owner.extension);
      return (await s.store.timeFrames.list(owner.domain, owner.extension)).map((f) => timeFrameView(f, s.now(), zone));
    });
    app.post<{ Params: OwnerParams }>('/domains/:domain/users/:user/timeframes', async (req, reply) => {
      const owner = await resolveExistingOwner(req, req.params, s.store.users);
      const input = checked(req.body);
      const frame = await write(input.name, () => s.store.timeFrames.create(owner.domain, owner.extension, input));
      await s.ruleEvents.changed(owner.domain, owner.extension);
      return reply.code(201).send(await view(frame, owner));
    });
    app.get<{ Params: OwnerParams & { id: string } }>('/domains/:domain/users/:user/timeframes/:id', async (req) => {
      const { owner, frame } = await ownFrame(req, req.params);
      return view(frame, owner);
    });
    app.put<{ Params: OwnerParams & { id: string } }>('/domains/:domain/users/:user/timeframes/:id', async (req) => {
      const { owner, frame } = await ownFrame(req, req.params);
      const input = checked(req.body);
      const updated = await write(input.name, () => s.store.timeFrames.update(owner.domain, frame.id, input));
      if (!updated) throw notFound('No such time frame');
      await s.ruleEvents.changed(owner.domain, owner.extension);
      return view(updated, owner);
    });
    app.delete<{ Params: OwnerParams & { id: string } }>('/domains/:domain/users/:user/timeframes/:id', async (req, reply) => {
      const { owner, frame } = await ownFrame(req, req.params);
      if (!(await remove(owner.domain, frame.id))) throw notFound('No such time frame');
      await s.ruleEvents.changed(owner.domain, owner.extension);
      return reply.code(204).send();
    });

    // ---- the organisation's
    app.get<{ Params: DomainParams }>('/domains/:domain/timeframes', async (req): Promise<TimeFrameView[]> => {
      const domain = adminOrReader(req, req.params.domain, false);
      const zone = await zoneOf(domain, principalOf(req).extension);
      return (await s.store.timeFrames.list(domain, null)).map((f) => timeFrameView(f, s.now(), zone));
    });
    app.post<{ Params: DomainParams }>('/domains/:domain/timeframes', async (req, reply) => {
      const domain = adminOrReader(req, req.params.domain, true);
      const input = checked(req.body);
      const frame = await write(input.name, () => s.store.timeFrames.create(domain, null, input));
      await s.ruleEvents.changed(domain);
      return reply.code(201).send(await view(frame, me(req)));
    });
    app.get<{ Params: DomainParams & { id: string } }>('/domains/:domain/timeframes/:id', async (req) => view(await orgFrame(req, req.params, false), me(req)));
    app.put<{ Params: DomainParams & { id: string } }>('/domains/:domain/timeframes/:id', async (req) => {
      const frame = await orgFrame(req, req.params, true);
      const input = checked(req.body);
      const updated = await write(input.name, () => s.store.timeFrames.update(frame.domain, frame.id, input));
      if (!updated) throw notFound('No such time frame');
      await s.ruleEvents.changed(frame.domain);
      return view(updated, me(req));
    });
    app.delete<{ Params: DomainParams & { id: string } }>('/domains/:domain/timeframes/:id', async (req, reply) => {
      const frame = await orgFrame(req, req.params, true);
      if (!(await remove(frame.domain, frame.id))) throw notFound('No such time frame');
      await s.ruleEvents.changed(frame.domain);
      return reply.code(204).send();
    });

    // ---- the organisation and its time zone
    const domainView = async (name: string) => {
      const d = await s.store.domains.get(name);
      if (!d) throw notFound('No such domain');
      return { domain: d.name, description: d.description, time_zone: d.timeZone ?? 'UTC' };
    };
    app.get<{ Params: DomainParams }>('/domains/:domain', async (req) => domainView(resolveDomain(req, req.params.domain)));
    app.patch<{ Params: DomainParams; Body: { time_zone: string } }>('/domains/:domain', {
      schema: { body: { type: 'object', additionalProperties: false, required: ['time_zone'], properties: { time_zone: { type: 'string', maxLength: 64 } } } },
    }, async (req) => {
      const domain = resolveDomain(req, req.params.domain);
      if (principalOf(req).role !== 'admin') throw forbidden('Only an administrator sets the organisation\'s time zone');
      const zone = req.body.time_zone;
      if (!isTimeZone(zone)) throw badRequest('time_zone', `"${zone}" is not a time zone`);
      if (!(await s.store.domains.setTimeZone(domain, zone))) throw notFound('No such domain');
      await s.ruleEvents.changed(domain);
      return domainView(domain);
    });
  };
}
