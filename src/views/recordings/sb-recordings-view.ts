import { LitElement, html } from 'lit';
import { viewStyles } from '../../components/shared-styles.js';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { recordingsApiContext, sessionContext } from '../../app/contexts.js';
import type { RecordingsResource } from '../../data/resources/recordings.js';
import type { RecordingInfo } from '../../data/wire.js';
import type { Session } from '../../state/session.js';
import type { RecordingDeleteEvent, RecordingItem } from '../../components/sb-recordings-list.js';
import '../../components/sb-recordings-list.js';

/** How many recordings are listed (newest first). */
const PAGE = 50;

/**
 * Call recordings: mine, or for a domain administrator everyone's in the domain. The audio is
 * fetched with the access token (an <audio src> cannot send one) and played (and downloaded)
 * from object URLs, released when the view goes away. The owner, and an administrator, may
 * delete a recording: it leaves the list once the platform has deleted it.
 */
@customElement('sb-recordings-view')
export class SbRecordingsView extends LitElement {
  static override styles = viewStyles;

  @consume({ context: sessionContext, subscribe: true }) session?: Session;
  @consume({ context: recordingsApiContext, subscribe: true }) api?: RecordingsResource;

  @state() private items: RecordingItem[] = [];
  @state() private loading = true;
  @state() private error = '';
  private urls: string[] = [];

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.release();
  }

  override render() {
    return html`<sb-recordings-list .recordings=${this.items} .loading=${this.loading} .error=${this.error}
      @sb-recording-delete=${this.onDelete}></sb-recordings-list>`;
  }

  private async onDelete(e: RecordingDeleteEvent): Promise<void> {
    const api = this.api;
    if (!api) return;
    const { id, owner } = e.detail;
    this.error = '';
    try {
      await api.delete(id, owner ?? '~');
    } catch (err) {
      // Already gone (deleted elsewhere) is what was asked for.
      if ((err as { status?: number }).status !== 404) {
        this.error = `The recording could not be deleted: ${(err as Error).message}`;
        return;
      }
    }
    this.items = this.items.filter((r) => r.id !== id);
  }

  private async load(): Promise<void> {
    const api = this.api;
    if (!api) return;
    this.loading = true;
    this.error = '';
    try {
      const admin = this.session?.user?.role === 'admin';
      const page = await (admin ? api.domain(PAGE) : api.mine(PAGE));
      const audio = await Promise.all(page.items.map((r) => api.audio(r.id, r.extension).catch(() => null)));
      this.release();
      const me = this.session?.user?.extension;
      this.items = page.items.map((r, i) => this.item(r, audio[i] ?? null, admin, admin || r.extension === me));
    } catch (err) {
      this.error = (err as Error).message;
    } finally {
      this.loading = false;
    }
  }

  private item(r: RecordingInfo, audio: Blob | null, admin: boolean, deletable: boolean): RecordingItem {
    const url = audio ? URL.createObjectURL(audio) : '';
    if (url) this.urls.push(url);
    return {
      id: r.id,
      remoteName: r.remote_name ?? '',
      remoteNumber: r.remote_number ?? '',
      startedAt: r.started_at,
      durationS: r.duration_s ?? null,
      ...(admin ? { owner: r.extension } : {}),
      audioUrl: url,
      contentType: r.content_type,
      deletable,
    };
  }

  private release(): void {
    for (const url of this.urls) URL.revokeObjectURL(url);
    this.urls = [];
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-recordings-view': SbRecordingsView;
  }
}
