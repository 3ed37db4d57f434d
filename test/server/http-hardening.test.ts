/**
 * What every HTTP answer carries (security headers, cache rules), what the anonymous status
 * route tells, and recordings that are not audio or would burst a user's quota.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { api, login, startPlatform, type TestPlatform } from '../support/harness.js';
import { audioBytes } from './recordings.test.js';

const RECORDINGS = '/api/v2/domains/~/users/~/recordings';

function upload(t: TestPlatform, token: string, body: Buffer, contentType = 'audio/webm') {
  return fetch(t.url + RECORDINGS, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': contentType, 'x-recording-id': randomUUID(), 'x-call-id': 'c@test' },
    body: new Uint8Array(body),
  }).then(async (r) => ({ status: r.status, body: await r.json().catch(() => null), headers: r.headers }));
}

describe('security and cache headers', { timeout: 30_000 }, () => {
  let t: TestPlatform;
  const web = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-web-'));
  before(async () => {
    fs.mkdirSync(path.join(web, 'assets'));
    fs.writeFileSync(path.join(web, 'index.html'), '<!doctype html><title>x</title>');
    fs.writeFileSync(path.join(web, 'sw.js'), '// sw');
    fs.writeFileSync(path.join(web, 'manifest.webmanifest'), '{}');
    fs.writeFileSync(path.join(web, 'assets', 'index-AbC123.js'), 'export {}');
    t = await startPlatform({ env: { SWITCHBOARD_WEB_ROOT: web } });
  });
  after(async () => {
    await t.close();
    fs.rmSync(web, { recursive: true, force: true });
  });

  it('sends a Content-Security-Policy and the other security headers on the app and the API', async () => {
    for (const p of ['/', '/contacts', '/api/v2/status', '/api/v2/domains/~/users/~']) {
      const res = await fetch(t.url + p);
      const csp = res.headers.get('content-security-policy') ?? '';
      assert.match(csp, /script-src 'self'(;|$)/, `${p}: scripts from our origin only`);
      assert.match(csp, /worker-src 'self'/);
      assert.match(csp, /connect-src 'self' ws:\/\/127\.0\.0\.1:\d+/);
      assert.match(csp, /frame-ancestors 'none'/);
      assert.match(csp, /object-src 'none'/);
      assert.doesNotMatch(csp, /unsafe-eval/);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      assert.match(res.headers.get('permissions-policy') ?? '', /microphone=\(self\)/);
      assert.equal(res.headers.get('strict-transport-security'), null, 'no HSTS without TLS');
    }
  });

  it('serves index.html, sw.js and the manifest no-cache, and hashed assets immutable for a year', async () => {
    for (const p of ['/', '/index.html', '/sw.js', '/manifest.webmanifest', '/history']) {
      const res = await fetch(t.url + p);
      assert.equal(res.status, 200, p);
      assert.equal(res.headers.get('cache-control'), 'no-cache', p);
    }
    const asset = await fetch(`${t.url}/assets/index-AbC123.js`);
    assert.equal(asset.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  });

  it('does not let shared caches keep API answers', async () => {
    const token = await login(t.url, '1001@demo');
    const me = await api(t.url, 'GET', '/api/v2/domains/~/users/~', { token });
    assert.equal(me.headers.get('cache-control'), 'no-store');
  });

  it('tells an anonymous caller of /status only what a health check needs', async () => {
    const res = await api(t.url, 'GET', '/api/v2/status');
    assert.equal(res.status, 200);
    assert.deepEqual(Object.keys(res.body).sort(), ['name', 'status', 'uptime_s', 'version']);
    assert.equal(res.body.status, 'ok');
  });
});

describe('recordings must be audio, within a quota', { timeout: 30_000 }, () => {
  let t: TestPlatform;
  before(async () => { t = await startPlatform({ env: { RECORDING_QUOTA_BYTES: String(300 * 1024) } }); });
  after(() => t.close());

  it('refuses an upload that is not the audio its type says (the letter A), leaving nothing on disk', async () => {
    const token = await login(t.url, '1002@demo');
    for (const [body, type] of [[Buffer.alloc(200_000, 'A'), 'audio/webm'], [Buffer.alloc(5000, 'A'), 'audio/ogg'], [audioBytes(5000, 'audio/ogg'), 'audio/webm']] as const) {
      const res = await upload(t, token, body, type);
      assert.equal(res.status, 415, `${type} of ${body.subarray(0, 4).toString('hex')}`);
      assert.equal(res.body.code, 'not_audio');
    }
    const dir = path.join(t.dataDir, 'recordings', 'demo');
    assert.deepEqual(fs.existsSync(dir) ? fs.readdirSync(dir) : [], []);
    assert.equal((await api(t.url, 'GET', RECORDINGS, { token })).body.items.length, 0);
  });

  it('serves a recording with nosniff and a Content-Disposition of our own naming', async () => {
    const token = await login(t.url, '1004@demo');
    const up = await upload(t, token, audioBytes(2000));
    assert.equal(up.status, 201);
    const audio = await fetch(t.url + up.body.audio_url, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(audio.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(audio.headers.get('content-disposition'), `inline; filename="recording-${up.body.id}.webm"`);
  });

  it('keeps each user within the quota even when uploads race, and frees space on delete', async () => {
    const token = await login(t.url, '1001@demo');
    // Four parallel uploads of 100 KB against a 300 KB quota: at most three may be stored.
    const answers = await Promise.all([0, 1, 2, 3].map(() => upload(t, token, audioBytes(100 * 1024))));
    const stored = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status === 507);
    assert.ok(stored.length <= 3, `${stored.length} uploads stored past the quota`);
    assert.equal(stored.length + refused.length, 4);
    for (const r of refused) assert.equal(r.body.code, 'quota_exceeded');
    const list = await api(t.url, 'GET', RECORDINGS, { token });
    const total = list.body.items.reduce((n: number, r: { bytes: number }) => n + r.bytes, 0);
    assert.ok(total <= 300 * 1024, `${total} bytes stored`);
    // Full now: a fourth upload is refused until one is deleted.
    assert.equal((await upload(t, token, audioBytes(100 * 1024))).status, stored.length === 3 ? 507 : 201);
    await api(t.url, 'DELETE', `${RECORDINGS}/${list.body.items[0].id}`, { token });
    assert.equal((await upload(t, token, audioBytes(50 * 1024))).status, 201);
  });
});
