/**
 * Phone numbers of outside parties, as E.164 ("+15550100199"). Spaces, dashes, dots and
 * parentheses are dropped; a leading 00 is an international prefix (+); 10 digits without one
 * are a North American number (+1); 11 starting with 1 too. Anything else is not a number.
 */
export class PhoneNumberError extends Error {
  constructor(readonly input: string) {
    super(`"${input}" is not a phone number`);
  }
}

export function normalisePhoneNumber(input: string): string {
  const compact = input.replace(/[\s\-.()]/g, '');
  let digits: string;
  if (compact.startsWith('+')) digits = compact.slice(1);
  else if (compact.startsWith('00')) digits = compact.slice(2);
  else if (/^[2-9]\d{9}$/.test(compact)) digits = `1${compact}`;
  else if (/^1[2-9]\d{9}$/.test(compact)) digits = compact;
  else throw new PhoneNumberError(input);
  if (!/^[1-9]\d{6,14}$/.test(digits)) throw new PhoneNumberError(input);
  return `+${digits}`;
}

export const isPhoneNumber = (party: string) => party.startsWith('+');
