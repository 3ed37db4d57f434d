// SIP message layer: unit tests, the RFC 4475 torture-test corpus, and a mutation fuzz.

import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { SipHeaders, createResponse, serialize, type SipMessage, type SipRequest } from '../../server/sip/message.js';
import { parseMessage, type ParseResult } from '../../server/sip/parser.js';
import {
  formatAuthHeader,
  formatNameAddr,
  formatUri,
  formatVia,
  parseAuthHeader,
  parseCSeq,
  parseNameAddr,
  parseParams,
  parseUri,
  parseVia,
  type NameAddr,
  type SipUri,
} from '../../server/sip/uri.js';

const CORPUS = path.resolve(import.meta.dirname, '../../../shared/conformance/rfc4475');

const crlf = (lines: string[], body = ''): string => `${lines.join('\r\n')}\r\n\r\n${body}`;

function ok(r: ParseResult): SipMessage {
  if (!r.ok) assert.fail(`expected a parsed message, got ${r.status} ${r.reason}`);
  return r.message;
}

function req(r: ParseResult): SipRequest {
  const m = ok(r);
  assert.equal(m.type, 'request');
  return m as SipRequest;
}

function nameAddr(v: string | undefined): NameAddr {
  const n = parseNameAddr(v ?? '');
  assert.ok(n, `name-addr should parse: ${v}`);
  return n;
}

function uri(v: string | undefined): SipUri {
  const u = parseUri(v ?? '');
  assert.ok(u, `URI should parse: ${v}`);
  return u;
}

// ---------------------------------------------------------------------------------------
// Realistic JsSIP traffic (WebSocket transport, RFC 7118)

const JSSIP_REGISTER = crlf([
  'REGISTER sip:pbx.switchboard.test SIP/2.0',
  'Via: SIP/2.0/WSS k3j2h1g0f9e8.invalid;branch=z9hG4bK8563211',
  'Max-Forwards: 69',
  'To: "Alice Example" <sip:1001@pbx.switchboard.test>',
  'From: "Alice Example" <sip:1001@pbx.switchboard.test>;tag=u3ad1l2qnb',
  'Call-ID: 0ntc8ggs4v4m2cg7i2b9e1',
  'CSeq: 2 REGISTER',
  'Authorization: Digest algorithm=MD5, username="1001", realm="pbx.switchboard.test", nonce="5f1e7b0c:9a1d,3e", uri="sip:pbx.switchboard.test", response="6629fae49393a05397450978507c4ef1", qop=auth, cnonce="o5d1jh8sv6kq", nc=00000001',
  'Contact: <sip:h4bm9u0d@k3j2h1g0f9e8.invalid;transport=ws>;+sip.ice;reg-id=1;+sip.instance="<urn:uuid:2f6d9d7e-3c1a-4b8e-9f00-7a5c3e1b2d4f>";expires=600',
  'Expires: 600',
  'Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY,SUBSCRIBE',
  'Supported: path,gruu,outbound',
  'User-Agent: JsSIP 3.10.0',
  'Content-Length: 0',
]);

const SDP = [
  'v=0',
  'o=- 4611731400430051336 2 IN IP4 127.0.0.1',
  's=Café ☎',
  't=0 0',
  'a=group:BUNDLE 0',
  'a=msid-semantic: WMS 6b7c0f3e',
  'm=audio 9 UDP/TLS/RTP/SAVPF 111 0 8 101',
  'c=IN IP4 0.0.0.0',
  'a=rtcp:9 IN IP4 0.0.0.0',
  'a=candidate:842163049 1 udp 1677729535 203.0.113.7 50123 typ srflx raddr 192.168.1.20 rport 50123 generation 0',
  'a=ice-ufrag:Zx3c',
  'a=ice-pwd:4pQ2mN8vX1sT6yR0kL5jH7gF',
  'a=fingerprint:sha-256 7B:8C:11:0A:5E:9F:2D:44:61:3B:C2:D7:0E:98:AF:15:6C:03:B4:7D:E2:51:9A:86:F0:2B:4C:DD:37:18:60:EA',
  'a=setup:actpass',
  'a=mid:0',
  'a=sendrecv',
  'a=rtcp-mux',
  'a=rtpmap:111 opus/48000/2',
  'a=fmtp:111 minptime=10;useinbandfec=1',
  'a=rtpmap:0 PCMU/8000',
  'a=rtpmap:8 PCMA/8000',
  'a=rtpmap:101 telephone-event/8000',
  '',
].join('\r\n');

const JSSIP_INVITE = crlf(
  [
    'INVITE sip:1002@pbx.switchboard.test SIP/2.0',
    'Via: SIP/2.0/WSS k3j2h1g0f9e8.invalid;branch=z9hG4bK2302174',
    'Max-Forwards: 69',
    'To: <sip:1002@pbx.switchboard.test>',
    'From: "Alice Example" <sip:1001@pbx.switchboard.test>;tag=8m5r2e7u1c',
    'Call-ID: vbmq3p4d1o3hd0t1r8ld',
    'CSeq: 8147 INVITE',
    'Contact: <sip:h4bm9u0d@k3j2h1g0f9e8.invalid;transport=ws;ob>',
    'Content-Type: application/sdp',
    'Session-Expires: 90',
    'Allow: INVITE,ACK,CANCEL,BYE,UPDATE,MESSAGE,OPTIONS,REFER,INFO,NOTIFY,SUBSCRIBE',
    'Supported: timer,ice,replaces,outbound',
    'User-Agent: JsSIP 3.10.0',
    `Content-Length: ${Buffer.byteLength(SDP)}`,
  ],
  SDP,
);

describe('JsSIP traffic', () => {
  test('REGISTER round-trips byte for byte', () => {
    const m = req(parseMessage(JSSIP_REGISTER));
    assert.equal(m.method, 'REGISTER');
    assert.equal(serialize(m).toString('utf8'), JSSIP_REGISTER);
    const contact = nameAddr(m.headers.get('Contact'));
    assert.equal(contact.uri.user, 'h4bm9u0d');
    assert.equal(contact.uri.params.get('transport'), 'ws');
    assert.equal(contact.params.get('+sip.instance'), '"<urn:uuid:2f6d9d7e-3c1a-4b8e-9f00-7a5c3e1b2d4f>"');
    assert.equal(contact.params.get('+sip.ice'), null);
    assert.equal(contact.params.get('expires'), '600');
    assert.equal(formatNameAddr(contact), m.headers.get('Contact'));
    assert.deepEqual(m.headers.getAll('Supported'), ['path', 'gruu', 'outbound']);
    assert.equal(m.headers.count('Allow'), 11);
    const via = parseVia(m.headers.get('Via') ?? '');
    assert.ok(via);
    assert.equal(via.transport, 'WSS');
    assert.equal(via.host, 'k3j2h1g0f9e8.invalid');
  });

  test('Authorization: commas inside quotes, bare tokens re-emitted bare', () => {
    const m = req(parseMessage(JSSIP_REGISTER));
    const raw = m.headers.get('Authorization') ?? '';
    assert.deepEqual(m.headers.getAll('Authorization'), [raw]);
    const auth = parseAuthHeader(raw);
    assert.ok(auth);
    assert.equal(auth.scheme, 'Digest');
    assert.equal(auth.params.get('nonce'), '5f1e7b0c:9a1d,3e');
    assert.equal(auth.params.get('qop'), 'auth');
    assert.equal(auth.params.get('nc'), '00000001');
    assert.equal(formatAuthHeader(auth), raw);
  });

  test('INVITE with SDP round-trips; body framed in octets', () => {
    const m = req(parseMessage(Buffer.from(JSSIP_INVITE)));
    assert.equal(m.body.toString('utf8'), SDP);
    assert.equal(m.body.length, Buffer.byteLength(SDP));
    assert.notEqual(m.body.length, SDP.length, 'the SDP holds multi-byte characters');
    assert.equal(serialize(m).toString('utf8'), JSSIP_INVITE);
    assert.deepEqual(parseCSeq(m.headers.get('CSeq') ?? ''), { seq: 8147, method: 'INVITE' });
  });

  test('the same message given as a string or a Buffer parses the same', () => {
    const a = req(parseMessage(JSSIP_INVITE));
    const b = req(parseMessage(Buffer.from(JSSIP_INVITE)));
    assert.deepEqual(a.headers.entries(), b.headers.entries());
    assert.ok(a.body.equals(b.body));
  });
});

