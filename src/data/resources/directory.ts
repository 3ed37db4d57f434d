/** The organisation's directory: GET /api/v2/domains/~/users. */
import type { Http } from '../http.js';
import type { DirectoryEntry } from '../wire.js';

export class DirectoryResource {
  constructor(private readonly http: Http) {}

  /** Everyone in my organisation, with their presence. */
  list(): Promise<DirectoryEntry[]> {
    return this.http.send('GET', '/api/v2/domains/~/users');
  }
}
