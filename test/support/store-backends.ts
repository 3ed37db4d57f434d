/**
 * The stores a store test runs on: SQLite always, PostgreSQL at TEST_DATABASE_URL or in a
 * throwaway cluster when the binaries are installed. Without PostgreSQL its half is reported as
 * NOT RUN, or fails under REQUIRE_POSTGRES=1 (CI).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { openPostgresStore } from '../../server/store/postgres.js';
import { openSqliteStore } from '../../server/store/sqlite.js';
import type { Store } from '../../server/store/types.js';
import { startThrowawayCluster, type PgCluster } from './pg-cluster.js';
import { databaseUrlFor, dropDatabaseFor } from './test-db.js';

export interface Backend { name: string; open(key: string): Promise<Store>; remove(key: string): Promise<void> }

const sqlite: Backend = {
  name: 'SQLite',
  async open(key) { return openSqliteStore(key); },
  async remove(key) { fs.rmSync(key, { recursive: true, force: true }); },
};
const postgres = (serverUrl: string): Backend => ({
  name: 'PostgreSQL',
  async open(key) { return openPostgresStore(await databaseUrlFor(serverUrl, key), { max: 6 }); },
  async remove(key) { fs.rmSync(key, { recursive: true, force: true }); await dropDatabaseFor(serverUrl, key); },
});

/** Call at the top level of a test file; `what` names its suite ("messaging store"). */
export async function storeBackends(what: string): Promise<Backend[]> {
  let cluster: PgCluster | null = null;
  let pgServer = process.env.TEST_DATABASE_URL || undefined;
  if (!pgServer) {
    cluster = await startThrowawayCluster().catch(() => null);
    pgServer = cluster?.url;
  }
  after(async () => { await cluster?.stop(); });
  if (!pgServer) {
    describe(`PostgreSQL ${what}`, () => {
      if (process.env.REQUIRE_POSTGRES === '1') it('is available (REQUIRE_POSTGRES=1)', () => assert.fail('no PostgreSQL'));
      else it('NOT RUN: the PostgreSQL half', { skip: 'no PostgreSQL: set TEST_DATABASE_URL or install postgresql' }, () => {});
    });
  }
  return [sqlite, ...(pgServer ? [postgres(pgServer)] : [])];
}
