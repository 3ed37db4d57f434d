import { LitElement, css, html, type PropertyValues } from 'lit';
import { viewStyles } from '../../components/shared-styles.js';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { callHistoryContext, callStoreContext, contactBookContext, directoryContext, sessionContext } from '../../app/contexts.js';
import { ApiError } from '../../data/http.js';
import type { CdrEntry } from '../../data/wire.js';
import { HistoryChangedEvent, type CallHistory } from '../../state/call-history.js';
import type { CallStore } from '../../state/call-store.js';
import { markSeen, seenKey } from '../../state/missed-calls.js';
import type { Session } from '../../state/session.js';
import { DirectoryChangedEvent, partyNames, type Directory } from '../../state/directory.js';
import { ContactBookChangedEvent, type ContactBook } from '../../state/contact-book.js';
import { StoreController } from '../../controllers/store-controller.js';
import type { HistoryCallEvent, HistorySelectEvent, NameOf } from '../../components/sb-history-list.js';
import type { HistoryAddContactEvent } from '../../components/sb-history-detail.js';
import { NavigateRequestEvent } from '../../areas/navigate-request.js';
import '../../components/sb-history-list.js';
import '../../components/sb-history-detail.js';

/** How many records one page holds. */
const PAGE = 50;

/**
 * Call History: the user's call records, newest first, paged 50 at a time from IndexedDB (see
 * state/call-history.ts): the stored first page paints at once, even offline, then the records
 * made since are fetched and the page redrawn. Picking a record shows every loaded record with that number; "Call" there (or
 * on any row) dials through the CallStore and asks the shell (`sb-navigate-request` {area: 'calls'}) to show Calls.
 * Parties are named from the directory and the personal contacts whenever the number matches
 * one (the record's own name otherwise), and the list fills the view's height.
 *
 * Loading the first page marks the missed calls in it as seen (see state/missed-calls.ts), which
 * is what clears the shell's badge. It reloads when the page becomes visible again, and when new
 * records are stored while it is shown.
 *
 * @fires sb-navigate-request - {@link NavigateRequestEvent} after "Call"
 */
@customElement('sb-history-view')
export class SbHistoryView extends LitElement {
  static override styles = [
    viewStyles,
    css`
      :host {
        /* Fills the panel: the list scrolls inside, the view does not grow with it. */
        display: flex;
        flex-direction: column;
        height: 100%;
        min-height: 0;
        box-sizing: border-box;
      }

      sb-history-list,
      sb-history-detail {
        flex: 1 1 auto;
        min-height: 0;
      }
    `,
  ];

  @consume({ context: sessionContext, subscribe: true }) session?: Session;
  @consume({ context: callStoreContext, subscribe: true }) calls?: CallStore;
  @consume({ context: callHistoryContext, subscribe: true }) callHistory?: CallHistory;
  @consume({ context: directoryContext, subscribe: true }) directory?: Directory;
  @consume({ context: contactBookContext, subscribe: true }) book?: ContactBook;

  private readonly watchDirectory = new StoreController(this, [DirectoryChangedEvent.eventName]);
  private readonly watchBook = new StoreController(this, [ContactBookChangedEvent.eventName]);
  private namesCache: { people: unknown; contacts: unknown; nameOf: NameOf } | null = null;

  @state() private entries: CdrEntry[] = [];
  @state() private more = false;
  @state() private loading = true;
  @state() private error = '';
  /** The number whose detail is shown; null for the list. */
  @state() private selected: string | null = null;

