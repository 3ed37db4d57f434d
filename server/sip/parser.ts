// SIP message parser (RFC 3261 s7, s18.3, s20; RFC 4475 torture tests).
//
// One call parses one message: a UDP datagram or a WebSocket frame (RFC 7118 s5), or a
// message a stream framer has already cut out. It never throws: every outcome, however
// malformed the input, is a ParseResult.
//
// Policy, with RFC 4475 as the reference: liberal where the RFC lets an element "process"
// a message (folding, LWS around separators, compact and odd-case names, leading zeros,
// unknown methods/headers/params/schemes, unquoted display names with odd characters,
// LWS inside <>, missing Max-Forwards for RFC 2543 peers), strict about the start line,
// framing, the scalars a transaction layer computes with, and the headers it routes on.

import { SipHeaders, type SipMessage } from './message.js';
import {
  UINT32_MAX,
  isToken,
  parseBoundedInt,
  parseCSeq,
  parseNameAddr,
  parseUri,
  parseVia,
  splitOutside,
  trimLws,
} from './uri.js';

export type ParseResult =
  | { ok: true; message: SipMessage }
  | { ok: false; status: number; reason: string; partial?: SipMessage; fatal: boolean };

export interface ParseOptions {
  /**
   * True (default) for UDP datagrams and WebSocket frames: a missing Content-Length means
   * "the rest of the datagram" and octets beyond Content-Length are ignored (s18.3).
   * False for a message cut from a stream: Content-Length is mandatory (s20.14) and any
   * framing error is fatal to the connection.
   */
  datagram?: boolean;
  /** Larger bodies are refused with 413 (s21.4.11). No limit by default. */
  maxBodyBytes?: number;
}

interface Failure {
  status: number;
  reason: string;
}

const CR = 0x0d;
const LF = 0x0a;

const REQUIRED = ['Via', 'From', 'To', 'Call-ID', 'CSeq'] as const;
// Max-Forwards is mandatory in RFC 3261 (s8.1.1.6) but absent from RFC 2543 requests;
// RFC 4475 s3.4.1 (inv2543.dat) asks for them to be accepted, so it is not in REQUIRED.
const SINGLE_VALUED = ['Call-ID', 'From', 'To', 'CSeq', 'Max-Forwards', 'Content-Length', 'Content-Type'] as const;

export function parseMessage(data: Buffer | string, opts: ParseOptions = {}): ParseResult {
  try {
    return parse(data, opts);
  } catch {
    // Unreachable by design (the fuzz test checks this reason never shows up). Kept so that
    // a parser bug costs one message, not the process.
    return { ok: false, status: 400, reason: 'Internal parser error', fatal: true };
  }
}

function toBuffer(data: unknown): Buffer | null {
  if (Buffer.isBuffer(data)) return data;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return null;
}

