/** My personal contacts: /api/v2/domains/~/users/~/contacts, versioned (If-Match) and idempotent creates. */
import type { Http } from '../http.js';
import type { Contact, ContactFields, ContactTombstone, Page } from '../wire.js';

const CONTACTS = '/api/v2/domains/~/users/~/contacts';

export interface ContactQuery {
  q?: string;
  limit?: number;
  cursor?: string;
  updated_since?: string;
}

export class ContactsResource {
  constructor(private readonly http: Http) {}

  /**
   * One page of my personal contacts; `next_cursor` is opaque, null on the last page. With
   * `updated_since`, the changes after that time, oldest first, deletions as tombstones.
   */
  list(opts: ContactQuery = {}): Promise<Page<Contact | ContactTombstone, string>> {
    const q = new URLSearchParams();
    if (opts.q) q.set('q', opts.q);
    if (opts.updated_since) q.set('updated_since', opts.updated_since);
    if (opts.limit) q.set('limit', String(opts.limit));
    if (opts.cursor) q.set('cursor', opts.cursor);
    return this.http.send('GET', `${CONTACTS}${q.size ? `?${q}` : ''}`);
  }

  get(id: string): Promise<Contact> {
    return this.http.send('GET', `${CONTACTS}/${encodeURIComponent(id)}`);
  }

  /** Creates a contact; the same `client_id` twice creates it once (a retried create is safe). */
  create(fields: ContactFields & { client_id?: string }): Promise<Contact> {
    return this.http.send('POST', CONTACTS, fields);
  }

  /**
   * Replaces a contact's fields, made on `version`: a 409 ApiError (code `version_conflict`,
   * `body.contact` the current one) when it has changed since.
   */
  update(id: string, fields: ContactFields, version: number): Promise<Contact> {
    return this.http.send('PUT', `${CONTACTS}/${encodeURIComponent(id)}`, fields, { headers: { 'if-match': `"${version}"` } });
  }

  async delete(id: string, version?: number): Promise<void> {
    const headers: Record<string, string> = version === undefined ? {} : { 'if-match': `"${version}"` };
    await this.http.send('DELETE', `${CONTACTS}/${encodeURIComponent(id)}`, undefined, { headers });
  }
}
