/**
 * Found by `npm run fuzz`: an administrator naming an extension that is no user of the domain
 * (`/users/9999/...`, or `/users/./...` sent as is) made a device for nobody, which failed on the
 * store's foreign key with a 500, and stored a recording for nobody. Now such a path is 404.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { api, login, startPlatform, type TestPlatform } from '../support/harness.js';

/** A request whose path goes out as written (fetch would resolve "." and ".."). */
function rawRequest(base: string, method: string, path: string, headers: Record<string, string>, body?: string | Buffer): Promise<{ status: number; body: string }> {
  const u = new URL(base);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: u.hostname, port: u.port, method, path, headers }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('an administrator naming an unknown user', () => {
  let t: TestPlatform;
  let admin: string;
  before(async () => {
    t = await startPlatform();
    admin = await login(t.url, '1005@demo');
  });
  after(() => t.close());

  it('gets 404 for devices, call history and recordings of an extension that does not exist', async () => {
    for (const user of ['9999', '.', '%2e']) {
      const base = `/api/v2/domains/~/users/${user}`;
      const json = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
      const created = await rawRequest(t.url, 'POST', `${base}/devices`, json, JSON.stringify({ label: 'x' }));
      assert.equal(created.status, 404, `POST ${base}/devices: ${created.body}`);
      assert.equal(JSON.parse(created.body).code, 'not_found');
      for (const what of ['devices', 'cdrs', 'recordings']) {
        const res = await rawRequest(t.url, 'GET', `${base}/${what}`, { authorization: `Bearer ${admin}` });
        assert.equal(res.status, 404, `GET ${base}/${what}: ${res.body}`);
      }
      const upload = await rawRequest(t.url, 'POST', `${base}/recordings`, {
        authorization: `Bearer ${admin}`, 'content-type': 'audio/webm', 'x-recording-id': crypto.randomUUID(), 'x-call-id': 'c',
      }, Buffer.alloc(10, 1));
      assert.equal(upload.status, 404, `POST ${base}/recordings: ${upload.body}`);
    }
    const mine = await api(t.url, 'GET', '/api/v2/domains/~/recordings', { token: admin });
    assert.deepEqual(mine.body.items, [], 'no recording was stored for nobody');
  });

  it('still reaches the devices of a user who exists, and a user their own', async () => {
    const res = await api(t.url, 'POST', '/api/v2/domains/~/users/1002/devices', { token: admin, body: { label: 'desk' } });
    assert.equal(res.status, 201);
    assert.equal((await api(t.url, 'GET', '/api/v2/domains/~/users/1002/devices', { token: admin })).body.length, 1);
    const alice = await login(t.url, '1001@demo');
    assert.equal((await api(t.url, 'POST', '/api/v2/domains/~/users/~/devices', { token: alice, body: { label: 'mine' } })).status, 201);
    assert.equal((await api(t.url, 'GET', '/api/v2/domains/~/users/1001/cdrs', { token: alice })).status, 200);
  });
});
