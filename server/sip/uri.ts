// Header-value grammar for SIP (RFC 3261 s19, s20, s25.1): URIs, name-addr, Via, CSeq,
// credentials/challenges, generic parameters, and the lexical helpers they share.
//
// Every parser here returns null (or a best-effort value for parseParams) on bad input and
// never throws: the message parser runs them on untrusted bytes. No regular expression in
// this file can backtrack super-linearly.

// ---------------------------------------------------------------------------------------
// Lexical helpers (RFC 3261 s25.1). Exported for parser.ts and message.ts; they live here
// rather than in parser.ts so that message.ts -> uri.ts <- parser.ts has no import cycle.

const TOKEN_PUNCT = "-.!%*_+`'~";

export function isTokenChar(c: string): boolean {
  const code = c.charCodeAt(0);
  return (
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x61 && code <= 0x7a) ||
    (c.length === 1 && TOKEN_PUNCT.includes(c))
  );
}

export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) if (!isTokenChar(s.charAt(i))) return false;
  return true;
}

export function isLws(c: string | undefined): boolean {
  return c === ' ' || c === '\t' || c === '\r' || c === '\n';
}

/** Trims SP/HTAB/CR/LF only (String#trim would also eat NBSP and friends inside UTF-8 text). */
export function trimLws(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && isLws(s.charAt(a))) a++;
  while (b > a && isLws(s.charAt(b - 1))) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

function hasLws(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (isLws(s.charAt(i))) return true;
  return false;
}

/**
 * Reads a quoted-string whose opening DQUOTE is at s[start]. Returns the unescaped content
 * and the index just past the closing DQUOTE, or null when it is unterminated. quoted-pair
 * may escape any octet but CR/LF (s25.1), which is how intmeth.dat carries NUL/BEL/DEL.
 */
export function readQuoted(s: string, start: number): { value: string; end: number } | null {
  if (s.charAt(start) !== '"') return null;
  let out = '';
  let i = start + 1;
  while (i < s.length) {
    const c = s.charAt(i);
    if (c === '"') return { value: out, end: i + 1 };
    if (c === '\\') {
      if (i + 1 >= s.length) return null;
      out += s.charAt(i + 1);
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  return null;
}

export function quote(s: string): string {
  // CR and LF cannot be carried even as quoted-pair (s25.1).
  return `"${s.replace(/[\r\n]+/g, ' ').replace(/["\\]/g, (m) => `\\${m}`)}"`;
}

export interface Segment {
  text: string;
  start: number;
  end: number;
}

/**
 * Splits s on `sep` where it is not inside a quoted-string or (when `angles`) inside <...>.
 * Empty segments are kept: callers decide whether they are an error (badinv01.dat) or noise.
 */
export function splitOutside(s: string, sep: string, angles = true): Segment[] {
  const out: Segment[] = [];
  let start = 0;
  let inQuote = false;
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (inQuote) {
      if (c === '\\') i++;
      else if (c === '"') inQuote = false;
    } else if (c === '"') {
      inQuote = true;
    } else if (angles && c === '<') {
      depth++;
    } else if (angles && c === '>') {
      if (depth > 0) depth--;
    } else if (c === sep && depth === 0) {
      out.push({ text: s.slice(start, i), start, end: i });
      start = i + 1;
    }
  }
  out.push({ text: s.slice(start), start, end: s.length });
  return out;
}

function isHex(c: string): boolean {
  return /^[0-9A-Fa-f]$/.test(c);
}

/** %-decodes to UTF-8 text; an escaped NUL stays '\0' (escnull.dat). Null on a bad escape. */
export function percentDecode(s: string): string | null {
  if (!s.includes('%')) return s;
  const bytes: number[] = [];
  let run = 0;
  for (let i = s.indexOf('%'); i >= 0; i = s.indexOf('%', run)) {
    const h1 = s.charAt(i + 1);
    const h2 = s.charAt(i + 2);
    if (!isHex(h1) || !isHex(h2)) return null;
    if (i > run) for (const b of Buffer.from(s.slice(run, i), 'utf8')) bytes.push(b);
    bytes.push(parseInt(h1 + h2, 16));
    run = i + 3;
  }
  if (run < s.length) for (const b of Buffer.from(s.slice(run), 'utf8')) bytes.push(b);
  return Buffer.from(bytes).toString('utf8');
}

const UNRESERVED = "-_.!~*'()";
const USER_SAFE = UNRESERVED + '&=+$,;?/';
const PASSWORD_SAFE = UNRESERVED + '&=+$,';
const PARAM_SAFE = UNRESERVED + '[]/:&+$';
const HEADER_SAFE = UNRESERVED + '[]/?:+$';

function percentEncode(s: string, safe: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.charCodeAt(0);
    const alnum =
      (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a);
    if (alnum || (ch.length === 1 && code < 0x80 && safe.includes(ch))) {
      out += ch;
    } else {
      for (const b of Buffer.from(ch, 'utf8')) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    }
  }
  return out;
}

