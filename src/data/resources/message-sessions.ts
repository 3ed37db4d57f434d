/**
 * Conversations (NetSapiens: message sessions) of the signed-in user, their messages, the
 * attachments sent with them and whether SMS is on (/api/v2/domains/~/users/~/...). Message text
 * is plain text: nothing here or above ever treats it as HTML.
 */
import { ApiError, type Http } from '../http.js';
import type { AttachmentView, MessageSessionView, MessageView, NewMessage, NewMessageSession, Page, SmsAccess } from '../wire.js';

const USER = '/api/v2/domains/~/users/~';
const SESSIONS = `${USER}/messagesessions`;
const session = (id: string) => `${SESSIONS}/${encodeURIComponent(id)}`;

/** The largest attachment the platform takes. */
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
/** What may be attached: images and PDF. */
export const ATTACHMENT_TYPES = ['image/', 'application/pdf'];

/** Why a file cannot be attached, in words; '' when it can. Checked before anything is uploaded. */
export function attachmentProblem(file: Pick<File, 'name' | 'size' | 'type'>): string {
  if (!ATTACHMENT_TYPES.some((t) => file.type.startsWith(t))) return `${file.name} cannot be sent: only images and PDF files can be attached.`;
  if (file.size > MAX_ATTACHMENT_BYTES) return `${file.name} is too large: attachments can be up to 5 MB.`;
  return '';
}

export class MessageSessionsResource {
  constructor(private readonly http: Http) {}

  /** Newest activity first. */
  /** Every conversation of mine (the platform answers them all, newest activity first). */
  list(): Promise<MessageSessionView[]> {
    return this.http.send('GET', SESSIONS);
  }

  get(id: string): Promise<MessageSessionView> {
    return this.http.send('GET', session(id));
  }

  /** Opens the conversation with these people (or this number); the same set reopens the same one. */
  create(body: NewMessageSession): Promise<MessageSessionView> {
    return this.http.send('POST', SESSIONS, body);
  }

  /** Deletes it for me (the others keep theirs). */
  async remove(id: string): Promise<void> {
    await this.http.send('DELETE', session(id));
  }

  async leave(id: string): Promise<void> {
    await this.http.send('POST', `${session(id)}/leave`);
  }

  addParticipant(id: string, extension: string): Promise<MessageSessionView> {
    return this.http.send('POST', `${session(id)}/participants`, { extension });
  }

  async markRead(id: string, upTo: string): Promise<void> {
    await this.http.send('POST', `${session(id)}/read`, { up_to: upTo });
  }

  async typing(id: string): Promise<void> {
    await this.http.send('POST', `${session(id)}/typing`);
  }

  /** Newest first; `before` a message id for the older ones. */
  messages(id: string, before?: string, limit = 50): Promise<Page<MessageView, string>> {
    const q = new URLSearchParams({ limit: String(limit) });
    if (before) q.set('before', before);
    return this.http.send('GET', `${session(id)}/messages?${q}`);
  }

  /** 201 new, 200 when its client_id was seen before: sending again never makes a second message. */
  send(id: string, message: NewMessage): Promise<MessageView> {
    return this.http.send('POST', `${session(id)}/messages`, message);
  }

  retry(id: string, messageId: string): Promise<MessageView> {
    return this.http.send('POST', `${session(id)}/messages/${encodeURIComponent(messageId)}/retry`);
  }

  /** Uploads a file to send with a message (images, PDF; 5 MB at most). */
  async upload(file: Blob, name: string): Promise<AttachmentView> {
    const res = await this.http.request(`${USER}/attachments`, {
      method: 'POST',
      headers: { 'content-type': file.type || 'application/octet-stream', 'x-file-name': encodeURIComponent(name) },
      body: file,
    });
    const body = (await res.json().catch(() => ({}))) as AttachmentView & { code?: string; message?: string };
    if (!res.ok) throw new ApiError(res.status >= 500 ? 'network' : 'http', body.message ?? `Upload failed (HTTP ${res.status})`, res.status, body.code ?? '');
    return body;
  }

  /** An attachment's bytes, fetched with the bearer token (an <img src> cannot send one). */
  async attachment(url: string): Promise<Blob> {
    const res = await this.http.request(url);
    if (!res.ok) throw new ApiError('http', `Cannot open this attachment (HTTP ${res.status})`, res.status);
    return res.blob();
  }

  sms(): Promise<SmsAccess> {
    return this.http.send('GET', `${USER}/sms`);
  }
}