// ---------------------------------------------------------------------------------------

describe('SipHeaders', () => {
  test('compact forms are stored and written under the full name', () => {
    const text = crlf([
      'INVITE sip:bob@example.com SIP/2.0',
      'v: SIP/2.0/WS a.invalid;branch=z9hG4bKaaa',
      'f: <sip:alice@example.com>;tag=1',
      't: <sip:bob@example.com>',
      'i: abc@def',
      'CSeq: 1 INVITE',
      'm: <sip:alice@a.invalid;transport=ws>',
      'k: timer',
      's: hello',
      'o: presence',
      'u: talk, hold',
      'r: <sip:carol@example.com>',
      'b: <sip:alice@example.com>',
      'x: 1800;refresher=uac',
      'y: abc.def.ghi',
      'c: text/plain',
      'e: gzip',
      'L: 0',
    ]);
    const m = req(parseMessage(text));
    assert.deepEqual(
      m.headers.entries().map(([n]) => n),
      ['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Contact', 'Supported', 'Subject', 'Event', 'Allow-Events',
        'Refer-To', 'Referred-By', 'Session-Expires', 'Identity', 'Content-Type', 'Content-Encoding', 'Content-Length'],
    );
    assert.equal(m.headers.get('call-id'), 'abc@def');
    assert.equal(m.headers.get('I'), 'abc@def');
    assert.deepEqual(m.headers.getAll('u'), ['talk', 'hold']);
    const out = serialize(m).toString('utf8');
    assert.match(out, /\r\nVia: SIP\/2.0\/WS/);
    assert.match(out, /\r\nAllow-Events: talk, hold\r\n/);
    assert.doesNotMatch(out, /\r\n[a-z]:/i);
  });

  test('get/getAll/count/has/set/append/prepend/delete keep order and canonical names', () => {
    const h = new SipHeaders([
      ['via', 'SIP/2.0/WSS a.invalid;branch=z9hG4bK1, SIP/2.0/WSS b.invalid;branch=z9hG4bK2'],
      ['To', '<sip:a@b>'],
      ['Via', 'SIP/2.0/WSS c.invalid;branch=z9hG4bK3'],
      ['www-authenticate', 'Digest realm="x", nonce="y"'],
      ['WWW-Authenticate', 'Digest realm="z", nonce="w"'],
      ['X-Custom-Thing', 'a, b'],
    ]);
    assert.equal(h.count('Via'), 3);
    assert.equal(h.count('v'), 3);
    assert.deepEqual(h.getAll('Via').map((v) => parseVia(v)?.host), ['a.invalid', 'b.invalid', 'c.invalid']);
    assert.equal(h.count('WWW-Authenticate'), 2, 'auth headers are one value per line');
    assert.deepEqual(h.getAll('x-custom-thing'), ['a, b'], 'unknown headers are not lists');
    assert.equal(h.has('Route'), false);
    assert.equal(h.get('Route'), undefined);
    assert.deepEqual(h.getAll('Route'), []);

    h.prepend('Record-Route', '<sip:p1.invalid;lr>');
    assert.deepEqual(h.entries()[0], ['Record-Route', '<sip:p1.invalid;lr>']);
    h.prepend('Record-Route', '<sip:p0.invalid;lr>');
    assert.deepEqual(h.getAll('Record-Route'), ['<sip:p0.invalid;lr>', '<sip:p1.invalid;lr>']);
    h.prepend('v', 'SIP/2.0/WSS proxy.invalid;branch=z9hG4bKp');
    assert.equal(h.getAll('Via')[0], 'SIP/2.0/WSS proxy.invalid;branch=z9hG4bKp');
    assert.equal(h.entries()[2]?.[0], 'Via');

    h.set('WWW-Authenticate', 'Digest realm="only"');
    assert.deepEqual(h.getAll('WWW-Authenticate'), ['Digest realm="only"']);
    assert.equal(h.entries().findIndex(([n]) => n === 'WWW-Authenticate'), 6, 'set keeps the first position');
    h.set('Max-Forwards', '70');
    assert.deepEqual(h.entries().at(-1), ['Max-Forwards', '70']);
    h.append('Via', 'SIP/2.0/UDP last.invalid');
    assert.equal(h.getAll('Via').at(-1), 'SIP/2.0/UDP last.invalid');
    h.delete('record-route');
    assert.equal(h.has('Record-Route'), false);

    const copy = h.clone();
    copy.delete('Via');
    assert.equal(h.count('Via'), 5, 'clone is independent');
  });

  test('removeFirstValue takes the top Via out of a combined line', () => {
    const h = new SipHeaders([
      ['Via', 'SIP/2.0/WSS a.invalid;branch=z9hG4bK1 ,  SIP/2.0/UDP b.invalid;branch=z9hG4bK2;x="p,q"'],
      ['Via', 'SIP/2.0/TCP c.invalid;branch=z9hG4bK3'],
      ['Subject', 'one, two'],
    ]);
    assert.equal(h.removeFirstValue('Via'), 'SIP/2.0/WSS a.invalid;branch=z9hG4bK1');
    assert.deepEqual(h.entries()[0], ['Via', 'SIP/2.0/UDP b.invalid;branch=z9hG4bK2;x="p,q"']);
    assert.equal(h.removeFirstValue('v'), 'SIP/2.0/UDP b.invalid;branch=z9hG4bK2;x="p,q"');
    assert.equal(h.count('Via'), 1);
    assert.equal(h.removeFirstValue('Via'), 'SIP/2.0/TCP c.invalid;branch=z9hG4bK3');
    assert.equal(h.has('Via'), false);
    assert.equal(h.removeFirstValue('Via'), undefined);
    assert.equal(h.removeFirstValue('Subject'), 'one, two', 'non-list header: the whole line');
  });

  test('list splitting respects quotes and angle brackets', () => {
    const h = new SipHeaders([
      ['Contact', '"Doe, John" <sip:jd@a.invalid;x=1,2>;q=0.5, <sip:b@b.invalid>, *'],
      ['Warning', '399 pbx.invalid "Not, really"'],
    ]);
    assert.deepEqual(h.getAll('Contact'), ['"Doe, John" <sip:jd@a.invalid;x=1,2>;q=0.5', '<sip:b@b.invalid>', '*']);
    assert.equal(nameAddr(h.getAll('Contact')[0]).displayName, 'Doe, John');
    assert.equal(h.count('Warning'), 1);
  });
});

// ---------------------------------------------------------------------------------------

