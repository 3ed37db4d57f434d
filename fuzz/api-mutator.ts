/**
 * Mutated REST API requests. Every route of the README's table has a valid request (with a real
 * token and real ids from the run's context); the mutator then breaks one or more of its parts:
 * body field types, missing and extra fields, huge and odd-unicode strings, nested junk, bad
 * JSON, content types, ids (path traversal, encodings), query numbers and dates, tokens, methods
 * and the route's own headers (If-Match, Range, X-Recording-Id...).
 */
import { randomUUID } from 'node:crypto';
import type { Rng } from './prng.js';

export interface ApiRequest {
  /** The route template, for deduplicating findings: "PATCH /contacts/:id". */
  route: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
  ops: string[];
}

export interface ApiContext {
  token: string;
  otherToken: string;
  adminToken: string;
  contactIds: string[];
  /** Devices the API fuzzer made itself (safe to delete). */
  deviceIds: string[];
  recordingIds: string[];
  callId(): string | undefined;
  offerIds: string[];
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

interface Template {
  route: string;
  method: string;
  path(ctx: ApiContext, rng: Rng): string;
  auth: 'user' | 'admin' | 'public';
  body?(ctx: ApiContext, rng: Rng): Json;
  raw?: { contentType: string; bytes(rng: Rng): Buffer };
  query?(ctx: ApiContext, rng: Rng): Record<string, string>;
  headers?(ctx: ApiContext, rng: Rng): Record<string, string>;
  weight?: number;
}

const ME = '/api/v2/domains/~/users/~';
const pickId = (ids: string[], rng: Rng) => (ids.length ? rng.pick(ids) : randomUUID());

const contactBody = (rng: Rng): Json => ({
  first_name: rng.pick(['Pat', 'Zoë', 'Łukasz', '']),
  last_name: rng.pick(['Lee', 'Ng', "O'Brien"]),
  company: 'Acme',
  email: 'pat@example.com',
  notes: 'met at the fair',
  numbers: [{ label: rng.pick(['mobile', 'work', 'home', 'main', 'fax', 'other']), number: '+1 (415) 555-0142' }],
  ...(rng.chance(0.3) ? { client_id: randomUUID() } : {}),
});

const TEMPLATES: Template[] = [
  { route: 'GET /status', method: 'GET', auth: 'public', path: () => '/api/v2/status', weight: 1 },
  {
    route: 'POST /tokens', method: 'POST', auth: 'public', path: () => '/api/v2/tokens', weight: 2,
    // Never a real user with a wrong password: that would lock the account used by the run.
    body: (_c, rng) => rng.pick<Json>([
      { grant_type: 'password', username: 'nobody@demo', password: 'x' },
      { grant_type: 'mfa', mfa_token: 'not-a-token', passcode: '123456' },
      { grant_type: 'refresh_token', refresh_token: 'not-a-token' },
    ]),
  },
  { route: 'DELETE /tokens', method: 'DELETE', auth: 'public', path: () => '/api/v2/tokens', weight: 1, headers: (_c, rng) => ({ authorization: rng.pick(['Bearer nope', 'Bearer ', '']) }) },
  { route: 'GET /users', method: 'GET', auth: 'user', path: () => '/api/v2/domains/~/users' },
  { route: 'GET /users/:user', method: 'GET', auth: 'user', path: (_c, rng) => `/api/v2/domains/~/users/${rng.pick(['~', '1001', '1002', '1005'])}` },
  { route: 'GET /devices', method: 'GET', auth: 'user', path: () => `${ME}/devices` },
  { route: 'POST /devices', method: 'POST', auth: 'user', path: () => `${ME}/devices`, body: () => ({ label: 'fuzz device' }) },
  { route: 'PATCH /devices/:id', method: 'PATCH', auth: 'user', path: (c, rng) => `${ME}/devices/${pickId(c.deviceIds, rng)}`, body: () => ({ label: 'fuzz renamed' }) },
  { route: 'DELETE /devices/:id', method: 'DELETE', auth: 'user', path: (c, rng) => `${ME}/devices/${pickId(c.deviceIds, rng)}` },
  { route: 'GET /cdrs', method: 'GET', auth: 'user', path: () => `${ME}/cdrs`, query: () => ({ limit: '10' }) },
  { route: 'GET /contacts', method: 'GET', auth: 'user', path: () => `${ME}/contacts`, weight: 2, query: (_c, rng) => rng.pick<Record<string, string>>([{ q: 'pat' }, { limit: '5' }, { updated_since: '2020-01-01T00:00:00.000Z' }, { q: '555', limit: '2' }]) },
  { route: 'POST /contacts', method: 'POST', auth: 'user', path: () => `${ME}/contacts`, weight: 3, body: (_c, rng) => contactBody(rng) },
  { route: 'GET /contacts/:id', method: 'GET', auth: 'user', path: (c, rng) => `${ME}/contacts/${pickId(c.contactIds, rng)}` },
  { route: 'PUT /contacts/:id', method: 'PUT', auth: 'user', path: (c, rng) => `${ME}/contacts/${pickId(c.contactIds, rng)}`, weight: 2, body: (_c, rng) => contactBody(rng), headers: (_c, rng): Record<string, string> => (rng.chance(0.5) ? { 'if-match': `"${rng.range(0, 5)}"` } : {}) },
  { route: 'PATCH /contacts/:id', method: 'PATCH', auth: 'user', path: (c, rng) => `${ME}/contacts/${pickId(c.contactIds, rng)}`, weight: 2, body: (_c, rng) => rng.pick<Json>([{ company: 'Initech' }, { numbers: [] }, { notes: 'x', version: 1 }]), headers: (_c, rng): Record<string, string> => (rng.chance(0.5) ? { 'if-match': `"${rng.range(0, 5)}"` } : {}) },
  { route: 'DELETE /contacts/:id', method: 'DELETE', auth: 'user', path: (c, rng) => `${ME}/contacts/${pickId(c.contactIds, rng)}` },
  { route: 'GET /calls', method: 'GET', auth: 'user', path: () => `${ME}/calls` },
  { route: 'POST /calls/:id/switch', method: 'POST', auth: 'user', path: (c) => `${ME}/calls/${encodeURIComponent(c.callId() ?? 'no-call')}/switch`, body: (c, rng) => ({ device_id: pickId(c.deviceIds, rng) }) },
  { route: 'POST /calls/:id/recording', method: 'POST', auth: 'user', path: (c) => `${ME}/calls/${encodeURIComponent(c.callId() ?? 'no-call')}/recording`, body: (_c, rng) => ({ recording: rng.chance(0.5) }) },
  { route: 'POST /calls/:id/switch/:offer/decline', method: 'POST', auth: 'user', path: (c, rng) => `${ME}/calls/${encodeURIComponent(c.callId() ?? 'no-call')}/switch/${pickId(c.offerIds, rng)}/decline` },
  {
    route: 'POST /recordings', method: 'POST', auth: 'user', path: () => `${ME}/recordings`, weight: 2,
    raw: { contentType: 'audio/webm', bytes: (rng) => Buffer.alloc(rng.pick([1, 100, 4000]), 0x1a) },
    headers: (c) => ({ 'x-recording-id': randomUUID(), 'x-call-id': c.callId() ?? 'no-call', 'x-started-at': new Date().toISOString(), 'x-duration-s': '3' }),
  },
  { route: 'GET /recordings', method: 'GET', auth: 'user', path: () => `${ME}/recordings`, query: () => ({ limit: '5' }) },
  { route: 'GET /recordings/:id', method: 'GET', auth: 'user', path: (c, rng) => `${ME}/recordings/${pickId(c.recordingIds, rng)}` },
  { route: 'GET /recordings/:id/audio', method: 'GET', auth: 'user', path: (c, rng) => `${ME}/recordings/${pickId(c.recordingIds, rng)}/audio`, headers: (_c, rng): Record<string, string> => (rng.chance(0.6) ? { range: 'bytes=0-10' } : {}) },
  { route: 'DELETE /recordings/:id', method: 'DELETE', auth: 'user', path: (c, rng) => `${ME}/recordings/${pickId(c.recordingIds, rng)}`, weight: 0.5 },
  { route: 'GET /domain recordings', method: 'GET', auth: 'admin', path: () => '/api/v2/domains/~/recordings', query: () => ({ limit: '5' }) },
  { route: 'GET /domain recordings/:id/audio', method: 'GET', auth: 'admin', path: (c, rng) => `/api/v2/domains/~/recordings/${pickId(c.recordingIds, rng)}/audio`, headers: () => ({ range: 'bytes=2-' }) },
];

const TOTAL = TEMPLATES.reduce((n, t) => n + (t.weight ?? 1), 0);

function pickTemplate(rng: Rng): Template {
  let r = rng.next() * TOTAL;
  for (const t of TEMPLATES) {
    r -= t.weight ?? 1;
    if (r < 0) return t;
  }
  return TEMPLATES[0]!;
}

const ODD_STRINGS = [
  '', ' ', '\u0000', '\u202etxt.exe', '\ud83d\udcde'.repeat(20), 'é'.normalize('NFD'), '\ufeff', '\u2028\u2029', '%00', '%s%s%n', '${7*7}', '{{7*7}}',
  '<script>alert(1)</script>', "' OR 1=1 --", '"; DROP TABLE contacts; --', '../../../../etc/passwd', '\\\\?\\C:\\', 'null', 'undefined', 'NaN', '__proto__',
  '\ud800', '\udfff', 'a\r\nX-Injected: 1', '٣٤٥', '+1 (415) 555-0142', '9'.repeat(40),
];
const ODD_NUMBERS = [-1, 0, 1.5, -0, 2 ** 31, 2 ** 53, 2 ** 53 + 2, 1e308, -1e308, Number.MIN_VALUE];
const ODD_IDS = [
  '..%2f..%2fetc%2fpasswd', '..', '.', '%2e%2e', '%2e%2e%2f%2e%2e', '%00', '%zz', '%', '~', '-1', '0', '1e9', 'null', '%E2%80%AE', '%F0%9F%93%9E',
  'a'.repeat(3000), '%C0%AE%C0%AE', "1'--", '*', '%20', '%0d%0aX: 1', '9'.repeat(30), '\u00e9', '..%5c..%5c',
];
const ODD_QUERY = [
  '-1', '0', '1e9', '99999999999999999999', 'abc', '', ' ', '1.5', '0x10', '%00', 'NaN', '+1', '٣', 'null', '[]', '{}',
  '2026-13-45T99:99:99Z', '0000-00-00T00:00:00Z', '+275760-09-13T00:00:00.001Z', '-271821-04-20T00:00:00.000Z', '2026-02-30', 'T', '9'.repeat(40),
  'eyJpZCI6IngiLCJ0IjoxfQ', '!!!!', 'a'.repeat(5000),
];
const BAD_JSON = [
  '{', '{"a":', '{"a":1,}', "{'a':1}", '{"a":NaN}', '\ufeff{}', '', ' ', 'null', '[]', '"str"', '1e999999', '{"a":1}{"b":2}', '{"__proto__":{"x":1}}',
  '{"constructor":{"prototype":{"x":1}}}', '['.repeat(50_000) + ']'.repeat(50_000), '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000), '\u0000', '{"a":"\\ud800"}', '{"a":"\\u0000"}', 'true', '-0', '{"a":1e400}',
];
const CONTENT_TYPES = [
  'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1', 'application/json; charset=utf-16',
  'application/jsonx', '*/*', 'application/json; boundary=', 'APPLICATION/JSON', 'application/problem+json', '', 'audio/webm', 'audio/ogg; codecs=opus', 'audio/wav', ';',
];

function nested(rng: Rng): Json {
  const depth = rng.pick([10, 100, 500]);
  let v: Json = 'x';
  for (let i = 0; i < depth; i++) v = rng.chance(0.5) ? [v] : { a: v };
  return v;
}

function oddValue(rng: Rng): [Json, string] {
  switch (rng.int(9)) {
    case 0: return [rng.pick(ODD_NUMBERS), 'number'];
    case 1: return [rng.chance(0.5), 'bool'];
    case 2: return [null, 'null'];
    case 3: return [[1, 'a', null, {}], 'array'];
    case 4: return [{ x: { y: [1] } }, 'object'];
    case 5: { const n = rng.pick([200, 1000, 10_000, 70_000]); return ['x'.repeat(n), `string(${n})`]; }
    case 6: return [nested(rng), 'nested'];
    case 7: return [rng.pick(ODD_STRINGS), 'odd-string'];
    default: return [rng.pick(ODD_STRINGS).repeat(rng.pick([1, 50])), 'odd-string*'];
  }
}

function mutateJson(body: Json, rng: Rng, ops: string[]): Json {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    const [v, what] = oddValue(rng);
    ops.push(`body=${what}`);
    return v;
  }
  const obj: { [k: string]: Json } = JSON.parse(JSON.stringify(body));
  const keys = Object.keys(obj);
  const op = rng.int(6);
  if (op === 0 && keys.length) {
    const k = rng.pick(keys);
    delete obj[k];
    ops.push(`missing ${k}`);
  } else if (op === 1) {
    const k = rng.pick(['extra', '__proto__', 'constructor', 'id', 'version', 'created_at', '', '\u0000', 'numbers']);
    const [v, what] = oddValue(rng);
    obj[k] = v;
    ops.push(`extra ${JSON.stringify(k)}=${what}`);
  } else if (op === 2 && Array.isArray(obj.numbers)) {
    const [v, what] = oddValue(rng);
    const item = { label: 'mobile', number: '123' } as { [k: string]: Json };
    item[rng.pick(['label', 'number', 'extra'])] = v;
    obj.numbers = rng.chance(0.2) ? Array<Json>(rng.pick([100, 1000])).fill(item) : [item];
    ops.push(`numbers item ${what}`);
  } else if (keys.length) {
    const k = rng.pick(keys);
    const [v, what] = oddValue(rng);
    obj[k] = v;
    ops.push(`${k}=${what}`);
  } else {
    const [v, what] = oddValue(rng);
    ops.push(`body=${what}`);
    return v;
  }
  return obj;
}

