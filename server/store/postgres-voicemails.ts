/** The PostgreSQL voicemail repository (see voicemail/types.ts for the contract). */
import type { VoicemailRepo } from '../voicemail/types.js';
import type { PgDb } from './postgres-pool.js';
import { toVoicemail } from './sqlite-voicemails.js';

type Row = Record<string, unknown>;

export function pgVoicemailRepo(db: PgDb): VoicemailRepo {
  const get = 'SELECT * FROM voicemails WHERE domain = $1 AND extension = $2 AND id = $3';
  return {
    async insert(vm) {
      await db.query(`INSERT INTO voicemails
        (id, domain, extension, caller_number, caller_name, call_id, received_at, duration_s, folder, bytes, transcription, transcription_status, moved_by, moved_at)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      [vm.id, vm.domain, vm.extension, vm.callerNumber, vm.callerName, vm.callId, vm.receivedAt, vm.durationS, vm.folder, vm.bytes,
        vm.transcription, vm.transcriptionStatus, vm.movedBy, vm.movedAt]);
    },
    async get(domain, extension, id) {
      const r = (await db.query<Row>(get, [domain, extension, id])).rows[0];
      return r && toVoicemail(r);
    },
    async list(domain, extension, folder, { before, limit }) {
      const { rows } = await db.query<Row>(
        'SELECT * FROM voicemails WHERE domain = $1 AND extension = $2 AND folder = $3 AND seq < $4 ORDER BY seq DESC LIMIT $5',
        [domain, extension, folder, before ?? Number.MAX_SAFE_INTEGER, limit + 1]);
      const items = rows.slice(0, limit);
      return { items: items.map(toVoicemail), nextCursor: rows.length > limit ? Number(items[items.length - 1]!.seq) : null };
    },
    // One statement: the row as this move left it, even when another move follows at once.
    async move(domain, extension, id, folder, by, at) {
      const r = (await db.query<Row>(`UPDATE voicemails SET folder = $1, moved_by = $2, moved_at = $3
        WHERE domain = $4 AND extension = $5 AND id = $6 RETURNING *`, [folder, by, at, domain, extension, id])).rows[0];
      return r && toVoicemail(r);
    },
    async delete(domain, extension, id) {
      return ((await db.query('DELETE FROM voicemails WHERE domain = $1 AND extension = $2 AND id = $3', [domain, extension, id])).rowCount ?? 0) > 0;
    },
    async counts(domain, extension) {
      const out = { new: 0, save: 0, trash: 0 };
      const { rows } = await db.query<{ folder: keyof typeof out; n: number }>(
        'SELECT folder, COUNT(*) AS n FROM voicemails WHERE domain = $1 AND extension = $2 GROUP BY folder', [domain, extension]);
      for (const r of rows) out[r.folder] = r.n;
      return out;
    },
    async setTranscription(id, status, text) {
      await db.query('UPDATE voicemails SET transcription_status = $1, transcription = $2 WHERE id = $3', [status, text, id]);
    },
    async pendingTranscriptions() {
      return (await db.query<Row>("SELECT * FROM voicemails WHERE transcription_status = 'pending' ORDER BY seq")).rows.map(toVoicemail);
    },
  };
}