describe('serialize', () => {
  test('Content-Length is recomputed in octets, replacing any existing value', () => {
    const body = Buffer.from('héllo ☎ 日本\r\n', 'utf8');
    const m: SipMessage = {
      type: 'request',
      method: 'MESSAGE',
      uri: 'sip:bob@example.com',
      version: 'SIP/2.0',
      headers: new SipHeaders([
        ['Via', 'SIP/2.0/WSS a.invalid;branch=z9hG4bKm'],
        ['l', '3'],
        ['From', '<sip:alice@example.com>;tag=1'],
        ['To', '<sip:bob@example.com>'],
        ['Call-ID', 'msg-1'],
        ['CSeq', '1 MESSAGE'],
        ['Content-Type', 'text/plain;charset=utf-8'],
        ['Content-Length', '99'],
      ]),
      body,
    };
    const out = serialize(m).toString('utf8');
    assert.equal(out.match(/Content-Length/g)?.length, 1);
    assert.match(out, new RegExp(`\\r\\nContent-Length: ${body.length}\\r\\nFrom`));
    assert.ok(body.length > 'héllo ☎ 日本\r\n'.length);
    const back = req(parseMessage(serialize(m), { datagram: false }));
    assert.ok(back.body.equals(body));
  });

  test('adds Content-Length when missing, even for an empty body', () => {
    const res = createResponse(req(parseMessage(JSSIP_INVITE)), 180);
    assert.match(serialize(res).toString('utf8'), /\r\nContent-Length: 0\r\n\r\n$/);
  });

  test('CR/LF in a value cannot inject header lines', () => {
    const res = createResponse(req(parseMessage(JSSIP_INVITE)), 486, 'Busy\r\nX-Evil: 1', [['Reason', 'SIP;text="a"\r\nX-Evil: 2']]);
    const out = serialize(res).toString('utf8');
    assert.doesNotMatch(out, /\r\nX-Evil/);
    assert.equal(ok(parseMessage(out)).headers.has('X-Evil'), false);
  });
});

// ---------------------------------------------------------------------------------------

describe('createResponse', () => {
  const multiVia = crlf([
    'OPTIONS sip:1002@pbx.switchboard.test SIP/2.0',
    'Via: SIP/2.0/UDP p1.invalid;branch=z9hG4bK-p1, SIP/2.0/UDP p2.invalid;branch=z9hG4bK-p2',
    'Via: SIP/2.0/WSS ua.invalid;branch=z9hG4bK-ua;received=198.51.100.4',
    'To: "Bob" <sip:1002@pbx.switchboard.test>',
    'From: <sip:1001@pbx.switchboard.test>;tag=abc',
    'Call-ID: opt-1',
    'CSeq: 7 OPTIONS',
    'Max-Forwards: 70',
    'Timestamp: 54.2',
    'Content-Length: 0',
  ]);

  test('copies Via (in order), From, To, Call-ID, CSeq and adds one stable To tag', () => {
    const r = req(parseMessage(multiVia));
    const res = createResponse(r, 200, undefined, [['Allow', 'INVITE, ACK'], ['Accept', 'application/sdp']]);
    assert.equal(res.reason, 'OK');
    assert.equal(res.version, 'SIP/2.0');
    assert.equal(res.body.length, 0);
    assert.deepEqual(
      res.headers.entries().map(([n]) => n),
      ['Via', 'Via', 'From', 'To', 'Call-ID', 'CSeq', 'Allow', 'Accept'],
    );
    assert.deepEqual(res.headers.getAll('Via'), r.headers.getAll('Via'));
    const tag = nameAddr(res.headers.get('To')).params.get('tag');
    assert.match(tag ?? '', /^[0-9a-f]{16}$/);
    assert.equal(nameAddr(res.headers.get('To')).displayName, 'Bob');
    const again = createResponse(r, 486);
    assert.equal(nameAddr(again.headers.get('To')).params.get('tag'), tag, 'same request, same tag (s8.2.6.2)');
    assert.equal(again.reason, 'Busy Here');
    const reparsed = ok(parseMessage(serialize(res)));
    assert.equal(reparsed.type, 'response');
    assert.equal(reparsed.type === 'response' && reparsed.status, 200);
  });

  test('a CANCEL gets the tag of the INVITE it cancels (s9.2)', () => {
    const inv = req(parseMessage(JSSIP_INVITE));
    const cancel = req(
      parseMessage(
        crlf([
          'CANCEL sip:1002@pbx.switchboard.test SIP/2.0',
          'Via: SIP/2.0/WSS k3j2h1g0f9e8.invalid;branch=z9hG4bK2302174',
          'Max-Forwards: 69',
          'To: <sip:1002@pbx.switchboard.test>',
          'From: "Alice Example" <sip:1001@pbx.switchboard.test>;tag=8m5r2e7u1c',
          'Call-ID: vbmq3p4d1o3hd0t1r8ld',
          'CSeq: 8147 CANCEL',
          'Content-Length: 0',
        ]),
      ),
    );
    const t1 = nameAddr(createResponse(inv, 487).headers.get('To')).params.get('tag');
    const t2 = nameAddr(createResponse(cancel, 200).headers.get('To')).params.get('tag');
    assert.equal(t1, t2);
    const other = req(parseMessage(JSSIP_INVITE.replace('branch=z9hG4bK2302174', 'branch=z9hG4bK999')));
    assert.notEqual(nameAddr(createResponse(other, 180).headers.get('To')).params.get('tag'), t1);
  });

  test('no tag on 100 Trying, which carries the Timestamp (s8.2.6.1); an existing tag is kept', () => {
    const r = req(parseMessage(multiVia));
    const trying = createResponse(r, 100);
    assert.equal(trying.headers.get('To'), '"Bob" <sip:1002@pbx.switchboard.test>');
    assert.equal(trying.headers.get('Timestamp'), '54.2');
    assert.equal(trying.reason, 'Trying');
    const tagged = req(parseMessage(JSSIP_REGISTER.replace('To: "Alice Example" <sip:1001@pbx.switchboard.test>', 'To: <sip:1001@pbx.switchboard.test>;tag=xyz')));
    assert.equal(createResponse(tagged, 200).headers.get('To'), '<sip:1001@pbx.switchboard.test>;tag=xyz');
    assert.equal(createResponse(tagged, 200).headers.has('Timestamp'), false);
  });

  test('explicit and fallback reason phrases', () => {
    const r = req(parseMessage(multiVia));
    assert.equal(createResponse(r, 200, 'Fine').reason, 'Fine');
    assert.equal(createResponse(r, 483).reason, 'Too Many Hops');
    assert.equal(createResponse(r, 420).reason, 'Bad Extension');
    assert.equal(createResponse(r, 499).reason, 'Client Error');
  });

  test('answers the partial message of a failed parse', () => {
    const bad = multiVia.replace('CSeq: 7 OPTIONS', 'CSeq: 7 INVITE').replace('Call-ID: opt-1\r\n', '');
    const r = parseMessage(bad);
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.partial?.type === 'request');
    const res = createResponse(r.partial, r.status);
    assert.equal(res.status, 400);
    assert.equal(res.headers.count('Via'), 3);
    assert.equal(res.headers.has('Call-ID'), false);
    assert.ok(serialize(res).length > 0);
  });
});

// ---------------------------------------------------------------------------------------

