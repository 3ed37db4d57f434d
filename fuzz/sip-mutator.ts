/**
 * Mutations of SIP messages. A message is handled as a latin1 string (one char per byte), so
 * every byte survives and inserted unicode goes in as its UTF-8 bytes. Each mutation names
 * itself, so a finding says what was done to which seed message.
 */
import type { Rng } from './prng.js';

export interface Mutated {
  bytes: Buffer<ArrayBufferLike>;
  /** What was done, e.g. ["dup-header Via x3", "cseq 4294967296"]. */
  ops: string[];
}

const METHODS = ['INVITE', 'ACK', 'BYE', 'CANCEL', 'REGISTER', 'OPTIONS', 'INFO', 'REFER', 'NOTIFY', 'MESSAGE', 'SUBSCRIBE', 'PRACK', 'UPDATE', 'PUBLISH'];
const ODD_METHODS = ['invite', 'FOO', 'INVITE\t', 'INV%49TE', 'I', 'REGISTERREGISTERREGISTER', '!%*_+`\'~', ''];
const ESSENTIAL = ['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Max-Forwards', 'Content-Length', 'Contact', 'Route', 'Record-Route', 'Content-Type', 'Expires', 'Authorization', 'Proxy-Authorization', 'Refer-To', 'Replaces', 'Referred-By', 'Event', 'Subscription-State'];
const NUMBERS = ['0', '1', '-1', '00000000000000000000000000001', '2147483647', '2147483648', '4294967295', '4294967296', '18446744073709551616', '99999999999999999999999999', '1.5', '1e9', '0x10', '+5', ' ', '', 'NaN', 'Infinity', '٣'];
const UNICODE = [
  '\u0000', '\u202e', '\u200b', '\ufeff', '\uffff', '\u{1f4de}', 'é', 'ß\u0301', '\u0085', '\u2028', '\u00a0',
  'ﷺ', '\ud800', // a lone surrogate: encodes as EF BF BD
];
/** Byte strings that are not valid UTF-8. */
const BAD_UTF8 = ['\xc0\x80', '\xed\xa0\x80', '\xff\xfe', '\xf4\x90\x80\x80', '\xe2\x82', '\x80'];
const ODD_URIS = [
  'sip:', 'sip:@', 'sip:1002@', 'sip:@demo', 'sips:1002@demo', 'tel:+14155550100', 'sip:1002@demo:0', 'sip:1002@demo:65536',
  'sip:1002@demo;transport=ws;transport=ws;lr;lr', 'sip:%00@demo', 'sip:1002@[::1]', 'sip:1002@[::1', 'sip:1002@demo?Replaces=abc%3Bto-tag%3D1',
  'sip:1002@demo;maddr=127.0.0.1', 'sip:../../etc/passwd@demo', 'sip:1002@demo:99999999999', '<sip:1002@demo>', 'sip:1002@de mo', 'urn:service:sos', '*',
  'sip:1002@switchboard.invalid;lr', 'sip:1002@demo;user=phone', `sip:${'9'.repeat(300)}@demo`,
];

function utf8(s: string): string {
  return Buffer.from(s, 'utf8').toString('latin1');
}

interface Split {
  lines: string[];
  body: string;
  eol: string;
}

function split(msg: string): Split {
  const eol = msg.includes('\r\n') ? '\r\n' : '\n';
  const end = msg.indexOf(eol + eol);
  const head = end < 0 ? msg : msg.slice(0, end);
  const body = end < 0 ? '' : msg.slice(end + eol.length * 2);
  return { lines: head.split(eol), body, eol };
}

function join(s: Split): string {
  return s.lines.join(s.eol) + s.eol + s.eol + s.body;
}

const nameOf = (line: string) => /^([^:\s]+)\s*:/.exec(line)?.[1] ?? '';

