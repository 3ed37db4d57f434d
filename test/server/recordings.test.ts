/**
 * Call recordings uploaded by the web phone: idempotent upload streamed to disk, listing,
 * Range requests, who may read and delete, limits on size and type, and persistence across a
 * restart of the platform.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { api, delay, login, phone, startPlatform, type TestPlatform } from '../support/harness.js';
import { parseRange } from '../../server/http/audio-file.js';

const USER_RECORDINGS = '/api/v2/domains/~/users/~/recordings';

interface Upload {
  id?: string;
  callId?: string;
  contentType?: string;
  startedAt?: string;
  durationS?: string;
  body?: Buffer;
}

/** The start of a WebM file (an EBML header whose DocType is "webm"): the platform checks it. */
const WEBM_HEAD = Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81, 0x01, 0x42, 0xf7, 0x81, 0x01, 0x42, 0xf2, 0x81, 0x04,
  0x42, 0xf3, 0x81, 0x08, 0x42, 0x82, 0x84, 0x77, 0x65, 0x62, 0x6d]);

/** `n` bytes of "audio": a container header (WebM, or Ogg's "OggS") and random bytes after it. */
export function audioBytes(n: number, contentType = 'audio/webm'): Buffer {
  const bytes = randomBytes(n);
  (contentType.startsWith('audio/ogg') ? Buffer.from('OggS') : WEBM_HEAD).copy(bytes, 0);
  return bytes;
}

