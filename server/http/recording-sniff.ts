/** What a recording upload really is, from its first bytes (before anything is kept). */

/**
 * Whether the first bytes of an upload are the container its Content-Type names: WebM is an
 * EBML document (1A 45 DF A3) whose DocType is "webm"; Ogg pages start with "OggS". Anything
 * else (the letter A fifty million times) is not a recording we could play.
 */
export function looksLike(contentType: string, head: Buffer): boolean {
  if (contentType === 'audio/webm') {
    return head.length >= 4 && head.readUInt32BE(0) === 0x1a45dfa3 && head.subarray(0, 64).includes('webm');
  }
  if (contentType === 'audio/ogg') return head.subarray(0, 4).toString('latin1') === 'OggS';
  return false;
}

/** Bytes needed before looksLike() can decide. */
export const SNIFF_BYTES = 64;