/** Decimal digits to a number when it is <= max, else null (leading zeros allowed, wsinv.dat). */
export function parseBoundedInt(s: string, max: number): number | null {
  if (!/^[0-9]+$/.test(s)) return null;
  const digits = s.replace(/^0+(?=.)/, '');
  if (digits.length > 15) return null;
  const n = Number(digits);
  return n <= max ? n : null;
}

export const UINT32_MAX = 4294967295;

// ---------------------------------------------------------------------------------------
// Generic parameters: *( SEMI generic-param ), s25.1. Names are case-insensitive and are
// lower-cased; values are kept verbatim, quotes included, so that a quoted value (e.g.
// +sip.instance="<urn:...>") is re-emitted quoted.

function paramValueOk(v: string): boolean {
  if (v.startsWith('"')) {
    const q = readQuoted(v, 0);
    return q !== null && q.end === v.length;
  }
  if (v === '' || hasLws(v)) return false;
  for (let i = 0; i < v.length; i++) {
    const c = v.charAt(i);
    if (c === '"' || c === '<' || c === '>') return false;
  }
  return true;
}

/**
 * Strict form: `s` is empty or starts with ';'. Null on an empty parameter (";;", badinv01.dat),
 * a non-token name, "name=" with no value, or an unterminated quoted value. LWS is allowed
 * around ';' and '=' (wsinv.dat). A repeated name keeps its first value.
 */
export function parseParamList(s: string): Map<string, string | null> | null {
  const params = new Map<string, string | null>();
  const t = trimLws(s);
  if (t === '') return params;
  if (!t.startsWith(';')) return null;
  for (const seg of splitOutside(t.slice(1), ';', false)) {
    const item = trimLws(seg.text);
    if (item === '') return null;
    const eq = item.indexOf('=');
    const name = (eq < 0 ? item : trimLws(item.slice(0, eq))).toLowerCase();
    if (!isToken(name)) return null;
    let value: string | null = null;
    if (eq >= 0) {
      value = trimLws(item.slice(eq + 1));
      if (!paramValueOk(value)) return null;
    }
    if (!params.has(name)) params.set(name, value);
  }
  return params;
}

/** Lenient ';a=b;c' reader: skips empty or malformed items instead of failing. */
export function parseParams(s: string): Map<string, string | null> {
  const strict = parseParamList(trimLws(s).startsWith(';') ? s : `;${s}`);
  if (strict) return strict;
  const params = new Map<string, string | null>();
  for (const seg of splitOutside(s, ';', false)) {
    const item = trimLws(seg.text);
    if (item === '') continue;
    const eq = item.indexOf('=');
    const name = (eq < 0 ? item : trimLws(item.slice(0, eq))).toLowerCase();
    if (name === '' || params.has(name)) continue;
    params.set(name, eq < 0 ? null : trimLws(item.slice(eq + 1)));
  }
  return params;
}

export function formatParams(params: Map<string, string | null>): string {
  let out = '';
  for (const [name, value] of params) out += value === null ? `;${name}` : `;${name}=${value}`;
  return out;
}

// ---------------------------------------------------------------------------------------
// URIs (s19.1, s25.1; tel per RFC 3966)

export interface SipUri {
  scheme: string;
  /** %-unescaped. For tel: the telephone-subscriber part. */
  user?: string;
  password?: string;
  /** Lower-cased; IPv6 references keep their brackets. '' for tel and opaque URIs. */
  host: string;
  port?: number;
  /** uri-parameters, names lower-cased, names and values %-unescaped. */
  params: Map<string, string | null>;
  /** headers (?h=v&...), %-unescaped. */
  headers: Map<string, string>;
  /** Everything after "scheme:" for a scheme other than sip/sips/tel (s19.1.1 absoluteURI). */
  opaque?: string;
}

function isUriText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const code = s.charCodeAt(i);
    if (code <= 0x20 || code >= 0x7f) return false;
    if (code === 0x22 || code === 0x3c || code === 0x3e) return false; // " < >
  }
  return true;
}

