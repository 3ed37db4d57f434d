/**
 * Call history: GET /api/v2/domains/{domain}/users/{user}/cdrs?limit=50&before={id}, newest
 * first, keyset-paged (`next_cursor` is the `before` of the next page).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Services } from '../app.js';
import { resolveExistingOwner } from '../access.js';
import { badRequest } from '../errors.js';
import type { CdrEntry, Page } from '../../../src/data/wire.js';
import { cdrView } from '../../views/cdr.js';

/** Query values arrive as text; this checks and converts one, naming it when it is wrong. */
export function wholeNumber(field: string, raw: string | undefined, min: number, max: number): number | undefined {
  if (raw === undefined) return undefined;
  const n = /^\d{1,16}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= min && n <= max)) throw badRequest(field, `${field} must be a whole number from ${min} to ${max}`);
  return n;
}

const query = {
  type: 'object',
  additionalProperties: false,
  properties: {
    limit: { type: 'string' },
    before: { type: 'string' },
  },
} as const;

export function cdrRoutes(s: Services): FastifyPluginAsync {
  return async (app) => {
    app.get<{ Params: { domain: string; user: string }; Querystring: { limit?: string; before?: string } }>(
      '/domains/:domain/users/:user/cdrs',
      { schema: { querystring: query } },
      async (req): Promise<Page<CdrEntry>> => {
        const owner = await resolveExistingOwner(req, req.params, s.store.users);
        const page = await s.store.cdrs.listForUser(owner.domain, owner.extension, {
          limit: wholeNumber('limit', req.query.limit, 1, 500) ?? 50,
          before: wholeNumber('before', req.query.before, 1, Number.MAX_SAFE_INTEGER),
        });
        return { items: page.items.map(cdrView), next_cursor: page.nextCursor };
      },
    );
  };
}
