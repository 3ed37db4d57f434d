/**
 * Who may touch which user's resources. Paths name `/domains/{domain}/users/{user}` where `~`
 * means the caller's own; a user reaches only their own data, a domain administrator every
 * user of their domain (except private data: resolveSelf), and nobody another domain.
 */
import type { FastifyRequest } from 'fastify';
import type { Principal } from '../auth/service.js';
import type { UserRepo } from '../store/types.js';
import type { MailboxGrantRepo } from '../voicemail/grant-types.js';
import { forbidden, notFound, unauthorized } from './errors.js';

export interface Owner {
  domain: string;
  extension: string;
}

export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw unauthorized();
  return req.principal;
}

export function resolveDomain(req: FastifyRequest, domainParam: string): string {
  const me = principalOf(req);
  const domain = domainParam === '~' ? me.domain : domainParam.toLowerCase();
  if (domain !== me.domain) throw forbidden();
  return domain;
}

export function resolveOwner(req: FastifyRequest, params: { domain: string; user: string }): Owner {
  const me = principalOf(req);
  const domain = resolveDomain(req, params.domain);
  const extension = params.user === '~' ? me.extension : params.user;
  if (extension !== me.extension && me.role !== 'admin') throw forbidden();
  return { domain, extension };
}

/**
 * resolveOwner, and the user named must exist: an administrator naming an extension that is no
 * user of the domain gets 404, not an empty list, nor a device or recording for nobody (a device
 * for an unknown extension used to fail on the store's foreign key with a 500).
 */
export async function resolveExistingOwner(req: FastifyRequest, params: { domain: string; user: string }, users: Pick<UserRepo, 'get'>): Promise<Owner> {
  const owner = resolveOwner(req, params);
  if (owner.extension !== principalOf(req).extension && !(await users.get(owner.domain, owner.extension))) throw notFound('No such user');
  return owner;
}

/**
 * A voicemail box: the user's own, any of the domain's for its administrator, and a box granted
 * to the user (shared voicemail). Anyone else is refused without learning whether it exists.
 */
export async function resolveMailbox(
  req: FastifyRequest,
  params: { domain: string; user: string },
  store: { users: Pick<UserRepo, 'get'>; mailboxGrants: Pick<MailboxGrantRepo, 'has'> },
): Promise<Owner> {
  const me = principalOf(req);
  const domain = resolveDomain(req, params.domain);
  const extension = params.user === '~' ? me.extension : params.user;
  if (extension === me.extension) return { domain, extension };
  if (me.role !== 'admin' && !(await store.mailboxGrants.has(domain, extension, me.extension))) throw forbidden();
  if (!(await store.users.get(domain, extension))) throw notFound('No such mailbox');
  return { domain, extension };
}

/**
 * For private resources (personal contacts): only the user themself. A domain administrator
 * manages users, devices and recordings of the domain, but a user's own address book is not
 * company data, so naming another user in the path is 403 for administrators too.
 */
export function resolveSelf(req: FastifyRequest, params: { domain: string; user: string }): Owner {
  const me = principalOf(req);
  const domain = resolveDomain(req, params.domain);
  const extension = params.user === '~' ? me.extension : params.user;
  if (extension !== me.extension) throw forbidden('Personal contacts are private to their owner');
  return { domain, extension };
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Route needs no access token. */
    public?: boolean;
  }
}
