/**
 * Time frames: my own (/api/v2/domains/~/users/~/timeframes: list, create, replace, delete; a
 * frame a rule uses cannot be deleted: 409 naming the rule) and the organisation's
 * (/api/v2/domains/~/timeframes, read-only for users).
 */
import type { Http } from '../http.js';
import type { TimeFrameInput, TimeFrameView } from '../wire.js';

const MINE = '/api/v2/domains/~/users/~/timeframes';

export class TimeFramesResource {
  constructor(private readonly http: Http) {}

  mine(): Promise<TimeFrameView[]> {
    return this.http.send('GET', MINE);
  }

  /** The organisation's frames, written by its administrators. */
  organisation(): Promise<TimeFrameView[]> {
    return this.http.send('GET', '/api/v2/domains/~/timeframes');
  }

  create(input: TimeFrameInput): Promise<TimeFrameView> {
    return this.http.send('POST', MINE, input);
  }

  update(id: string, input: TimeFrameInput): Promise<TimeFrameView> {
    return this.http.send('PUT', `${MINE}/${encodeURIComponent(id)}`, input);
  }

  async remove(id: string): Promise<void> {
    await this.http.send('DELETE', `${MINE}/${encodeURIComponent(id)}`);
  }
}
