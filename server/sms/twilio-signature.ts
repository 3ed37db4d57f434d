/**
 * Twilio's webhook signature (X-Twilio-Signature): base64(HMAC-SHA1(AuthToken, url + the POST
 * parameters' names and values concatenated, sorted by name)). The URL is the one the carrier
 * requested, query string included, exactly as configured on the number; so the platform must
 * know the public address it is reached at (SWITCHBOARD_PUBLIC_URL), not the one it listens on.
 *
 * The same function signs (the local carrier, tests) and verifies (the webhooks), so the two
 * can never drift apart.
 */
import crypto from 'node:crypto';

/** Form parameters in the order they arrived; a name may repeat (MediaUrl for an MMS). */
export type FormParams = ReadonlyArray<readonly [string, string]>;

export function twilioSignature(authToken: string, url: string, params: FormParams): string {
  // Sorted by name, then by value for repeated names (as Twilio's own libraries do), by code
  // unit: the order JavaScript's default sort gives and the one Twilio computes with.
  const sorted = [...params].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x < y ? -1 : x > y ? 1 : 0));
  let data = url;
  for (const [name, value] of sorted) data += name + value;
  return crypto.createHmac('sha1', authToken).update(data, 'utf8').digest('base64');
}

/**
 * Whether `header` signs this request. Constant-time comparison, so the answer's timing tells a
 * forger nothing about the signature. Twilio may sign the URL with or without the scheme's
 * default port (https://host/x or https://host:443/x; its own validators accept both), so both
 * spellings are tried.
 */
export function verifyTwilioSignature(authToken: string, url: string, params: FormParams, header: string | undefined): boolean {
  if (!header) return false;
  const given = Buffer.from(header, 'utf8');
  let ok = false;
  for (const candidate of urlSpellings(url)) {
    const expected = Buffer.from(twilioSignature(authToken, candidate, params), 'utf8');
    // timingSafeEqual needs equal lengths; a length mismatch is a wrong signature anyway.
    if (given.length === expected.length && crypto.timingSafeEqual(given, expected)) ok = true;
  }
  return ok;
}

/** The URL as given, and with its default port written out or left out (whichever it is not). */
function urlSpellings(url: string): string[] {
  const m = /^(https?):\/\/([^/:?#]+)(:\d+)?(.*)$/i.exec(url);
  if (!m) return [url];
  const [, scheme, host, port, rest] = m;
  const standard = scheme!.toLowerCase() === 'https' ? ':443' : ':80';
  if (port === undefined) return [url, `${scheme}://${host}${standard}${rest}`];
  if (port === standard) return [url, `${scheme}://${host}${rest}`];
  return [url];
}

/** A form body as ordered pairs (URLSearchParams keeps repeats and order). */
export function parseForm(body: string): Array<[string, string]> {
  return [...new URLSearchParams(body)];
}

export function formBody(params: FormParams): string {
  const form = new URLSearchParams();
  for (const [name, value] of params) form.append(name, value);
  return form.toString();
}
