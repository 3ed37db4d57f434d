// SIP message model: an ordered header list, serialization, and UAS response construction.

import { createHmac, randomBytes } from 'node:crypto';
import { parseCSeq, parseNameAddr, parseVia, splitOutside, trimLws, type Segment } from './uri.js';

// ---------------------------------------------------------------------------------------
// Header names

// Compact forms: RFC 3261 s7.3.3 (i m e l c f s k t v), RFC 3265 (o u), RFC 3515 (r),
// RFC 3892 (b), RFC 4028 (x), RFC 4474/8224 (y), RFC 3841 (a j d).
const COMPACT: Record<string, string> = {
  a: 'Accept-Contact',
  b: 'Referred-By',
  c: 'Content-Type',
  d: 'Request-Disposition',
  e: 'Content-Encoding',
  f: 'From',
  i: 'Call-ID',
  j: 'Reject-Contact',
  k: 'Supported',
  l: 'Content-Length',
  m: 'Contact',
  o: 'Event',
  r: 'Refer-To',
  s: 'Subject',
  t: 'To',
  u: 'Allow-Events',
  v: 'Via',
  x: 'Session-Expires',
  y: 'Identity',
};

const KNOWN_NAMES = [
  'Accept', 'Accept-Contact', 'Accept-Encoding', 'Accept-Language', 'Accept-Resource-Priority',
  'Alert-Info', 'Allow', 'Allow-Events', 'Answer-Mode', 'Authentication-Info', 'Authorization',
  'Call-ID', 'Call-Info', 'Contact', 'Content-Disposition', 'Content-Encoding', 'Content-Language',
  'Content-Length', 'Content-Type', 'CSeq', 'Date', 'Diversion', 'Error-Info', 'Event', 'Expires',
  'Flow-Timer', 'From', 'History-Info', 'Identity', 'Identity-Info', 'In-Reply-To', 'Join',
  'Max-Breadth', 'Max-Forwards', 'MIME-Version', 'Min-Expires', 'Min-SE', 'Organization',
  'P-Asserted-Identity', 'P-Associated-URI', 'P-Preferred-Identity', 'Path', 'Priority', 'Privacy',
  'Proxy-Authenticate', 'Proxy-Authorization', 'Proxy-Require', 'RAck', 'Reason', 'Record-Route',
  'Refer-Sub', 'Refer-To', 'Referred-By', 'Reject-Contact', 'Replaces', 'Reply-To',
  'Request-Disposition', 'Require', 'Resource-Priority', 'Retry-After', 'Route', 'RSeq',
  'Security-Client', 'Security-Server', 'Security-Verify', 'Server', 'Service-Route',
  'Session-Expires', 'SIP-ETag', 'SIP-If-Match', 'Subject', 'Subscription-State', 'Supported',
  'Target-Dialog', 'Timestamp', 'To', 'Unsupported', 'User-Agent', 'Via', 'Warning',
  'WWW-Authenticate',
];
const CANONICAL = new Map(KNOWN_NAMES.map((n) => [n.toLowerCase(), n]));

// Headers whose grammar is a comma-separated list (s7.3.1: such lines may be combined or
// split freely). Everything else, notably the auth headers whose params contain commas
// (s7.3.1 exception) and free text like Subject/User-Agent/Date, is one value per line.
const LIST_HEADERS = new Set([
  'accept', 'accept-contact', 'accept-encoding', 'accept-language', 'accept-resource-priority',
  'alert-info', 'allow', 'allow-events', 'call-info', 'contact', 'content-encoding',
  'content-language', 'diversion', 'error-info', 'history-info', 'in-reply-to',
  'p-asserted-identity', 'p-associated-uri', 'p-preferred-identity', 'path', 'proxy-require',
  'reason', 'record-route', 'reject-contact', 'request-disposition', 'require',
  'resource-priority', 'route', 'security-client', 'security-server', 'security-verify',
  'service-route', 'supported', 'unsupported', 'via', 'warning',
]);

/** Full canonical spelling for known and compact names; unknown names are kept as written. */
export function canonicalHeaderName(name: string): string {
  const n = trimLws(name);
  const lower = n.toLowerCase();
  return COMPACT[lower] ?? CANONICAL.get(lower) ?? n;
}

function headerKey(name: string): string {
  return canonicalHeaderName(name).toLowerCase();
}

export function isListHeader(name: string): boolean {
  return LIST_HEADERS.has(headerKey(name));
}

function nonEmpty(segments: Segment[]): Segment[] {
  return segments.filter((s) => trimLws(s.text) !== '');
}

// ---------------------------------------------------------------------------------------

interface Line {
  key: string;
  name: string;
  value: string;
}

export class SipHeaders {
  private lines: Line[] = [];

  constructor(entries?: Iterable<[string, string]>) {
    if (entries) for (const [name, value] of entries) this.append(name, value);
  }

  private line(name: string, value: string): Line {
    const canonical = canonicalHeaderName(name);
    return { key: canonical.toLowerCase(), name: canonical, value };
  }