describe('parseMessage framing and start line', () => {
  const base = [
    'OPTIONS sip:pbx.switchboard.test SIP/2.0',
    'Via: SIP/2.0/WSS a.invalid;branch=z9hG4bKf1',
    'To: <sip:pbx.switchboard.test>',
    'From: <sip:1001@pbx.switchboard.test>;tag=1',
    'Call-ID: framing-1',
    'CSeq: 1 OPTIONS',
    'Max-Forwards: 70',
  ];

  test('leading CRLFs are ignored (s7.5); a bare keep-alive is an empty message', () => {
    const m = req(parseMessage(`\r\n\r\n${crlf([...base, 'Content-Length: 0'])}`));
    assert.equal(m.method, 'OPTIONS');
    const r = parseMessage('\r\n\r\n');
    assert.equal(r.ok, false);
    assert.ok(!r.ok && r.partial === undefined);
  });

  test('Content-Length is counted in octets of a UTF-8 body', () => {
    const body = 'ünïcödé ☎\r\n';
    const text = crlf([...base, 'Content-Type: text/plain', `Content-Length: ${Buffer.byteLength(body)}`], body);
    assert.equal(req(parseMessage(text)).body.toString('utf8'), body);
    const short = crlf([...base, 'Content-Type: text/plain', `Content-Length: ${body.length}`], body);
    assert.notEqual(req(parseMessage(short)).body.toString('utf8'), body, 'a char count cuts the body short');
  });

  test('trailing octets beyond Content-Length are ignored; too few are a non-fatal 400', () => {
    assert.equal(req(parseMessage(crlf([...base, 'Content-Length: 3'], 'abcdef'))).body.toString(), 'abc');
    const r = parseMessage(crlf([...base, 'Content-Length: 30'], 'abc'));
    assert.deepEqual(!r.ok && [r.status, r.fatal], [400, false]);
  });

  test('stream mode: Content-Length is mandatory and framing errors are fatal', () => {
    const missing = parseMessage(crlf(base, 'abc'), { datagram: false });
    assert.deepEqual(!missing.ok && [missing.status, missing.fatal], [400, true]);
    const short = parseMessage(crlf([...base, 'Content-Length: 30'], 'abc'), { datagram: false });
    assert.deepEqual(!short.ok && [short.status, short.fatal], [400, true]);
    assert.equal(req(parseMessage(crlf(base, 'abc'))).body.toString(), 'abc', 'datagram: body is the rest');
  });

  test('413 above maxBodyBytes', () => {
    const r = parseMessage(crlf([...base, 'Content-Length: 5'], 'hello'), { maxBodyBytes: 4 });
    assert.deepEqual(!r.ok && [r.status, r.fatal, r.partial?.type], [413, false, 'request']);
  });

  test('bare LF line ends are tolerated', () => {
    const m = req(parseMessage(`${[...base, 'Content-Length: 2'].join('\n')}\n\nhi`));
    assert.equal(m.body.toString(), 'hi');
    assert.equal(m.headers.count('Via'), 1);
  });

  test('start line: case-insensitive version, unknown methods, 505, malformed lines', () => {
    const lower = req(parseMessage(crlf([base[0]?.replace('SIP/2.0', 'sip/2.0') ?? '', ...base.slice(1)])));
    assert.equal(lower.version, 'SIP/2.0');
    const r = parseMessage(crlf(['FOO sip:x@y SIP/2.0', ...base.slice(1)]));
    assert.equal(r.ok, false, 'CSeq method mismatch');
    assert.equal(req(parseMessage(crlf(['FOO sip:x@y SIP/2.0', ...base.slice(1, 5), 'CSeq: 1 FOO']))).method, 'FOO');
    const v = parseMessage(crlf(['OPTIONS sip:x@y SIP/3.0', ...base.slice(1)]));
    assert.deepEqual(!v.ok && v.status, 505);
    for (const line of ['OPTIONS sip:x@y', 'OPTIONS sip:x@y HTTP/1.1', 'OPTIONS \tsip:x@y SIP/2.0', 'OPTIONS \rsip:x@y SIP/2.0', 'OPTIONS sip:x@y SIP/2.0 ', 'OPT IONS sip:x@y SIP/2.0', '\tOPTIONS sip:x@y SIP/2.0', 'OPTIONS sip:x@y?Route=x SIP/2.0']) {
      const e = parseMessage(crlf([line, ...base.slice(1)]));
      assert.deepEqual(!e.ok && e.status, 400, line);
    }
  });

  test('responses: empty reason, bad codes, control characters', () => {
    const resp = (line: string): ParseResult =>
      parseMessage(crlf([line, base[1] ?? '', base[2] ?? '', base[3] ?? '', base[4] ?? '', base[5] ?? '', 'Content-Length: 0']));
    const m = ok(resp('SIP/2.0 200'));
    assert.ok(m.type === 'response' && m.status === 200 && m.reason === '');
    for (const line of ['SIP/2.0 099 Low', 'SIP/2.0 700 High', 'SIP/2.0 20 Short', 'SIP/2.0 2000 Long', 'SIP/2.0 200 O\x01K']) {
      assert.equal(resp(line).ok, false, line);
    }
  });

  test('header syntax errors still leave a partial with the Via for the 400', () => {
    const r = parseMessage(crlf([...base, 'This line has no colon', 'Content-Length: 0']));
    assert.ok(!r.ok && r.status === 400 && r.partial?.headers.count('Via') === 1);
    const folded = parseMessage(crlf([base[0] ?? '', ' folded-start', ...base.slice(1)]));
    assert.equal(folded.ok, false);
  });

  test('scalar limits', () => {
    const withHeader = (h: string): ParseResult => parseMessage(crlf([...base.filter((l) => !l.startsWith('Max-Forwards')), h, 'Content-Length: 0']));
    assert.equal(withHeader('Max-Forwards: 255').ok, true);
    assert.equal(withHeader('Max-Forwards: 256').ok, false);
    assert.equal(withHeader('Expires: 4294967295').ok, true);
    assert.equal(withHeader('Expires: 4294967296').ok, false);
    assert.equal(withHeader('Expires: soon').ok, false);
    assert.equal(parseMessage(crlf(base.map((l) => (l.startsWith('CSeq') ? 'CSeq: 4294967295 OPTIONS' : l)))).ok, true);
    assert.equal(parseMessage(crlf(base.map((l) => (l.startsWith('CSeq') ? 'CSeq: 4294967296 OPTIONS' : l)))).ok, false);
  });
});

// ---------------------------------------------------------------------------------------

