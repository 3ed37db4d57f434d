/** The SQLite greetings repository (see voicemail/greeting-types.ts for the contract). */
import type Database from 'better-sqlite3';
import { toGreeting } from './rows.js';
import type { Greeting, GreetingRepo } from '../voicemail/greeting-types.js';

type Row = Record<string, unknown>;


export function sqliteGreetingRepo(db: Database.Database): GreetingRepo {
  const list = db.prepare('SELECT * FROM greetings WHERE domain = ? AND extension = ? ORDER BY idx');
  const get = db.prepare('SELECT * FROM greetings WHERE domain = ? AND extension = ? AND idx = ?');
  // One statement: two concurrent creates cannot take the same index.
  const insert = db.prepare(`INSERT INTO greetings (domain, extension, idx, name, source, text, duration_s, bytes, file_id, created_at, updated_at)
    SELECT @domain, @extension, COALESCE(MAX(idx), 0) + 1, @name, @source, @text, @durationS, @bytes, @fileId, @createdAt, @createdAt
    FROM greetings WHERE domain = @domain AND extension = @extension RETURNING *`);
  const rename = db.prepare('UPDATE greetings SET name = ?, updated_at = ? WHERE domain = ? AND extension = ? AND idx = ?');
  const clearActive = db.prepare('UPDATE greetings SET active = 0 WHERE domain = ? AND extension = ? AND active = 1');
  const setActive = db.prepare('UPDATE greetings SET active = 1 WHERE domain = ? AND extension = ? AND idx = ?');
  const del = db.prepare('DELETE FROM greetings WHERE domain = ? AND extension = ? AND idx = ?');
  const active = db.prepare('SELECT * FROM greetings WHERE domain = ? AND extension = ? AND active = 1');
  const activate = db.transaction((domain: string, extension: string, index: number): boolean => {
    if (index !== 0 && !get.get(domain, extension, index)) return false;
    clearActive.run(domain, extension);
    if (index !== 0) setActive.run(domain, extension, index);
    return true;
  });
  return {
    async list(domain, extension) { return (list.all(domain, extension) as Row[]).map(toGreeting); },
    async get(domain, extension, index) {
      const r = get.get(domain, extension, index) as Row | undefined;
      return r && toGreeting(r);
    },
    async create(g) { return toGreeting(insert.get(g) as Row); },
    async rename(domain, extension, index, name, at) {
      if (rename.run(name, at, domain, extension, index).changes === 0) return undefined;
      return toGreeting(get.get(domain, extension, index) as Row);
    },
    async activate(domain, extension, index) { return activate(domain, extension, index); },
    async delete(domain, extension, index) { return del.run(domain, extension, index).changes > 0; },
    async active(domain, extension) {
      const r = active.get(domain, extension) as Row | undefined;
      return r && toGreeting(r);
    },
  };
}