/** POSTs a recording with the web phone's headers; `undefined` in a field leaves that header out. */
async function upload(t: TestPlatform, token: string, u: Upload, pathname = USER_RECORDINGS) {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  const set = (name: string, v: string | undefined) => { if (v !== undefined) headers[name] = v; };
  set('content-type', 'contentType' in u ? u.contentType : 'audio/webm;codecs=opus');
  set('x-recording-id', 'id' in u ? u.id : randomUUID());
  set('x-call-id', 'callId' in u ? u.callId : 'call-1@test');
  set('x-started-at', 'startedAt' in u ? u.startedAt : '2025-01-02T03:04:05.000Z');
  set('x-duration-s', 'durationS' in u ? u.durationS : '12');
  const res = await fetch(t.url + pathname, { method: 'POST', headers, body: new Uint8Array(u.body ?? audioBytes(4096, u.contentType)) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null };
}

async function getBytes(t: TestPlatform, token: string, pathname: string, headers: Record<string, string> = {}) {
  const res = await fetch(t.url + pathname, { headers: { authorization: `Bearer ${token}`, ...headers } });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

/** Sends only the request head with a Content-Length and returns the status, without the body. */
function postHead(t: TestPlatform, token: string, length: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(t.url + USER_RECORDINGS, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`, 'content-type': 'audio/webm', 'content-length': String(length),
        'x-recording-id': randomUUID(), 'x-call-id': 'big@test',
      },
    }, (res) => { res.resume(); resolve(res.statusCode ?? 0); });
    req.on('error', reject);
    req.write(Buffer.alloc(1024));
  });
}

describe('parseRange', () => {
  it('reads one byte range, suffix and open ranges; refuses ranges outside the file', () => {
    assert.deepEqual(parseRange('bytes=0-99', 1000), { start: 0, end: 99 });
    assert.deepEqual(parseRange('bytes=900-', 1000), { start: 900, end: 999 });
    assert.deepEqual(parseRange('bytes=-100', 1000), { start: 900, end: 999 });
    assert.deepEqual(parseRange('bytes=990-2000', 1000), { start: 990, end: 999 });
    assert.equal(parseRange('bytes=1000-', 1000), 'unsatisfiable');
    assert.equal(parseRange('bytes=5-4', 1000), 'unsatisfiable');
    assert.equal(parseRange('bytes=0-1,5-6', 1000), null, 'several ranges: the whole file');
    assert.equal(parseRange(undefined, 1000), null);
  });
});

describe('recordings', () => {
  let t: TestPlatform;
  let alice: string;
  let bob: string;
  let erin: string;
  before(async () => {
    t = await startPlatform({ recordingMaxBytes: 256 * 1024 });
    alice = await login(t.url, '1001@demo');
    bob = await login(t.url, '1002@demo');
    erin = await login(t.url, '1005@demo');
  });
  after(() => t.close());

  it('stores an upload, linked to the owner\'s record of the call, and lists it', async () => {
    // A real call, so that there is a call record to link to.
    const a = await phone(t, '1001');
    const b = await phone(t, '1002');
    const incoming = b.ua.nextInvite();
    const out = a.ua.call('sip:1002@demo');
    (await incoming).answer();
    await out.final;
    await out.dialog!.bye();
    await t.platform.recorder.flush();
    const [cdr] = (await api(t.url, 'GET', '/api/v2/domains/~/users/~/cdrs', { token: alice })).body.items;

    const body = audioBytes(10_000);
    const id = randomUUID();
    const res = await upload(t, alice, { id, callId: out.dialog!.callId, body });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('location'), `/api/v2/domains/demo/users/1001/recordings/${id}`);
    assert.deepEqual({ ...res.body, created_at: undefined }, {
      id,
      domain: 'demo',
      extension: '1001',
      call_id: out.dialog!.callId,
      cdr_id: cdr.id,
      remote_number: '1002',
      remote_name: 'Bob Baker',
      content_type: 'audio/webm',
      bytes: 10_000,
      duration_s: 12,
      started_at: '2025-01-02T03:04:05.000Z',
      created_at: undefined,
      audio_url: `/api/v2/domains/demo/users/1001/recordings/${id}/audio`,
    });
    const file = path.join(t.dataDir, 'recordings', 'demo', `${id}.webm`);
    assert.deepEqual(fs.readFileSync(file), body);
    assert.deepEqual(fs.readdirSync(path.dirname(file)).filter((n) => !n.endsWith('.webm')), [], 'no temporary file left');

    const meta = await api(t.url, 'GET', `${USER_RECORDINGS}/${id}`, { token: alice });
    assert.equal(meta.status, 200);
    assert.equal(meta.body.bytes, 10_000);
    await Promise.all([a.ua.close(), b.ua.close()]);
  });

  it('is idempotent: the same X-Recording-Id again stores nothing and answers 200 with the record', async () => {
    const id = randomUUID();
    const first = await upload(t, alice, { id, callId: 'retry@test' });
    assert.equal(first.status, 201);
    const again = await upload(t, alice, { id, callId: 'retry@test' });
    assert.equal(again.status, 200);
    assert.deepEqual(again.body, first.body);
    const list = await api(t.url, 'GET', USER_RECORDINGS, { token: alice });
    assert.equal(list.body.items.filter((r: any) => r.id === id).length, 1);
    // Someone else cannot take over that id.
    const theirs = await upload(t, bob, { id });
    assert.equal(theirs.status, 409);
  });

  it('lists my recordings newest first, with paging', async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const id of ids) assert.equal((await upload(t, bob, { id, callId: `list-${id}` })).status, 201);
    const page1 = await api(t.url, 'GET', `${USER_RECORDINGS}?limit=2`, { token: bob });
    assert.deepEqual(page1.body.items.map((r: any) => r.id), [ids[2], ids[1]]);
    assert.ok(page1.body.next_cursor);
    const page2 = await api(t.url, 'GET', `${USER_RECORDINGS}?limit=2&before=${page1.body.next_cursor}`, { token: bob });
    assert.deepEqual(page2.body.items.map((r: any) => r.id), [ids[0]]);
    assert.equal(page2.body.next_cursor, null);
  });

  it('serves the audio whole and by Range (206 with Content-Range), as an <audio> element seeks', async () => {
    const body = audioBytes(5000, 'audio/ogg');
    const id = randomUUID();
    await upload(t, alice, { id, body, contentType: 'audio/ogg' });
    const audio = `${USER_RECORDINGS}/${id}/audio`;
    const whole = await getBytes(t, alice, audio);
    assert.equal(whole.status, 200);
    assert.equal(whole.headers.get('content-type'), 'audio/ogg');
    assert.equal(whole.headers.get('accept-ranges'), 'bytes');
    assert.deepEqual(whole.bytes, body);

    const part = await getBytes(t, alice, audio, { range: 'bytes=100-199' });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), 'bytes 100-199/5000');
    assert.equal(part.headers.get('content-length'), '100');
    assert.deepEqual(part.bytes, body.subarray(100, 200));
    const tail = await getBytes(t, alice, audio, { range: 'bytes=-10' });
    assert.deepEqual(tail.bytes, body.subarray(4990));
    const outside = await getBytes(t, alice, audio, { range: 'bytes=6000-' });
    assert.equal(outside.status, 416);
    assert.equal(outside.headers.get('content-range'), 'bytes */5000');
    // A stale If-Range gets the whole (new) file instead of a piece of it (RFC 9110 s13.1.5).
    const stale = await getBytes(t, alice, audio, { range: 'bytes=0-9', 'if-range': '"other"' });
    assert.equal(stale.status, 200);
    assert.equal(stale.bytes.length, 5000);
  });

  it('lets the owner and a domain administrator read a recording; anyone else gets 404', async () => {
    const id = randomUUID();
    const body = audioBytes(2048);
    await upload(t, alice, { id, body });
    // The administrator, through the owner's path and through the domain's.
    const asAdmin = await getBytes(t, erin, `/api/v2/domains/~/users/1001/recordings/${id}/audio`);
    assert.equal(asAdmin.status, 200);
    assert.deepEqual(asAdmin.bytes, body);
    assert.equal((await api(t.url, 'GET', `/api/v2/domains/~/recordings/${id}`, { token: erin })).body.extension, '1001');
    const all = await api(t.url, 'GET', '/api/v2/domains/~/recordings', { token: erin });
    assert.equal(all.status, 200);
    assert.ok(all.body.items.some((r: any) => r.id === id));
    assert.ok(all.body.items.some((r: any) => r.extension === '1002'), 'every user of the domain');
    const adminList = await api(t.url, 'GET', '/api/v2/domains/~/users/1001/recordings', { token: erin });
    assert.ok(adminList.body.items.some((r: any) => r.id === id));

    // Bob: not found wherever he looks, as if it did not exist.
    for (const p of [`${USER_RECORDINGS}/${id}`, `${USER_RECORDINGS}/${id}/audio`, `/api/v2/domains/~/recordings/${id}`, `/api/v2/domains/~/recordings/${id}/audio`]) {
      const res = await api(t.url, 'GET', p, { token: bob });
      assert.equal(res.status, 404, p);
      assert.deepEqual(res.body, { code: 'not_found', message: 'No such recording' });
    }
    assert.equal((await api(t.url, 'DELETE', `/api/v2/domains/~/recordings/${id}`, { token: bob })).status, 404);
    // Another user's path is forbidden as a path, whatever the id.
    assert.equal((await api(t.url, 'GET', `/api/v2/domains/~/users/1001/recordings/${id}/audio`, { token: bob })).status, 403);
    assert.equal((await api(t.url, 'GET', '/api/v2/domains/~/recordings', { token: bob })).status, 403);
    // Mine does not list hers.
    const bobs = await api(t.url, 'GET', USER_RECORDINGS, { token: bob });
    assert.equal(bobs.body.items.some((r: any) => r.id === id), false);
  });

  it('deletes for the owner or an administrator', async () => {
    const mine = randomUUID();
    const hers = randomUUID();
    await upload(t, alice, { id: mine });
    await upload(t, alice, { id: hers });
    assert.equal((await api(t.url, 'DELETE', `${USER_RECORDINGS}/${mine}`, { token: alice })).status, 204);
    assert.equal((await api(t.url, 'GET', `${USER_RECORDINGS}/${mine}`, { token: alice })).status, 404);
    assert.equal(fs.existsSync(path.join(t.dataDir, 'recordings', 'demo', `${mine}.webm`)), false);
    assert.equal((await api(t.url, 'DELETE', `/api/v2/domains/~/users/1001/recordings/${hers}`, { token: erin })).status, 204);
    assert.equal((await api(t.url, 'GET', `${USER_RECORDINGS}/${hers}`, { token: alice })).status, 404);
  });

  it('attack: another user cannot delete my recording, by any path; it stays listed and playable', async () => {
    const id = randomUUID();
    const body = audioBytes(1024);
    await upload(t, alice, { id, body });
    const attempts: Array<[string, number]> = [
      [`${USER_RECORDINGS}/${id}`, 404], // Bob's own path: not his, so it does not exist for him
      [`/api/v2/domains/~/recordings/${id}`, 404], // the domain path is for administrators
      [`/api/v2/domains/~/users/1001/recordings/${id}`, 403], // Alice's path: not his to touch
      [`/api/v2/domains/other.example/users/1001/recordings/${id}`, 403],
    ];
    for (const [p, status] of attempts) {
      assert.equal((await api(t.url, 'DELETE', p, { token: bob })).status, status, p);
    }
    assert.equal((await api(t.url, 'DELETE', `${USER_RECORDINGS}/${id}`)).status, 401);
    const still = await getBytes(t, alice, `${USER_RECORDINGS}/${id}/audio`);
    assert.equal(still.status, 200);
    assert.deepEqual(still.bytes, body);
    assert.ok((await api(t.url, 'GET', USER_RECORDINGS, { token: alice })).body.items.some((r: any) => r.id === id));
    // The administrator may, through the domain's path too.
    assert.equal((await api(t.url, 'DELETE', `/api/v2/domains/~/recordings/${id}`, { token: erin })).status, 204);
    assert.equal((await api(t.url, 'GET', `${USER_RECORDINGS}/${id}`, { token: alice })).status, 404);
  });

  it('refuses a body over the limit with 413, streamed or announced, and keeps nothing of it', async () => {
    const id = randomUUID();
    const tooBig = await upload(t, alice, { id, body: audioBytes(256 * 1024 + 1) });
    assert.equal(tooBig.status, 413);
    assert.equal(tooBig.body.code, 'body_too_large');
    assert.equal((await api(t.url, 'GET', `${USER_RECORDINGS}/${id}`, { token: alice })).status, 404);
    // Sent without a length (chunked): counted while streaming.
    const chunked = await fetch(t.url + USER_RECORDINGS, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice}`, 'content-type': 'audio/webm', 'x-recording-id': randomUUID(), 'x-call-id': 'c@test' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 5; i++) controller.enqueue(i === 0 ? audioBytes(64 * 1024) : randomBytes(64 * 1024));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    assert.equal(chunked.status, 413);
    const leftovers = fs.readdirSync(path.join(t.dataDir, 'recordings', 'demo')).filter((n) => !/\.(webm|ogg)$/.test(n));
    assert.deepEqual(leftovers, []);
    // Exactly at the limit is fine.
    assert.equal((await upload(t, alice, { body: audioBytes(256 * 1024) })).status, 201);
  });

  it('refuses other media types with 415 and bad metadata with 400, before reading the body', async () => {
    for (const contentType of ['application/json', 'audio/mpeg', 'application/octet-stream']) {
      const res = await upload(t, alice, { contentType });
      assert.equal(res.status, 415, contentType);
      assert.equal(res.body.code, 'unsupported_media_type');
    }
    assert.equal((await upload(t, alice, { contentType: undefined })).status, 415);
    const noId = await upload(t, alice, { id: undefined });
    assert.equal(noId.status, 400);
    assert.equal(noId.body.field, 'x-recording-id');
    assert.equal((await upload(t, alice, { id: '../../etc/passwd' })).status, 400);
    assert.equal((await upload(t, alice, { callId: undefined })).body.field, 'x-call-id');
    assert.equal((await upload(t, alice, { startedAt: 'yesterday' })).body.field, 'x-started-at');
    assert.equal((await upload(t, alice, { durationS: '-1' })).body.field, 'x-duration-s');
    assert.equal((await upload(t, alice, { body: Buffer.alloc(0) })).status, 400);
    // Without a token, nothing is looked at.
    const anonymous = await fetch(t.url + USER_RECORDINGS, { method: 'POST', headers: { 'content-type': 'audio/webm' }, body: 'x' });
    assert.equal(anonymous.status, 401);
  });

  it('answers 404 for an id that is not even a UUID', async () => {
    const res = await api(t.url, 'GET', `${USER_RECORDINGS}/not-a-uuid/audio`, { token: alice });
    assert.equal(res.status, 404);
  });
});