function parse(data: Buffer | string, opts: ParseOptions): ParseResult {
  const datagram = opts.datagram ?? true;
  const buf = toBuffer(data);
  if (!buf) return { ok: false, status: 400, reason: 'Not a message', fatal: true };

  // s7.5: CRLFs before the start line are ignored (also keep-alive pings, RFC 5626 s3.5.1).
  let pos = 0;
  while (pos < buf.length && (buf[pos] === CR || buf[pos] === LF)) pos++;
  if (pos >= buf.length) return { ok: false, status: 400, reason: 'Empty message', fatal: false };

  // The header section ends at the first empty line. Bare LF line ends are tolerated.
  let headerEnd = buf.length;
  let bodyStart = buf.length;
  let terminated = false;
  for (let lineStart = pos; ; ) {
    const nl = buf.indexOf(LF, lineStart);
    if (nl < 0) break;
    const contentEnd = nl > lineStart && buf[nl - 1] === CR ? nl - 1 : nl;
    if (contentEnd === lineStart) {
      headerEnd = lineStart;
      bodyStart = nl + 1;
      terminated = true;
      break;
    }
    lineStart = nl + 1;
  }

  let error: Failure | undefined;
  let fatal = false;
  const fail = (status: number, reason: string): void => {
    error ??= { status, reason };
  };

  const lines = buf.toString('utf8', pos, headerEnd).split('\n');
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] ?? '';
    lines[i] = l.endsWith('\r') ? l.slice(0, -1) : l;
  }
  if (!terminated && !datagram) {
    // A stream framer should not hand over a message without its empty line.
    fail(400, 'Incomplete header section');
    fatal = true;
  }

  // ---- start line (s7.1, s7.2)
  const startLine = lines[0] ?? '';
  let message: SipMessage;
  const headers = new SipHeaders();
  const emptyBody = Buffer.alloc(0);
  let startError: Failure | undefined;
  let partialOk = true;
  if (/^SIP\//i.test(startLine)) {
    const sl = parseStatusLine(startLine);
    if (sl.kind === 'error') {
      startError = { status: sl.status, reason: sl.reason };
      partialOk = false;
      message = { type: 'response', status: 0, reason: '', version: 'SIP/2.0', headers, body: emptyBody };
    } else {
      startError = sl.versionError;
      message = { type: 'response', status: sl.code, reason: sl.phrase, version: sl.version, headers, body: emptyBody };
    }
  } else {
    const rl = parseRequestLine(startLine);
    message = { type: 'request', method: rl.method, uri: rl.uri, version: rl.version, headers, body: emptyBody };
    if (rl.error) startError = rl.error;
    if (!isToken(rl.method)) partialOk = false;
  }
  // A 505 outranks everything below: a different version may mean a different grammar.
  if (startError) fail(startError.status, startError.reason);

  // ---- header fields (s7.3), with unfolding (s7.3.1)
  let current: { name: string; parts: string[] } | undefined;
  const flush = (): void => {
    if (current) headers.append(current.name, current.parts.map(trimLws).filter((p) => p !== '').join(' '));
    current = undefined;
  };
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line.includes('\r')) {
      fail(400, 'Bare CR in header section');
      continue;
    }
    if (line.startsWith(' ') || line.startsWith('\t')) {
      // s7.3.1: a continuation line; CRLF plus leading whitespace equals one SP.
      if (current) current.parts.push(line);
      else fail(400, 'Continuation line without a header field');
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    const name = colon < 0 ? '' : trimLws(line.slice(0, colon));
    if (!isToken(name)) {
      fail(400, colon < 0 ? 'Malformed header line' : 'Invalid header field name');
      continue;
    }
    current = { name, parts: [line.slice(colon + 1)] };
  }
  flush();

  // ---- framing (s18.3, s20.14)
  const framing = frameBody(buf, bodyStart, headers, datagram);
  if (framing.fatal) fatal = true;
  if (framing.error) fail(framing.error.status, framing.error.reason);
  const body = framing.body ?? emptyBody;
  message.body = body;
  if (!framing.error && opts.maxBodyBytes !== undefined && body.length > opts.maxBodyBytes) {
    fail(413, 'Request Entity Too Large');
  }

  // ---- semantics the transaction layer depends on
  if (!error) {
    const reason = validate(message);
    if (reason) fail(400, reason);
  }

  if (error) {
    const result: ParseResult = { ok: false, status: error.status, reason: error.reason, fatal };
    if (partialOk) result.partial = message;
    return result;
  }
  return { ok: true, message };
}

// ---------------------------------------------------------------------------------------

const VERSION_RE = /^SIP\/([0-9]{1,9})\.([0-9]{1,9})$/i;

function checkVersion(v: string): Failure | undefined {
  const m = VERSION_RE.exec(v);
  if (!m) return { status: 400, reason: 'Malformed SIP-Version' };
  if (Number(m[1]) !== 2 || Number(m[2]) !== 0) return { status: 505, reason: 'Version Not Supported' };
  return undefined;
}

interface RequestLine {
  method: string;
  uri: string;
  version: string;
  error?: Failure;
}

/**
 * Request-Line = Method SP Request-URI SP SIP-Version (s7.1, s25.1): exactly single SPs.
 * Extra or trailing SP (lwsstart.dat, trws.dat), LWS inside the URI (lwsruri.dat) and a
 * bracketed URI (ltgtruri.dat) are all 400: RFC 4475 allows that, and an element that
 * "repaired" them would still have to re-serialize something it did not receive.
 */
