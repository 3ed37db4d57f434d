/**
 * A user's answering rules (NetSapiens shape), the user's or their domain administrator's:
 *   GET    /domains/{domain}/users/{user}/answerrules            AnswerRuleView[] in priority order (the default `*` last)
 *   POST   .../answerrules          {time_frame_id, ...actions}  a rule for a frame of mine or my organisation's, above the default
 *   GET    .../answerrules/{id}     id: the time frame's id, or `*` for the default rule
 *   PUT    .../answerrules/{id}     the whole rule (actions and enabled)
 *   DELETE .../answerrules/{id}     (not the default)
 *   PUT    .../answerrules/reorder  {order: [...every rule's id, "*" last]}
 *   PUT    /domains/{domain}/users/{user}/dnd  {enabled}  the quick Do Not Disturb toggle
 * Exactly one rule is `is_active`: judged by the platform's clock in the user's zone. Bad input is
 * 400 {field, message} in words, and nothing is stored: the structure (rules/validate.ts), then
 * every destination (an extension of the domain; no call queues yet; outside numbers kept as they
 * are), and no rule forwards all calls to its own extension.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Services } from '../app.js';
import { resolveExistingOwner, type Owner } from '../access.js';
import { ApiError, badRequest, notFound } from '../errors.js';
import { checkAnswerRule, FORWARDS } from '../../rules/validate.js';
import { actionsOf, RuleOrderError } from '../../store/answer-rule-changes.js';
import { constraintViolation } from '../../store/errors.js';
import type { AnswerRuleActions, AnswerRuleView, RuleDestination } from '../../../src/data/wire.js';

type OwnerParams = { domain: string; user: string };
type RuleParams = OwnerParams & { id: string };

/** The name of the user's own frame the quick toggle uses. */
export const DND_FRAME_NAME = 'Do Not Disturb';

const idOf = (raw: string): string | null => (raw === '*' ? null : raw);

