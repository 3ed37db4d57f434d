import { expect } from '@open-wc/testing';
import { ApiError, HttpClient, type ApiUser, type SessionStorage } from '../../../src/data/http.js';
import { ContactsResource } from '../../../src/data/resources/contacts.js';
import { CdrsResource } from '../../../src/data/resources/cdrs.js';
import { RecordingsResource } from '../../../src/data/resources/recordings.js';
import { CallsResource } from '../../../src/data/resources/calls.js';
import { DevicesResource } from '../../../src/data/resources/devices.js';

const USER = { domain: 'demo', extension: '1001', first_name: 'Alice', last_name: 'Anders', role: 'user' } as ApiUser;

function memoryStorage(): SessionStorage {
  let saved: { refreshToken: string; user: ApiUser } | null = { refreshToken: 'r0', user: USER };
  return { load: () => saved, save: (s) => (saved = s), clear: () => (saved = null) };
}

interface Sent {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

/**
 * A platform at the fetch level: the token endpoint grants a0, a1, ... for each refresh, and every
 * other request is answered by `answer` (a Response, or a thrown TypeError for "unreachable").
 */
class FakeFetch {
  readonly sent: Sent[] = [];
  private grants = 0;
  answer: (req: Sent) => Response = () => new Response(null, { status: 204 });