describe('URI and header-value grammar', () => {
  test('SIP URIs: userinfo, IPv6, ports, params, headers; formatUri re-escapes', () => {
    const u = uri('SIP:Alice%20B:pw%3A1@[2001:DB8::1]:05060;Transport=TCP;lr;maddr=[::1]?Subject=hi%20there&Priority=urgent');
    assert.equal(u.scheme, 'sip');
    assert.equal(u.user, 'Alice B');
    assert.equal(u.password, 'pw:1');
    assert.equal(u.host, '[2001:db8::1]');
    assert.equal(u.port, 5060);
    assert.deepEqual([...u.params], [['transport', 'TCP'], ['lr', null], ['maddr', '[::1]']]);
    assert.equal(u.headers.get('Subject'), 'hi there');
    assert.equal(formatUri(u), 'sip:Alice%20B:pw%3A1@[2001:db8::1]:5060;transport=TCP;lr;maddr=[::1]?Subject=hi%20there&Priority=urgent');
    assert.equal(formatUri(uri('sips:pbx.switchboard.test')), 'sips:pbx.switchboard.test');
  });

  test('tel and opaque URIs', () => {
    const t = uri('tel:+1-201-555-0123;phone-context=example.com');
    assert.equal(t.user, '+1-201-555-0123');
    assert.equal(t.host, '');
    assert.equal(formatUri(t), 'tel:+1-201-555-0123;phone-context=example.com');
    const o = uri('urn:service:sos');
    assert.deepEqual([o.scheme, o.host, o.opaque], ['urn', '', 'service:sos']);
    assert.equal(formatUri(o), 'urn:service:sos');
  });

  test('invalid URIs are null, never exceptions', () => {
    for (const s of ['', 'sip:', 'sip:@host', 'sip:user@', 'sip:host:99999', 'sip:ho st', 'sip:host;;lr', 'sip:a%zz@host',
      '<sip:host>', 'nocolon', '1sip:host', 'sip:[::1', 'sip:host?novalue', 'sip:h\u00e9st']) {
      assert.equal(parseUri(s), null, s);
    }
  });

  test('name-addr forms, LWS, quoted display names', () => {
    const a = nameAddr(' "A \\"q\\" \\\\ b" <sip:a@x.invalid> ; tag = 12 ; +sip.instance="<urn:x;y>"');
    assert.equal(a.displayName, 'A "q" \\ b');
    assert.equal(a.params.get('tag'), '12');
    assert.equal(a.params.get('+sip.instance'), '"<urn:x;y>"');
    assert.equal(formatNameAddr(a), '"A \\"q\\" \\\\ b" <sip:a@x.invalid>;tag=12;+sip.instance="<urn:x;y>"');
    const b = nameAddr('sip:b@x.invalid;user=phone;tag=9');
    assert.equal(b.displayName, undefined);
    assert.equal(b.uri.params.size, 0);
    assert.equal(b.params.get('user'), 'phone');
    for (const s of ['"open <sip:a@b>', '<sip:a@b', 'sip:a@b;tag', 'sip:a@b;tag=', '<sip:a@b>;;', '<sip:a@b> x', 'x "y" <sip:a@b>']) {
      if (s === 'sip:a@b;tag') assert.ok(parseNameAddr(s)); // a valueless param is fine
      else assert.equal(parseNameAddr(s), null, s);
    }
  });

  test('Via: LWS everywhere, IPv6, formatVia', () => {
    const v = parseVia(' SIP / 2.0 / wss  [2001:db8::9] : 443 ; Branch = z9hG4bKx ; rport ; received=203.0.113.1');
    assert.ok(v);
    assert.deepEqual([v.protocol, v.transport, v.host, v.port], ['SIP/2.0', 'WSS', '[2001:db8::9]', 443]);
    assert.deepEqual([...v.params], [['branch', 'z9hG4bKx'], ['rport', null], ['received', '203.0.113.1']]);
    assert.equal(formatVia(v), 'SIP/2.0/WSS [2001:db8::9]:443;branch=z9hG4bKx;rport;received=203.0.113.1');
    for (const s of ['SIP/2.0 host', 'SIP/2.0/UDP', 'SIP/2.0/UDP a b', 'SIP/2.0/UDP host;', 'SIP/2.0/UDP host:x']) {
      assert.equal(parseVia(s), null, s);
    }
  });

  test('CSeq bounds', () => {
    assert.deepEqual(parseCSeq(' 0009 \t INVITE '), { seq: 9, method: 'INVITE' });
    assert.deepEqual(parseCSeq('4294967295 ACK'), { seq: 4294967295, method: 'ACK' });
    for (const s of ['4294967296 ACK', '-1 ACK', '1', 'x INVITE', '1 IN VITE', '']) assert.equal(parseCSeq(s), null, s);
  });

  test('auth headers: challenges, token68, unknown schemes, malformed', () => {
    const ch = parseAuthHeader('Digest realm="pbx", nonce="a,b\\"c", qop="auth,auth-int", algorithm=MD5, stale=FALSE, opaque=""');
    assert.ok(ch);
    assert.equal(ch.params.get('nonce'), 'a,b"c');
    assert.equal(ch.params.get('opaque'), '');
    assert.equal(formatAuthHeader(ch), 'Digest realm="pbx", nonce="a,b\\"c", qop="auth,auth-int", algorithm=MD5, stale=FALSE, opaque=""');
    assert.equal(formatAuthHeader(ch, new Set(['realm'])).startsWith('Digest realm="pbx", nonce="a,b\\"c", qop="auth,auth-int", algorithm=MD5'), true);
    const bearer = parseAuthHeader('Bearer eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl==');
    assert.equal(bearer?.token68, 'eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl==');
    assert.equal(formatAuthHeader(bearer ?? { scheme: '', params: new Map() }), 'Bearer eyJhbGciOi.eyJzdWIi.c2lnbmF0dXJl==');
    for (const s of ['', '"Digest"', 'Digest realm="x', 'Digest realm, nonce="x"', 'Digest a=b c', 'Digest a="b"c']) assert.equal(parseAuthHeader(s), null, s);
  });

  test('parseParams is lenient', () => {
    assert.deepEqual([...parseParams(';A=b; c ;;d = "x;y"')], [['a', 'b'], ['c', null], ['d', '"x;y"']]);
    assert.deepEqual([...parseParams('lr;transport=ws')], [['lr', null], ['transport', 'ws']]);
  });
});

// ---------------------------------------------------------------------------------------
// RFC 4475 corpus

interface ManifestEntry {
  file: string;
  section: string;
  expect: 'valid' | 'invalid';
  must_parse: boolean;
  answers: string[];
  kind: 'request' | 'response';
  bytes: number;
  sha256: string;
}

function corpusFile(name: string): Buffer {
  return readFileSync(path.join(CORPUS, name));
}

