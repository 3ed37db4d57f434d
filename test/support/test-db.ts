/**
 * Which store the tests' platforms run on. Without TEST_DATABASE_URL: SQLite in each test's data
 * directory. With TEST_DATABASE_URL=postgres://... : PostgreSQL on that server, each data
 * directory getting a schema of its own in that database (named after the directory, so a
 * platform restarted on the same directory finds its data again, as with SQLite), which the
 * store reaches through its connection's search_path.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { openPostgresStore } from '../../server/store/postgres.js';
import { openSqliteStore } from '../../server/store/sqlite.js';
import type { Store } from '../../server/store/types.js';

/** The PostgreSQL server of this run (TEST_DATABASE_URL), whichever store the platforms use. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;

/**
 * The server the platforms' stores are on, or undefined when they are on SQLite: PostgreSQL
 * when TEST_DATABASE_URL is set, unless TEST_STORE=sqlite (npm test's SQLite pass).
 */
export const PLATFORM_PG = process.env.TEST_STORE === 'sqlite' ? undefined : TEST_DATABASE_URL;
if (process.env.TEST_STORE === 'postgres' && !TEST_DATABASE_URL) throw new Error('TEST_STORE=postgres needs TEST_DATABASE_URL (postgres://...)');

const admins = new Map<string, pg.Pool>();
function admin(serverUrl: string): pg.Pool {
  let pool = admins.get(serverUrl);
  if (!pool) {
    pool = new pg.Pool({ connectionString: serverUrl, max: 2, allowExitOnIdle: true });
    pool.on('error', () => {});
    admins.set(serverUrl, pool);
  }
  return pool;
}

/** The schema that holds the store of `dataDir`. */
export function schemaFor(dataDir: string): string {
  return `sb_${crypto.createHash('sha256').update(path.resolve(dataDir)).digest('hex').slice(0, 24)}`;
}

/** The URL of a store of its own for `key` (a data directory) on the server at `serverUrl`; created when missing. */
export async function databaseUrlFor(serverUrl: string, key: string): Promise<string> {
  const schema = schemaFor(key);
  try {
    await admin(serverUrl).query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } catch (err) {
    // Two creates at once: one of them wins, which is all that is needed.
    if ((err as { code?: string }).code !== '23505') throw err;
  }
  const url = new URL(serverUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/** Drops what databaseUrlFor made for `key`. */
export async function dropDatabaseFor(serverUrl: string, key: string): Promise<void> {
  await admin(serverUrl).query(`DROP SCHEMA IF EXISTS ${schemaFor(key)} CASCADE`);
}

/** The settings that put a platform's store for `dataDir` where this run's tests keep it: {} on SQLite. */
export async function testStoreEnv(dataDir: string): Promise<Record<string, string>> {
  return PLATFORM_PG ? { DATABASE_URL: await databaseUrlFor(PLATFORM_PG, dataDir) } : {};
}

/** Opens this run's store for `dataDir` directly (what a platform started on that directory uses). */
export async function openTestStore(dataDir: string): Promise<Store> {
  return PLATFORM_PG ? openPostgresStore(await databaseUrlFor(PLATFORM_PG, dataDir), { max: 4 }) : openSqliteStore(dataDir);
}

/** Removes a test's data directory and, on PostgreSQL, its store. */
export async function removeTestData(dataDir: string): Promise<void> {
  fs.rmSync(dataDir, { recursive: true, force: true });
  if (PLATFORM_PG) await dropDatabaseFor(PLATFORM_PG, dataDir);
}
