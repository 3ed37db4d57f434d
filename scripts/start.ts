/**
 * `npm start`: build the web app when dist/ is missing or older than its sources, then run the
 * platform. A new user types one command and gets a working phone system.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const built = path.join(root, 'dist', 'index.html');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : fs.statSync(p).mtimeMs);
  }
  return newest;
}

const sources = ['src', 'sw', 'icons'].map((d) => path.join(root, d)).filter((d) => fs.existsSync(d));
const sourceTime = Math.max(...sources.map(newestMtime), ...['index.html', 'manifest.webmanifest', 'vite.config.ts'].map((f) => fs.statSync(path.join(root, f)).mtimeMs));
if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < sourceTime) {
  process.stdout.write('Building the web app (vite build)...\n');
  const r = spawnSync(process.execPath, [path.join(root, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
await import('../server/main.js');
