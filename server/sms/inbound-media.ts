/**
 * An inbound MMS names its attachments by URL (MediaUrl0.., MediaContentType0..); the carrier
 * keeps them, so we download each before handing the message to the core, which stores files,
 * not links. Limits: 10 media per message (Twilio's own maximum) and 5 MB each (the platform's
 * attachment limit), read as a stream so a larger one is cut off rather than buffered whole.
 *
 * Only links on the carrier's API origin are fetched, with its credentials (Basic
 * AccountSid:AuthToken, which Twilio's media URLs accept); fetch drops them on a redirect that
 * leaves the origin, so the auth token never leaves for a host that is not the carrier.
 */
import type { SmsMedia } from '../messaging/sms-port.js';
import { basicAuth } from './twilio-carrier.js';

export const MAX_INBOUND_MEDIA = 10;
export const MAX_MEDIUM_BYTES = 5 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 10_000;

export interface MediaSource {
  url: string;
  contentType: string;
}

export interface CarrierCredentials {
  accountSid: string;
  authToken: string;
  /** The carrier's API origin, e.g. https://api.twilio.com (credentials go only there). */
  apiBase: string;
}

export interface FetchedMedia {
  media: SmsMedia[];
  /** Why each one that could not be fetched was not (the text gets a note; see routes/sms.ts). */
  failures: string[];
}

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg', 'image/png': 'png', 'image/gif': 'gif', 'image/webp': 'webp', 'image/heic': 'heic',
  'video/mp4': 'mp4', 'video/3gpp': '3gp', 'audio/mpeg': 'mp3', 'audio/amr': 'amr', 'audio/ogg': 'ogg',
  'application/pdf': 'pdf', 'text/vcard': 'vcf', 'text/x-vcard': 'vcf', 'text/plain': 'txt',
};

/** Carriers give no file names, only types: attachment-1.jpg, attachment-2.pdf, ... */
export function mediumName(index: number, contentType: string): string {
  const ext = EXTENSIONS[contentType.split(';')[0]!.trim().toLowerCase()] ?? 'bin';
  return `attachment-${index + 1}.${ext}`;
}

export async function fetchInboundMedia(sources: MediaSource[], creds: CarrierCredentials): Promise<FetchedMedia> {
  const failures: string[] = [];
  const extra = sources.length - MAX_INBOUND_MEDIA;
  if (extra > 0) failures.push(`${extra} more attachment${extra === 1 ? '' : 's'} (${MAX_INBOUND_MEDIA} at most)`);
  // In parallel: the carrier waits 15 s for our answer to the webhook.
  const results = await Promise.all(sources.slice(0, MAX_INBOUND_MEDIA).map((source, i) => fetchOne(source, i, creds)));
  const media: SmsMedia[] = [];
  for (const r of results) {
    if ('failure' in r) failures.push(r.failure);
    else media.push(r);
  }
  return { media, failures };
}

async function fetchOne(source: MediaSource, index: number, creds: CarrierCredentials): Promise<SmsMedia | { failure: string }> {
  let url: URL;
  try {
    url = new URL(source.url);
  } catch {
    return { failure: `attachment ${index + 1} has no valid link` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { failure: `attachment ${index + 1} has no valid link` };
  // Only the carrier's own links are fetched (Twilio's media live under its API, which may then
  // redirect to its storage): a webhook cannot make the platform fetch an address of its choosing.
  if (url.origin !== new URL(creds.apiBase).origin) return { failure: `attachment ${index + 1} is not on the carrier's servers` };
  const headers: Record<string, string> = { authorization: basicAuth(creds.accountSid, creds.authToken) };
  try {
    // fetch drops Authorization itself when a redirect leaves the origin (Twilio's do, to storage).
    const res = await fetch(url, { headers, redirect: 'follow', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      return { failure: `attachment ${index + 1} could not be downloaded (HTTP ${res.status})` };
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (declared > MAX_MEDIUM_BYTES) {
      await res.body.cancel();
      return { failure: `attachment ${index + 1} is larger than 5 MB` };
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > MAX_MEDIUM_BYTES) {
        await reader.cancel();
        return { failure: `attachment ${index + 1} is larger than 5 MB` };
      }
      chunks.push(value);
    }
    // The type the webhook named is the carrier's record of it; the download's is a fallback.
    const contentType = (source.contentType || res.headers.get('content-type') || 'application/octet-stream').split(';')[0]!.trim();
    return { name: mediumName(index, contentType), contentType, data: Buffer.concat(chunks) };
  } catch (err) {
    const timeout = (err as Error)?.name === 'TimeoutError';
    return { failure: `attachment ${index + 1} could not be downloaded${timeout ? ' in time' : ''}` };
  }
}