  get(name: string): string | undefined {
    const key = headerKey(name);
    return this.lines.find((l) => l.key === key)?.value;
  }

  /** Every value; list headers are split on commas outside quotes and <>, empty elements skipped. */
  getAll(name: string): string[] {
    const key = headerKey(name);
    const list = LIST_HEADERS.has(key);
    const out: string[] = [];
    for (const l of this.lines) {
      if (l.key !== key) continue;
      if (!list) out.push(l.value);
      else for (const seg of nonEmpty(splitOutside(l.value, ','))) out.push(trimLws(seg.text));
    }
    return out;
  }

  count(name: string): number {
    return this.getAll(name).length;
  }

  has(name: string): boolean {
    const key = headerKey(name);
    return this.lines.some((l) => l.key === key);
  }

  set(name: string, value: string): void {
    const key = headerKey(name);
    const first = this.lines.findIndex((l) => l.key === key);
    if (first < 0) {
      this.lines.push(this.line(name, value));
      return;
    }
    this.lines = this.lines.filter((l, i) => i === first || l.key !== key);
    this.lines[first] = this.line(name, value);
  }

  append(name: string, value: string): void {
    this.lines.push(this.line(name, value));
  }

  prepend(name: string, value: string): void {
    const key = headerKey(name);
    const first = this.lines.findIndex((l) => l.key === key);
    this.lines.splice(first < 0 ? 0 : first, 0, this.line(name, value));
  }

  delete(name: string): void {
    const key = headerKey(name);
    this.lines = this.lines.filter((l) => l.key !== key);
  }

  /**
   * Removes and returns the first value as getAll() sees it; for a list header that may be
   * one element of a combined line ("Via: a, b" keeps "b"), as a proxy removing its own Via
   * must do (s16.7 step 3 / s18.2.2).
   */
  removeFirstValue(name: string): string | undefined {
    const key = headerKey(name);
    const list = LIST_HEADERS.has(key);
    for (let i = 0; i < this.lines.length; i++) {
      const l = this.lines[i];
      if (!l || l.key !== key) continue;
      if (!list) {
        this.lines.splice(i, 1);
        return l.value;
      }
      const segs = nonEmpty(splitOutside(l.value, ','));
      const first = segs[0];
      if (!first) continue;
      const rest = l.value.slice(first.end + 1).replace(/^[\s,]+/, '');
      if (segs.length === 1 || trimLws(rest) === '') this.lines.splice(i, 1);
      else l.value = trimLws(rest);
      return trimLws(first.text);
    }
    return undefined;
  }

  entries(): Array<[string, string]> {
    return this.lines.map((l) => [l.name, l.value]);
  }

  clone(): SipHeaders {
    return new SipHeaders(this.entries());
  }
}

// ---------------------------------------------------------------------------------------

export interface SipRequest {
  type: 'request';
  method: string;
  uri: string;
  version: string;
  headers: SipHeaders;
  body: Buffer;
}

export interface SipResponse {
  type: 'response';
  status: number;
  reason: string;
  version: string;
  headers: SipHeaders;
  body: Buffer;
}

export type SipMessage = SipRequest | SipResponse;

/** CR/LF inside a value would let a caller-supplied string inject header lines. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]+[ \t]*/g, ' ');
}

export function serialize(msg: SipMessage): Buffer {
  const body: Buffer = msg.body ?? Buffer.alloc(0);
  const version = oneLine(msg.version || 'SIP/2.0');
  const start =
    msg.type === 'request'
      ? `${oneLine(msg.method)} ${oneLine(msg.uri)} ${version}`
      : `${version} ${msg.status} ${oneLine(msg.reason)}`;
  const out = [start];
  let wroteLength = false;
  for (const [name, value] of msg.headers.entries()) {
    if (name === 'Content-Length') {
      // Keep the position of the first one; its value is always recomputed in octets.
      if (!wroteLength) out.push(`Content-Length: ${body.length}`);
      wroteLength = true;
      continue;
    }
    out.push(`${oneLine(name)}: ${oneLine(value)}`);
  }
  if (!wroteLength) out.push(`Content-Length: ${body.length}`);
  const head = Buffer.from(`${out.join('\r\n')}\r\n\r\n`, 'utf8');
  return body.length ? Buffer.concat([head, body]) : head;
}

// ---------------------------------------------------------------------------------------
// Responses