  /** Guards against a stale page landing after a newer refresh started. */
  private generation = 0;
  private readonly onVisibility = () => {
    if (document.visibilityState === 'visible') void this.refresh();
  };
  /** New records were stored (the shell syncs when the platform reports a call): show them. */
  private readonly onHistoryChanged = () => void this.reload();
  private watched: CallHistory | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this.onVisibility);
    void this.refresh();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.watched?.removeEventListener(HistoryChangedEvent.eventName, this.onHistoryChanged);
    this.watched = undefined;
  }


  /** Shows the stored first page again (no platform round trip). */
  private async reload(): Promise<void> {
    const history = this.callHistory;
    if (!history || this.loading) return;
    const generation = ++this.generation;
    const page = await history.page(PAGE);
    if (generation === this.generation) this.show(page.items, page.more);
  }

  protected override willUpdate(_changed: PropertyValues<this>): void {
    this.watchDirectory.observe(this.directory);
    this.watchBook.observe(this.book);
    if (this.isConnected && this.callHistory !== this.watched) {
      this.watched?.removeEventListener(HistoryChangedEvent.eventName, this.onHistoryChanged);
      this.callHistory?.addEventListener(HistoryChangedEvent.eventName, this.onHistoryChanged);
      this.watched = this.callHistory;
    }
  }

  /** Names by number from the directory and personal contacts, rebuilt when either changes. */
  private get nameOf(): NameOf {
    const people = this.directory?.entries ?? [];
    const contacts = this.book?.entries ?? [];
    const c = this.namesCache;
    if (c && c.people === people && c.contacts === contacts) return c.nameOf;
    const nameOf = partyNames(people, contacts);
    this.namesCache = { people, contacts, nameOf };
    return nameOf;
  }

  override render() {
    const nameOf = this.nameOf;
    if (this.selected !== null) {
      const number = this.selected;
      const withParty = this.entries.filter((e) => e.remote_number === number);
      const name = nameOf(number) || (withParty.find((e) => e.remote_name.trim())?.remote_name ?? '');
      return html`<sb-history-detail
        .name=${name}
        .number=${number}
        .entries=${withParty}
        .nameOf=${nameOf}
        @sb-history-call=${this.onCall}
        @sb-history-add-contact=${(e: HistoryAddContactEvent) => this.dispatchEvent(new NavigateRequestEvent({ area: 'contacts', contact: e.detail }))}
        @sb-history-close=${() => (this.selected = null)}
      ></sb-history-detail>`;
    }
    return html`<sb-history-list
      .entries=${this.entries}
      .loading=${this.loading}
      .hasMore=${this.more}
      .error=${this.error}
      .nameOf=${nameOf}
      @sb-history-call=${this.onCall}
      @sb-history-select=${(e: HistorySelectEvent) => (this.selected = e.detail.number)}
      @sb-history-more=${() => void this.loadMore()}
    ></sb-history-list>`;
  }

  /**
   * Shows the stored first page, fetches what is new, and shows the first page again (dropping
   * older pages); marks its missed calls as seen. Offline, the stored records stay on screen.
   */
  async refresh(): Promise<void> {
    const history = this.callHistory;
    if (!history) return;
    const generation = ++this.generation;
    this.loading = true;
    this.error = '';
    try {
      if (this.entries.length === 0) {
        const stored = await history.stored(PAGE);
        if (generation !== this.generation) return;
        if (stored.length > 0) this.show(stored, true);
      }
      let offline: unknown = null;
      await history.sync().catch((err: unknown) => (offline = err));
      const page = await history.page(PAGE);
      if (generation !== this.generation) return;
      this.show(page.items, page.more);
      if (offline && page.items.length === 0) throw offline;
      if (offline && !(offline instanceof ApiError && offline.kind === 'network')) throw offline;
    } catch (err) {
      if (generation === this.generation) this.error = (err as Error).message;
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  private show(items: CdrEntry[], more: boolean): void {
    this.entries = items;
    this.more = more;
    const user = this.session?.user;
    if (user) markSeen(localStorage, seenKey(user), items);
  }

  private async loadMore(): Promise<void> {
    const history = this.callHistory;
    if (!history || !this.more || this.loading) return;
    const generation = this.generation;
    this.loading = true;
    this.error = '';
    try {
      const page = await history.page(PAGE, this.entries.at(-1)?.id);
      if (generation !== this.generation) return;
      const known = new Set(this.entries.map((e) => e.id));
      this.entries = [...this.entries, ...page.items.filter((e) => !known.has(e.id))];
      this.more = page.more;
    } catch (err) {
      if (generation === this.generation) this.error = (err as Error).message;
    } finally {
      if (generation === this.generation) this.loading = false;
    }
  }

  private async onCall(e: HistoryCallEvent): Promise<void> {
    const calls = this.calls;
    if (!calls || !e.detail.number) return;
    try {
      await calls.dial(e.detail.number);
    } catch (err) {
      this.error = (err as Error).message;
      this.selected = null;
      return;
    }
    this.dispatchEvent(new NavigateRequestEvent({ area: 'calls' }));
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-history-view': SbHistoryView;
  }
}
