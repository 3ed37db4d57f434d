/**
 * Twilio's error codes in words a user can act on. Status callbacks carry only the code
 * (ErrorCode), so the reason shown with a failed message comes from here; an API refusal carries
 * Twilio's own message, which is used first (see twilio-carrier.ts). The codes are from Twilio's
 * error dictionary; the wording is ours.
 */
const WORDS: Record<number, string> = {
  20003: 'The carrier refused our credentials (check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN)',
  21211: 'The number is not a valid phone number',
  21408: 'Sending to this country or region is not enabled on the carrier account',
  21602: 'The message has no text and no attachments',
  21606: 'Our number cannot send SMS through the carrier',
  21610: 'The recipient has unsubscribed from our messages (they can text START to resubscribe)',
  21612: 'The carrier cannot deliver to this number',
  21614: 'The number is not a mobile number',
  21617: 'The message is too long (1600 characters at most)',
  21620: 'An attachment link is not valid',
  21623: 'Too many attachments (10 at most)',
  11200: 'The carrier could not download an attachment',
  12300: 'The carrier cannot send an attachment of this type',
  30001: 'The carrier was too busy to send the message',
  30002: 'The carrier account is suspended',
  30003: 'The recipient\'s phone is unreachable (off or out of coverage)',
  30004: 'The message was blocked by the recipient or their carrier',
  30005: 'The number is unknown or no longer in service',
  30006: 'The number is a landline or cannot receive texts',
  30007: 'The recipient\'s carrier filtered the message',
  30008: 'The message could not be delivered (unknown carrier error)',
  30010: 'The message costs more than the account\'s limit',
  30019: 'The attachments are too large for the recipient\'s carrier',
  30034: 'Our number is not registered for sending texts in the US (A2P 10DLC)',
};

export function twilioErrorWords(code: number | null | undefined): string | null {
  return code !== null && code !== undefined ? WORDS[code] ?? null : null;
}

/** A status callback's ErrorCode (a string, maybe absent) in words, with the code when unknown. */
export function deliveryFailureReason(errorCode: string | undefined): string {
  const code = errorCode && /^\d+$/.test(errorCode) ? Number(errorCode) : null;
  return twilioErrorWords(code) ?? (code !== null ? `The carrier could not deliver the message (error ${code})` : 'The carrier could not deliver the message');
}
