import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { areaServicesContext, callStoreContext, contactBookContext, directoryContext } from '../../app/contexts.js';
import type { AreaServices } from '../../areas/area.js';
import type { VoicemailEntry } from '../../data/wire.js';
import { StoreController } from '../../controllers/store-controller.js';
import type { CallStore } from '../../state/call-store.js';
import { ContactBookChangedEvent, type ContactBook } from '../../state/contact-book.js';
import { DirectoryChangedEvent, partyNames, type Directory } from '../../state/directory.js';
import { VOICEMAIL_CHANGED, type ListedFolder, type VoicemailBox } from '../../state/voicemail-box.js';
import { icon } from '../../components/icons.js';
import { baseStyles, buttonStyles, listStateStyles, viewStyles } from '../../components/shared-styles.js';
import { voicemailFileName, type VoicemailActionEvent } from '../../components/sb-voicemail-list.js';
import { NavigateRequestEvent } from '../../areas/navigate-request.js';
import '../../components/sb-voicemail-list.js';

/**
 * Voicemail: my New and Saved messages, one section each (state/voicemail-box.ts keeps them, with the badge, and
 * IndexedDB keeps the latest, audio too, for offline). Play fetches the audio with the access
 * token and plays it from an object URL (released when the view goes); Call back dials the
 * caller on the grid; Save / Mark new move it; Delete moves it to the trash, with Undo.
 */
@customElement('sb-voicemail-view')
export class SbVoicemailView extends LitElement {
  static override styles = [
    viewStyles,
    baseStyles,
    buttonStyles,
    listStateStyles,
    css`
      h3 {
        margin: var(--sb-sys-space-md) 0 0;
        padding-bottom: var(--sb-sys-space-xs);
        border-bottom: 1px solid var(--sb-sys-color-outline);
        font-size: var(--sb-sys-font-size-title);
      }

      .count {
        margin-left: var(--sb-sys-space-xs);
        font-variant-numeric: tabular-nums;
      }

      .notice {
        display: flex;
        align-items: center;
        justify-content: space-between;
        gap: var(--sb-sys-space-md);
      }
    `,
  ];

  @consume({ context: areaServicesContext, subscribe: true }) services?: AreaServices;
  /** The box shown: my own unless given (Shared Voicemail shows one view per granted box). */
  @property({ attribute: false }) box?: VoicemailBox;
  @consume({ context: callStoreContext, subscribe: true }) calls?: CallStore;
  @consume({ context: directoryContext, subscribe: true }) directory?: Directory;
  @consume({ context: contactBookContext, subscribe: true }) book?: ContactBook;

  @state() private audioUrls = new Map<string, string>();
  @state() private playing: string | null = null;
  @state() private error = '';
  /** The message just deleted, for Undo. */
  @state() private deleted: VoicemailEntry | null = null;

  private readonly watchBox = new StoreController(this, [VOICEMAIL_CHANGED]);
  private readonly watchDirectory = new StoreController(this, [DirectoryChangedEvent.eventName]);
  private readonly watchBook = new StoreController(this, [ContactBookChangedEvent.eventName]);

  private get shown(): VoicemailBox | undefined {
    return this.box ?? this.services?.voicemail;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const url of this.audioUrls.values()) URL.revokeObjectURL(url);
    this.audioUrls = new Map();
  }

  protected override willUpdate(_changed: PropertyValues<this>): void {
    this.watchBox.observe(this.shown);
    this.watchDirectory.observe(this.directory);
    this.watchBook.observe(this.book);
  }

  override render() {
    const box = this.shown;
    const lists = box?.lists ?? { new: [], save: [] };
    const error = this.error || box?.error || '';
    // New and saved messages together, as the product shows them: a saved message stays in view.
    const folder = (f: ListedFolder, label: string) => html`<section aria-labelledby="heading-${f}">
        <h3 id="heading-${f}">${label} <span class="count">${lists[f].length}</span></h3>
        <sb-voicemail-list .messages=${lists[f]} .folder=${f} .loading=${box?.loading ?? true}
          .audioUrls=${this.audioUrls} .playing=${this.playing} .nameOf=${this.nameOf}
          @sb-voicemail-action=${this.onAction}></sb-voicemail-list>
      </section>`;
    return html`
      <div role="alert">${error ? html`<p class="error">${icon('alert')}<span>${error}</span></p>` : nothing}</div>
      <div role="status">${this.deleted
        ? html`<p class="info notice"><span>Message deleted</span>
            <button class="btn secondary" type="button" @click=${this.undo}>Undo</button></p>`
        : nothing}</div>
      ${folder('new', 'New')}${folder('save', 'Saved')}`;
  }

  private namesCache: { people: unknown; contacts: unknown; nameOf: (n: string) => string } | null = null;
  private get nameOf(): (number: string) => string {
    const people = this.directory?.entries ?? [];
    const contacts = this.book?.entries ?? [];
    const c = this.namesCache;
    if (c && c.people === people && c.contacts === contacts) return c.nameOf;
    const nameOf = partyNames(people, contacts);
    this.namesCache = { people, contacts, nameOf };
    return nameOf;
  }

  private async onAction(e: VoicemailActionEvent): Promise<void> {
    const box = this.shown;
    if (!box) return;
    const { action, entry } = e.detail;
    this.error = '';
    try {
      switch (action) {
        case 'play':
          await this.load(entry);
          this.playing = entry.id;
          break;
        case 'download': {
          const a = document.createElement('a');
          a.href = await this.load(entry);
          a.download = voicemailFileName(entry, this.nameOf(entry.caller_number) || entry.caller_name);
          a.click();
          break;
        }
        case 'call':
          await this.calls?.dial(entry.caller_number);
          this.dispatchEvent(new NavigateRequestEvent({ area: 'calls' }));
          break;
        case 'save':
          await box.move(entry, 'save');
          break;
        case 'mark-new':
          await box.move(entry, 'new');
          break;
        case 'delete':
          // Said at once (the message leaves the list at once); taken back if the platform refuses.
          this.deleted = entry;
          if (!(await box.delete(entry)) && this.deleted === entry) this.deleted = null;
          break;
      }
    } catch (err) {
      this.error = (err as Error).message;
    }
  }

  /** The message's audio as an object URL (fetched once per view). */
  private async load(entry: VoicemailEntry): Promise<string> {
    const known = this.audioUrls.get(entry.id);
    if (known) return known;
    const blob = await this.shown!.audio(entry);
    const url = URL.createObjectURL(blob);
    this.audioUrls = new Map(this.audioUrls).set(entry.id, url);
    return url;
  }

  private readonly undo = async () => {
    const entry = this.deleted;
    this.deleted = null;
    if (!entry || !this.shown) return;
    await this.shown.move({ ...entry, folder: 'trash' }, entry.folder);
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-voicemail-view': SbVoicemailView;
  }
}
