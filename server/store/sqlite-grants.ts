/** The SQLite mailbox-grant repository (see voicemail/grant-types.ts for the contract). */
import type Database from 'better-sqlite3';
import { toGrant } from './rows.js';
import type { MailboxGrant, MailboxGrantRepo } from '../voicemail/grant-types.js';

type Row = Record<string, unknown>;


export function sqliteGrantRepo(db: Database.Database): MailboxGrantRepo {
  const insert = db.prepare(`INSERT INTO mailbox_grants (domain, mailbox, grantee, granted_by, granted_at)
    VALUES (@domain, @mailbox, @grantee, @grantedBy, @grantedAt) ON CONFLICT DO NOTHING`);
  const del = db.prepare('DELETE FROM mailbox_grants WHERE domain = ? AND mailbox = ? AND grantee = ?');
  const byGrantee = db.prepare('SELECT * FROM mailbox_grants WHERE domain = ? AND grantee = ? ORDER BY mailbox');
  const byMailbox = db.prepare('SELECT * FROM mailbox_grants WHERE domain = ? AND mailbox = ? ORDER BY grantee');
  const has = db.prepare('SELECT 1 FROM mailbox_grants WHERE domain = ? AND mailbox = ? AND grantee = ?');
  return {
    async grant(g) { return insert.run(g).changes > 0; },
    async revoke(domain, mailbox, grantee) { return del.run(domain, mailbox, grantee).changes > 0; },
    async forGrantee(domain, grantee) { return (byGrantee.all(domain, grantee) as Row[]).map(toGrant); },
    async forMailbox(domain, mailbox) { return (byMailbox.all(domain, mailbox) as Row[]).map(toGrant); },
    async has(domain, mailbox, grantee) { return has.get(domain, mailbox, grantee) !== undefined; },
  };
}
