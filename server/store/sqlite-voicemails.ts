/** The SQLite voicemail repository (see voicemail/types.ts for the contract). */
import type Database from 'better-sqlite3';
import type { Voicemail, VoicemailRepo } from '../voicemail/types.js';

type Row = Record<string, unknown>;

export function toVoicemail(r: Row): Voicemail {
  return {
    id: r.id as string,
    domain: r.domain as string,
    extension: r.extension as string,
    callerNumber: r.caller_number as string,
    callerName: r.caller_name as string,
    callId: r.call_id as string,
    receivedAt: Number(r.received_at),
    durationS: Number(r.duration_s),
    folder: r.folder as Voicemail['folder'],
    bytes: Number(r.bytes),
    transcription: (r.transcription as string | null) ?? null,
    transcriptionStatus: r.transcription_status as Voicemail['transcriptionStatus'],
    movedBy: (r.moved_by as string | null) ?? null,
    movedAt: r.moved_at === null || r.moved_at === undefined ? null : Number(r.moved_at),
  };
}

export function sqliteVoicemailRepo(db: Database.Database): VoicemailRepo {
  const insert = db.prepare(`INSERT INTO voicemails
    (id, domain, extension, caller_number, caller_name, call_id, received_at, duration_s, folder, bytes, transcription, transcription_status, moved_by, moved_at)
    VALUES (@id, @domain, @extension, @callerNumber, @callerName, @callId, @receivedAt, @durationS, @folder, @bytes, @transcription, @transcriptionStatus, @movedBy, @movedAt)`);
  const get = db.prepare('SELECT * FROM voicemails WHERE domain = ? AND extension = ? AND id = ?');
  const page = db.prepare('SELECT * FROM voicemails WHERE domain = ? AND extension = ? AND folder = ? AND seq < ? ORDER BY seq DESC LIMIT ?');
  const move = db.prepare('UPDATE voicemails SET folder = ?, moved_by = ?, moved_at = ? WHERE domain = ? AND extension = ? AND id = ?');
  const del = db.prepare('DELETE FROM voicemails WHERE domain = ? AND extension = ? AND id = ?');
  const counts = db.prepare('SELECT folder, COUNT(*) AS n FROM voicemails WHERE domain = ? AND extension = ? GROUP BY folder');
  const transcribed = db.prepare('UPDATE voicemails SET transcription_status = ?, transcription = ? WHERE id = ?');
  const pending = db.prepare("SELECT * FROM voicemails WHERE transcription_status = 'pending' ORDER BY seq");
  return {
    async insert(vm) { insert.run(vm); },
    async get(domain, extension, id) {
      const r = get.get(domain, extension, id) as Row | undefined;
      return r && toVoicemail(r);
    },
    async list(domain, extension, folder, { before, limit }) {
      const rows = page.all(domain, extension, folder, before ?? Number.MAX_SAFE_INTEGER, limit + 1) as Row[];
      const items = rows.slice(0, limit);
      return { items: items.map(toVoicemail), nextCursor: rows.length > limit ? Number(items[items.length - 1]!.seq) : null };
    },
    async move(domain, extension, id, folder, by, at) {
      if (move.run(folder, by, at, domain, extension, id).changes === 0) return undefined;
      return toVoicemail(get.get(domain, extension, id) as Row);
    },
    async delete(domain, extension, id) { return del.run(domain, extension, id).changes > 0; },
    async counts(domain, extension) {
      const out = { new: 0, save: 0, trash: 0 };
      for (const r of counts.all(domain, extension) as Array<{ folder: keyof typeof out; n: number }>) out[r.folder] = r.n;
      return out;
    },
    async setTranscription(id, status, text) { transcribed.run(status, text, id); },
    async pendingTranscriptions() { return (pending.all() as Row[]).map(toVoicemail); },
  };
}