function parseRequestLine(line: string): RequestLine {
  const parts = line.split(' ');
  // No control characters at all, HTAB included: the Request-URI must be taken verbatim.
  if (parts.length !== 3 || parts.some((p) => p === '') || /[\x00-\x1f\x7f]/.test(line)) {
    // Best effort for the partial message, so that a 400 can still be built and routed.
    const words = line.split(/[ \t]+/).filter((w) => w !== '');
    return {
      method: words[0] ?? '',
      uri: words[1] ?? '',
      version: 'SIP/2.0',
      error: { status: 400, reason: 'Malformed Request-Line' },
    };
  }
  const [method = '', uri = '', version = ''] = parts;
  const out: RequestLine = { method, uri, version: version.toUpperCase() };
  const versionError = checkVersion(version);
  if (versionError) {
    out.error = versionError;
    if (versionError.status !== 505) out.version = 'SIP/2.0';
    return out;
  }
  if (!isToken(method)) {
    out.error = { status: 400, reason: 'Invalid method' };
    return out;
  }
  const parsed = parseUri(uri);
  if (!parsed) {
    out.error = { status: 400, reason: 'Invalid Request-URI' };
  } else if ((parsed.scheme === 'sip' || parsed.scheme === 'sips') && parsed.headers.size > 0) {
    // s19.1.1 Table 1: headers are not allowed in a Request-URI (escruri.dat).
    out.error = { status: 400, reason: 'Headers not allowed in Request-URI' };
  }
  return out;
}

type StatusLine =
  | { kind: 'ok'; version: string; code: number; phrase: string; versionError?: Failure }
  | { kind: 'error'; status: number; reason: string };

/**
 * Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (s7.2). The reason phrase may
 * be empty (noreason.dat) and may hold UTF-8 (unreason.dat). The code must be three digits
 * in 100-699 (bigcode.dat). A bad response is for the caller to drop (s18.1.2, RFC 4475).
 */
function parseStatusLine(line: string): StatusLine {
  const sp = line.indexOf(' ');
  const version = sp < 0 ? line : line.slice(0, sp);
  const rest = sp < 0 ? '' : line.slice(sp + 1);
  const sp2 = rest.indexOf(' ');
  const codeText = sp2 < 0 ? rest : rest.slice(0, sp2);
  const phrase = sp2 < 0 ? '' : rest.slice(sp2 + 1);
  const code = /^[1-6][0-9][0-9]$/.test(codeText) ? Number(codeText) : NaN;
  if (!(code >= 100 && code <= 699)) return { kind: 'error', status: 400, reason: 'Invalid Status-Code' };
  // s25.1 Reason-Phrase: text, UTF-8, SP and HTAB, but no other control characters.
  if (/[\x00-\x08\x0a-\x1f\x7f]/.test(phrase)) return { kind: 'error', status: 400, reason: 'Invalid Reason-Phrase' };
  const versionError = checkVersion(version);
  if (versionError?.status === 400) return { kind: 'error', status: 400, reason: versionError.reason };
  const out: StatusLine = { kind: 'ok', version: version.toUpperCase(), code, phrase };
  if (versionError) out.versionError = versionError;
  return out;
}

// ---------------------------------------------------------------------------------------

interface Framing {
  body?: Buffer;
  error?: Failure;
  fatal: boolean;
}

