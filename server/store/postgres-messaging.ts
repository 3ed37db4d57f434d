/**
 * The PostgreSQL messaging repository (see messaging/types.ts for the contract). SQLite numbers
 * a message with MAX(seq) + 1 under its single writer; here two sends at once would read the same
 * MAX, so a send first locks its session's row (SELECT ... FOR UPDATE): sends to one session
 * take turns, sends to different sessions do not wait for each other. A repeated client id meets
 * the unique index (ON CONFLICT DO NOTHING), and the message sent first is returned.
 */
import type { PgDb } from './postgres-pool.js';
import { toMessageSession, toSessionMember, toSmsNumber, toStoredAttachment, toStoredMessage, type Row } from './rows.js';
import type { MessagingRepo } from '../messaging/types.js';

export function pgMessagingRepo(db: PgDb): MessagingRepo {
  const one = async (text: string, values: unknown[]): Promise<Row | undefined> => (await db.query<Row>(text, values)).rows[0];
  const all = async (text: string, values: unknown[]): Promise<Row[]> => (await db.query<Row>(text, values)).rows;
  return {
    openSession: (s, list) => db.transaction(async (tx) => {
      const ins = await tx.query(`INSERT INTO message_sessions (id, domain, kind, local_number, remote_number, party_key, created_at, updated_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (domain, party_key) DO NOTHING`,
      [s.id, s.domain, s.kind, s.localNumber, s.remoteNumber, s.partyKey, s.createdAt, s.updatedAt]);
      const created = (ins.rowCount ?? 0) > 0;
      const session = toMessageSession((await tx.query<Row>('SELECT * FROM message_sessions WHERE domain = $1 AND party_key = $2', [s.domain, s.partyKey])).rows[0]!);
      if (created) {
        for (const ext of list) await tx.query('INSERT INTO session_members (session_id, extension, joined_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING', [session.id, ext, s.createdAt]);
      }
      return { session, created };
    }),
    async getSession(id) { const r = await one('SELECT * FROM message_sessions WHERE id = $1', [id]); return r && toMessageSession(r); },
    async members(id) { return (await all('SELECT * FROM session_members WHERE session_id = $1 ORDER BY joined_at, extension COLLATE "C"', [id])).map(toSessionMember); },
    async sessionsOf(domain, ext) {
      return (await all(`SELECT s.* FROM message_sessions s JOIN session_members m ON m.session_id = s.id
        WHERE s.domain = $1 AND m.extension = $2 AND m.left_at IS NULL AND NOT m.hidden ORDER BY s.updated_at DESC, s.id COLLATE "C"`, [domain, ext])).map(toMessageSession);
    },
    async addMember(id, ext, at) {
      await db.query(`INSERT INTO session_members (session_id, extension, joined_at) VALUES ($1, $2, $3)
        ON CONFLICT (session_id, extension) DO UPDATE SET left_at = NULL, hidden = false, joined_at = excluded.joined_at WHERE session_members.left_at IS NOT NULL`, [id, ext, at]);
    },
    async leave(id, ext, at) {
      return ((await db.query('UPDATE session_members SET left_at = $1 WHERE session_id = $2 AND extension = $3 AND left_at IS NULL', [at, id, ext])).rowCount ?? 0) > 0;
    },
    async setHidden(id, ext, hidden) { await db.query('UPDATE session_members SET hidden = $1 WHERE session_id = $2 AND extension = $3', [hidden, id, ext]); },
    addMessage: (m, attachmentIds) => db.transaction(async (tx) => {
      await tx.query('SELECT id FROM message_sessions WHERE id = $1 FOR UPDATE', [m.sessionId]);
      const ins = await tx.query<Row>(`INSERT INTO messages (id, session_id, seq, client_id, sender, type, text, status, failure_reason, carrier_id, sent_at)
        SELECT $1, $2, COALESCE(MAX(seq), 0) + 1, $3, $4, $5, $6, $7, $8, $9, $10 FROM messages WHERE session_id = $2
        ON CONFLICT (session_id, sender, client_id) DO NOTHING RETURNING *`,
      [m.id, m.sessionId, m.clientId, m.sender, m.type, m.text, m.status, m.failureReason, m.carrierId, m.sentAt]);
      const r = ins.rows[0];
      if (!r) {
        const existing = (await tx.query<Row>('SELECT * FROM messages WHERE session_id = $1 AND sender = $2 AND client_id = $3', [m.sessionId, m.sender, m.clientId])).rows[0]!;
        return { message: toStoredMessage(existing), created: false };
      }
      for (const a of attachmentIds) await tx.query('UPDATE attachments SET message_id = $1 WHERE id = $2 AND owner = $3 AND message_id IS NULL', [m.id, a, m.sender]);
      await tx.query('UPDATE message_sessions SET updated_at = GREATEST(updated_at, $1) WHERE id = $2', [m.sentAt, m.sessionId]);
      await tx.query('UPDATE session_members SET hidden = false WHERE session_id = $1 AND hidden', [m.sessionId]);
      return { message: toStoredMessage(r), created: true };
    }),
    async getMessage(id) { const r = await one('SELECT * FROM messages WHERE id = $1', [id]); return r && toStoredMessage(r); },
    async messageByClientId(id, sender, clientId) {
      const r = await one('SELECT * FROM messages WHERE session_id = $1 AND sender = $2 AND client_id = $3', [id, sender, clientId]);
      return r && toStoredMessage(r);
    },
    async listMessages(id, before, limit) {
      return (await all('SELECT * FROM messages WHERE session_id = $1 AND seq < $2 ORDER BY seq DESC LIMIT $3', [id, before ?? Number.MAX_SAFE_INTEGER, limit])).map(toStoredMessage);
    },
    async lastMessage(id) { const r = await one('SELECT * FROM messages WHERE session_id = $1 ORDER BY seq DESC LIMIT 1', [id]); return r && toStoredMessage(r); },
    async unread(id, ext) {
      const r = await one(`SELECT COUNT(*)::bigint AS n FROM messages WHERE session_id = $1 AND sender <> $2
        AND seq > COALESCE((SELECT last_read_seq FROM session_members WHERE session_id = $1 AND extension = $2), 0)`, [id, ext]);
      return r!.n as number;
    },
    async markRead(id, ext, seq) {
      return ((await db.query('UPDATE session_members SET last_read_seq = $1 WHERE session_id = $2 AND extension = $3 AND last_read_seq < $1', [seq, id, ext])).rowCount ?? 0) > 0;
    },
    async readBy(id, reader, seq) {
      return (await all(`UPDATE messages SET status = 'read' WHERE session_id = $1 AND sender <> $2 AND seq <= $3 AND status IN ('sent', 'delivered') RETURNING *`, [id, reader, seq])).map(toStoredMessage);
    },
    async setStatus(id, status, reason, opts = {}) {
      const r = await one(`UPDATE messages SET status = $1, failure_reason = $2, carrier_id = CASE WHEN $3 THEN $4 ELSE carrier_id END
        WHERE id = $5 AND ($6::text[] IS NULL OR status = ANY($6::text[])) RETURNING *`,
      [status, reason, opts.carrierId !== undefined, opts.carrierId ?? null, id, opts.from ? [...opts.from] : null]);
      return r && toStoredMessage(r);
    },
    async byCarrierId(carrierId) { const r = await one('SELECT * FROM messages WHERE carrier_id = $1', [carrierId]); return r && toStoredMessage(r); },
    async addAttachment(a) {
      await db.query(`INSERT INTO attachments (id, domain, owner, message_id, name, content_type, size, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [a.id, a.domain, a.owner, a.messageId, a.name, a.contentType, a.size, a.createdAt]);
    },
    async getAttachment(id) { const r = await one('SELECT * FROM attachments WHERE id = $1', [id]); return r && toStoredAttachment(r); },
    async attachmentsOf(ids) {
      if (ids.length === 0) return [];
      return (await all('SELECT * FROM attachments WHERE message_id = ANY($1::text[]) ORDER BY created_at, id COLLATE "C"', [ids])).map(toStoredAttachment);
    },
    async deleteAttachment(id) { await db.query('DELETE FROM attachments WHERE id = $1', [id]); },
    async unsentAttachments(before, limit) {
      return (await all('SELECT * FROM attachments WHERE message_id IS NULL AND created_at < $1 ORDER BY created_at LIMIT $2', [before, limit])).map(toStoredAttachment);
    },
    async smsEnabled(domain) { return Boolean((await one('SELECT sms_enabled FROM domains WHERE name = $1', [domain]))?.sms_enabled); },
    async setSmsEnabled(domain, enabled) { await db.query('UPDATE domains SET sms_enabled = $1 WHERE name = $2', [enabled, domain]); },
    async putSmsNumber(n) {
      await db.query(`INSERT INTO sms_numbers (number, domain, owner, default_recipients) VALUES ($1, $2, $3, $4)
        ON CONFLICT (number) DO UPDATE SET domain = excluded.domain, owner = excluded.owner, default_recipients = excluded.default_recipients`,
      [n.number, n.domain, n.owner, JSON.stringify(n.defaultRecipients)]);
    },
    async smsNumbers(domain) { return (await all('SELECT * FROM sms_numbers WHERE domain = $1 ORDER BY owner IS NOT NULL, number COLLATE "C"', [domain])).map(toSmsNumber); },
    async smsNumber(n) { const r = await one('SELECT * FROM sms_numbers WHERE number = $1', [n]); return r && toSmsNumber(r); },
  };
}