/** Index of a header line named `name` (long or compact form), or -1. */
function findHeader(s: Split, names: string[]): number[] {
  const lower = names.map((n) => n.toLowerCase());
  const out: number[] = [];
  s.lines.forEach((l, i) => {
    if (i > 0 && lower.includes(nameOf(l).toLowerCase())) out.push(i);
  });
  return out;
}

const COMPACT: Record<string, string> = { 'call-id': 'i', 'content-length': 'l', 'content-type': 'c', from: 'f', to: 't', via: 'v', contact: 'm', 'refer-to': 'r', 'referred-by': 'b', event: 'o', supported: 'k', subject: 's' };

function setHeader(s: Split, name: string, value: string): void {
  const lname = name.toLowerCase();
  const idx = findHeader(s, [name, ...(COMPACT[lname] ? [COMPACT[lname]!] : [])]);
  if (idx.length === 0) s.lines.push(`${name}: ${value}`);
  else s.lines[idx[0]!] = `${nameOf(s.lines[idx[0]!]!)}: ${value}`;
}

function junk(rng: Rng, n: number): string {
  const alphabets = ['a', 'A1;=,<>"\\ \t', '%', ';', ',', '"', '<', '\\', ' '];
  const a = rng.pick(alphabets);
  let out = '';
  while (out.length < n) out += a;
  return out.slice(0, n);
}

type Mutation = (s: Split, rng: Rng, donors: readonly string[]) => string;

const headerLine = (s: Split, rng: Rng) => (s.lines.length > 1 ? rng.range(1, s.lines.length - 1) : -1);