  fetch = async (url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const req: Sent = { url: String(url), method: init?.method ?? 'GET', headers: { ...(init?.headers as Record<string, string>) }, body: init?.body };
    if (req.url.endsWith('/api/v2/tokens') && req.method === 'POST') {
      const n = this.grants++;
      return Response.json({ access_token: `a${n}`, refresh_token: `r${n + 1}`, token_type: 'Bearer', expires_in: 900, refresh_expires_in: 3600, user: USER });
    }
    this.sent.push(req);
    return this.answer(req);
  };
}

function setup() {
  const platform = new FakeFetch();
  const http = new HttpClient(memoryStorage(), 'https://pbx.example', platform.fetch);
  return { platform, http };
}

async function failure(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (err) {
    expect(err).to.be.instanceOf(ApiError);
    return err as ApiError;
  }
  throw new Error('expected an ApiError');
}

describe('HttpClient.send', () => {
  it('sends JSON with the bearer token and parses the answer', async () => {
    const { platform, http } = setup();
    platform.answer = () => Response.json({ ok: 1 });
    expect(await http.send('POST', '/api/v2/x', { a: 1 })).to.deep.equal({ ok: 1 });
    expect(platform.sent[0]!.url).to.equal('https://pbx.example/api/v2/x');
    expect(platform.sent[0]!.headers).to.deep.include({ accept: 'application/json', 'content-type': 'application/json', authorization: 'Bearer a0' });
    expect(platform.sent[0]!.body).to.equal('{"a":1}');
  });

  it('an expired access token is refreshed once and the request sent again; a second 401 is the answer', async () => {
    const { platform, http } = setup();
    let n = 0;
    platform.answer = () => (n++ === 0 ? Response.json({ code: 'invalid_token', message: 'expired' }, { status: 401 }) : Response.json([]));
    expect(await http.send('GET', '/api/v2/x')).to.deep.equal([]);
    expect(platform.sent.map((s) => s.headers.authorization)).to.deep.equal(['Bearer a0', 'Bearer a1']);
    platform.answer = () => Response.json({ code: 'invalid_token', message: 'Your session has ended' }, { status: 401 });
    const err = await failure(http.send('GET', '/api/v2/x'));
    expect([err.kind, err.status, err.code, err.message]).to.deep.equal(['http', 401, 'invalid_token', 'Your session has ended']);
    expect(platform.sent).to.have.length(4);
  });

  it('turns failures into ApiErrors fit to show: unreachable, 5xx, the platform\'s message and field, unreadable', async () => {
    const { platform, http } = setup();
    platform.answer = () => { throw new TypeError('Failed to fetch'); };
    let err = await failure(http.send('GET', '/api/v2/x'));
    expect([err.kind, err.message]).to.deep.equal(['network', 'Cannot reach the phone system. Check your connection and try again.']);

    platform.answer = () => new Response('<html>bad gateway</html>', { status: 502 });
    err = await failure(http.send('GET', '/api/v2/x'));
    expect([err.kind, err.status, err.message]).to.deep.equal(['http', 502, 'Cannot reach the phone system. Check your connection and try again.']);

    const body = { code: 'invalid_request', message: 'email must be an email address', field: 'email' };
    platform.answer = () => Response.json(body, { status: 400 });
    err = await failure(http.send('POST', '/api/v2/x', {}));
    expect([err.kind, err.status, err.code, err.field, err.message]).to.deep.equal(['http', 400, 'invalid_request', 'email', 'email must be an email address']);
    expect(err.body).to.deep.equal(body);

    platform.answer = () => new Response('', { status: 404 });
    err = await failure(http.send('GET', '/api/v2/x'));
    expect(err.message).to.equal('Request failed (HTTP 404)');

    platform.answer = () => new Response('not json', { status: 200 });
    err = await failure(http.send('GET', '/api/v2/x'));
    expect(err.message).to.equal('The phone system sent an unreadable answer.');
  });

  it('the events URL is the API origin over ws(s)', () => {
    expect(setup().http.eventsUrl()).to.equal('wss://pbx.example/api/v2/events');
    expect(new HttpClient(memoryStorage(), 'http://localhost:8080').eventsUrl()).to.equal('ws://localhost:8080/api/v2/events');
  });
});

describe('resources on the HTTP client', () => {
  it('contacts: query string, If-Match on update and delete', async () => {
    const { platform, http } = setup();
    const contacts = new ContactsResource(http);
    platform.answer = () => Response.json({ items: [], next_cursor: null });
    await contacts.list({ q: 'ann', limit: 5, cursor: 'c1', updated_since: '2026-01-01T00:00:00Z' });
    await contacts.list();
    platform.answer = () => Response.json({});
    await contacts.update('id/1', { first_name: 'A', last_name: '', company: '', email: '', notes: '', numbers: [] }, 3);
    platform.answer = () => new Response(null, { status: 204 });
    await contacts.delete('id/1', 4);
    await contacts.delete('id/1');
    expect(platform.sent.map((s) => `${s.method} ${s.url.replace('https://pbx.example/api/v2/domains/~/users/~', '')} ${s.headers['if-match'] ?? ''}`.trim())).to.deep.equal([
      'GET /contacts?q=ann&updated_since=2026-01-01T00%3A00%3A00Z&limit=5&cursor=c1',
      'GET /contacts',
      'PUT /contacts/id%2F1 "3"',
      'DELETE /contacts/id%2F1 "4"',
      'DELETE /contacts/id%2F1',
    ]);
  });

  it('cdrs, devices and calls: their paths and bodies', async () => {
    const { platform, http } = setup();
    platform.answer = () => Response.json({});
    await new CdrsResource(http).list({ limit: 20, before: 41 });
    await new DevicesResource(http).create('Chrome on Linux');
    await new DevicesResource(http).rename('d1', 'Desk');
    await new CallsResource(http).offerSwitch('c@x', 'd2');
    await new CallsResource(http).recordingNotice('c@x', true);
    expect(platform.sent.map((s) => `${s.method} ${s.url.replace('https://pbx.example/api/v2/domains/~/users/~', '')} ${s.body ?? ''}`.trim())).to.deep.equal([
      'GET /cdrs?limit=20&before=41',
      'POST /devices {"label":"Chrome on Linux","login_scoped":true}',
      'PATCH /devices/d1 {"label":"Desk"}',
      'POST /calls/c%40x/switch {"device_id":"d2"}',
      'POST /calls/c%40x/recording {"recording":true}',
    ]);
  });

  it('recordings: audio with the bearer token, an upload with its headers, retried once after a 401', async () => {
    const { platform, http } = setup();
    const recordings = new RecordingsResource(http);
    platform.answer = () => new Response(new Blob(['abc'], { type: 'audio/webm' }));
    const audio = await recordings.audio('r1', '1002');
    expect(await audio.text()).to.equal('abc');
    expect(platform.sent[0]!.url).to.equal('https://pbx.example/api/v2/domains/~/users/1002/recordings/r1/audio');
    expect(platform.sent[0]!.headers.authorization).to.equal('Bearer a0');

    platform.answer = () => new Response('', { status: 403 });
    expect((await failure(recordings.audio('r1'))).message).to.equal('Cannot play this recording (HTTP 403)');

    let n = 0;
    platform.answer = () => (n++ === 0 ? new Response('', { status: 401 }) : new Response('{}', { status: 201 }));
    await recordings.upload({ id: 'r2', callId: 'c@x', startedAt: '2026-01-01T00:00:00Z', durationS: 12.6 }, new Blob(['x'], { type: 'audio/ogg' }));
    const [first, retry] = platform.sent.slice(-2);
    expect(first!.headers.authorization).to.equal('Bearer a0');
    expect(retry!.headers).to.deep.include({ authorization: 'Bearer a1', 'content-type': 'audio/ogg', 'x-call-id': 'c@x', 'x-recording-id': 'r2', 'x-started-at': '2026-01-01T00:00:00Z', 'x-duration-s': '13' });

    platform.answer = () => Response.json({ code: 'too_large', message: 'The recording is too large' }, { status: 413 });
    const err = await failure(recordings.upload({ id: 'r3', callId: 'c', startedAt: '', durationS: 1 }, new Blob(['x'])));
    expect([err.status, err.code, err.message]).to.deep.equal([413, 'too_large', 'The recording is too large']);
  });
});
