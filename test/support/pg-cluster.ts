/**
 * A throwaway PostgreSQL cluster for tests when no TEST_DATABASE_URL is given: initdb in a
 * temporary directory, started on a free port (socket in that directory, TCP on 127.0.0.1
 * only), removed at stop. PostgreSQL refuses to run as root, so as root it runs as the
 * `postgres` user (runuser), as shared/DESIGN.md describes. Null when no binaries are found.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface PgCluster {
  /** postgres://postgres@127.0.0.1:PORT/postgres */
  url: string;
  stop(): Promise<void>;
}

/** The directory of initdb and pg_ctl: PG_BIN, else the newest /usr/lib/postgresql/N/bin. */
export function findPgBin(): string | null {
  const candidates = process.env.PG_BIN ? [process.env.PG_BIN] : (() => {
    const root = '/usr/lib/postgresql';
    if (!fs.existsSync(root)) return [];
    return fs.readdirSync(root).filter((v) => /^\d+$/.test(v)).sort((a, b) => Number(b) - Number(a)).map((v) => path.join(root, v, 'bin'));
  })();
  return candidates.find((dir) => fs.existsSync(path.join(dir, 'initdb')) && fs.existsSync(path.join(dir, 'pg_ctl'))) ?? null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().once('error', reject).listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

export async function startThrowawayCluster(): Promise<PgCluster | null> {
  const bin = findPgBin();
  if (!bin) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-pg-'));
  const asRoot = process.getuid?.() === 0;
  const as = (cmd: string, args: string[]) => (asRoot ? run('runuser', ['-u', 'postgres', '--', cmd, ...args]) : run(cmd, args));
  if (asRoot) await run('chown', ['postgres', dir]);
  const data = path.join(dir, 'data');
  await as(path.join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = await freePort();
  // fsync off: a test cluster need not survive a power cut, and it is deleted at stop anyway.
  await as(path.join(bin, 'pg_ctl'), ['-D', data, '-l', path.join(dir, 'log'), '-w',
    '-o', `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`, 'start']);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      await as(path.join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
