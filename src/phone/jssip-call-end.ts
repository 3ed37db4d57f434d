/**
 * Why a JsSIP session ended, in our terms: JsSIP's 'ended'/'failed' event (its cause, who ended
 * it, and the SIP message that did) plus what the call knew at that moment, mapped onto an
 * EndReason and the detail call-end.ts words it with. Pure: no session, no timers.
 */
import JsSIP from 'jssip';
import type { IncomingRequest, IncomingResponse } from 'jssip/lib/SIPMessage';
import { reasonForStatus, type EndDetail } from './call-end.js';
import type { EndReason } from './types.js';

/** The parts of JsSIP's EndEvent the classification reads. */
export interface SessionEnd {
  originator: string;
  /** One of JsSIP.C.causes. */
  cause: string;
  message: IncomingRequest | IncomingResponse | null | undefined;
}

/** What the call knew when its session ended. */
export interface EndContext {
  /** Our own terminate() was running: the user hung up or declined. */
  ending: 'hangup' | 'decline' | null;
  incoming: boolean;
  /** The call was answered (connected once, or being connected). */
  answered: boolean;
  /** The call was the consultation of an attended transfer this phone was completing. */
  consulting: boolean;
}

/** The text of the Reason (RFC 3326) on a BYE that ends a dialog replaced by Replaces. */
export const REPLACED = /text\s*=\s*"Replaced"/i;

export function classifyEnd(e: SessionEnd, call: EndContext): { reason: EndReason; detail: EndDetail } {
  const C = JsSIP.C.causes;
  if (call.ending === 'decline') return { reason: 'declined', detail: {} };
  if (call.ending === 'hangup') return { reason: call.answered ? 'hangup' : 'cancelled', detail: {} };

  const message = e.message ?? null;
  const response = message && 'status_code' in message ? message : null;
  if (e.cause === C.CANCELED || e.cause === C.EXPIRES) {
    // RFC 3326: a forking proxy says why it cancelled; cause=200 means another device answered.
    const why = message?.hasHeader('Reason') ? /cause=(\d+)/i.exec(message.getHeader('Reason'))?.[1] : undefined;
    return { reason: why === '200' ? 'answered-elsewhere' : 'cancelled', detail: {} };
  }
  if (e.cause === C.BYE) {
    if (e.originator === 'local') return { reason: 'hangup', detail: {} };
    if (message?.hasHeader('Reason') && REPLACED.test(message.getHeader('Reason'))) {
      // The other side replaced this dialog with another (RFC 3891): as the consultation of
      // my attended transfer, that is the transfer completing; otherwise another device of
      // mine took the call over (Switch Phone).
      return { reason: call.consulting ? 'transferred' : 'moved', detail: {} };
    }
    return { reason: call.incoming && !call.answered ? 'cancelled' : 'remote-hangup', detail: {} };
  }
  if (e.cause === C.NO_ANSWER) return { reason: 'unavailable', detail: {} };
  if (response && response.status_code >= 300) {
    return { reason: reasonForStatus(response.status_code, response.reason_phrase), detail: { status: response.status_code, phrase: response.reason_phrase } };
  }
  return { reason: 'failed', detail: { problem: describeCause(e.cause) } };
}

/** A JsSIP cause that came without a SIP answer, in the user's words. */
export function describeCause(cause: string): string {
  const C = JsSIP.C.causes;
  switch (cause) {
    case C.CONNECTION_ERROR:
      return 'connection to the server lost';
    case C.REQUEST_TIMEOUT:
      return 'no response from the server';
    case C.USER_DENIED_MEDIA_ACCESS:
      return 'microphone not available';
    case C.RTP_TIMEOUT:
      return 'audio connection lost';
    case C.WEBRTC_ERROR:
    case C.BAD_MEDIA_DESCRIPTION:
    case C.INCOMPATIBLE_SDP:
    case C.MISSING_SDP:
      return 'audio could not be set up';
    case C.AUTHENTICATION_ERROR:
      return 'not allowed to call';
    case C.DIALOG_ERROR:
      return 'call lost';
    default:
      return cause ? cause.toLowerCase() : 'unknown error';
  }
}
