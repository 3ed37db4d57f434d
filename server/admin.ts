/**
 * Administration from the command line, for real deployments:
 *   npm run admin -- add-domain acme.example ["Acme Ltd"]
 *   npm run admin -- add-user 2001@acme.example --name "Pat Lee" [--password X] [--admin] [--email pat@acme.example]
 *   npm run admin -- reset-password 2001@acme.example [--password X]
 *   npm run admin -- set-mfa 2001@acme.example on|off
 *   npm run admin -- list-users acme.example
 *   npm run admin -- grant-mailbox 2000@acme.example 2001@acme.example   (shared voicemail)
 *   npm run admin -- revoke-mailbox 2000@acme.example 2001@acme.example
 * A password that is not given is generated and printed once. Uses SWITCHBOARD_DATA like the server.
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { hashPassword } from './auth/passwords.js';
import { parseLogin } from './auth/service.js';
import { newTotpSecret, totpUri } from './auth/totp.js';
import { loadConfig } from './config.js';
import { openStore } from './store/open.js';
import { DEFAULT_RING_NO_ANSWER_TIMEOUT_S, type Store } from './store/types.js';

class UsageError extends Error {}

const USAGE = `usage: npm run admin -- <command>
  add-domain <domain> [description]
  add-user <ext@domain> --name "First Last" [--password P] [--email E] [--admin]
  reset-password <ext@domain> [--password P]
  set-mfa <ext@domain> on|off
  list-users <domain>
  grant-mailbox <mailbox ext@domain> <user ext@domain>
  revoke-mailbox <mailbox ext@domain> <user ext@domain>`;

function account(arg: string | undefined): { extension: string; domain: string } {
  const parsed = arg ? parseLogin(arg) : null;
  if (!parsed) throw new UsageError(`expected extension@domain, got "${arg ?? ''}"`);
  if (!/^[0-9A-Za-z._-]{1,32}$/.test(parsed.extension)) throw new UsageError('extension may use letters, digits, . _ - (at most 32)');
  return parsed;
}

const newPassword = () => randomBytes(12).toString('base64url');

export async function runAdmin(argv: string[], store: Store, out: (line: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: 'string' }, password: { type: 'string' }, email: { type: 'string' }, admin: { type: 'boolean' },
    },
  });
  const [command, ...rest] = positionals;
  switch (command) {
    case 'add-domain': {
      const name = rest[0]?.toLowerCase();
      if (!name || !/^[a-z0-9.-]{1,253}$/.test(name)) throw new UsageError('add-domain needs a domain name (letters, digits, dots, hyphens)');
      if (await store.domains.get(name)) throw new UsageError(`domain ${name} already exists`);
      await store.domains.create({ name, description: rest[1] ?? '', createdAt: Date.now() });
      out(`added domain ${name}`);
      return;
    }
    case 'add-user': {
      const { extension, domain } = account(rest[0]);
      if (!(await store.domains.get(domain))) throw new UsageError(`no domain ${domain}; add it first with add-domain`);
      if (await store.users.get(domain, extension)) throw new UsageError(`${extension}@${domain} already exists`);
      const [firstName = '', ...last] = (values.name ?? '').trim().split(/\s+/);
      if (!firstName) throw new UsageError('add-user needs --name "First Last"');
      const password = values.password ?? newPassword();
      await store.users.create({
        domain, extension, firstName, lastName: last.join(' '), email: values.email ?? '',
        role: values.admin ? 'admin' : 'user', passwordHash: await hashPassword(password), mfaSecret: null,
        ringNoAnswerTimeoutS: DEFAULT_RING_NO_ANSWER_TIMEOUT_S, createdAt: Date.now(),
      });
      out(`added ${extension}@${domain}${values.password ? '' : ` with password ${password}`}`);
      return;
    }
    case 'reset-password': {
      const { extension, domain } = account(rest[0]);
      const password = values.password ?? newPassword();
      if (!(await store.users.setPassword(domain, extension, await hashPassword(password)))) throw new UsageError(`no user ${extension}@${domain}`);
      out(`password of ${extension}@${domain} reset${values.password ? '' : ` to ${password}`}`);
      return;
    }
    case 'set-mfa': {
      const { extension, domain } = account(rest[0]);
      const on = rest[1] === 'on';
      if (!on && rest[1] !== 'off') throw new UsageError('set-mfa needs on or off');
      const secret = on ? newTotpSecret() : null;
      if (!(await store.users.setMfaSecret(domain, extension, secret))) throw new UsageError(`no user ${extension}@${domain}`);
      out(on ? `MFA on for ${extension}@${domain}; TOTP secret ${secret}\n${totpUri(secret!, `${extension}@${domain}`)}` : `MFA off for ${extension}@${domain}`);
      return;
    }
    case 'list-users': {
      const domain = rest[0]?.toLowerCase() ?? '';
      for (const u of await store.users.list(domain)) {
        out(`${u.extension}@${u.domain}\t${u.firstName} ${u.lastName}\t${u.role}${u.mfaSecret ? '\tmfa' : ''}`);
      }
      return;
    }
    case 'grant-mailbox':
    case 'revoke-mailbox': {
      const box = account(rest[0]);
      const user = account(rest[1]);
      if (box.domain !== user.domain) throw new UsageError('a mailbox is granted within its own domain');
      for (const a of [box, user]) if (!(await store.users.get(a.domain, a.extension))) throw new UsageError(`no user ${a.extension}@${a.domain}`);
      if (box.extension === user.extension) throw new UsageError('a mailbox is its own user\'s already');
      if (command === 'grant-mailbox') {
        const added = await store.mailboxGrants.grant({ domain: box.domain, mailbox: box.extension, grantee: user.extension, grantedBy: 'admin', grantedAt: Date.now() });
        out(`${user.extension}@${user.domain} ${added ? 'may now read' : 'could already read'} mailbox ${box.extension}@${box.domain}`);
      } else {
        const removed = await store.mailboxGrants.revoke(box.domain, box.extension, user.extension);
        out(`${user.extension}@${user.domain} ${removed ? 'may no longer read' : 'could not read'} mailbox ${box.extension}@${box.domain}`);
      }
      return;
    }
    default:
      throw new UsageError(command ? `unknown command "${command}"` : 'no command given');
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const store = await openStore(loadConfig());
  await runAdmin(process.argv.slice(2), store, (l) => process.stdout.write(l + '\n'))
    .catch((err: unknown) => {
      process.stderr.write(`${err instanceof UsageError ? `${err.message}\n${USAGE}` : (err as Error).stack}\n`);
      process.exitCode = 2;
    })
    .finally(() => store.close());
}