const REASONS: Record<number, string> = {
  100: 'Trying', 180: 'Ringing', 181: 'Call Is Being Forwarded', 182: 'Queued',
  183: 'Session Progress', 199: 'Early Dialog Terminated',
  200: 'OK', 202: 'Accepted', 204: 'No Notification',
  300: 'Multiple Choices', 301: 'Moved Permanently', 302: 'Moved Temporarily', 305: 'Use Proxy',
  380: 'Alternative Service',
  400: 'Bad Request', 401: 'Unauthorized', 402: 'Payment Required', 403: 'Forbidden',
  404: 'Not Found', 405: 'Method Not Allowed', 406: 'Not Acceptable',
  407: 'Proxy Authentication Required', 408: 'Request Timeout', 410: 'Gone',
  412: 'Conditional Request Failed', 413: 'Request Entity Too Large', 414: 'Request-URI Too Long',
  415: 'Unsupported Media Type', 416: 'Unsupported URI Scheme', 417: 'Unknown Resource-Priority',
  420: 'Bad Extension', 421: 'Extension Required', 422: 'Session Interval Too Small',
  423: 'Interval Too Brief', 428: 'Use Identity Header', 429: 'Provide Referrer Identity',
  430: 'Flow Failed', 433: 'Anonymity Disallowed', 436: 'Bad Identity-Info',
  437: 'Unsupported Certificate', 438: 'Invalid Identity Header', 439: 'First Hop Lacks Outbound Support',
  440: 'Max-Breadth Exceeded', 469: 'Bad Info Package', 470: 'Consent Needed',
  480: 'Temporarily Unavailable', 481: 'Call/Transaction Does Not Exist', 482: 'Loop Detected',
  483: 'Too Many Hops', 484: 'Address Incomplete', 485: 'Ambiguous', 486: 'Busy Here',
  487: 'Request Terminated', 488: 'Not Acceptable Here', 489: 'Bad Event', 491: 'Request Pending',
  493: 'Undecipherable', 494: 'Security Agreement Required',
  500: 'Server Internal Error', 501: 'Not Implemented', 502: 'Bad Gateway',
  503: 'Service Unavailable', 504: 'Server Time-out', 505: 'Version Not Supported',
  513: 'Message Too Large', 555: 'Push Notification Service Not Supported',
  580: 'Precondition Failure',
  600: 'Busy Everywhere', 603: 'Decline', 604: 'Does Not Exist Anywhere', 606: 'Not Acceptable',
  607: 'Unwanted', 608: 'Rejected',
};

const CLASS_REASONS = ['', 'Provisional', 'Success', 'Redirection', 'Client Error', 'Server Error', 'Global Failure'];

export function defaultReason(status: number): string {
  return REASONS[status] ?? CLASS_REASONS[Math.floor(status / 100)] ?? '';
}

// To tags are an HMAC of what identifies the server transaction under a per-process secret:
// every response to one request (and to its CANCEL, which shares Call-ID, From tag, branch
// and CSeq number; s9.2) carries the same tag, retransmitted requests get the same tag
// back, and the tag is unguessable (s19.3 asks for at least 32 random bits).
const TAG_KEY = randomBytes(32);

function toTagFor(req: SipRequest): string {
  const h = req.headers;
  const from = h.get('From');
  const topVia = h.getAll('Via')[0];
  const via = topVia !== undefined ? parseVia(topVia) : null;
  const branch = via?.params.get('branch') ?? topVia ?? '';
  const fromTag = (from !== undefined ? parseNameAddr(from)?.params.get('tag') : undefined) ?? from ?? '';
  const cseqRaw = h.get('CSeq');
  const seq = cseqRaw !== undefined ? (parseCSeq(cseqRaw)?.seq ?? cseqRaw) : '';
  return createHmac('sha256', TAG_KEY)
    .update([h.get('Call-ID') ?? '', fromTag, branch, String(seq)].join('\n'))
    .digest('hex')
    .slice(0, 16);
}

function hasTag(to: string): boolean {
  const na = parseNameAddr(to);
  if (na) return na.params.has('tag');
  // Unparseable To on a partial message: look for a tag param outside the brackets.
  const gt = to.lastIndexOf('>');
  return /;[ \t]*tag[ \t]*=/i.test(gt < 0 ? to : to.slice(gt));
}

/**
 * Builds a UAS response per s8.2.6.2: Via lines (all, in order, as received), From, To,
 * Call-ID and CSeq copied; a To tag added when absent and status > 100; Timestamp copied
 * into a 100 (s8.2.6.1). Works on the partial message of a failed parse: absent headers
 * are simply not copied. `extra` lines are appended after those.
 */
export function createResponse(
  req: SipRequest,
  status: number,
  reason?: string,
  extra?: Array<[string, string]>,
): SipResponse {
  const src = req.headers;
  const headers = new SipHeaders();
  for (const [name, value] of src.entries()) if (name === 'Via') headers.append(name, value);
  const from = src.get('From');
  if (from !== undefined) headers.append('From', from);
  const to = src.get('To');
  if (to !== undefined) headers.append('To', status > 100 && !hasTag(to) ? `${to};tag=${toTagFor(req)}` : to);
  for (const name of ['Call-ID', 'CSeq']) {
    const v = src.get(name);
    if (v !== undefined) headers.append(name, v);
  }
  if (status === 100) {
    const ts = src.get('Timestamp');
    if (ts !== undefined) headers.append('Timestamp', ts);
  }
  if (extra) for (const [name, value] of extra) headers.append(name, value);
  return {
    type: 'response',
    status,
    reason: reason ?? defaultReason(status),
    version: 'SIP/2.0',
    headers,
    body: Buffer.alloc(0),
  };
}