function isHostname(h: string): boolean {
  // Lenient on label syntax (underscores are common in the wild), strict on the alphabet.
  return /^[A-Za-z0-9_.-]+$/.test(h) && /[A-Za-z0-9]/.test(h);
}

export function parseHostPort(hp: string): { host: string; port?: number } | null {
  let host: string;
  let portText: string | undefined;
  if (hp.startsWith('[')) {
    const close = hp.indexOf(']');
    if (close < 0) return null;
    const inner = hp.slice(1, close);
    if (!/^[0-9A-Fa-f:.]+$/.test(inner) || !inner.includes(':')) return null;
    host = hp.slice(0, close + 1);
    const after = hp.slice(close + 1);
    if (after !== '') {
      if (!after.startsWith(':')) return null;
      portText = after.slice(1);
    }
  } else {
    const c = hp.indexOf(':');
    host = c < 0 ? hp : hp.slice(0, c);
    if (c >= 0) portText = hp.slice(c + 1);
    if (!isHostname(host)) return null;
  }
  if (portText === undefined) return { host: host.toLowerCase() };
  const port = parseBoundedInt(portText, 65535);
  if (port === null) return null;
  return { host: host.toLowerCase(), port };
}

function parseUriParams(text: string, into: Map<string, string | null>): boolean {
  for (const item of text.split(';')) {
    if (item === '') return false;
    const eq = item.indexOf('=');
    const name = percentDecode(eq < 0 ? item : item.slice(0, eq));
    const value = eq < 0 ? null : percentDecode(item.slice(eq + 1));
    if (name === null || name === '' || (eq >= 0 && value === null)) return false;
    const key = name.toLowerCase();
    if (!into.has(key)) into.set(key, value);
  }
  return true;
}

function parseSipUri(scheme: string, rest: string): SipUri | null {
  const uri: SipUri = { scheme, host: '', params: new Map(), headers: new Map() };
  let hp = rest;
  // user and password cannot contain a raw '@' (s25.1: user-unreserved has no '@'), nor can
  // uri-parameters or headers, so the first '@' ends the userinfo even when the user part
  // holds ';' or '?' (semiuri.dat, intmeth.dat).
  const at = rest.indexOf('@');
  if (at >= 0) {
    const userinfo = rest.slice(0, at);
    hp = rest.slice(at + 1);
    const pc = userinfo.indexOf(':');
    const user = percentDecode(pc < 0 ? userinfo : userinfo.slice(0, pc));
    if (user === null || user === '') return null;
    uri.user = user;
    if (pc >= 0) {
      const password = percentDecode(userinfo.slice(pc + 1));
      if (password === null) return null;
      uri.password = password;
    }
  }
  const q = hp.indexOf('?');
  const beforeHeaders = q < 0 ? hp : hp.slice(0, q);
  const semi = beforeHeaders.indexOf(';');
  const hostport = semi < 0 ? beforeHeaders : beforeHeaders.slice(0, semi);
  const parsedHost = parseHostPort(hostport);
  if (!parsedHost) return null;
  uri.host = parsedHost.host;
  if (parsedHost.port !== undefined) uri.port = parsedHost.port;
  if (semi >= 0 && !parseUriParams(beforeHeaders.slice(semi + 1), uri.params)) return null;
  if (q >= 0) {
    for (const item of hp.slice(q + 1).split('&')) {
      const eq = item.indexOf('=');
      if (eq <= 0) return null;
      const name = percentDecode(item.slice(0, eq));
      const value = percentDecode(item.slice(eq + 1));
      if (name === null || name === '' || value === null) return null;
      if (!uri.headers.has(name)) uri.headers.set(name, value);
    }
  }
  return uri;
}

function parseTelUri(rest: string): SipUri | null {
  const semi = rest.indexOf(';');
  const number = percentDecode(semi < 0 ? rest : rest.slice(0, semi));
  if (number === null || number === '') return null;
  const uri: SipUri = { scheme: 'tel', user: number, host: '', params: new Map(), headers: new Map() };
  if (semi >= 0 && !parseUriParams(rest.slice(semi + 1), uri.params)) return null;
  return uri;
}

export function parseUri(s: string): SipUri | null {
  const t = trimLws(s);
  const colon = t.indexOf(':');
  if (colon <= 0) return null;
  const scheme = t.slice(0, colon).toLowerCase();
  if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) return null;
  const rest = t.slice(colon + 1);
  if (rest === '' || !isUriText(rest)) return null;
  if (scheme === 'sip' || scheme === 'sips') return parseSipUri(scheme, rest);
  if (scheme === 'tel') return parseTelUri(rest);
  return { scheme, host: '', params: new Map(), headers: new Map(), opaque: rest };
}

