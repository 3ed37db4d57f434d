/**
 * MMS attachments we send must be fetchable by the carrier over plain HTTP(S): Twilio takes
 * MediaUrl parameters and downloads them itself, shortly after accepting the message. Each
 * medium is published here under an unguessable token (192 random bits) for an hour, served at
 * GET /api/v2/sms/media/{token} with no other authentication (the carrier has no login of ours).
 * An hour is long enough for the carrier's retries and short enough that a leaked link dies.
 * Kept in memory: a restart forgets them, which only matters to a message still being sent.
 */
import crypto from 'node:crypto';
import type { SmsMedia } from '../messaging/sms-port.js';

export const MEDIA_LINK_TTL_MS = 60 * 60 * 1000;
export const MEDIA_PATH = '/api/v2/sms/media/';
/** A bound on what the links hold at once (10 media of 5 MB per message; about 50 messages in flight). */
const MAX_BYTES = 512 * 1024 * 1024;

interface Entry { media: SmsMedia; expires: number }

export class MediaLinks {
  private readonly entries = new Map<string, Entry>();
  private bytes = 0;

  constructor(private readonly ttlMs = MEDIA_LINK_TTL_MS, private readonly now: () => number = Date.now) {}

  /** The token of a new link to `media` (the path is MEDIA_PATH + token). */
  publish(media: SmsMedia): string {
    this.sweep();
    // Oldest first (a Map keeps insertion order): under pressure the links nearest expiry go.
    for (const [token, entry] of this.entries) {
      if (this.bytes + media.data.length <= MAX_BYTES) break;
      this.drop(token, entry);
    }
    const token = crypto.randomBytes(24).toString('base64url');
    this.entries.set(token, { media, expires: this.now() + this.ttlMs });
    this.bytes += media.data.length;
    return token;
  }

  /** The medium behind a live token, or null (unknown, malformed or expired alike). */
  get(token: string): SmsMedia | null {
    const entry = this.entries.get(token);
    if (!entry) return null;
    if (entry.expires <= this.now()) {
      this.drop(token, entry);
      return null;
    }
    return entry.media;
  }

  /** Ends a link early (the message was refused: nobody will fetch it). */
  revoke(token: string): void {
    const entry = this.entries.get(token);
    if (entry) this.drop(token, entry);
  }

  sweep(): void {
    const now = this.now();
    for (const [token, entry] of this.entries) if (entry.expires <= now) this.drop(token, entry);
  }

  get size(): number {
    return this.entries.size;
  }

  private drop(token: string, entry: Entry): void {
    this.entries.delete(token);
    this.bytes -= entry.media.data.length;
  }
}