/** Extra checks on what the parser produced, per file. */
const SPOT: Record<string, (m: SipMessage, raw: Buffer) => void> = {
  'wsinv.dat': (m) => {
    const h = m.headers;
    assert.equal(h.get('To'), 'sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n', 'folded To unfolded');
    assert.equal(nameAddr(h.get('To')).params.get('tag'), '1918181833n');
    const from = nameAddr(h.get('From'));
    assert.equal(from.displayName, 'J Rosenberg \\"');
    assert.equal(from.params.get('tag'), '98asjd8');
    assert.equal(Number(h.get('Max-Forwards')), 68);
    assert.deepEqual(parseCSeq(h.get('CSeq') ?? ''), { seq: 9, method: 'INVITE' });
    assert.deepEqual(h.getAll('Via').map((v) => parseVia(v)?.transport), ['UDP', 'TCP', 'UDP']);
    assert.equal(parseVia(h.getAll('Via')[2] ?? '')?.params.get('branch'), 'z9hG4bK30239');
    const contact = nameAddr(h.get('Contact'));
    assert.equal(contact.displayName, 'Quoted string ""');
    assert.deepEqual([...contact.params], [['newparam', 'newvalue'], ['secondparam', null], ['q', '0.33']]);
    assert.equal(h.get('Subject'), '');
    assert.equal(h.get('newfangledheader'), 'newfangled value continued newfangled value');
    assert.equal(h.get('UnknownHeaderWithUnusualValue'), ';;,,;;,;');
    assert.ok(nameAddr(h.get('Route')).uri.params.has('unknown-no-value'));
    assert.equal(m.body.length, 150);
  },
  'intmeth.dat': (m) => {
    assert.ok(m.type === 'request');
    assert.equal(m.method, "!interesting-Method0123456789_*+`.%indeed'~");
    const ru = uri(m.uri);
    assert.equal(ru.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
    assert.equal(ru.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
    assert.equal(nameAddr(m.headers.get('To')).displayName, 'BEL:\x07 NUL:\x00 DEL:\x7f');
    const from = nameAddr(m.headers.get('From'));
    assert.equal(from.displayName, "token1~` token2'+_ token3*%!.-");
    assert.equal(from.params.get("fromparam''~+*_!.-%"), '"работающий"');
    assert.equal(from.params.get('tag'), "_token~1'+`*%!-.");
    assert.equal(m.headers.get("extensionHeader-!.%*+_`'~"), '\ufeff大停電');
  },
  'esc01.dat': (m) => {
    assert.ok(m.type === 'request');
    assert.equal(uri(m.uri).user, 'sips:user@example.com');
    assert.equal(formatUri(uri(m.uri)), 'sip:sips%3Auser%40example.com@example.net');
    assert.equal(nameAddr(m.headers.get('To')).uri.user, 'user');
    assert.equal(nameAddr(m.headers.get('From')).uri.user, 'I have spaces');
    const c = nameAddr(m.headers.get('Contact')).uri;
    assert.equal(c.user, 'caller');
    assert.ok(c.params.has('lr'));
    assert.equal(c.params.get('name'), 'value%41');
    assert.equal(formatUri(c), 'sip:caller@host5.example.net;lr;name=value%2541');
  },
  'escnull.dat': (m) => {
    assert.equal(nameAddr(m.headers.get('To')).uri.user, 'null-\0-null');
    assert.equal(formatUri(nameAddr(m.headers.get('From')).uri), 'sip:null-%00-null@example.com');
    const users = m.headers.getAll('Contact').map((c) => nameAddr(c).uri.user);
    assert.deepEqual(users, ['\0', '\0\0'], 'two distinct Contacts');
  },
  'esc02.dat': (m) => {
    assert.ok(m.type === 'request');
    assert.equal(m.method, 'RE%47IST%45R');
    assert.equal(m.headers.count('Contact'), 2);
    assert.equal(m.headers.get('C%6Fntact'), '<sip:alias2@host2.example.com>');
    assert.equal(nameAddr(m.headers.get('To')).displayName, '%Z%45');
  },
  'lwsdisp.dat': (m) => assert.equal(nameAddr(m.headers.get('From')).displayName, 'caller'),
  'longreq.dat': (m) => {
    assert.equal(m.headers.count('Via'), 34);
    assert.equal(parseVia(m.headers.getAll('Via')[33] ?? '')?.params.get('received'), '192.0.2.5');
    const to = nameAddr(m.headers.get('To'));
    assert.match(to.displayName ?? '', /^I have a user name of (extreme){10} proportion$/);
    assert.equal(to.uri.port, 6000);
    assert.equal(to.uri.params.get('longparamnamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamename'), 'shortvalue');
    assert.match(nameAddr(m.headers.get('From')).params.get('tag') ?? '', /^1(298){50}2424$/);
    assert.equal(m.body.length, 150);
  },
  'dblreq.dat': (m) => {
    assert.ok(m.type === 'request');
    assert.equal(m.method, 'REGISTER');
    assert.equal(m.body.length, 0, 'trailing INVITE-like octets ignored');
    assert.equal(m.headers.get('Call-ID'), 'dblreq.0ha0isndaksdj99sdfafnl3lk233412');
    assert.equal(m.headers.has('Content-Type'), false);
  },
  'semiuri.dat': (m) => {
    assert.ok(m.type === 'request');
    const u = uri(m.uri);
    assert.deepEqual([u.user, u.host, u.params.size], ['user;par=u@example.net', 'example.com', 0]);
    assert.equal(m.headers.count('Accept'), 6);
  },
  'transports.dat': (m) => {
    assert.deepEqual(m.headers.getAll('Via').map((v) => parseVia(v)?.transport), ['UDP', 'SCTP', 'TLS', 'UNKNOWN', 'TCP']);
  },
  'mpart01.dat': (m, raw) => {
    assert.equal(m.body.length, 553);
    assert.ok(m.body.equals(raw.subarray(raw.length - 553)));
    assert.ok(m.body.includes(0));
    assert.match(m.headers.get('Content-Type') ?? '', /^multipart\/mixed;boundary=7a9cbec02ceef655$/);
  },
  'unreason.dat': (m) => {
    assert.ok(m.type === 'response');
    assert.equal(m.status, 200);
    assert.equal(m.reason, '= 2**3 * 5**2 но сто девяносто девять - простое');
    assert.equal(m.body.length, 154);
  },
  'noreason.dat': (m) => {
    assert.ok(m.type === 'response');
    assert.deepEqual([m.status, m.reason], [100, '']);
  },
  'unkscm.dat': (m) => {
    assert.ok(m.type === 'request');
    const u = uri(m.uri);
    assert.deepEqual([u.scheme, u.opaque], ['nobodyknowsthisscheme', 'totallyopaquecontent']);
  },
  'novelsc.dat': (m) => {
    assert.ok(m.type === 'request');
    assert.deepEqual([uri(m.uri).scheme, uri(m.uri).opaque], ['soap.beep', '//192.0.2.103:3002']);
  },
  'unksm2.dat': (m) => {
    assert.deepEqual([nameAddr(m.headers.get('To')).uri.scheme, nameAddr(m.headers.get('To')).uri.opaque], ['isbn', '2983792873']);
    const from = nameAddr(m.headers.get('From'));
    assert.deepEqual([from.uri.scheme, from.params.get('tag')], ['http', '3234233']);
    assert.equal(nameAddr(m.headers.get('Contact')).uri.scheme, 'name');
  },
  'bext01.dat': (m) => {
    assert.deepEqual(m.headers.getAll('Require'), ['nothingSupportsThis', 'nothingSupportsThisEither']);
    assert.deepEqual(m.headers.getAll('Proxy-Require'), ['noProxiesSupportThis', 'norDoAnyProxiesSupportThis']);
  },
  'invut.dat': (m) => {
    assert.equal(m.headers.get('Content-Type'), 'application/unknownformat');
    assert.equal(m.body.length, 40);
  },
  'regaut01.dat': (m) => {
    const a = parseAuthHeader(m.headers.get('Authorization') ?? '');
    assert.equal(a?.scheme, 'NoOneKnowsThisScheme');
    assert.equal(a?.params.get('opaque-data'), 'here');
  },
  'bcast.dat': (m) => {
    assert.equal(parseVia(m.headers.getAll('Via')[1] ?? '')?.host, '255.255.255.255');
  },
  'zeromf.dat': (m) => assert.equal(m.headers.get('Max-Forwards'), '0'),
  'cparam01.dat': (m) => {
    const c = nameAddr(m.headers.get('Contact'));
    assert.ok(c.params.has('unknownparam'), 'a header (contact) param');
    assert.equal(c.uri.params.has('unknownparam'), false, 'not a URI param');
    assert.equal(c.uri.user, '+19725552222');
  },
  'cparam02.dat': (m) => {
    const c = nameAddr(m.headers.get('Contact'));
    assert.ok(c.uri.params.has('unknownparam'), 'a URI param');
    assert.equal(c.params.has('unknownparam'), false);
  },
  'regescrt.dat': (m) => {
    const c = nameAddr(m.headers.get('Contact')).uri;
    assert.equal(c.headers.get('Route'), '<sip:sip.example.com>');
    assert.equal(formatUri(c), 'sip:user@example.com?Route=%3Csip:sip.example.com%3E');
  },
  'sdp01.dat': (m) => assert.deepEqual(m.headers.getAll('Accept'), ['text/nobodyKnowsThis']),
  'inv2543.dat': (m, raw) => {
    assert.equal(m.headers.has('Max-Forwards'), false);
    assert.equal(m.headers.has('Content-Length'), false);
    assert.equal(parseVia(m.headers.get('Via') ?? '')?.params.has('branch'), false);
    const end = raw.indexOf('\r\n\r\n') + 4;
    assert.ok(m.body.equals(raw.subarray(end)), 'body is the rest of the datagram');
    assert.equal(m.body.length, raw.length - end);
  },
  // Invalid-but-processable messages this parser chooses to accept (RFC 4475 lists "process").
  'baddate.dat': (m) => assert.equal(m.headers.get('Date'), 'Fri, 01 Jan 2010 16:00:00 EST'),
  'regbadct.dat': (m) => assert.equal(nameAddr(m.headers.get('Contact')).uri.headers.get('Route'), '<sip:sip.example.com>'),
  'badaspec.dat': (m) => assert.equal(nameAddr(m.headers.get('To')).uri.user, 't.watson'),
  'baddn.dat': (m) => {
    assert.equal(nameAddr(m.headers.get('From')).displayName, 'Bell, Alexander');
    assert.equal(nameAddr(m.headers.get('To')).displayName, 'Watson, Thomas');
  },
};

/**
 * Our choice where RFC 4475 allows either a 400 or processing: 'ok' or the status returned.
 * The start-line cases are refused because a repaired Request-Line would have to be
 * re-serialized into something the sender did not send.
 */
const POLICY: Record<string, 'ok' | number> = {
  'quotbal.dat': 400,
  'ltgtruri.dat': 400,
  'lwsruri.dat': 400,
  'lwsstart.dat': 400,
  'trws.dat': 400,
  'escruri.dat': 400,
  'baddate.dat': 'ok',
  'regbadct.dat': 'ok',
  'badaspec.dat': 'ok',
  'baddn.dat': 'ok',
  'badbranch.dat': 400,
};

/** Framing errors that must close a stream connection. */
const FATAL = new Set(['ncl.dat', 'mcl01.dat']);

/**
 * Well-formed messages whose RFC 4475 answer is the application's, not the parser's: the
 * parser must accept them. These answers are checked by the platform's own integration test,
 * which sends each file over WebSocket.
 */
const APPLICATION_LEVEL: Record<string, string> = {
  'unkscm.dat': '416 Unsupported URI Scheme',
  'novelsc.dat': '416 Unsupported URI Scheme or 404 Not Found',
  'unksm2.dat': '400 from the registrar: To is not a SIP/SIPS AOR',
  'bext01.dat': '420 Bad Extension with Unsupported',
  'zeromf.dat': '483 Too Many Hops when proxying',
  'sdp01.dat': '406 Not Acceptable (or 400): Accept lacks application/sdp',
  'regaut01.dat': 'register, or 401 with a Digest challenge',
  'bcast.dat': 'drop: never send to the broadcast Via',
};

function statusAccepted(status: number, answers: string[]): boolean {
  return answers.some((a) => a === String(status) || (a === '4xx' && status >= 400 && status <= 499));
}

describe('RFC 4475 corpus', () => {
  if (!existsSync(path.join(CORPUS, 'manifest.json'))) {
    test('corpus is present', () => {
      assert.fail(
        `RFC 4475 corpus not found at ${CORPUS}. It lives in shared/conformance/rfc4475/ beside the ` +
          'repository (CI clones the repo with shared/ next to it). This suite must not be skipped.',
      );
    });
    return;
  }

  const manifest = JSON.parse(readFileSync(path.join(CORPUS, 'manifest.json'), 'utf8')) as ManifestEntry[];

  test('manifest and files agree (names, sizes, sha256)', () => {
    const files = readdirSync(CORPUS).filter((f) => f.endsWith('.dat')).sort();
    const entries = manifest.map((e) => e.file).sort();
    assert.deepEqual(entries, files, 'every .dat has exactly one manifest entry and vice versa');
    assert.equal(manifest.length, 49);
    for (const e of manifest) {
      const raw = corpusFile(e.file);
      assert.equal(raw.length, e.bytes, e.file);
      assert.equal(createHash('sha256').update(raw).digest('hex'), e.sha256, e.file);
    }
  });

  test('every spot check and policy entry names a corpus file', () => {
    const names = new Set(manifest.map((e) => e.file));
    for (const f of [...Object.keys(SPOT), ...Object.keys(POLICY), ...Object.keys(APPLICATION_LEVEL), ...FATAL]) {
      assert.ok(names.has(f), f);
    }
  });

  for (const e of manifest) {
    const numeric = e.answers.filter((a) => a !== 'process' && a !== 'drop');
    const label = `${e.file} (${e.section}, ${e.expect}, answers ${e.answers.join('/')})`;

    test(label, (t) => {
      const raw = corpusFile(e.file);
      const r = parseMessage(raw);

      if (e.must_parse) {
        const m = ok(r);
        assert.equal(m.type, e.kind);
        const appAnswer = APPLICATION_LEVEL[e.file];
        if (e.answers.join() !== 'process') {
          assert.ok(appAnswer, `${e.file} answers ${e.answers} but has no application-level note`);
          t.diagnostic(`parsed; the answer (${appAnswer}) is the application's, checked by the WebSocket integration test`);
        }
      } else if (e.answers.includes('process')) {
        assert.ok(r.ok || statusAccepted(r.status, numeric), `${r.ok ? 'ok' : r.status} not in ${e.answers}`);
        const pinned = POLICY[e.file];
        assert.ok(pinned !== undefined, `no policy recorded for ${e.file}`);
        assert.equal(r.ok ? 'ok' : r.status, pinned);
      } else {
        assert.equal(r.ok, false, 'must be rejected');
        if (r.ok) return;
        if (e.answers.includes('drop')) {
          assert.equal(e.kind, 'response', 'only responses are dropped');
        } else {
          assert.ok(statusAccepted(r.status, numeric), `status ${r.status} not in ${e.answers}`);
        }
        assert.equal(r.fatal, FATAL.has(e.file), `fatal flag (${r.reason})`);
        if (e.kind === 'request') {
          // Enough must survive to answer with a routable error response.
          assert.ok(r.partial, 'partial message for the error response');
          const res = createResponse(r.partial as SipRequest, r.status);
          assert.ok(res.headers.count('Via') >= 1);
          assert.equal(res.headers.get('CSeq'), r.partial.headers.getAll('CSeq')[0]);
          assert.match(serialize(res).toString('utf8'), new RegExp(`^SIP/2.0 ${r.status} `));
        }
      }

      const spot = SPOT[e.file];
      if (spot) spot(ok(r), raw);
      if (r.ok) {
        // Whatever was accepted survives a serialize/parse round trip unchanged.
        const again = ok(parseMessage(serialize(r.message), { datagram: false }));
        const withoutLength = (m: SipMessage): Array<[string, string]> => m.headers.entries().filter(([n]) => n !== 'Content-Length');
        assert.deepEqual(withoutLength(again), withoutLength(r.message));
        assert.equal(again.headers.get('Content-Length'), String(r.message.body.length));
        assert.ok(again.body.equals(r.message.body));
      }
    });
  }

  test('clerr.dat is fatal on a stream, non-fatal as a datagram', () => {
    const raw = corpusFile('clerr.dat');
    const d = parseMessage(raw);
    const s = parseMessage(raw, { datagram: false });
    assert.deepEqual([d.ok, !d.ok && d.fatal], [false, false]);
    assert.deepEqual([s.ok, !s.ok && s.fatal], [false, true]);
  });

  test('badvers.dat: 505 with the Via intact for the response', () => {
    const r = parseMessage(corpusFile('badvers.dat'));
    assert.ok(!r.ok && r.status === 505 && r.partial);
    const res = createResponse(r.partial as SipRequest, 505);
    assert.equal(res.headers.get('Via'), 'SIP/7.0/UDP c.example.com;branch=z9hG4bKkdjuw');
    assert.equal(res.reason, 'Version Not Supported');
    assert.equal(res.version, 'SIP/2.0');
  });
});

// ---------------------------------------------------------------------------------------
// Fuzz: random mutations of the corpus and of the JsSIP messages. The parser must always
// return a ParseResult (never throw, never hit its internal safety net), accepted messages
// must round-trip, and the value parsers must survive every header it produced.

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NASTY = [
  '\r\n', '\r', '\n', ' ', '\t', ':', ';', ',', '"', '\\', '<', '>', '%', '%0', '=', '@', '/', '[', ']', '?', '&',
  '\0', '\x7f', '\xff', 'é', '☎', '\ud800', '-', '0', '4294967296', '99999999999999999999999', '-1', 'SIP/2.0',
  ' \r\n ', '\r\n\r\n', 'Content-Length: 5\r\n', 'l: -3\r\n', 'Via: ,;,\r\n', 'z9hG4bK', 'sip:', '<sip:a@b>', 'tag=',
];

function mutate(src: Buffer, rnd: () => number): Buffer {
  let b = Buffer.from(src);
  const pick = (n: number): number => Math.floor(rnd() * n);
  const rounds = 1 + pick(4);
  for (let i = 0; i < rounds; i++) {
    const at = pick(b.length + 1);
    switch (pick(8)) {
      case 0: // flip one octet
        if (b.length) b[Math.min(at, b.length - 1)] = pick(256);
        break;
      case 1: // insert a nasty fragment
        b = Buffer.concat([b.subarray(0, at), Buffer.from(NASTY[pick(NASTY.length)] ?? '', 'utf8'), b.subarray(at)]);
        break;
      case 2: // delete a range
        b = Buffer.concat([b.subarray(0, at), b.subarray(at + 1 + pick(40))]);
        break;
      case 3: { // duplicate a range elsewhere
        const len = 1 + pick(80);
        const to = pick(b.length + 1);
        b = Buffer.concat([b.subarray(0, to), b.subarray(at, at + len), b.subarray(to)]);
        break;
      }
      case 4: // truncate
        b = b.subarray(0, at);
        break;
      case 5: { // swap two lines
        const lines = b.toString('latin1').split('\r\n');
        const x = pick(lines.length);
        const y = pick(lines.length);
        const lx = lines[x] ?? '';
        lines[x] = lines[y] ?? '';
        lines[y] = lx;
        b = Buffer.from(lines.join('\r\n'), 'latin1');
        break;
      }
      case 6: { // replace a digit run with an extreme number
        const s = b.toString('latin1');
        const m = /[0-9]+/g;
        m.lastIndex = at;
        const hit = m.exec(s);
        if (hit) b = Buffer.from(s.slice(0, hit.index) + ['0', '-1', '4294967296', '256', '00000000000000000000001', '18446744073709551616'][pick(6)] + s.slice(hit.index + hit[0].length), 'latin1');
        break;
      }
      default: // random octets
        b = Buffer.concat([b.subarray(0, at), Buffer.from(Array.from({ length: 1 + pick(8) }, () => pick(256))), b.subarray(at)]);
    }
  }
  return b;
}

function exercise(m: SipMessage): void {
  const h = m.headers.clone();
  for (const [name, value] of h.entries()) {
    parseNameAddr(value);
    parseVia(value);
    parseUri(value);
    parseAuthHeader(value);
    parseCSeq(value);
    parseParams(value);
  }
  for (const name of new Set(h.entries().map(([n]) => n))) {
    h.getAll(name);
    h.removeFirstValue(name);
  }
  if (m.type === 'request') {
    const u = parseUri(m.uri);
    if (u) formatUri(u);
  }
}

describe('fuzz', () => {
  test('3000 random mutations: never throws, accepted messages round-trip', () => {
    const seeds: Buffer[] = [Buffer.from(JSSIP_REGISTER), Buffer.from(JSSIP_INVITE)];
    if (existsSync(CORPUS)) {
      for (const f of readdirSync(CORPUS)) if (f.endsWith('.dat')) seeds.push(corpusFile(f));
    }
    assert.ok(seeds.length >= 51, 'corpus seeds loaded');
    const rnd = mulberry32(0x5b0a4d);
    let accepted = 0;
    let rejected = 0;
    for (let i = 0; i < 3000; i++) {
      const seed = seeds[Math.floor(rnd() * seeds.length)] ?? Buffer.alloc(0);
      const input = mutate(seed, rnd);
      const datagram = rnd() < 0.8;
      let r: ParseResult;
      try {
        r = parseMessage(rnd() < 0.2 ? input.toString('latin1') : input, { datagram });
      } catch (err) {
        assert.fail(`case ${i} threw: ${String(err)}\n${JSON.stringify(input.toString('latin1'))}`);
      }
      if (r.ok) {
        accepted++;
        exercise(r.message);
        const wire = serialize(r.message);
        const again = parseMessage(wire, { datagram: false });
        assert.ok(again.ok, `case ${i}: re-parse of an accepted message failed: ${!again.ok && again.reason}\n${JSON.stringify(wire.toString('latin1'))}`);
        const a = again.message;
        const m = r.message;
        assert.ok(a.body.equals(m.body), `case ${i}: body changed`);
        const lines = (x: SipMessage): Array<[string, string]> => x.headers.entries().filter(([n]) => n !== 'Content-Length');
        assert.deepEqual(lines(a), lines(m), `case ${i}: headers changed`);
        if (a.type === 'request' && m.type === 'request') assert.deepEqual([a.method, a.uri], [m.method, m.uri]);
        else if (a.type === 'response' && m.type === 'response') assert.deepEqual([a.status, a.reason], [m.status, m.reason]);
        else assert.fail(`case ${i}: message type changed`);
      } else {
        rejected++;
        assert.notEqual(r.reason, 'Internal parser error', `case ${i} hit the safety net\n${JSON.stringify(input.toString('latin1'))}`);
        assert.ok(Number.isInteger(r.status) && r.status >= 400 && r.status <= 599, `case ${i}: status ${r.status}`);
        assert.equal(typeof r.fatal, 'boolean');
        if (r.partial) {
          exercise(r.partial);
          if (r.partial.type === 'request') serialize(createResponse(r.partial, r.status));
        }
      }
    }
    assert.ok(accepted > 100 && rejected > 100, `both outcomes exercised (ok ${accepted}, rejected ${rejected})`);
  });

  test('pathological inputs stay linear', () => {
    const head = JSSIP_REGISTER.replace('Content-Length: 0\r\n\r\n', '');
    const cases = [
      `${head}X-Semis: ${';'.repeat(200_000)}\r\nContent-Length: 0\r\n\r\n`,
      `${head}Contact: ${'<'.repeat(100_000)}${'"'.repeat(100_000)}\r\nContent-Length: 0\r\n\r\n`,
      `${head}Via: ${'SIP/2.0/UDP a;b=c,'.repeat(20_000)}\r\nContent-Length: 0\r\n\r\n`,
      `${head}${'X-A: b\r\n'.repeat(50_000)}Content-Length: 0\r\n\r\n`,
      `${head}Authorization: Digest ${'a="\\'.repeat(50_000)}\r\nContent-Length: 0\r\n\r\n`,
      `${head}${' x\r\n'.repeat(50_000)}Content-Length: 0\r\n\r\n`,
      `${head}X${' '.repeat(200_000)}y: v\r\nContent-Length: 0\r\n\r\n`,
      `${head}Via: SIP/2.0/UDP a${' '.repeat(200_000)}b\r\nContent-Length: 0\r\n\r\n`,
      `${head}To: <sip:a@b>;${' '.repeat(200_000)}tag${' '.repeat(200_000)}x\r\nContent-Length: 0\r\n\r\n`,
      '\r\n'.repeat(200_000),
      `INVITE sip:${'a'.repeat(200_000)} SIP/2.0\r\n\r\n`,
    ];
    for (const c of cases) {
      const t0 = performance.now();
      const r = parseMessage(c);
      if (r.ok) exercise(r.message);
      assert.ok(performance.now() - t0 < 3000, `took ${performance.now() - t0} ms`);
    }
  });
});
