/**
 * What the web phone ships for its first load, and what that is made of. A separate production
 * build (same vite.config.ts) into a temporary folder, with hidden source maps so the files are
 * byte-for-byte what `npm run build` ships: the first load is what index.html asks for (entry
 * scripts, modulepreloads, stylesheets) plus every chunk those import statically, taken from
 * the build manifest's chunk graph rather than by reading minified code. Dynamic imports are
 * left out: they load later, when a feature needs them.
 *
 * Bytes per package are the minified bytes the source map attributes to each original file
 * (not the size of the sources), grouped by npm package, and by folder for our own src/.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';

const root = path.resolve(import.meta.dirname, '..');

export interface FirstLoadFile {
  file: string;
  kind: 'js' | 'css' | 'html';
  raw: number;
  gzip: number;
  brotli: number;
}

export interface SizeFigures {
  files: FirstLoadFile[];
  js: { raw: number; gzip: number; brotli: number };
  css: { raw: number; gzip: number; brotli: number };
  html: { raw: number; gzip: number; brotli: number };
  /** Chunks loaded later (dynamic imports), for reference. */
  lazyJsRaw: number;
  /**
   * What opening each lazily loaded part costs beyond the first load: its dynamic entry and the
   * chunks it imports that the first load does not have (an area's view, the phone after sign-in).
   */
  lazy: Array<{ name: string; raw: number; gzip: number }>;
  /** Minified bytes of the first-load JavaScript by package or src/ folder, largest first. */
  modules: Array<{ name: string; bytes: number; share: number }>;
}

/** One chunk of Vite's build manifest (.vite/manifest.json), keyed there by its source. */
interface ManifestChunk {
  file: string;
  src?: string;
  isDynamicEntry?: boolean;
  imports?: string[];
  css?: string[];
}

/**
 * A production build into `outDir` with hidden source maps and the build manifest (its chunk
 * graph). A child process: the service worker's nested build reports straight to stdout, which
 * is kept for the benchmark's table.
 */
function buildWithMaps(outDir: string): void {
  const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--outDir', outDir, '--emptyOutDir', '--sourcemap', 'hidden', '--manifest', '--logLevel', 'error'],
    { cwd: root, stdio: ['ignore', process.stderr, process.stderr] });
  if (r.status !== 0) throw new Error('vite build for the size benchmark failed');
}

function sizes(file: string, kind: FirstLoadFile['kind'], bytes: Buffer): FirstLoadFile {
  return {
    file, kind, raw: bytes.length,
    gzip: zlib.gzipSync(bytes, { level: 9 }).length,
    brotli: zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  };
}

/** The files index.html references: module scripts, modulepreloads, stylesheets. */
function referencedBy(html: string): { js: string[]; css: string[] } {
  const js: string[] = [];
  const css: string[] = [];
  for (const m of html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"[^>]*>/g)) js.push(m[1]!);
  for (const m of html.matchAll(/<link\b[^>]*>/g)) {
    const href = /\bhref="([^"]+)"/.exec(m[0])?.[1];
    if (!href) continue;
    if (/\brel="modulepreload"/.test(m[0])) js.push(href);
    if (/\brel="stylesheet"/.test(m[0])) css.push(href);
  }
  return { js: js.map((u) => u.replace(/^\//, '')), css: css.map((u) => u.replace(/^\//, '')) };
}

const VLQ = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Decodes one line's segments of a source map's `mappings` into [column, sourceIndex?]. */
function decodeLine(line: string, state: { source: number }): Array<[number, number | undefined]> {
  const out: Array<[number, number | undefined]> = [];
  let column = 0;
  for (const segment of line.split(',')) {
    if (!segment) continue;
    const fields: number[] = [];
    let value = 0;
    let shift = 0;
    for (const ch of segment) {
      const digit = VLQ.indexOf(ch);
      value += (digit & 31) << shift;
      if (digit & 32) {
        shift += 5;
      } else {
        fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
        value = 0;
        shift = 0;
      }
    }
    column += fields[0]!;
    if (fields.length >= 4) state.source += fields[1]!;
    out.push([column, fields.length >= 4 ? state.source : undefined]);
  }
  return out;
}

/**
 * Minified bytes per original source file of one chunk, from its source map. Bytes up to the
 * next mapping belong to the last one, across lines too: the lines of a multi-line template
 * literal (Lit's css`` and html``) carry no mappings of their own. Bytes the bundler made up
 * (its runtime, helpers) have no source: "(bundler)".
 */
function bytesPerSource(code: string, map: { sources: string[]; mappings: string }): Map<string, number> {
  const totals = new Map<string, number>();
  const add = (name: string, bytes: number) => totals.set(name, (totals.get(name) ?? 0) + bytes);
  const lines = code.split('\n');
  const state = { source: 0 };
  let current = '(bundler)';
  map.mappings.split(';').forEach((mapping, i) => {
    const text = lines[i] ?? '';
    const segments = decodeLine(mapping, state);
    // The newline, and anything before this line's first mapping, continue the previous one.
    add(current, Buffer.byteLength(text.slice(0, segments[0]?.[0] ?? text.length)) + (i < lines.length - 1 ? 1 : 0));
    segments.forEach(([column, source], j) => {
      current = source === undefined ? '(bundler)' : map.sources[source]!;
      add(current, Buffer.byteLength(text.slice(column, segments[j + 1]?.[0] ?? text.length)));
    });
  });
  return totals;
}

/** "jssip", "@lit-labs/virtualizer", "src/phone", or the path as given. */
function packageOf(source: string): string {
  const nm = source.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const parts = source.slice(nm + 'node_modules/'.length).split('/');
    return parts[0]!.startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0]!;
  }
  const src = /(?:^|\/)(src\/[^/]+)\//.exec(source);
  if (src) return src[1]!;
  return /(?:^|\/)src\/[^/]+$/.test(source) ? 'src/main.ts' : source.replace(/^(\.\.\/)+/, '');
}

