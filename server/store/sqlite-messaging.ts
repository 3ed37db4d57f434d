/**
 * The SQLite messaging repository (see messaging/types.ts for the contract). A message takes
 * the next seq of its session in one INSERT ... SELECT MAX(seq) + 1, safe under SQLite's single
 * writer; a repeated client id meets the unique index (ON CONFLICT DO NOTHING) and the message
 * sent first is returned instead.
 */
import type Database from 'better-sqlite3';
import { toMessageSession, toSessionMember, toSmsNumber, toStoredAttachment, toStoredMessage, type Row } from './rows.js';
import type { MessagingRepo } from '../messaging/types.js';

export function sqliteMessagingRepo(db: Database.Database): MessagingRepo {
  const insertSession = db.prepare(`INSERT INTO message_sessions (id, domain, kind, local_number, remote_number, party_key, created_at, updated_at)
    VALUES (@id, @domain, @kind, @localNumber, @remoteNumber, @partyKey, @createdAt, @updatedAt) ON CONFLICT (domain, party_key) DO NOTHING`);
  const byKey = db.prepare('SELECT * FROM message_sessions WHERE domain = ? AND party_key = ?');
  const getSession = db.prepare('SELECT * FROM message_sessions WHERE id = ?');
  const insertMember = db.prepare('INSERT INTO session_members (session_id, extension, joined_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
  const rejoin = db.prepare(`INSERT INTO session_members (session_id, extension, joined_at) VALUES (?, ?, ?)
    ON CONFLICT (session_id, extension) DO UPDATE SET left_at = NULL, hidden = 0, joined_at = excluded.joined_at WHERE session_members.left_at IS NOT NULL`);
  const members = db.prepare('SELECT * FROM session_members WHERE session_id = ? ORDER BY joined_at, extension');
  const sessionsOf = db.prepare(`SELECT s.* FROM message_sessions s JOIN session_members m ON m.session_id = s.id
    WHERE s.domain = ? AND m.extension = ? AND m.left_at IS NULL AND m.hidden = 0 ORDER BY s.updated_at DESC, s.id`);
  const leave = db.prepare('UPDATE session_members SET left_at = ? WHERE session_id = ? AND extension = ? AND left_at IS NULL');
  const setHidden = db.prepare('UPDATE session_members SET hidden = ? WHERE session_id = ? AND extension = ?');
  const insertMessage = db.prepare(`INSERT INTO messages (id, session_id, seq, client_id, sender, type, text, status, failure_reason, carrier_id, sent_at)
    SELECT @id, @sessionId, COALESCE(MAX(seq), 0) + 1, @clientId, @sender, @type, @text, @status, @failureReason, @carrierId, @sentAt
    FROM messages WHERE session_id = @sessionId ON CONFLICT (session_id, sender, client_id) DO NOTHING RETURNING *`);
  const byClientId = db.prepare('SELECT * FROM messages WHERE session_id = ? AND sender = ? AND client_id = ?');
  const claim = db.prepare('UPDATE attachments SET message_id = ? WHERE id = ? AND owner = ? AND message_id IS NULL');
  const touch = db.prepare('UPDATE message_sessions SET updated_at = MAX(updated_at, ?) WHERE id = ?');
  const unhide = db.prepare('UPDATE session_members SET hidden = 0 WHERE session_id = ? AND hidden = 1');
  const getMessage = db.prepare('SELECT * FROM messages WHERE id = ?');
  const page = db.prepare('SELECT * FROM messages WHERE session_id = ? AND seq < ? ORDER BY seq DESC LIMIT ?');
  const last = db.prepare('SELECT * FROM messages WHERE session_id = ? ORDER BY seq DESC LIMIT 1');
  const unread = db.prepare(`SELECT COUNT(*) AS n FROM messages WHERE session_id = ? AND sender <> ?
    AND seq > COALESCE((SELECT last_read_seq FROM session_members WHERE session_id = ? AND extension = ?), 0)`);
  const markRead = db.prepare('UPDATE session_members SET last_read_seq = ? WHERE session_id = ? AND extension = ? AND last_read_seq < ?');
  const readBy = db.prepare(`UPDATE messages SET status = 'read' WHERE session_id = ? AND sender <> ? AND seq <= ? AND status IN ('sent', 'delivered') RETURNING *`);
  const setStatus = db.prepare(`UPDATE messages SET status = @status, failure_reason = @reason,
    carrier_id = CASE WHEN @setCarrier THEN @carrierId ELSE carrier_id END
    WHERE id = @id AND (@from IS NULL OR status IN (SELECT value FROM json_each(@from))) RETURNING *`);
  const byCarrier = db.prepare('SELECT * FROM messages WHERE carrier_id = ?');
  const insertAttachment = db.prepare(`INSERT INTO attachments (id, domain, owner, message_id, name, content_type, size, created_at)
    VALUES (@id, @domain, @owner, @messageId, @name, @contentType, @size, @createdAt)`);
  const getAttachment = db.prepare('SELECT * FROM attachments WHERE id = ?');
  const delAttachment = db.prepare('DELETE FROM attachments WHERE id = ?');
  const unsent = db.prepare('SELECT * FROM attachments WHERE message_id IS NULL AND created_at < ? ORDER BY created_at LIMIT ?');
  const smsEnabled = db.prepare('SELECT sms_enabled FROM domains WHERE name = ?');
  const setSms = db.prepare('UPDATE domains SET sms_enabled = ? WHERE name = ?');
  const putNumber = db.prepare(`INSERT INTO sms_numbers (number, domain, owner, default_recipients) VALUES (?, ?, ?, ?)
    ON CONFLICT (number) DO UPDATE SET domain = excluded.domain, owner = excluded.owner, default_recipients = excluded.default_recipients`);
  const numbers = db.prepare('SELECT * FROM sms_numbers WHERE domain = ? ORDER BY owner IS NOT NULL, number');
  const number = db.prepare('SELECT * FROM sms_numbers WHERE number = ?');

  const open = db.transaction((s: Parameters<MessagingRepo['openSession']>[0], list: string[]) => {
    const created = insertSession.run(s).changes > 0;
    const session = toMessageSession(byKey.get(s.domain, s.partyKey) as Row);
    if (created) for (const ext of list) insertMember.run(session.id, ext, s.createdAt);
    return { session, created };
  });
  const add = db.transaction((m: Parameters<MessagingRepo['addMessage']>[0], attachmentIds: string[]) => {
    const r = insertMessage.get({ ...m }) as Row | undefined;
    if (!r) return { message: toStoredMessage(byClientId.get(m.sessionId, m.sender, m.clientId) as Row), created: false };
    for (const a of attachmentIds) claim.run(m.id, a, m.sender);
    touch.run(m.sentAt, m.sessionId);
    unhide.run(m.sessionId);
    return { message: toStoredMessage(r), created: true };
  });

  return {
    async openSession(s, list) { return open(s, list); },
    async getSession(id) { const r = getSession.get(id) as Row | undefined; return r && toMessageSession(r); },
    async members(id) { return (members.all(id) as Row[]).map(toSessionMember); },
    async sessionsOf(domain, ext) { return (sessionsOf.all(domain, ext) as Row[]).map(toMessageSession); },
    async addMember(id, ext, at) { rejoin.run(id, ext, at); },
    async leave(id, ext, at) { return leave.run(at, id, ext).changes > 0; },
    async setHidden(id, ext, hidden) { setHidden.run(hidden ? 1 : 0, id, ext); },
    async addMessage(m, attachmentIds) { return add(m, attachmentIds); },
    async getMessage(id) { const r = getMessage.get(id) as Row | undefined; return r && toStoredMessage(r); },
    async messageByClientId(id, sender, clientId) { const r = byClientId.get(id, sender, clientId) as Row | undefined; return r && toStoredMessage(r); },
    async listMessages(id, before, limit) { return (page.all(id, before ?? Number.MAX_SAFE_INTEGER, limit) as Row[]).map(toStoredMessage); },
    async lastMessage(id) { const r = last.get(id) as Row | undefined; return r && toStoredMessage(r); },
    async unread(id, ext) { return (unread.get(id, ext, id, ext) as { n: number }).n; },
    async markRead(id, ext, seq) { return markRead.run(seq, id, ext, seq).changes > 0; },
    async readBy(id, reader, seq) { return (readBy.all(id, reader, seq) as Row[]).map(toStoredMessage); },
    async setStatus(id, status, reason, opts = {}) {
      const r = setStatus.get({
        id, status, reason, setCarrier: opts.carrierId === undefined ? 0 : 1, carrierId: opts.carrierId ?? null,
        from: opts.from ? JSON.stringify(opts.from) : null,
      }) as Row | undefined;
      return r && toStoredMessage(r);
    },
    async byCarrierId(carrierId) { const r = byCarrier.get(carrierId) as Row | undefined; return r && toStoredMessage(r); },
    async addAttachment(a) { insertAttachment.run(a); },
    async getAttachment(id) { const r = getAttachment.get(id) as Row | undefined; return r && toStoredAttachment(r); },
    async attachmentsOf(ids) {
      if (ids.length === 0) return [];
      const rows = db.prepare(`SELECT * FROM attachments WHERE message_id IN (${ids.map(() => '?').join(', ')}) ORDER BY created_at, id`).all(...ids) as Row[];
      return rows.map(toStoredAttachment);
    },
    async deleteAttachment(id) { delAttachment.run(id); },
    async unsentAttachments(before, limit) {
      return (unsent.all(before, limit) as Row[]).map(toStoredAttachment);
    },
    async smsEnabled(domain) { return Boolean((smsEnabled.get(domain) as { sms_enabled?: number } | undefined)?.sms_enabled); },
    async setSmsEnabled(domain, enabled) { setSms.run(enabled ? 1 : 0, domain); },
    async putSmsNumber(n) { putNumber.run(n.number, n.domain, n.owner, JSON.stringify(n.defaultRecipients)); },
    async smsNumbers(domain) { return (numbers.all(domain) as Row[]).map(toSmsNumber); },
    async smsNumber(n) { const r = number.get(n) as Row | undefined; return r && toSmsNumber(r); },
  };
}