export function answerRuleRoutes(s: Services): FastifyPluginAsync {
  return async (app) => {
    /** The user's rules as views, judged now; the frames' names from what the user may use. */
    async function views(owner: Owner): Promise<AnswerRuleView[]> {
      const loaded = await s.rules.load(owner.domain, owner.extension);
      const { rule: active } = await s.rules.activeRuleOf(owner.domain, owner.extension);
      return loaded.rules.map((r) => ({
        time_frame_id: r.timeFrameId,
        time_frame_name: r.timeFrameId === null ? 'Always' : loaded.frames.get(r.timeFrameId)?.name ?? r.timeFrameId,
        enabled: r.enabled,
        order: r.order,
        is_active: r.timeFrameId === active.timeFrameId,
        ...actionsOf(r),
      }));
    }
    async function one(owner: Owner, id: string | null): Promise<AnswerRuleView> {
      const found = (await views(owner)).find((v) => v.time_frame_id === id);
      if (!found) throw notFound('No such answering rule');
      return found;
    }
    /** Tell and forget, then read again. */
    async function changed(owner: Owner): Promise<void> {
      await s.ruleEvents.changed(owner.domain, owner.extension);
    }

    /** Structure, then destinations; throws 400 naming the first problem. */
    async function checked(owner: Owner, body: unknown, isDefault: boolean): Promise<AnswerRuleActions & { enabled: boolean }> {
      const c = checkAnswerRule(body, { isDefault });
      if (!c.ok) throw badRequest(c.field, c.message);
      const rule = c.value;
      const places: Array<[string, string, RuleDestination]> = [];
      for (const [key, label] of Object.entries(FORWARDS) as Array<[keyof typeof FORWARDS, string]>) {
        const d = rule[key].destination;
        if (d) places.push([`${key}.destination`, label, d]);
      }
      rule.simultaneous_ring.targets.forEach((t, i) => {
        const field = `simultaneous_ring.targets[${i}].destination`;
        // A mailbox would answer at once and end the ringing: only people ring at the same time.
        if (t.destination.kind === 'voicemail') throw badRequest(`${field}.kind`, 'Simultaneous ring rings people, not a voicemail box');
        places.push([field, 'Simultaneous ring', t.destination]);
      });
      for (const [field, label, d] of places) {
        if (d.kind === 'queue') throw badRequest(`${field}.kind`, 'Call queues are not set up on this phone system');
        if (d.kind === 'number') continue;
        if (!(await s.store.users.get(owner.domain, d.extension))) throw badRequest(`${field}.extension`, `${label}: there is no extension ${d.extension}`);
      }
      const always = rule.forward_always;
      if (always.enabled && always.destination?.kind === 'user' && always.destination.extension === owner.extension) {
        throw badRequest('forward_always.destination', `Forward always cannot send calls to this rule's own extension (${owner.extension})`);
      }
      if (rule.simultaneous_ring.targets.some((t) => t.destination.kind === 'user' && t.destination.extension === owner.extension)) {
        throw badRequest('simultaneous_ring.targets', `Simultaneous ring already rings ${owner.extension}'s own devices; list other extensions or numbers`);
      }
      return rule;
    }

    const base = '/domains/:domain/users/:user/answerrules';
    const owner = (req: FastifyRequest<{ Params: OwnerParams }>) => resolveExistingOwner(req, req.params, s.store.users);

    app.get<{ Params: OwnerParams }>(base, async (req) => views(await owner(req)));

    app.post<{ Params: OwnerParams }>(base, async (req, reply) => {
      const o = await owner(req);
      const body = req.body as Record<string, unknown> | null;
      const frameId = body && typeof body === 'object' ? body.time_frame_id : undefined;
      if (typeof frameId !== 'string' || !frameId) throw badRequest('time_frame_id', 'A new answering rule needs the time frame it applies in (time_frame_id)');
      const frame = await s.store.timeFrames.get(o.domain, frameId);
      if (!frame || (frame.owner !== null && frame.owner !== o.extension)) {
        throw badRequest('time_frame_id', `There is no time frame ${frameId} that ${o.extension} may use`);
      }
      const { time_frame_id: _id, ...rest } = body as Record<string, unknown>;
      const rule = await checked(o, rest, false);
      const inUse = () => new ApiError(409, 'conflict', `The time frame "${frame.name}" already has an answering rule`, 'time_frame_id');
      if ((await s.store.answerRules.list(o.domain, o.extension)).some((r) => r.timeFrameId === frame.id)) throw inUse();
      try {
        await s.store.answerRules.create(o.domain, o.extension, frame.id, rule);
      } catch (err) {
        if (constraintViolation(err) === 'unique') throw inUse();
        throw err;
      }
      await changed(o);
      return reply.code(201).send(await one(o, frame.id));
    });

    // Before ':id' by Fastify's rule (a static segment wins), so "reorder" is never a rule's id.
    app.put<{ Params: OwnerParams; Body: { order: string[] } }>(`${base}/reorder`, {
      schema: { body: { type: 'object', additionalProperties: false, required: ['order'], properties: { order: { type: 'array', maxItems: 1000, items: { type: 'string', maxLength: 200 } } } } },
    }, async (req) => {
      const o = await owner(req);
      try {
        await s.store.answerRules.reorder(o.domain, o.extension, req.body.order.map(idOf));
      } catch (err) {
        if (err instanceof RuleOrderError) throw badRequest('order', err.message);
        throw err;
      }
      await changed(o);
      return views(o);
    });

    app.get<{ Params: RuleParams }>(`${base}/:id`, async (req) => one(await owner(req), idOf(req.params.id)));

    app.put<{ Params: RuleParams }>(`${base}/:id`, async (req) => {
      const o = await owner(req);
      const id = idOf(req.params.id);
      await one(o, id); // 404 before judging the body
      const body = req.body as Record<string, unknown> | null;
      if (body && typeof body === 'object' && 'time_frame_id' in body && body.time_frame_id !== (id ?? null) && body.time_frame_id !== req.params.id) {
        throw badRequest('time_frame_id', 'A rule stays with its time frame: create a rule for the other frame instead');
      }
      const { time_frame_id: _id, ...rest } = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
      const rule = await checked(o, body && typeof body === 'object' ? rest : body, id === null);
      if (!(await s.store.answerRules.update(o.domain, o.extension, id, rule))) throw notFound('No such answering rule');
      await changed(o);
      return one(o, id);
    });

    app.delete<{ Params: RuleParams }>(`${base}/:id`, async (req, reply) => {
      const o = await owner(req);
      const id = idOf(req.params.id);
      if (id === null) throw badRequest('id', 'The default rule cannot be deleted (it applies when no other does)');
      if (!(await s.store.answerRules.delete(o.domain, o.extension, id))) throw notFound('No such answering rule');
      await changed(o);
      return reply.code(204).send();
    });

    app.put<{ Params: OwnerParams; Body: { enabled: boolean } }>('/domains/:domain/users/:user/dnd', {
      schema: { body: { type: 'object', additionalProperties: false, required: ['enabled'], properties: { enabled: { type: 'boolean' } } } },
    }, async (req) => {
      const o = await owner(req);
      try {
        await s.store.answerRules.setDoNotDisturb(o.domain, o.extension, req.body.enabled, DND_FRAME_NAME, s.now());
      } catch (err) {
        // The user has a frame of that name of another kind.
        if (constraintViolation(err) === 'unique') {
          throw new ApiError(409, 'conflict', `Rename your time frame "${DND_FRAME_NAME}": the Do Not Disturb switch needs that name for its own`);
        }
        throw err;
      }
      await changed(o);
      if (!req.body.enabled) {
        // The switch turned its own rule off, but another active rule may say DND too.
        const loaded = await s.rules.load(o.domain, o.extension);
        const { rule: active } = await s.rules.activeRuleOf(o.domain, o.extension);
        if (active.do_not_disturb) {
          const name = active.timeFrameId === null ? 'Always' : loaded.frames.get(active.timeFrameId)?.name ?? active.timeFrameId;
          throw new ApiError(409, 'conflict', `Do Not Disturb comes from your answering rule "${name}": change or disable that rule`);
        }
      }
      return views(o);
    });
  };
}
