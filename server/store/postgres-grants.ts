/** The PostgreSQL mailbox-grant repository (see voicemail/grant-types.ts for the contract). */
import type { MailboxGrant, MailboxGrantRepo } from '../voicemail/grant-types.js';
import type { PgDb } from './postgres-pool.js';
import { toGrant } from './rows.js';

type Row = Record<string, unknown>;


export function pgGrantRepo(db: PgDb): MailboxGrantRepo {
  return {
    async grant(g) {
      return ((await db.query(`INSERT INTO mailbox_grants (domain, mailbox, grantee, granted_by, granted_at)
        VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, [g.domain, g.mailbox, g.grantee, g.grantedBy, g.grantedAt])).rowCount ?? 0) > 0;
    },
    async revoke(domain, mailbox, grantee) {
      return ((await db.query('DELETE FROM mailbox_grants WHERE domain = $1 AND mailbox = $2 AND grantee = $3', [domain, mailbox, grantee])).rowCount ?? 0) > 0;
    },
    // COLLATE "C": byte order, as SQLite sorts text.
    async forGrantee(domain, grantee) {
      return (await db.query<Row>('SELECT * FROM mailbox_grants WHERE domain = $1 AND grantee = $2 ORDER BY mailbox COLLATE "C"', [domain, grantee])).rows.map(toGrant);
    },
    async forMailbox(domain, mailbox) {
      return (await db.query<Row>('SELECT * FROM mailbox_grants WHERE domain = $1 AND mailbox = $2 ORDER BY grantee COLLATE "C"', [domain, mailbox])).rows.map(toGrant);
    },
    async has(domain, mailbox, grantee) {
      return (await db.query('SELECT 1 FROM mailbox_grants WHERE domain = $1 AND mailbox = $2 AND grantee = $3', [domain, mailbox, grantee])).rows.length > 0;
    },
  };
}