describe('recordings with the default limit', () => {
  let t: TestPlatform;
  before(async () => { t = await startPlatform(); });
  after(() => t.close());

  it('takes 50 MB and refuses an announced 50 MB + 1 at once with 413', async () => {
    const token = await login(t.url, '1001@demo');
    assert.equal(await postHead(t, token, 50 * 1024 * 1024 + 1), 413);
    const big = await upload(t, token, { body: audioBytes(50 * 1024 * 1024) });
    assert.equal(big.status, 201);
    assert.equal(big.body.bytes, 50 * 1024 * 1024);
  });
});

describe('recordings across a restart', () => {
  it('a stored recording is still listed and playable after the platform restarts', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-rec-'));
    const env = { SWITCHBOARD_DATA: dataDir };
    const id = randomUUID();
    const body = audioBytes(3000);
    let t = await startPlatform({ env });
    let token = await login(t.url, '1001@demo');
    assert.equal((await upload(t, token, { id, body })).status, 201);
    // A crash mid-upload leaves a temporary file; the next start clears it.
    fs.writeFileSync(path.join(dataDir, 'recordings', 'demo', 'abc.upload-tmp'), 'half');
    await t.platform.close();

    t = await startPlatform({ env });
    try {
      token = await login(t.url, '1001@demo');
      const list = await api(t.url, 'GET', USER_RECORDINGS, { token });
      assert.deepEqual(list.body.items.map((r: any) => r.id), [id]);
      const audio = await getBytes(t, token, `${USER_RECORDINGS}/${id}/audio`);
      assert.equal(audio.status, 200);
      assert.deepEqual(audio.bytes, body);
      assert.deepEqual(fs.readdirSync(path.join(dataDir, 'recordings', 'demo')), [`${id}.webm`]);
    } finally {
      await t.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

describe('recordings and shutdown', () => {
  it('an upload in flight when the platform stops is completed, and the stop does not linger on its connection', async () => {
    const t = await startPlatform();
    const token = await login(t.url, '1001@demo');
    let push!: (chunk: Uint8Array | null) => void;
    const body = new ReadableStream<Uint8Array>({ start(c) { push = (chunk) => (chunk ? c.enqueue(chunk) : c.close()); } });
    const id = randomUUID();
    const pending = fetch(t.url + USER_RECORDINGS, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'audio/webm', 'x-recording-id': id, 'x-call-id': 'late@test' },
      body,
      duplex: 'half',
    } as RequestInit);
    push(audioBytes(1000));
    await delay(100);
    const started = Date.now();
    const stopping = t.close();
    await delay(100);
    push(randomBytes(1000));
    push(null);
    const res = await pending;
    assert.equal(res.status, 201);
    assert.equal((await res.json()).bytes, 2000);
    await stopping;
    assert.ok(Date.now() - started < 3000, `stopped in ${Date.now() - started} ms`);
  });
});