function formatUriParams(params: Map<string, string | null>): string {
  let out = '';
  for (const [name, value] of params) {
    out += `;${percentEncode(name, PARAM_SAFE)}`;
    if (value !== null) out += `=${percentEncode(value, PARAM_SAFE)}`;
  }
  return out;
}

export function formatUri(u: SipUri): string {
  if (u.opaque !== undefined) return `${u.scheme}:${u.opaque}`;
  if (u.scheme === 'tel') return `tel:${percentEncode(u.user ?? '', USER_SAFE)}${formatUriParams(u.params)}`;
  let out = `${u.scheme}:`;
  if (u.user !== undefined && u.user !== '') {
    out += percentEncode(u.user, USER_SAFE);
    if (u.password !== undefined) out += `:${percentEncode(u.password, PASSWORD_SAFE)}`;
    out += '@';
  }
  out += u.host;
  if (u.port !== undefined) out += `:${u.port}`;
  out += formatUriParams(u.params);
  let sep = '?';
  for (const [name, value] of u.headers) {
    out += `${sep}${percentEncode(name, HEADER_SAFE)}=${percentEncode(value, HEADER_SAFE)}`;
    sep = '&';
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// name-addr / addr-spec (s20.10, s25.1: From, To, Contact, Route, Record-Route, Refer-To ...)

export interface NameAddr {
  displayName?: string;
  uri: SipUri;
  /** Header parameters after the URI (tag, expires, q, +sip.instance, ...). */
  params: Map<string, string | null>;
}

export function parseNameAddr(s: string): NameAddr | null {
  const t = trimLws(s);
  let displayName: string | undefined;
  let lt = -1;
  if (t.startsWith('"')) {
    const q = readQuoted(t, 0);
    if (!q) return null; // quotbal.dat
    displayName = q.value;
    let i = q.end;
    while (isLws(t.charAt(i))) i++;
    if (t.charAt(i) !== '<') return null;
    lt = i;
  } else {
    for (let i = 0; i < t.length; i++) {
      const c = t.charAt(i);
      if (c === '<') {
        lt = i;
        break;
      }
      if (c === ';') break;
      if (c === '"' || c === '>') return null;
    }
    if (lt >= 0) {
      // Unquoted display name: RFC 3261 allows only *(token LWS), but RFC 4475 s3.1.1.6
      // (lwsdisp.dat: no LWS before '<') and s3.1.2.15 (baddn.dat: ',' in it) let an element
      // accept more. Anything up to '<' that is not a quote is taken.
      const dn = trimLws(t.slice(0, lt));
      if (dn !== '') displayName = dn;
    }
  }

  if (lt < 0) {
    // addr-spec form: whatever follows the first ';' is header parameters, not URI
    // parameters (s20.10; cparam01.dat).
    const semi = t.indexOf(';');
    const uri = parseUri(semi < 0 ? t : t.slice(0, semi));
    if (!uri) return null;
    const params = parseParamList(semi < 0 ? '' : t.slice(semi));
    if (!params) return null;
    return { uri, params };
  }

  const gt = t.indexOf('>', lt + 1);
  if (gt < 0) return null;
  // LWS just inside the brackets is tolerated (badaspec.dat, RFC 4475 s3.1.2.14).
  const uri = parseUri(t.slice(lt + 1, gt));
  if (!uri) return null;
  const params = parseParamList(t.slice(gt + 1));
  if (!params) return null;
  const out: NameAddr = { uri, params };
  if (displayName !== undefined) out.displayName = displayName;
  return out;
}

export function formatNameAddr(n: NameAddr): string {
  const dn = n.displayName !== undefined && n.displayName !== '' ? `${quote(n.displayName)} ` : '';
  return `${dn}<${formatUri(n.uri)}>${formatParams(n.params)}`;
}

// ---------------------------------------------------------------------------------------
// Via (s20.42, s25.1). LWS is allowed around every '/' of sent-protocol and around the ':'
// of sent-by (wsinv.dat folds right through them).

export interface Via {
  /** protocol-name "/" protocol-version, e.g. 'SIP/2.0'. */
  protocol: string;
  /** Upper-cased: 'UDP', 'TCP', 'TLS', 'WS', 'WSS', or an extension token. */
  transport: string;
  host: string;
  port?: number;
  params: Map<string, string | null>;
}

export function parseVia(s: string): Via | null {
  const t = trimLws(s);
  const semi = t.indexOf(';');
  const head = semi < 0 ? t : t.slice(0, semi);
  const parts = head.split('/');
  if (parts.length !== 3) return null;
  const name = trimLws(parts[0] ?? '');
  const version = trimLws(parts[1] ?? '');
  const tail = trimLws(parts[2] ?? '');
  let i = 0;
  while (i < tail.length && !isLws(tail.charAt(i))) i++;
  const transport = tail.slice(0, i);
  const sentBy = trimLws(tail.slice(i)).split(':').map(trimLws).join(':');
  if (!isToken(name) || !isToken(version) || !isToken(transport) || sentBy === '' || hasLws(sentBy)) {
    return null;
  }
  const hp = parseHostPort(sentBy);
  if (!hp) return null;
  const params = parseParamList(semi < 0 ? '' : t.slice(semi));
  if (!params) return null;
  const via: Via = {
    protocol: `${name.toUpperCase()}/${version}`,
    transport: transport.toUpperCase(),
    host: hp.host,
    params,
  };
  if (hp.port !== undefined) via.port = hp.port;
  return via;
}

export function formatVia(v: Via): string {
  const port = v.port !== undefined ? `:${v.port}` : '';
  return `${v.protocol}/${v.transport} ${v.host}${port}${formatParams(v.params)}`;
}

// ---------------------------------------------------------------------------------------
// CSeq (s20.16): the number must fit 32 bits (s8.1.1.5; scalar02.dat, scalarlg.dat).

export function parseCSeq(s: string): { seq: number; method: string } | null {
  const t = trimLws(s);
  let i = 0;
  while (i < t.length && !isLws(t.charAt(i))) i++;
  const seq = parseBoundedInt(t.slice(0, i), UINT32_MAX);
  const method = trimLws(t.slice(i));
  if (seq === null || !isToken(method)) return null;
  return { seq, method };
}

// ---------------------------------------------------------------------------------------
// Challenges and credentials (s20.7, s20.27, s20.28, s20.44; s25.1 challenge/credentials).

export interface AuthParams {
  scheme: string;
  /** Names lower-cased, quoted values unquoted and unescaped. */
  params: Map<string, string>;
  /** For schemes that carry a single token68 blob instead of params (e.g. Bearer, RFC 8898). */
  token68?: string;
}

export function parseAuthHeader(s: string): AuthParams | null {
  const t = trimLws(s);
  let i = 0;
  while (i < t.length && isTokenChar(t.charAt(i))) i++;
  if (i === 0 || (i < t.length && !isLws(t.charAt(i)))) return null;
  const scheme = t.slice(0, i);
  const rest = trimLws(t.slice(i));
  const params = new Map<string, string>();
  if (rest === '') return { scheme, params };
  if (/^[A-Za-z0-9\-._~+/]+=*$/.test(rest)) return { scheme, params, token68: rest };
  for (const seg of splitOutside(rest, ',', false)) {
    const item = trimLws(seg.text);
    if (item === '') continue; // empty list elements are legal in auth lists
    const eq = item.indexOf('=');
    if (eq <= 0) return null;
    const name = trimLws(item.slice(0, eq)).toLowerCase();
    if (!isToken(name)) return null;
    let value = trimLws(item.slice(eq + 1));
    if (value.startsWith('"')) {
      const q = readQuoted(value, 0);
      if (!q || q.end !== value.length) return null;
      value = q.value;
    } else if (value === '' || hasLws(value) || value.includes('"')) {
      return null;
    }
    if (!params.has(name)) params.set(name, value);
  }
  return { scheme, params };
}

// Digest parameters whose grammar is a bare token (RFC 3261 s25.1, RFC 7616 s3.4): quoting
// them breaks strict peers. qop is quoted in a challenge (qop-options) but bare in
// credentials (message-qop).
const DIGEST_BARE = new Set(['algorithm', 'nc', 'stale']);

export function formatAuthHeader(a: AuthParams, quoted?: Set<string>): string {
  if (a.token68 !== undefined && a.params.size === 0) return `${a.scheme} ${a.token68}`;
  const credentials = a.params.has('response') || a.params.has('username');
  const parts: string[] = [];
  for (const [name, value] of a.params) {
    let q: boolean;
    if (quoted) q = quoted.has(name);
    else if (name === 'qop') q = !credentials;
    else q = !DIGEST_BARE.has(name);
    if (!isToken(value)) q = true;
    parts.push(`${name}=${q ? quote(value) : value}`);
  }
  return parts.length ? `${a.scheme} ${parts.join(', ')}` : a.scheme;
}
