/** A call record as the user's call history shows it (API and the `cdr` event). */
import type { CdrEntry } from '../../src/data/wire.js';
import type { Cdr } from '../store/types.js';

const iso = (t: number) => new Date(t).toISOString();
const isoOrNull = (t: number | null) => (t === null ? null : iso(t));

/** What the user sees: an unanswered inbound call is "missed" whatever the reason. */
export function cdrView(c: Cdr): CdrEntry {
  const type = c.direction === 'outbound' ? 'outbound' : c.disposition === 'missed' ? 'missed' : 'inbound';
  return {
    id: c.id,
    call_id: c.callId,
    type,
    direction: c.direction,
    disposition: c.disposition,
    remote_number: c.remoteNumber,
    remote_name: c.remoteName,
    started_at: iso(c.startedAt),
    answered_at: isoOrNull(c.answeredAt),
    ended_at: isoOrNull(c.endedAt),
    duration_s: c.answeredAt && c.endedAt ? Math.round((c.endedAt - c.answeredAt) / 1000) : 0,
    sip_status: c.sipStatus,
    /** This user transferred the call to that number (their REFER was accepted). */
    transferred_to: c.transferredTo,
    /** The call was set up by a transfer made by this user (e.g. "1002 transferred you to 1003"). */
    transferred_from: c.transferredFrom,
    /** Where the callee's answering rule sent the call. */
    routed_to: c.routedTo,
  };
}
