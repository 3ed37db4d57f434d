/**
 * Call recordings: mine (/api/v2/domains/~/users/~/recordings), my domain's for an
 * administrator, their audio, deleting, and uploading one made in this browser.
 */
import { ApiError, type Http } from '../http.js';
import type { Page, RecordingInfo } from '../wire.js';

const recording = (id: string, owner: string) =>
  `/api/v2/domains/~/users/${encodeURIComponent(owner)}/recordings/${encodeURIComponent(id)}`;

export interface RecordingUpload {
  id: string;
  callId: string;
  startedAt: string;
  durationS: number;
}

export class RecordingsResource {
  constructor(private readonly http: Http) {}

  mine(limit = 50): Promise<Page<RecordingInfo>> {
    return this.http.send('GET', `/api/v2/domains/~/users/~/recordings?limit=${limit}`);
  }

  /** Every recording of my domain (domain administrators only). */
  domain(limit = 50): Promise<Page<RecordingInfo>> {
    return this.http.send('GET', `/api/v2/domains/~/recordings?limit=${limit}`);
  }

  /**
   * A recording's audio. Fetched with the bearer token (an <audio src> cannot send one) and
   * played from an object URL; `owner` lets an administrator fetch anyone's.
   */
  async audio(id: string, owner = '~'): Promise<Blob> {
    const res = await this.http.request(`${recording(id, owner)}/audio`);
    if (!res.ok) throw new ApiError('http', `Cannot play this recording (HTTP ${res.status})`, res.status);
    return res.blob();
  }

  /** Deletes a recording; `owner` lets an administrator delete anyone's. */
  async delete(id: string, owner = '~'): Promise<void> {
    await this.http.send('DELETE', recording(id, owner));
  }

  /** Uploads one recording; the same id twice stores it once (the platform answers 200). */
  async upload(meta: RecordingUpload, body: Blob): Promise<void> {
    const res = await this.http.request('/api/v2/domains/~/users/~/recordings', {
      method: 'POST',
      headers: {
        'content-type': body.type || 'audio/webm',
        'x-call-id': meta.callId,
        'x-recording-id': meta.id,
        'x-started-at': meta.startedAt,
        'x-duration-s': String(Math.round(meta.durationS)),
      },
      body,
    });
    if (!res.ok) {
      const err = (await res.json().catch(() => ({}))) as { code?: string; message?: string };
      throw new ApiError('http', err.message ?? `Upload failed (HTTP ${res.status})`, res.status, err.code ?? '');
    }
  }
}