const MUTATIONS: Array<[weight: number, name: string, fn: Mutation]> = [
  [4, 'dup-header', (s, rng) => {
    const i = headerLine(s, rng);
    if (i < 0) return 'dup-header none';
    const n = rng.pick([1, 2, 5, 50]);
    s.lines.splice(i, 0, ...Array<string>(n).fill(s.lines[i]!));
    return `dup-header ${nameOf(s.lines[i]!)} x${n + 1}`;
  }],
  [4, 'remove-header', (s, rng) => {
    const named = rng.chance(0.6) ? findHeader(s, [rng.pick(ESSENTIAL)]) : [];
    const i = named.length ? rng.pick(named) : headerLine(s, rng);
    if (i < 0) return 'remove-header none';
    const [gone] = s.lines.splice(i, 1);
    return `remove-header ${nameOf(gone ?? '')}`;
  }],
  [3, 'huge-value', (s, rng) => {
    const i = headerLine(s, rng);
    if (i < 0) return 'huge-value none';
    const n = rng.pick([300, 1024, 8192, 40_000, 70_000]);
    const name = nameOf(s.lines[i]!);
    const keep = rng.chance(0.5);
    s.lines[i] = `${s.lines[i]}${keep ? ';x=' : ''}${junk(rng, n)}`;
    return `huge-value ${name} +${n}`;
  }],
  [4, 'content-length', (s, rng) => {
    const v = rng.pick([...NUMBERS, String(s.body.length + 1), String(Math.max(0, s.body.length - 1)), String(s.body.length * 2), '65536', '-0', '5 5']);
    setHeader(s, 'Content-Length', v);
    return `content-length "${v}"`;
  }],
  [3, 'crlf-injection', (s, rng) => {
    const i = headerLine(s, rng);
    if (i < 0) return 'crlf none';
    const inj = rng.pick(['\r\n', '\n', '\r', '\r\n\r\n', '\r\nVia: SIP/2.0/WS evil.invalid;branch=z9hG4bKinj', '\r\nContent-Length: 99', '\r\n ', '\r\n\t', '\x00']);
    const line = s.lines[i]!;
    const at = rng.range(Math.min(line.length, nameOf(line).length + 1), line.length);
    s.lines[i] = line.slice(0, at) + inj + line.slice(at);
    return `crlf-injection ${nameOf(line)} ${JSON.stringify(inj)}`;
  }],
  [3, 'unicode', (s, rng) => {
    const i = rng.int(s.lines.length);
    const ins = rng.chance(0.3) ? rng.pick(BAD_UTF8) : utf8(rng.pick(UNICODE).repeat(rng.pick([1, 3, 100])));
    const line = s.lines[i]!;
    const at = rng.int(line.length + 1);
    s.lines[i] = line.slice(0, at) + ins + line.slice(at);
    return `unicode line ${i} @${at}`;
  }],
  [4, 'numeric', (s, rng) => {
    const which = rng.pick(['CSeq', 'Max-Forwards', 'Expires', 'contact-expires', 'Session-Expires', 'RSeq', 'via-port', 'Min-Expires']);
    const v = rng.pick(NUMBERS);
    if (which === 'CSeq') {
      const i = findHeader(s, ['CSeq'])[0];
      const method = i !== undefined ? (/\d+\s+(\S+)/.exec(s.lines[i]!)?.[1] ?? 'INVITE') : 'INVITE';
      setHeader(s, 'CSeq', `${v} ${method}`);
    } else if (which === 'contact-expires') {
      const i = findHeader(s, ['Contact', 'm'])[0];
      if (i !== undefined) s.lines[i] = s.lines[i]!.replace(/;expires=[^;,]*/i, '') + `;expires=${v}`;
    } else if (which === 'via-port') {
      const i = findHeader(s, ['Via', 'v'])[0];
      if (i !== undefined) s.lines[i] = s.lines[i]!.replace(/(SIP\/2\.0\/\S+\s+[^;:\s]+)(:\d+)?/i, `$1:${v}`);
    } else {
      setHeader(s, which, v);
    }
    return `numeric ${which}=${JSON.stringify(v)}`;
  }],
  [3, 'swap-method', (s, rng) => {
    const m = rng.chance(0.8) ? rng.pick(METHODS) : rng.pick(ODD_METHODS);
    const first = s.lines[0]!;
    if (first.startsWith('SIP/2.0')) {
      // A response becomes a request (or the other way around, below).
      s.lines[0] = `${m} sip:1002@demo SIP/2.0`;
      return `swap-method response->${m}`;
    }
    s.lines[0] = first.replace(/^\S*/, m);
    if (rng.chance(0.5)) {
      const i = findHeader(s, ['CSeq'])[0];
      if (i !== undefined) s.lines[i] = s.lines[i]!.replace(/(\d+\s+)\S+/, `$1${m}`);
      return `swap-method ${m} (and CSeq)`;
    }
    return `swap-method ${m}`;
  }],
  [2, 'to-response', (s, rng) => {
    const code = rng.pick(['100', '180', '183', '200', '202', '299', '301', '401', '407', '481', '487', '600', '699', '700', '099', '1000', '2OO']);
    s.lines[0] = `SIP/2.0 ${code} ${rng.pick(['OK', '', 'Ringing', junk(rng, 200)])}`;
    return `to-response ${code}`;
  }],
  [4, 'splice', (s, rng, donors) => {
    if (donors.length === 0) return 'splice none';
    const donor = split(rng.pick(donors));
    const line = donor.lines.length > 1 ? donor.lines[rng.range(1, donor.lines.length - 1)]! : donor.lines[0]!;
    if (rng.chance(0.5)) {
      const i = findHeader(s, [nameOf(line)])[0];
      if (i !== undefined) {
        s.lines[i] = line;
        return `splice replace ${nameOf(line)}`;
      }
    }
    s.lines.splice(rng.range(1, s.lines.length), 0, line);
    return `splice insert ${nameOf(line) || 'start-line'}`;
  }],
  [3, 'request-uri', (s, rng) => {
    const first = s.lines[0]!;
    const uri = rng.pick(ODD_URIS);
    if (/^SIP\//.test(first)) return 'request-uri (response)';
    s.lines[0] = first.replace(/^(\S+)\s+\S+/, `$1 ${uri}`);
    return `request-uri ${uri.slice(0, 60)}`;
  }],
  [3, 'header-uri', (s, rng) => {
    const name = rng.pick(['From', 'To', 'Contact', 'Route', 'Refer-To', 'Referred-By', 'Record-Route']);
    const uri = rng.pick(ODD_URIS);
    const tag = rng.chance(0.5) ? `;tag=${rng.pick(['', 'a;tag=b', junk(rng, 20), '%00'])}` : '';
    const value = rng.pick([`<${uri}>${tag}`, `${uri}${tag}`, `"${junk(rng, 10)}" <${uri}>`, `<${uri}`, `${uri}>`, '<>', '']);
    setHeader(s, name, value);
    return `header-uri ${name}: ${value.slice(0, 60)}`;
  }],
  [3, 'params', (s, rng) => {
    const i = headerLine(s, rng);
    if (i < 0) return 'params none';
    const p = rng.pick([';tag=', ';tag=a;tag=b', ';branch=', ';branch=z9hG4bK', ';;;', ';=x', ';lr=1', `;${junk(rng, 30)}`, ';expires=', ';q=2.0', ';received', ',', ', ,', ';+sip.instance="<urn:uuid:>"', ';ob', ';transport=udp', ';rport=', ';maddr=']);
    s.lines[i] += p;
    return `params ${nameOf(s.lines[i]!)} ${JSON.stringify(p)}`;
  }],
  [2, 'replaces', (s, rng) => {
    const v = rng.pick(['', ';', 'abc', 'abc;to-tag=;from-tag=', 'abc;to-tag=1;from-tag=2;early-only', `${junk(rng, 100)};to-tag=x;from-tag=y`, 'a;to-tag=1;to-tag=2;from-tag=3', '%00;to-tag=%00;from-tag=%00']);
    setHeader(s, 'Replaces', v);
    if (rng.chance(0.5)) setHeader(s, 'Require', 'replaces');
    return `replaces ${JSON.stringify(v.slice(0, 40))}`;
  }],
  [2, 'refer-to', (s, rng) => {
    const v = rng.pick(['<sip:1003@demo>', '<sip:1003@demo?Replaces=x%3Bto-tag%3Da%3Bfrom-tag%3Db>', '<sip:1003@demo?Replaces=>', '<sip:1003@demo?Replaces=%zz>', '<sip:1003@demo?Call-ID=x&Replaces=a%3Bto-tag%3D1>', '<>', 'sip:', `<sip:${junk(rng, 200)}@demo>`, '<tel:1003>', '<sip:1003@demo>, <sip:1004@demo>']);
    setHeader(s, 'Refer-To', v);
    return `refer-to ${v.slice(0, 60)}`;
  }],
  [2, 'folding', (s, rng) => {
    const i = headerLine(s, rng);
    if (i < 0) return 'folding none';
    const line = s.lines[i]!;
    const at = rng.range(Math.min(line.length, nameOf(line).length + 1), line.length);
    s.lines[i] = `${line.slice(0, at)}${s.eol}${rng.pick([' ', '\t', '  \t '])}${line.slice(at)}`;
    return `folding ${nameOf(line)}`;
  }],
  [2, 'header-name', (s, rng) => {
    const i = headerLine(s, rng);
    if (i < 0) return 'header-name none';
    const line = s.lines[i]!;
    const name = nameOf(line);
    const next = rng.pick([name.toUpperCase(), name.toLowerCase(), `${name} `, ` ${name}`, `${name}\t`, COMPACT[name.toLowerCase()] ?? name, `${name}x`, '', ':', `${junk(rng, 5)}`]);
    s.lines[i] = line.replace(/^[^:]*/, next);
    return `header-name ${name} -> ${JSON.stringify(next)}`;
  }],
  [3, 'body', (s, rng) => {
    const b = rng.pick([
      'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 0 RTP/AVP\r\n',
      'SIP/2.0 200 OK\r\n', 'SIP/2.0 99999 x\r\n', 'Signal=1\r\nDuration=99999999999\r\n', 'Signal=\r\n',
      junk(rng, 5000), '\x00\x01\x02', utf8('\u{1f4de}'.repeat(50)), '',
    ]);
    s.body = b;
    if (rng.chance(0.7)) setHeader(s, 'Content-Length', String(Buffer.byteLength(b, 'latin1')));
    if (rng.chance(0.4)) setHeader(s, 'Content-Type', rng.pick(['application/sdp', 'message/sipfrag;version=2.0', 'application/dtmf-relay', 'text/plain', 'multipart/mixed;boundary=', '/', '']));
    return `body ${b.length} bytes`;
  }],
  [1, 'version', (s, rng) => {
    const v = rng.pick(['SIP/3.0', 'SIP/2.00', 'sip/2.0', 'SIP/2', 'HTTP/1.1', '', 'SIP/2.0 extra']);
    s.lines[0] = /^SIP\//.test(s.lines[0]!) ? s.lines[0]!.replace(/^\S+/, v) : s.lines[0]!.replace(/\S+$/, v);
    return `version ${v}`;
  }],
  [1, 'line-endings', (s, rng) => {
    s.eol = rng.pick(['\n', '\r', '\r\r\n', '\n\r']);
    return `line-endings ${JSON.stringify(s.eol)}`;
  }],
];

const TOTAL = MUTATIONS.reduce((n, [w]) => n + w, 0);

function pickMutation(rng: Rng): [string, Mutation] {
  let r = rng.int(TOTAL);
  for (const [w, name, fn] of MUTATIONS) {
    if (r < w) return [name, fn];
    r -= w;
  }
  const last = MUTATIONS[MUTATIONS.length - 1]!;
  return [last[1], last[2]];
}

/** Byte-level mutations applied after the structural ones. */
function byteLevel(bytes: Buffer<ArrayBufferLike>, rng: Rng, ops: string[]): Buffer<ArrayBufferLike> {
  if (rng.chance(0.2) && bytes.length > 0) {
    const out = Buffer.from(bytes);
    const n = rng.pick([1, 2, 4, 16]);
    for (let k = 0; k < n; k++) {
      const i = rng.int(out.length);
      out[i] = out[i]! ^ (1 << rng.int(8));
    }
    ops.push(`byte-flip x${n}`);
    bytes = out;
  }
  if (rng.chance(0.1) && bytes.length > 1) {
    const at = rng.int(bytes.length);
    ops.push(`truncate @${at}/${bytes.length}`);
    bytes = bytes.subarray(0, at);
  }
  return bytes;
}

/**
 * One to four structural mutations of `message` (latin1), then maybe byte flips and a
 * truncation. `donors` are other messages whose header lines may be spliced in.
 */
export function mutateSip(message: string, rng: Rng, donors: readonly string[] = [], opts: { maxOps?: number; keepStartLine?: boolean } = {}): Mutated {
  const s = split(message);
  const ops: string[] = [];
  const n = rng.range(1, opts.maxOps ?? 4);
  for (let k = 0; k < n; k++) {
    const [name, fn] = pickMutation(rng);
    const first = s.lines[0];
    if (opts.keepStartLine && ['swap-method', 'to-response', 'version', 'request-uri'].includes(name)) continue;
    ops.push(fn(s, rng, donors));
    if (opts.keepStartLine) s.lines[0] = first!;
  }
  let bytes: Buffer<ArrayBufferLike> = Buffer.from(join(s), 'latin1');
  if (!opts.keepStartLine) bytes = byteLevel(bytes, rng, ops);
  return { bytes, ops };
}

/** Sets (or adds) one header of a message; used to fill captured templates with live values. */
export function withHeader(message: string, name: string, value: string): string {
  const s = split(message);
  setHeader(s, name, value);
  return join(s);
}
