/** My call records (Call History): /api/v2/domains/~/users/~/cdrs, newest first, keyset paged. */
import type { Http } from '../http.js';
import type { CdrEntry, Page } from '../wire.js';

export interface CdrQuery {
  limit?: number;
  /** The `next_cursor` of the page before: records older than that one. */
  before?: number;
}

export class CdrsResource {
  constructor(private readonly http: Http) {}

  list(opts: CdrQuery = {}): Promise<Page<CdrEntry>> {
    const q = new URLSearchParams();
    if (opts.limit) q.set('limit', String(opts.limit));
    if (opts.before) q.set('before', String(opts.before));
    return this.http.send('GET', `/api/v2/domains/~/users/~/cdrs${q.size ? `?${q}` : ''}`);
  }
}
