/**
 * Precompressed copies of the built app, made once at build time (vite.config.ts runs this on
 * dist/ after the service worker is written): beside every compressible file a brotli
 * `name.br` (quality 11) and a gzip `name.gz` (level 9), each kept only when it is smaller than
 * the file itself. The platform (server/http/app.ts) answers with one of them per
 * Accept-Encoding, so nothing is compressed per request.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

/** Text files worth compressing; images (png) are compressed already. */
export const COMPRESSIBLE = /\.(js|mjs|css|html|svg|webmanifest|json|ico|txt)$/;
/** Below this, a response's headers outweigh what compression saves. */
export const MIN_COMPRESS_BYTES = 512;

export interface PrecompressFigures {
  /** Files that got at least one variant. */
  files: number;
  /** Bytes of the compressible files, and what each encoding sends for them. */
  raw: number;
  brotli: number;
  gzip: number;
}

function walk(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? (e.name === '.vite' ? [] : walk(path.join(dir, e.name))) : [path.join(dir, e.name)]));
}

export function precompressDir(dir: string): PrecompressFigures {
  const figures: PrecompressFigures = { files: 0, raw: 0, brotli: 0, gzip: 0 };
  for (const file of walk(dir)) {
    if (!COMPRESSIBLE.test(file)) continue;
    const bytes = fs.readFileSync(file);
    if (bytes.length < MIN_COMPRESS_BYTES) continue;
    const br = zlib.brotliCompressSync(bytes, {
      params: {
        [zlib.constants.BROTLI_PARAM_QUALITY]: 11,
        [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length,
        [zlib.constants.BROTLI_PARAM_MODE]: zlib.constants.BROTLI_MODE_TEXT,
      },
    });
    const gz = zlib.gzipSync(bytes, { level: 9 });
    let kept = false;
    for (const [variant, ext] of [[br, '.br'], [gz, '.gz']] as const) {
      if (variant.length < bytes.length) {
        fs.writeFileSync(file + ext, variant);
        kept = true;
      } else {
        fs.rmSync(file + ext, { force: true });
      }
    }
    if (kept) figures.files++;
    figures.raw += bytes.length;
    figures.brotli += Math.min(br.length, bytes.length);
    figures.gzip += Math.min(gz.length, bytes.length);
  }
  return figures;
}
