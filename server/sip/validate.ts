/**
 * Request validation before anything else looks at a request (RFC 3261 s16.3): the answer to
 * give when a request cannot go on, or null when it may.
 */
import type { SipRequest } from './message.js';
import { parseUri, parseVia, type SipUri } from './uri.js';

export type Refusal = { status: number; reason: string; extra?: Array<[string, string]> };

/** The Request-URI, or the refusal of a request no proxy step may take. */
export function validateRequest(req: SipRequest, ourHost: string): { ruri: SipUri } | Refusal {
  const ruri = parseUri(req.uri);
  if (!ruri) return { status: 400, reason: 'Bad Request' };
  if (ruri.scheme !== 'sip' && ruri.scheme !== 'sips') return { status: 416, reason: 'Unsupported URI Scheme' };
  // Step 4: loop detection. We never forward to ourselves, so our own Via means a loop.
  for (const v of req.headers.getAll('Via')) {
    if (parseVia(v)?.host === ourHost) return { status: 482, reason: 'Loop Detected' };
  }
  // Step 3: Max-Forwards (absent in RFC 2543 requests: treated as the default 70).
  const maxForwards = Number(req.headers.get('Max-Forwards') ?? '70');
  if (maxForwards <= 0 && req.method !== 'REGISTER') return { status: 483, reason: 'Too Many Hops' };
  // Step 5: we support no proxy extensions.
  const proxyRequire = req.headers.getAll('Proxy-Require');
  if (proxyRequire.length) return { status: 420, reason: 'Bad Extension', extra: [['Unsupported', proxyRequire.join(', ')]] };
  return { ruri };
}

/** Every phone of ours speaks SDP: an INVITE that cannot accept it can never be answered (s20.1: no Accept is SDP). */
export function refusesSdp(req: SipRequest): Refusal | null {
  if (req.method !== 'INVITE') return null;
  const accept = req.headers.getAll('Accept');
  if (accept.length === 0 || accept.some((a) => /^\s*(application\/sdp|application\/\*|\*\/\*)\s*(;|$)/i.test(a))) return null;
  return { status: 406, reason: 'Not Acceptable', extra: [['Accept', 'application/sdp'], ['Warning', '399 switchboard "application/sdp required"']] };
}
