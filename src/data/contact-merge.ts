/**
 * The conflict rule for personal contacts changed in two places (here offline, and on another
 * device), applied when the platform answers 409 to a change made on an older version. Field by
 * field, against the version the local edit started from (`base`):
 *   - a field only this device changed takes this device's value;
 *   - a field only the other side changed keeps theirs;
 *   - a field both changed keeps theirs (the platform's copy wins: other devices have already
 *     shown it, so an older offline edit never silently replaces it), and is reported.
 * `numbers` is one field: a list merged item by item would invent combinations nobody typed.
 */
import type { ContactFields } from './wire.js';

export const CONTACT_FIELDS = ['first_name', 'last_name', 'company', 'email', 'notes', 'numbers'] as const satisfies ReadonlyArray<keyof ContactFields>;

export interface MergeResult {
  fields: ContactFields;
  /** Fields both sides changed, where the other side's value was kept. */
  overridden: Array<keyof ContactFields>;
}

export function mergeContact(base: ContactFields, mine: ContactFields, theirs: ContactFields): MergeResult {
  const fields = fieldsOf(theirs);
  const overridden: Array<keyof ContactFields> = [];
  for (const key of CONTACT_FIELDS) {
    const iChanged = !same(mine[key], base[key]);
    if (!iChanged) continue;
    if (same(theirs[key], base[key])) {
      (fields as unknown as Record<string, unknown>)[key] = copy(mine[key]);
    } else if (!same(theirs[key], mine[key])) {
      overridden.push(key);
    }
  }
  return { fields, overridden };
}

/** A deep copy holding only the contact's fields (no id, version or local flags). */
export function fieldsOf(c: ContactFields): ContactFields {
  return {
    first_name: c.first_name, last_name: c.last_name, company: c.company, email: c.email, notes: c.notes,
    numbers: c.numbers.map((n) => ({ label: n.label, number: n.number })),
  };
}

export function sameFields(a: ContactFields, b: ContactFields): boolean {
  return CONTACT_FIELDS.every((k) => same(a[k], b[k]));
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function copy<T>(v: T): T {
  return Array.isArray(v) ? (v.map((n: object) => ({ ...n })) as T) : v;
}
