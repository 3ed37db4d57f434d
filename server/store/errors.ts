/**
 * A change the store refused because of a constraint, told apart the same way whichever store
 * answered: SQLite reports SQLITE_CONSTRAINT_* codes, PostgreSQL SQLSTATE class 23. The HTTP
 * layer answers 409 to any of them (the request is at fault, never the platform).
 */
export type ConstraintKind = 'unique' | 'foreign-key' | 'other';

const PG_CONSTRAINTS: Record<string, ConstraintKind> = {
  '23505': 'unique', // unique_violation (primary keys too)
  '23503': 'foreign-key', // foreign_key_violation
};

/** What kind of constraint `err` broke, or null when it is not a constraint violation. */
export function constraintViolation(err: unknown): ConstraintKind | null {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return null;
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') return 'foreign-key';
    if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return 'unique';
    return 'other';
  }
  // SQLSTATE class 23: integrity constraint violation (not null, check, exclusion, ...). Only
  // errors that node-postgres built from a server reply carry a five-character SQLSTATE here.
  if (/^23[0-9A-Z]{3}$/.test(code) && (err as { severity?: unknown }).severity !== undefined) return PG_CONSTRAINTS[code] ?? 'other';
  return null;
}
