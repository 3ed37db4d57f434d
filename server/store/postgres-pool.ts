/** What the PostgreSQL repositories share: how bigints are read, and transactions. */
import pg from 'pg';

const INT8_OID = 20;

/**
 * bigint columns (times in ms, ids, byte counts) come back as JavaScript numbers, as from
 * SQLite; a value past 2^53 would lose precision, so it fails loudly instead.
 */
export const int8AsNumber: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: string) => {
    if (oid === INT8_OID && format !== 'binary') {
      return (value: string) => {
        const n = Number(value);
        if (!Number.isSafeInteger(n)) throw new RangeError(`bigint ${value} is beyond JavaScript's safe integers`);
        return n;
      };
    }
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** Runs `fn` in a transaction on one connection: committed when it resolves, rolled back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  // A connection whose ROLLBACK failed is in an unknown state: the pool discards it.
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch((e: Error) => { broken = e; });
    throw err;
  } finally {
    client.release(broken);
  }
}

/** Statements, with their parameters, on the pool or inside one transaction. */
export interface Queryable {
  query<R extends pg.QueryResultRow = Record<string, unknown>>(text: string, values?: readonly unknown[]): Promise<pg.QueryResult<R>>;
}

/** What the repositories are given: statements, and transactions of statements. */
export interface PgDb extends Queryable {
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
}

/**
 * PostgreSQL text cannot hold U+0000 (SQLite's can): a parameter with one would fail the whole
 * statement ("invalid byte sequence"), turning a lookup of a name with a NUL in it (a login, a
 * search, an id in a URL) into a server error where SQLite answers "not found". It is replaced
 * by U+FFFD, as both drivers already replace a lone surrogate, which no UTF-8 can hold either:
 * a lookup still finds nothing that was not stored that way, and a write is kept, not refused.
 */
export function storableText(value: unknown): unknown {
  if (typeof value === 'string') return value.includes('\u0000') ? value.replaceAll('\u0000', '\uFFFD') : value;
  if (Array.isArray(value)) return value.map(storableText);
  return value;
}

function queryable(target: pg.Pool | pg.PoolClient): Queryable {
  return {
    query: <R extends pg.QueryResultRow>(text: string, values: readonly unknown[] = []) =>
      target.query<R>(text, values.map(storableText)),
  };
}

export function pgDb(pool: pg.Pool): PgDb {
  return {
    ...queryable(pool),
    transaction: (fn) => inTransaction(pool, (client) => fn(queryable(client))),
  };
}