/** The valid request of a random route, then 0-3 mutations (a few requests stay valid). */
export function nextApiRequest(rng: Rng, ctx: ApiContext): ApiRequest {
  const t = pickTemplate(rng);
  const ops: string[] = [];
  let method = t.method;
  let path = t.path(ctx, rng);
  const query = t.query?.(ctx, rng) ?? {};
  const headers: Record<string, string> = { ...t.headers?.(ctx, rng) };
  if (t.auth !== 'public') headers.authorization = `Bearer ${t.auth === 'admin' ? ctx.adminToken : ctx.token}`;
  let json: Json | undefined = t.body?.(ctx, rng);
  let raw: Buffer | string | undefined = t.raw?.bytes(rng);
  if (t.raw) headers['content-type'] = t.raw.contentType;

  const n = rng.chance(0.1) ? 0 : rng.range(1, 3);
  for (let k = 0; k < n; k++) {
    switch (rng.int(10)) {
      case 0: case 1:
        if (json !== undefined) json = mutateJson(json, rng, ops);
        else if (raw !== undefined) {
          raw = rng.pick([Buffer.alloc(0), Buffer.from('OggS'), Buffer.alloc(70_000, 1), Buffer.from(rng.pick(BAD_JSON))]);
          ops.push(`raw body ${raw.length} bytes`);
        } else {
          json = mutateJson({}, rng, ops);
        }
        break;
      case 2: {
        raw = rng.pick(BAD_JSON);
        json = undefined;
        headers['content-type'] ??= 'application/json';
        ops.push(`bad-json ${JSON.stringify(raw)}`);
        break;
      }
      case 3: {
        const ct = rng.pick(CONTENT_TYPES);
        if (ct === '') delete headers['content-type'];
        else headers['content-type'] = ct;
        if (json === undefined && raw === undefined) raw = rng.pick(['a=1', '{}', 'x']);
        ops.push(`content-type ${JSON.stringify(ct)}`);
        break;
      }
      case 4: {
        // An id or path segment replaced.
        const segs = path.split('/');
        const at = rng.range(4, Math.max(4, segs.length - 1));
        const id = rng.pick(ODD_IDS);
        segs[at] = id;
        path = segs.join('/');
        ops.push(`segment ${at}=${id.slice(0, 40)}`);
        break;
      }
      case 5: {
        const key = rng.pick([...Object.keys(query), 'limit', 'before', 'cursor', 'updated_since', 'q']);
        const v = rng.pick(ODD_QUERY);
        query[key] = v;
        ops.push(`query ${key}=${v.slice(0, 40)}`);
        break;
      }
      case 6: {
        const v = rng.pick(['', 'Bearer', 'Bearer ', 'Bearer x', `Bearer ${ctx.otherToken}`, `Bearer ${ctx.adminToken}`, 'Basic dXNlcjpwYXNz', `bearer ${ctx.token}`,
          `Bearer ${ctx.token}x`, `Bearer ${ctx.token.slice(0, -1)}`, `Bearer ${'a'.repeat(4000)}`, `Bearer ${ctx.token} ${ctx.token}`, 'Bearer \u00e9']);
        if (v === '') delete headers.authorization;
        else headers.authorization = v;
        ops.push(`authorization ${v.slice(0, 20)}`);
        break;
      }
      case 7: {
        method = rng.pick(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD']);
        ops.push(`method ${method}`);
        break;
      }
      case 8: {
        const name = rng.pick(['if-match', 'range', 'x-recording-id', 'x-call-id', 'x-started-at', 'x-duration-s', 'accept', 'content-length', 'x-forwarded-for']);
        const v = rng.pick(['', '"-1"', '"99999999999999999999"', 'W/"1"', '*', 'bytes=-1', 'bytes=999999999-', 'bytes=5-2', 'bytes=abc', 'bytes=0-0,1-1,2-2,3-3', `bytes=${'0-1,'.repeat(200)}0-1`,
          'bytes=0-18446744073709551616', 'NaN', '-5', '1e309', '2026-13-45', 'not-a-uuid', randomUUID(), 'a'.repeat(300), '99999999999']);
        if (name === 'content-length') break;
        headers[name] = v;
        ops.push(`header ${name}=${v.slice(0, 30)}`);
        break;
      }
      default: {
        // Query-string structure itself.
        const v = rng.pick(['?', '??', '?&&', '?limit', '?limit=1&limit=2', '?a[b]=1', '?%', '?q=%E2%82', '#frag', '?q=' + '%41'.repeat(2000)]);
        path += v;
        ops.push(`query-string ${v.slice(0, 30)}`);
      }
    }
  }
  const qs = new URLSearchParams(query).toString();
  if (qs) path += (path.includes('?') ? '&' : '?') + qs;
  let body: string | Buffer | undefined = raw;
  if (json !== undefined && body === undefined) {
    body = JSON.stringify(json);
    headers['content-type'] ??= 'application/json';
  }
  if (method === 'GET' || method === 'HEAD') body = undefined;
  // Logging out with a token the run uses would end the run's own session, not find a bug.
  if (method === 'DELETE' && /^\/api\/v2\/tokens\/?(\?|#|$)/.test(path) && headers.authorization && !/^Bearer (nope|x)?$/.test(headers.authorization)) {
    headers.authorization = 'Bearer nope';
  }
  return { route: t.route, method, path, headers, body, ops };
}
