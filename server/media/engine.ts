/**
 * The platform's media engine port: a session answers a caller's WebRTC offer, plays Opus clips
 * to them, hands over what they say (Opus packets, never re-encoded) and reports the DTMF digits
 * they press. The werift implementation runs in the process (werift-engine.ts); an external media
 * server (rtpengine) can take its place at scale behind the same interface.
 */
import type { OpusClip } from './ogg-opus.js';

export type PlayOutcome = 'played' | 'interrupted' | 'closed';

export interface MediaSession {
  /** Our SDP answer, with its ICE candidates (SIP carries no trickle). */
  readonly answer: string;
  readonly closed: boolean;
  /** Plays `clip`; an interruptible one stops at the first digit the caller presses. */
  play(clip: OpusClip, opts?: { interruptible?: boolean }): Promise<PlayOutcome>;
  /** Silence for `ms` (a pause the caller may break with a digit when interruptible). */
  pause(ms: number, opts?: { interruptible?: boolean }): Promise<PlayOutcome>;
  /** Every Opus packet the caller sends, in order, until the returned function is called. */
  listen(onPacket: (packet: Buffer) => void): () => void;
  /** Digits from RFC 4733 telephone-events; SIP INFO digits come in through `digit()`. */
  onDigit(listener: (digit: string) => void): void;
  /** A digit learnt another way (SIP INFO, as JsSIP sends them). */
  digit(digit: string): void;
  close(): void;
}

export interface MediaEngine {
  /** A session answering `offer`; rejects when the offer has no audio we can speak. */
  answer(offer: string): Promise<MediaSession>;
  /** Sessions open now (for the bench and /status). */
  readonly sessions: number;
}
