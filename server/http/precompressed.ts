/**
 * Guards the precompressed variants of the built app (`name.br`, `name.gz`, written by
 * scripts/precompress.ts at build time) against going stale: when a file of the web root was
 * changed after its variants were made (a hot fix copied over one file, a test that edits sw.js
 * in place), an encoding whose variant is older than the file is taken out of the request's
 * Accept-Encoding before @fastify/static picks a variant, so the current file goes out plain
 * instead of the old one compressed. Costs a few stat calls per app request (not API ones).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';

const VARIANTS = [['br', '.br'], ['gzip', '.gz']] as const;

/** The file a request for `url` is answered with: itself, a folder's index.html, or the app's (client routes). */
function fileFor(webRoot: string, url: string): string | null {
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.split('?')[0]!);
  } catch {
    return null;
  }
  const file = path.join(webRoot, pathname);
  if (file !== webRoot && !file.startsWith(webRoot + path.sep)) return null;
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  if (stat?.isFile()) return file;
  if (stat?.isDirectory()) return path.join(file, 'index.html');
  return path.extname(pathname) ? null : path.join(webRoot, 'index.html');
}

/** Encodings whose variant of `file` exists but is older than the file. */
export function staleEncodings(file: string): string[] {
  const source = fs.statSync(file, { throwIfNoEntry: false });
  if (!source) return [];
  return VARIANTS.filter(([, ext]) => {
    const variant = fs.statSync(file + ext, { throwIfNoEntry: false });
    return variant !== undefined && variant.mtimeMs < source.mtimeMs;
  }).map(([encoding]) => encoding);
}

/** Drops `encodings` (and the `*` that would stand for them) from an Accept-Encoding value. */
export function withoutEncodings(accept: string, encodings: string[]): string {
  const kept = accept.split(',').map((part) => part.trim()).filter((part) => {
    const name = part.split(';')[0]!.trim().toLowerCase();
    return name && name !== '*' && !encodings.includes(name);
  });
  return kept.length ? kept.join(', ') : 'identity';
}

export function skipStaleVariants(app: FastifyInstance, webRoot: string): void {
  const root = path.resolve(webRoot);
  app.addHook('onRequest', async (req) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.url.startsWith('/api/')) return;
    const accept = req.headers['accept-encoding'];
    if (!accept) return;
    const file = fileFor(root, req.url);
    const stale = file ? staleEncodings(file) : [];
    if (stale.length) req.headers['accept-encoding'] = withoutEncodings(accept, stale);
  });
}
