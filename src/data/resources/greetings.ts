/**
 * My voicemail greetings (/api/v2/domains/~/users/~/greetings): list, make from text, upload a
 * file or a recording, rename, make active, delete, and their audio.
 */
import { ApiError, type Http } from '../http.js';
import type { GreetingEntry, GreetingList } from '../wire.js';

const BASE = '/api/v2/domains/~/users/~/greetings';

export class GreetingsResource {
  constructor(private readonly http: Http) {}

  list(): Promise<GreetingList> {
    return this.http.send('GET', BASE);
  }

  /** A greeting the platform speaks from `text`. */
  speak(name: string, text: string): Promise<GreetingEntry> {
    return this.http.send('POST', BASE, { name, text });
  }

  /** A file or a recording; the platform converts it to Ogg Opus (10 MB at most). */
  async upload(name: string, audio: Blob, source: 'recorded' | 'uploaded'): Promise<GreetingEntry> {
    const res = await this.http.request(BASE, {
      method: 'POST',
      headers: { 'content-type': audio.type || 'application/octet-stream', 'x-greeting-name': encodeURIComponent(name), 'x-greeting-source': source },
      body: audio,
    });
    const body = (await res.json().catch(() => ({}))) as GreetingEntry & { code?: string; message?: string; field?: string };
    if (!res.ok) throw new ApiError('http', body.message ?? `Upload failed (HTTP ${res.status})`, res.status, body.code ?? '');
    return body;
  }

  rename(index: number, name: string): Promise<GreetingEntry> {
    return this.http.send('PATCH', `${BASE}/${index}`, { name });
  }

  /** Makes it the greeting callers hear; `index` 0 makes the default active. */
  async activate(index: number): Promise<void> {
    await this.http.send('PATCH', '/api/v2/domains/~/users/~', { voicemail_greeting_index: index });
  }

  async remove(index: number): Promise<void> {
    await this.http.send('DELETE', `${BASE}/${index}`);
  }

  async audio(index: number): Promise<Blob> {
    const res = await this.http.request(`${BASE}/${index}/audio`);
    if (!res.ok) throw new ApiError('http', `Cannot play this greeting (HTTP ${res.status})`, res.status);
    return res.blob();
  }
}
