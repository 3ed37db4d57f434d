/**
 * What an attachment really is, by its first bytes (never by its name or its Content-Type):
 * the kinds a message may carry, and a few it may not, named so a refusal can say what was sent.
 */

export const ATTACHMENT_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf'] as const;
export type AttachmentType = (typeof ATTACHMENT_TYPES)[number];

const NAMES: Record<AttachmentType, string> = {
  'image/png': 'a PNG image', 'image/jpeg': 'a JPEG image', 'image/gif': 'a GIF image', 'image/webp': 'a WebP image', 'application/pdf': 'a PDF document',
};

export type Sniffed = { type: AttachmentType; what: string } | { type: null; what: string };

const starts = (b: Buffer, bytes: number[], at = 0) => b.length >= at + bytes.length && bytes.every((x, i) => b[at + i] === x);
const ascii = (s: string) => [...s].map((c) => c.charCodeAt(0));

export function sniff(b: Buffer): Sniffed {
  const known = (type: AttachmentType): Sniffed => ({ type, what: NAMES[type] });
  if (starts(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return known('image/png');
  if (starts(b, [0xff, 0xd8, 0xff])) return known('image/jpeg');
  if (starts(b, ascii('GIF87a')) || starts(b, ascii('GIF89a'))) return known('image/gif');
  if (starts(b, ascii('RIFF')) && starts(b, ascii('WEBP'), 8)) return known('image/webp');
  if (starts(b, ascii('%PDF-'))) return known('application/pdf');
  if (starts(b, ascii('MZ'))) return { type: null, what: 'a Windows program (an .exe or .dll)' };
  if (starts(b, [0x7f, 0x45, 0x4c, 0x46])) return { type: null, what: 'a Linux program (ELF)' };
  if (starts(b, [0xcf, 0xfa, 0xed, 0xfe]) || starts(b, [0xfe, 0xed, 0xfa, 0xcf])) return { type: null, what: 'a macOS program' };
  if (starts(b, ascii('#!'))) return { type: null, what: 'a script' };
  if (starts(b, ascii('PK\x03\x04'))) return { type: null, what: 'a ZIP archive' };
  if (/^\s*</.test(b.subarray(0, 64).toString('latin1'))) return { type: null, what: 'HTML or XML' };
  return { type: null, what: 'not an image or a PDF document' };
}

/** The Content-Type as we name it (image/jpg is image/jpeg), without parameters. */
export function declaredType(raw: string | undefined): string {
  const t = (raw ?? '').split(';')[0]!.trim().toLowerCase();
  return t === 'image/jpg' || t === 'image/pjpeg' ? 'image/jpeg' : t;
}
