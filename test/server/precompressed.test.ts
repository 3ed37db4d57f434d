/**
 * The built app goes out precompressed: the build step (scripts/precompress.ts, run by
 * vite.config.ts) leaves `.br` and `.gz` beside each compressible file, and the platform picks
 * one per Accept-Encoding, with `Vary: Accept-Encoding`, the same cache rules and security
 * headers as the plain file, HEAD, conditional GET and Range on the variant sent. Raw bytes are
 * read with node:http (fetch would decode them).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { precompressDir } from '../../scripts/precompress.js';
import { startPlatform, type TestPlatform } from '../support/harness.js';

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

function get(base: string, pathname: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(base + pathname, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

/** Text that compresses like code does (repetitive, not random). */
function script(name: string, kb: number): string {
  let out = '';
  for (let i = 0; out.length < kb * 1024; i++) out += `export function ${name}${i}(a, b) { return a * ${i} + b - ${i % 7}; }\n`;
  return out;
}

const INDEX = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Switchboard</title>${'<link rel="icon" href="/icons/icon.svg">'.repeat(20)}</head><body></body></html>`;
const ASSET = '/assets/index-AbC123.js';

describe('precompressed app assets', { timeout: 30_000 }, () => {
  let t: TestPlatform;
  const web = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-web-'));
  const file = (p: string) => fs.readFileSync(path.join(web, p));
  before(async () => {
    fs.mkdirSync(path.join(web, 'assets'));
    fs.mkdirSync(path.join(web, 'icons'));
    fs.writeFileSync(path.join(web, 'index.html'), INDEX);
    fs.writeFileSync(path.join(web, 'sw.js'), script('sw', 4));
    fs.writeFileSync(path.join(web, 'manifest.webmanifest'), '{}');
    fs.writeFileSync(path.join(web, 'assets', 'index-AbC123.js'), script('f', 64));
    fs.writeFileSync(path.join(web, 'icons', 'icon-192.png'), Buffer.alloc(4096, 7));
    const figures = precompressDir(web);
    assert.equal(figures.files, 3, 'index.html, sw.js and the script; the manifest is too small, png is not text');
    t = await startPlatform({ env: { SWITCHBOARD_WEB_ROOT: web } });
  });
  after(async () => {
    await t.close();
    fs.rmSync(web, { recursive: true, force: true });
  });

  it('the build step writes .br and .gz only for compressible files worth it, each smaller than the file', () => {
    const names = fs.readdirSync(web, { recursive: true }).map(String).sort();
    assert.deepEqual(names.filter((n) => /\.(br|gz)$/.test(n)), [
      'assets/index-AbC123.js.br', 'assets/index-AbC123.js.gz', 'index.html.br', 'index.html.gz', 'sw.js.br', 'sw.js.gz',
    ]);
    for (const f of ['index.html', 'sw.js', 'assets/index-AbC123.js']) {
      assert.ok(file(`${f}.br`).length < file(`${f}.gz`).length, `${f}: brotli beats gzip`);
      assert.ok(file(`${f}.gz`).length < file(f).length);
      assert.deepEqual(zlib.brotliDecompressSync(file(`${f}.br`)), file(f));
      assert.deepEqual(zlib.gunzipSync(file(`${f}.gz`)), file(f));
    }
  });

  it('sends brotli when it is accepted, with the plain file\'s type, cache rule and security headers', async () => {
    const plain = await get(t.url, ASSET);
    const res = await get(t.url, ASSET, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], 'br');
    assert.equal(res.headers.vary, 'Accept-Encoding');
    assert.equal(res.headers['content-type'], plain.headers['content-type']);
    assert.match(String(res.headers['content-type']), /^(application|text)\/javascript; charset=utf-8$/);
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(Number(res.headers['content-length']), file(`${ASSET}.br`).length);
    assert.deepEqual(zlib.brotliDecompressSync(res.body), file(ASSET));
    assert.ok(res.body.length * 4 < file(ASSET).length, `${res.body.length} bytes sent for ${file(ASSET).length}`);
    assert.match(String(res.headers['content-security-policy']), /script-src 'self'/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['referrer-policy'], 'no-referrer');
  });

  it('sends gzip to a client that takes only gzip, or prefers it', async () => {
    for (const accept of ['gzip', 'br;q=0.5, gzip', 'br;q=0, gzip;q=1']) {
      const res = await get(t.url, ASSET, { 'accept-encoding': accept });
      assert.equal(res.headers['content-encoding'], 'gzip', accept);
      assert.equal(res.headers.vary, 'Accept-Encoding');
      assert.deepEqual(zlib.gunzipSync(res.body), file(ASSET));
    }
  });

  it('sends the plain file (identity) without Accept-Encoding or with identity only, still saying Vary', async () => {
    for (const headers of [{}, { 'accept-encoding': 'identity' }] as Array<Record<string, string>>) {
      const res = await get(t.url, ASSET, headers);
      assert.equal(res.status, 200);
      assert.equal(res.headers['content-encoding'], undefined, JSON.stringify(headers));
      assert.equal(res.headers.vary, 'Accept-Encoding');
      assert.deepEqual(res.body, file(ASSET));
    }
  });

  it('keeps index.html (also for app routes) and sw.js no-cache when compressed', async () => {
    for (const [p, source] of [['/', 'index.html'], ['/index.html', 'index.html'], ['/contacts', 'index.html'], ['/sw.js', 'sw.js']] as const) {
      const res = await get(t.url, p, { 'accept-encoding': 'br, gzip' });
      assert.equal(res.status, 200, p);
      assert.equal(res.headers['content-encoding'], 'br', p);
      assert.equal(res.headers['cache-control'], 'no-cache', p);
      assert.equal(res.headers.vary, 'Accept-Encoding', p);
      assert.deepEqual(zlib.brotliDecompressSync(res.body), file(source), p);
    }
    const html = await get(t.url, '/', { 'accept-encoding': 'br' });
    assert.equal(html.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(String(html.headers['content-security-policy']), /frame-ancestors 'none'/);
  });

  it('sends files without a variant as they are, and no variant has a URL of its own', async () => {
    const png = await get(t.url, '/icons/icon-192.png', { 'accept-encoding': 'br, gzip' });
    assert.equal(png.status, 200);
    assert.equal(png.headers['content-encoding'], undefined);
    assert.equal(png.headers['content-type'], 'image/png');
    assert.deepEqual(png.body, file('icons/icon-192.png'));
    const manifest = await get(t.url, '/manifest.webmanifest', { 'accept-encoding': 'br' });
    assert.equal(manifest.headers['content-encoding'], undefined);
    assert.equal(manifest.headers['cache-control'], 'no-cache');
    for (const p of [`${ASSET}.br`, `${ASSET}.gz`, '/index.html.br']) {
      assert.equal((await get(t.url, p, { 'accept-encoding': 'br' })).status, 404, p);
    }
  });

  it('answers HEAD with the headers of the variant and no body', async () => {
    const res = await get(t.url, ASSET, { 'accept-encoding': 'br' }, 'HEAD');
    assert.equal(res.status, 200);
    assert.equal(res.headers['content-encoding'], 'br');
    assert.equal(res.headers.vary, 'Accept-Encoding');
    assert.equal(Number(res.headers['content-length']), file(`${ASSET}.br`).length);
    assert.equal(res.headers['cache-control'], 'public, max-age=31536000, immutable');
    assert.equal(res.body.length, 0);
  });

  it('gives each variant its own ETag, and a matching If-None-Match gets 304 with Vary', async () => {
    const br = await get(t.url, ASSET, { 'accept-encoding': 'br' });
    const gz = await get(t.url, ASSET, { 'accept-encoding': 'gzip' });
    const plain = await get(t.url, ASSET);
    const tags = new Set([br.headers.etag, gz.headers.etag, plain.headers.etag]);
    assert.equal(tags.size, 3, [...tags].join(' '));
    const again = await get(t.url, ASSET, { 'accept-encoding': 'br', 'if-none-match': String(br.headers.etag) });
    assert.equal(again.status, 304);
    assert.equal(again.headers.vary, 'Accept-Encoding');
    assert.equal(again.body.length, 0);
  });

  it('serves a Range of the variant it sends: plain bytes for identity, encoded bytes for br', async () => {
    const plain = await get(t.url, ASSET, { range: 'bytes=0-9' });
    assert.equal(plain.status, 206);
    assert.equal(plain.headers['content-encoding'], undefined);
    assert.equal(plain.headers['content-range'], `bytes 0-9/${file(ASSET).length}`);
    assert.deepEqual(plain.body, file(ASSET).subarray(0, 10));

    const br = await get(t.url, ASSET, { range: 'bytes=0-9', 'accept-encoding': 'br' });
    assert.equal(br.status, 206);
    assert.equal(br.headers['content-encoding'], 'br');
    assert.equal(br.headers['content-range'], `bytes 0-9/${file(`${ASSET}.br`).length}`);
    assert.deepEqual(br.body, file(`${ASSET}.br`).subarray(0, 10));

    const outside = await get(t.url, ASSET, { range: `bytes=${file(ASSET).length + 10}-` });
    assert.equal(outside.status, 416);
  });

  it('does not send a variant older than its file (a file changed after the build): the file goes out plain', async () => {
    const sw = path.join(web, 'sw.js');
    // The variants were made before the change (their times set back for a coarse-clock file system).
    const before = new Date(Date.now() - 10_000);
    for (const ext of ['.br', '.gz']) fs.utimesSync(sw + ext, before, before);
    fs.appendFileSync(sw, '\n// next release\n');
    for (const accept of ['br, gzip', 'gzip', '*']) {
      const res = await get(t.url, '/sw.js', { 'accept-encoding': accept });
      assert.equal(res.status, 200, accept);
      assert.equal(res.headers['content-encoding'], undefined, accept);
      assert.equal(res.headers['cache-control'], 'no-cache');
      assert.deepEqual(res.body, file('sw.js'), accept);
    }
    // Files whose variants are current still go out compressed.
    assert.equal((await get(t.url, ASSET, { 'accept-encoding': 'br, gzip' })).headers['content-encoding'], 'br');
    // Once the build step has run again, the variant is current again.
    precompressDir(web);
    const fresh = await get(t.url, '/sw.js', { 'accept-encoding': 'br' });
    assert.equal(fresh.headers['content-encoding'], 'br');
    assert.deepEqual(zlib.brotliDecompressSync(fresh.body), file('sw.js'));
  });
});
