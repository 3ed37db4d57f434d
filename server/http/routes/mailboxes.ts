/**
 * Shared voicemail:
 *   GET    /domains/{domain}/users/{user}/mailboxes               -> the boxes granted to the user, with counts
 *   GET    /domains/{domain}/mailboxes/{mailbox}/grants           -> who reads a box       (administrators)
 *   PUT    /domains/{domain}/mailboxes/{mailbox}/grants/{user}    -> grant: 201, or 200 if it was there
 *   DELETE /domains/{domain}/mailboxes/{mailbox}/grants/{user}    -> revoke: 204
 * The messages themselves are read through .../users/{mailbox}/voicemails (routes/voicemails.ts).
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Services } from '../app.js';
import { principalOf, resolveDomain, resolveExistingOwner } from '../access.js';
import { badRequest, forbidden, notFound } from '../errors.js';
import type { User } from '../../store/types.js';
import type { MailboxGrantView, SharedMailbox } from '../../../src/data/wire.js';

type GrantParams = { domain: string; mailbox: string; user: string };

const nameOf = (u: User | undefined, fallback: string) => (u ? `${u.firstName} ${u.lastName}`.trim() : '') || fallback;

export function mailboxRoutes(s: Services): FastifyPluginAsync {
  return async (app) => {
    /** The domain, for its administrator only. */
    function adminDomain(req: FastifyRequest, domain: string): string {
      const d = resolveDomain(req, domain);
      if (principalOf(req).role !== 'admin') throw forbidden('Only an administrator of the domain grants mailboxes');
      return d;
    }

    app.get<{ Params: { domain: string; user: string } }>('/domains/:domain/users/:user/mailboxes', async (req): Promise<SharedMailbox[]> => {
      const owner = await resolveExistingOwner(req, req.params, s.store.users);
      const grants = await s.store.mailboxGrants.forGrantee(owner.domain, owner.extension);
      return Promise.all(grants.map(async (g) => {
        const [box, counts] = await Promise.all([s.store.users.get(g.domain, g.mailbox), s.store.voicemails.counts(g.domain, g.mailbox)]);
        return { mailbox: g.mailbox, name: nameOf(box, g.mailbox), new: counts.new, save: counts.save };
      }));
    });

    app.get<{ Params: { domain: string; mailbox: string } }>('/domains/:domain/mailboxes/:mailbox/grants', async (req): Promise<MailboxGrantView[]> => {
      const domain = adminDomain(req, req.params.domain);
      if (!(await s.store.users.get(domain, req.params.mailbox))) throw notFound('No such mailbox');
      const grants = await s.store.mailboxGrants.forMailbox(domain, req.params.mailbox);
      return Promise.all(grants.map(async (g) => ({
        mailbox: g.mailbox, grantee: g.grantee, grantee_name: nameOf(await s.store.users.get(domain, g.grantee), g.grantee),
        granted_by: g.grantedBy, granted_at: new Date(g.grantedAt).toISOString(),
      })));
    });

    app.put<{ Params: GrantParams }>('/domains/:domain/mailboxes/:mailbox/grants/:user', async (req, reply) => {
      const domain = adminDomain(req, req.params.domain);
      const { mailbox, user } = req.params;
      if (!(await s.store.users.get(domain, mailbox))) throw notFound('No such mailbox');
      if (!(await s.store.users.get(domain, user))) throw badRequest('user', `There is no user ${user} in ${domain} to grant the mailbox to`);
      if (mailbox === user) throw badRequest('user', 'A mailbox is its own user\'s already');
      const me = principalOf(req);
      const added = await s.store.mailboxGrants.grant({ domain, mailbox, grantee: user, grantedBy: `${me.extension}@${me.domain}`, grantedAt: Date.now() });
      return reply.code(added ? 201 : 200).send({ mailbox, grantee: user });
    });

    app.delete<{ Params: GrantParams }>('/domains/:domain/mailboxes/:mailbox/grants/:user', async (req, reply) => {
      const domain = adminDomain(req, req.params.domain);
      if (!(await s.store.mailboxGrants.revoke(domain, req.params.mailbox, req.params.user))) throw notFound('No such grant');
      return reply.code(204).send();
    });
  };
}
