/**
 * Outside numbers as a conversation needs them: typed any way ("(555) 010-0199", "555.010.0199",
 * "+44 20 7946 0000"), kept as E.164 ("+15550100199"), shown grouped ("+1 555 010 0199").
 */

export type NumberCheck = { ok: true; e164: string } | { ok: false; reason: string };

const SEPARATORS = /[\s().\-/]/g;

/**
 * A whole phone number in E.164, or why not, in words. Ten digits are a North American number
 * (+1); eleven starting with 1 too; anything else needs its country code after a "+".
 */
export function normalisePhoneNumber(typed: string): NumberCheck {
  const raw = typed.trim().replace(SEPARATORS, '');
  if (!raw) return { ok: false, reason: 'Type a phone number.' };
  if (!/^\+?\d+$/.test(raw)) return { ok: false, reason: `"${typed.trim()}" is not a phone number: use digits only, with + and the country code for numbers outside North America.` };
  const digits = raw.replace('+', '');
  if (raw.startsWith('+')) {
    if (digits.startsWith('1') && digits.length !== 11) return { ok: false, reason: 'A North American number has 10 digits after +1.' };
    if (digits.startsWith('0') || digits.length < 8 || digits.length > 15) return { ok: false, reason: 'Type the whole number with its country code, e.g. +44 20 7946 0000.' };
    return { ok: true, e164: raw };
  }
  if (digits.length === 10 && !/^[01]/.test(digits)) return { ok: true, e164: `+1${digits}` };
  if (digits.length === 11 && digits.startsWith('1') && !/^[01]/.test(digits.slice(1))) return { ok: true, e164: `+${digits}` };
  return { ok: false, reason: 'Type the whole number: 10 digits (e.g. 555 010 0199), or + and the country code.' };
}

/** "+15550100199" as "+1 555 010 0199"; other countries as the code and the rest. */
export function formatPhoneNumber(e164: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(e164);
  if (m) return `+1 ${m[1]} ${m[2]} ${m[3]}`;
  const other = /^\+(\d{2})(\d+)$/.exec(e164);
  return other ? `+${other[1]} ${other[2]!.replace(/(\d{3,4})(?=\d{3})/g, '$1 ')}` : e164;
}