function frameBody(buf: Buffer, bodyStart: number, headers: SipHeaders, datagram: boolean): Framing {
  const available = buf.length - bodyStart;
  const values = headers.getAll('Content-Length').map(trimLws);
  if (values.length === 0) {
    if (!datagram) return { fatal: true, error: { status: 400, reason: 'Missing Content-Length' } };
    // Datagram without Content-Length: the body is the rest of it (s18.3; inv2543.dat).
    return { fatal: false, body: Buffer.from(buf.subarray(bodyStart)) };
  }
  // Never trust a bad value as a length (ncl.dat: -999): the framing is unrecoverable.
  if (values.some((v) => !/^[0-9]+$/.test(v))) {
    return { fatal: true, error: { status: 400, reason: 'Invalid Content-Length' } };
  }
  const lengths = new Set(values.map((v) => v.replace(/^0+(?=.)/, '')));
  if (lengths.size > 1) return { fatal: true, error: { status: 400, reason: 'Conflicting Content-Length values' } };
  const length = parseBoundedInt(values[0] ?? '', Number.MAX_SAFE_INTEGER);
  if (length === null || length > available) {
    // s18.3: too short a datagram is an error (clerr.dat); on a stream the framer should
    // have waited, so handing it over short means the stream is out of step.
    return { fatal: !datagram, error: { status: 400, reason: 'Content-Length exceeds message size' } };
  }
  const framing: Framing = { fatal: false, body: Buffer.from(buf.subarray(bodyStart, bodyStart + length)) };
  // Repeated but equal Content-Length: framing is fine, the message is still malformed.
  if (values.length > 1) framing.error = { status: 400, reason: 'Multiple Content-Length values' };
  return framing;
}

// ---------------------------------------------------------------------------------------

/** Raw list elements of every line of `name`, empty ones included. */
function rawValues(headers: SipHeaders, name: string): string[] {
  const out: string[] = [];
  for (const [n, v] of headers.entries()) {
    if (n === name) for (const seg of splitOutside(v, ',')) out.push(trimLws(seg.text));
  }
  return out;
}

function validate(msg: SipMessage): string | undefined {
  const h = msg.headers;
  for (const name of REQUIRED) if (!h.has(name)) return `Missing ${name} header`;
  for (const name of SINGLE_VALUED) if (h.count(name) > 1) return `Multiple ${name} values`;

  const cseq = parseCSeq(h.get('CSeq') ?? '');
  if (!cseq) return 'Invalid CSeq';
  // s8.2 / RFC 4475 s3.1.2.17: the CSeq method must match the Request-Line (mismatch01.dat).
  if (msg.type === 'request' && cseq.method !== msg.method) return 'CSeq method does not match Request-Line';

  const callId = trimLws(h.get('Call-ID') ?? '');
  if (callId === '' || /[ \t]/.test(callId)) return 'Invalid Call-ID';

  const maxForwards = h.get('Max-Forwards');
  if (maxForwards !== undefined && parseBoundedInt(trimLws(maxForwards), 255) === null) {
    return 'Invalid Max-Forwards';
  }
  const expires = h.get('Expires');
  if (expires !== undefined && parseBoundedInt(trimLws(expires), UINT32_MAX) === null) return 'Invalid Expires';
  const retryAfter = h.get('Retry-After');
  if (retryAfter !== undefined) {
    const m = /^[0-9]+/.exec(trimLws(retryAfter));
    if (!m || parseBoundedInt(m[0], UINT32_MAX) === null) return 'Invalid Retry-After';
  }

  for (const name of ['From', 'To'] as const) {
    if (!parseNameAddr(h.get(name) ?? '')) return `Invalid ${name} header`;
  }

  const vias = rawValues(h, 'Via');
  for (const v of vias) {
    if (v === '') return 'Empty Via value'; // badinv01.dat
    const via = parseVia(v);
    if (!via) return 'Invalid Via header';
    const branch = via.params.get('branch');
    // s8.1.1.7: a branch is the magic cookie plus a transaction-unique id; the cookie alone
    // (badbranch.dat) identifies nothing. No branch at all is RFC 2543 (inv2543.dat).
    if (branch === null || branch === '' || branch === 'z9hG4bK') return 'Invalid Via branch';
  }

  for (const v of rawValues(h, 'Contact')) {
    if (v === '') return 'Empty Contact value';
    if (v !== '*' && !parseNameAddr(v)) return 'Invalid Contact header';
  }
  for (const name of ['Route', 'Record-Route'] as const) {
    for (const v of rawValues(h, name)) {
      if (v === '' || !parseNameAddr(v)) return `Invalid ${name} header`;
    }
  }
  return undefined;
}
