/**
 * Which store the platform runs on: PostgreSQL when DATABASE_URL is set (postgres://...),
 * otherwise the embedded SQLite file in the data directory.
 */
import type { Config } from '../config.js';
import type { Logger } from '../log.js';
import { openPostgresStore } from './postgres.js';
import { openSqliteStore } from './sqlite.js';
import type { Store } from './types.js';

export async function openStore(config: Pick<Config, 'dataDir' | 'databaseUrl'>, log?: Logger): Promise<Store> {
  if (config.databaseUrl) {
    return openPostgresStore(config.databaseUrl, { onError: (err) => log?.warn('database connection lost', { error: err.message }) });
  }
  return openSqliteStore(config.dataDir);
}

/** Where the store is, for start-up messages: never the password in a database URL. */
export function describeStore(config: Pick<Config, 'dataDir' | 'databaseUrl'>): string {
  if (!config.databaseUrl) return config.dataDir;
  const url = new URL(config.databaseUrl);
  if (url.password) url.password = '***';
  return url.toString();
}
