/**
 * Why a call ended, from SIP's answer to the user's words. The status mapping follows RFC 3261
 * s21 (4xx request failures, 6xx global failures); kept free of JsSIP so the fake phone speaks
 * the same language as the real one.
 */
import type { CallDirection, EndReason, Party } from './types.js';
import type { OutsideCallsPhrase } from '../data/wire.js';

/** The platform's phrase for a call to a number outside the organisation (server/sip/proxy.ts). */
const OUTSIDE_CALLS: OutsideCallsPhrase = 'Outside Calls Not Set Up';

/**
 * End reason for a final SIP response to our INVITE (RFC 3261 s21.4-21.6), with its reason
 * phrase where the platform uses one to say more than the status does.
 */
export function reasonForStatus(status: number, phrase = ''): EndReason {
  switch (status) {
    case 403: // Forbidden: the platform's refusal of an outside number says so in its phrase
      return phrase.trim().toLowerCase() === OUTSIDE_CALLS.toLowerCase() ? 'outside' : 'failed';
    case 486: // Busy Here
    case 600: // Busy Everywhere
      return 'busy';
    case 603: // Decline
      return 'declined';
    case 480: // Temporarily Unavailable (nobody registered, or the ring timed out)
    case 408: // Request Timeout: no final answer in time
    case 410: // Gone
      return 'unavailable';
    case 404: // Not Found
    case 604: // Does Not Exist Anywhere
    case 484: // Address Incomplete
      return 'not-found';
    case 487: // Request Terminated: our CANCEL took effect
      return 'cancelled';
    default:
      return 'failed';
  }
}

/** The name to show for the other party: their name when known, else their number. */
export function partyLabel(remote: Party): string {
  return remote.name || remote.number || 'The other party';
}

export interface EndDetail {
  /** SIP status of the final response, when one caused the end. */
  status?: number | null;
  /** Its reason phrase ("No Answer" tells a ring timeout from nobody registered). */
  phrase?: string;
  /** What went wrong when it was not SIP ("Connection lost", "Microphone not available"). */
  problem?: string;
  /** 'transferred': who the other party was connected to, when known. */
  transferredTo?: Party;
}

/** The sentence shown on the ended call card. */
export function endMessage(reason: EndReason, remote: Party, direction: CallDirection, detail: EndDetail = {}): string {
  const who = partyLabel(remote);
  switch (reason) {
    case 'hangup':
      return 'Call ended';
    case 'remote-hangup':
      return `${who} hung up`;
    case 'declined':
      return direction === 'incoming' ? 'Call declined' : `${who} declined the call`;
    case 'busy':
      return `${who} is busy`;
    case 'unavailable':
      if (direction === 'incoming') return `Missed call from ${who}`;
      return /no answer/i.test(detail.phrase ?? '') ? `${who} did not answer` : `${who} is not available right now`;
    case 'not-found':
      return `No such number: ${remote.number}`;
    case 'outside':
      return 'Calls to outside numbers are not set up on this phone system';
    case 'offline':
      return 'You are offline: calls need a connection';
    case 'cancelled':
      return direction === 'incoming' ? `Missed call from ${who}` : 'Call cancelled';
    case 'answered-elsewhere':
      return 'Answered on another device';
    case 'transferred':
      return detail.transferredTo ? `Transferred to ${partyLabel(detail.transferredTo)}` : 'Call transferred';
    case 'moved':
      return 'Call moved to another device';
    case 'failed': {
      if (detail.problem) return `Call failed: ${detail.problem}`;
      if (detail.status) return `Call failed (${detail.status}${detail.phrase ? ` ${detail.phrase}` : ''})`;
      return 'Call failed';
    }
  }
}

/**
 * Why a transfer failed, from the status line of the sipfrag in the transferee's NOTIFY
 * (RFC 3515 s2.4.5): the final answer the transfer target gave to the transferee's INVITE.
 * Said about the target, the way the same answer to my own call would be.
 */
export function transferFailure(status: number, phrase: string, target: Party): string {
  const reason = reasonForStatus(status, phrase);
  switch (reason) {
    case 'busy':
    case 'declined':
    case 'unavailable':
    case 'not-found':
    case 'outside':
      return endMessage(reason, target, 'outgoing', { status, phrase });
    default:
      // 487 is what JsSIP's notifier reports when the new call failed without a response
      // (its phrase is then JsSIP's cause, e.g. "Connection Error").
      return `The transfer to ${partyLabel(target)} failed (${status}${phrase ? ` ${phrase}` : ''})`;
  }
}