export async function measureSize(): Promise<SizeFigures> {
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-size-'));
  try {
    buildWithMaps(outDir);
    const html = fs.readFileSync(path.join(outDir, 'index.html'));
    const entry = referencedBy(html.toString());
    const manifest = JSON.parse(fs.readFileSync(path.join(outDir, '.vite', 'manifest.json'), 'utf8')) as Record<string, ManifestChunk>;
    const byFile = new Map(Object.values(manifest).map((c) => [c.file, c]));
    const js = new Set<string>();
    const css = new Set<string>(entry.css);
    const visit = (file: string) => {
      if (js.has(file)) return;
      js.add(file);
      const chunk = byFile.get(file);
      chunk?.css?.forEach((c) => css.add(c));
      chunk?.imports?.forEach((key) => visit(manifest[key]!.file));
    };
    entry.js.forEach(visit);

    const read = (file: string) => fs.readFileSync(path.join(outDir, file));
    const files = [
      sizes('index.html', 'html', html),
      ...[...js].map((f) => sizes(f, 'js', read(f))),
      ...[...css].map((f) => sizes(f, 'css', read(f))),
    ];
    const total = (kind: FirstLoadFile['kind']) => files.filter((f) => f.kind === kind)
      .reduce((t, f) => ({ raw: t.raw + f.raw, gzip: t.gzip + f.gzip, brotli: t.brotli + f.brotli }), { raw: 0, gzip: 0, brotli: 0 });

    const lazyJsRaw = [...byFile.keys()].filter((f) => f.endsWith('.js') && !js.has(f))
      .reduce((t, f) => t + read(f).length, 0);

    const lazy = Object.values(manifest).filter((c) => c.isDynamicEntry && c.src).map((entryChunk) => {
      const own = new Set<string>();
      const walk = (chunk: ManifestChunk) => {
        if (js.has(chunk.file) || own.has(chunk.file)) return;
        own.add(chunk.file);
        chunk.imports?.forEach((key) => walk(manifest[key]!));
      };
      walk(entryChunk);
      const bytes = Buffer.concat([...own].map(read));
      const area = /src\/views\/([^/]+)\//.exec(entryChunk.src!)?.[1];
      const name = area ? `area ${area}` : entryChunk.src!.replace(/^src\//, '').replace(/\.ts$/, '');
      return { name, raw: bytes.length, gzip: [...own].reduce((t, f) => t + zlib.gzipSync(read(f), { level: 9 }).length, 0) };
    }).sort((a, b) => a.name.localeCompare(b.name));

    const perPackage = new Map<string, number>();
    for (const file of js) {
      const map = JSON.parse(read(`${file}.map`).toString()) as { sources: string[]; mappings: string };
      for (const [source, bytes] of bytesPerSource(read(file).toString(), map)) {
        const name = packageOf(source);
        perPackage.set(name, (perPackage.get(name) ?? 0) + bytes);
      }
    }
    const jsRaw = total('js').raw;
    const modules = [...perPackage].map(([name, bytes]) => ({ name, bytes, share: bytes / jsRaw }))
      .sort((a, b) => b.bytes - a.bytes);
    return { files, js: total('js'), css: total('css'), html: total('html'), lazyJsRaw, lazy, modules };
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}
