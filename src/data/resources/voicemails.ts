/**
 * Voicemail messages of a mailbox (/api/v2/domains/~/users/{mailbox}/voicemails): my own ('~'),
 * or a shared box granted to me. Lists by folder, the counts, the audio, moving and deleting.
 */
import { ApiError, type Http } from '../http.js';
import type { Page, SharedMailbox, VoicemailCount, VoicemailEntry, VoicemailFolderName } from '../wire.js';

const box = (mailbox: string) => `/api/v2/domains/~/users/${encodeURIComponent(mailbox)}/voicemails`;
const message = (mailbox: string, folder: VoicemailFolderName, id: string) =>
  `${box(mailbox)}/${folder}/${encodeURIComponent(id)}`;

export class VoicemailsResource {
  constructor(private readonly http: Http) {}

  /** The boxes granted to me (shared voicemail), with their counts. */
  sharedMailboxes(): Promise<SharedMailbox[]> {
    return this.http.send('GET', '/api/v2/domains/~/users/~/mailboxes');
  }

  count(mailbox = '~'): Promise<VoicemailCount> {
    return this.http.send('GET', `${box(mailbox)}/count`);
  }

  /** Newest first. */
  list(folder: VoicemailFolderName, mailbox = '~', limit = 100): Promise<Page<VoicemailEntry>> {
    return this.http.send('GET', `${box(mailbox)}/${folder}?limit=${limit}`);
  }

  /** A message's audio (Ogg Opus), fetched with the bearer token: an <audio src> cannot send one. */
  async audio(entry: Pick<VoicemailEntry, 'id' | 'folder'>, mailbox = '~'): Promise<Blob> {
    const res = await this.http.request(`${message(mailbox, entry.folder, entry.id)}/audio`);
    if (!res.ok) throw new ApiError('http', `Cannot play this message (HTTP ${res.status})`, res.status);
    return res.blob();
  }

  move(entry: Pick<VoicemailEntry, 'id' | 'folder'>, to: VoicemailFolderName, mailbox = '~'): Promise<VoicemailEntry> {
    return this.http.send('PATCH', message(mailbox, entry.folder, entry.id), { folder: to });
  }

  /** To the trash; a message already in the trash is deleted for good. */
  async delete(entry: Pick<VoicemailEntry, 'id' | 'folder'>, mailbox = '~'): Promise<void> {
    await this.http.send('DELETE', message(mailbox, entry.folder, entry.id));
  }
}
