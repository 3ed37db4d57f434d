import { LitElement, html } from 'lit';
import { viewStyles } from '../../components/shared-styles.js';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { sessionContext } from '../../app/contexts.js';
import type { RecordingInfo } from '../../data/api.js';
import type { Session } from '../../state/session.js';
import type { RecordingItem } from '../../components/sb-recordings-list.js';
import '../../components/sb-recordings-list.js';

/** How many recordings are listed (newest first). */
const PAGE = 50;

/**
 * Call recordings: mine, or for a domain administrator everyone's in the domain. The audio is
 * fetched with the access token (an <audio src> cannot send one) and played from object URLs,
 * released when the view goes away.
 */
@customElement('sb-recordings-view')
export class SbRecordingsView extends LitElement {
  static override styles = viewStyles;

  @consume({ context: sessionContext, subscribe: true }) session?: Session;

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
    return html`<sb-recordings-list .recordings=${this.items} .loading=${this.loading} .error=${this.error}></sb-recordings-list>`;
  }

  private async load(): Promise<void> {
    const api = this.session?.api;
    if (!api) return;
    this.loading = true;
    this.error = '';
    try {
      const admin = this.session?.user?.role === 'admin';
      const page = await (admin ? api.domainRecordings(PAGE) : api.recordings(PAGE));
      const audio = await Promise.all(page.items.map((r) => api.recordingAudio(r.id, r.extension).catch(() => null)));
      this.release();
      this.items = page.items.map((r, i) => this.item(r, audio[i] ?? null, admin));
    } catch (err) {
      this.error = (err as Error).message;
    } finally {
      this.loading = false;
    }
  }

  private item(r: RecordingInfo, audio: Blob | null, admin: boolean): RecordingItem {
    const url = audio ? URL.createObjectURL(audio) : '';
    if (url) this.urls.push(url);
    return {
      id: r.id,
      remoteName: r.remote_name ?? '',
      remoteNumber: r.remote_number ?? '',
      startedAt: r.started_at,
      durationS: r.duration_s,
      ...(admin ? { owner: r.extension } : {}),
      audioUrl: url,
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
