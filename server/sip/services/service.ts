/**
 * A platform service answers calls itself (voicemail, park, queues, conferences): the router
 * hands it a call, the executor rings it as it would a device, and it answers, rejects or lets
 * the call ring. The SIP side of that (tags, responses, BYE) is the endpoint's (endpoint.ts);
 * a service sees only calls.
 */
import type { Account } from '../identity.js';

export type ServiceCallEnd = 'caller' | 'service';

export interface ServiceCall {
  readonly callId: string;
  /** The caller as the platform asserted them: `"Alice Anders" <sip:1001@demo>`. */
  readonly caller: string;
  /** The user the service acts for (whose voicemail, say), when it has one. */
  readonly user: Account | null;
  /** The caller's SDP offer. */
  readonly offer: string;
  readonly answered: boolean;
  readonly ended: boolean;
  /** 180 Ringing. */
  ring(): void;
  /**
   * 200 OK with this SDP answer. `as` names what answered ("Voicemail"), for the caller's card:
   * it goes in the 200 as `X-Switchboard-Service`.
   */
  answer(sdp: string, as?: string): void;
  /** A final failure before answering (e.g. 486, 480). */
  reject(status: number, reason: string): void;
  /** BYE after answering (a reject before). */
  hangUp(): void;
  /** Called once, when the call ends: the caller hung up (or cancelled), or the service did. */
  onEnded(listener: (by: ServiceCallEnd) => void): void;
  /** A key the caller pressed, sent as SIP INFO (what JsSIP does); RFC 4733 digits come with the media. */
  onDigit(listener: (digit: string) => void): void;
}

export interface PlatformService {
  /** The name plans use: `{ kind: 'service', service: name }`. */
  readonly name: string;
  /** A new call. It rings until the service answers or rejects it. */
  incoming(call: ServiceCall): void;
}
