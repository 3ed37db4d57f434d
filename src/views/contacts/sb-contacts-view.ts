import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { consume } from '@lit/context';
import { areaServicesContext, callStoreContext, contactBookContext, directoryContext, sessionContext } from '../../app/contexts.js';
import type { AreaServices } from '../../areas/area.js';
import type { ContactFields } from '../../data/wire.js';
import type { LocalContact } from '../../data/db.js';
import type { CallStore } from '../../state/call-store.js';
import { ContactBookChangedEvent, ContactNotice, type ContactBook } from '../../state/contact-book.js';
import { DirectoryChangedEvent, personPresence, type Directory, type DirectoryPerson } from '../../state/directory.js';
import type { Session } from '../../state/session.js';
import { StoreController } from '../../controllers/store-controller.js';
import { baseStyles, buttonStyles, fieldStyles, listStateStyles, viewStyles } from '../../components/shared-styles.js';
import type { ContactListEntry, ContactSelectEvent } from '../../components/sb-contact-list.js';
import type { ContactCallEvent, ContactDetailValue } from '../../components/sb-contact-detail.js';
import { contactFieldMessage, type ContactFormValue, type ContactSaveEvent } from '../../components/sb-contact-form.js';
import { NavigateRequestEvent } from '../../areas/navigate-request.js';
import '../../components/sb-contact-list.js';
import '../../components/sb-contact-detail.js';
import '../../components/sb-contact-form.js';

export type ContactSort = 'first' | 'last' | 'extension';
export type ContactShow = 'all' | 'organisation' | 'personal' | 'online';

export const QUEUED_MESSAGE = 'Saved on this device. It will be sent to the phone system when you are back online.';

/** A list entry with what searching and sorting need, computed once per entry. */
interface Indexed extends ContactListEntry {
  /** Lower-cased name, extension/company, numbers and their digits, joined. */
  search: string;
  first: string;
  last: string;
  /** Extension or first number's digits; '' sorts last. */
  ext: string;
}

const digits = (s: string) => s.replace(/\D/g, '');
const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

function orgEntry(p: DirectoryPerson, presenceKnown: boolean): Indexed {
  const [first = '', ...rest] = p.name.trim().split(/\s+/);
  const presence = presenceKnown ? personPresence(p) : 'unknown';
  return {
    key: `org:${p.extension}`, kind: 'organisation', name: p.name, subtitle: p.extension,
    // "Online" as a filter means reachable: on a call and ringing count.
    online: presence !== 'offline' && presence !== 'unknown', presence,
    search: `${p.name} ${p.extension}`.toLowerCase(), first, last: rest.join(' '), ext: p.extension,
  };
}

function personalName(c: Pick<ContactFields, 'first_name' | 'last_name' | 'company' | 'numbers'>): string {
  return `${c.first_name} ${c.last_name}`.trim() || c.company || c.numbers[0]?.number || '';
}

function personalEntry(c: LocalContact): Indexed {
  const numbers = c.numbers.map((n) => `${n.number} ${digits(n.number)}`).join(' ');
  return {
    key: `personal:${c.id}`, kind: 'personal', name: personalName(c), number: c.numbers[0]?.number ?? '',
    subtitle: c.pending ? [c.company, 'Not sent yet'].filter(Boolean).join(' · ') : c.company,
    search: `${c.first_name} ${c.last_name} ${c.company} ${numbers}`.toLowerCase(),
    first: c.first_name || c.last_name || c.company, last: c.last_name || c.first_name || c.company,
    ext: digits(c.numbers[0]?.number ?? ''),
  };
}

function compare(sort: ContactSort): (a: Indexed, b: Indexed) => number {
  const byName = (a: Indexed, b: Indexed) => collator.compare(a.name, b.name);
  if (sort === 'extension') {
    return (a, b) => (a.ext ? (b.ext ? collator.compare(a.ext, b.ext) : -1) : b.ext ? 1 : 0) || byName(a, b);
  }
  if (sort === 'last') return (a, b) => collator.compare(a.last, b.last) || collator.compare(a.first, b.first);
  return (a, b) => collator.compare(a.first, b.first) || collator.compare(a.last, b.last);
}

/** Filters the (already sorted) entries; the query matches names, companies and number digits. */
export function filterContacts<T extends Indexed>(sorted: readonly T[], query: string, show: ContactShow): T[] {
  const q = query.trim().toLowerCase();
  const d = digits(q);
  const words = q.split(/\s+/).filter(Boolean);
  return sorted.filter((e) => {
    if (show === 'organisation' && e.kind !== 'organisation') return false;
    if (show === 'personal' && e.kind !== 'personal') return false;
    if (show === 'online' && !e.online) return false;
    if (!q) return true;
    if (words.every((w) => e.search.includes(w))) return true;
    return d.length > 0 && d === q.replace(/[\s()+.\-]/g, '') && e.search.includes(d);
  });
}

/**
 * Contacts: the organisation directory (with presence: On a call, Ringing, Online, Offline, or
 * Unknown while the platform cannot be reached; the signed-in user is not listed) and my personal
 * contacts (from the ContactBook: IndexedDB first, offline edits queued; each row shows its
 * number) in one virtualised list.
 * Search filters in memory as the user types, over a lower-cased string computed once per entry;
 * the list is sorted once per sort order and directory/contacts change, so a keystroke costs one
 * pass over the entries. Picking a contact shows its detail; "Call" dials through the CallStore
 * and asks the shell for Calls. "New Contact" and "Edit" open the form; a save goes through the
 * ContactBook (sent at once when online, queued otherwise; a field the platform refuses comes
 * back to the form, and a merge with a change made elsewhere is reported above the list).
 *
 * @fires sb-navigate-request - {@link NavigateRequestEvent} after "Call"
 */
@customElement('sb-contacts-view')
export class SbContactsView extends LitElement {
  static override styles = [
    baseStyles,
    buttonStyles,
    fieldStyles,
    viewStyles,
    listStateStyles,
    css`
      .tools {
        display: grid;
        grid-template-columns: minmax(0, 1fr) auto auto;
        gap: var(--sb-sys-space-sm);
        align-items: end;
        margin-bottom: var(--sb-sys-space-md);
      }

      .top {
        display: flex;
        justify-content: flex-end;
        margin-bottom: var(--sb-sys-space-sm);
      }

      @media (max-width: 36rem) {
        .tools {
          grid-template-columns: 1fr 1fr;
        }
        .tools .search {
          grid-column: 1 / -1;
        }
      }
    `,
  ];

  @consume({ context: sessionContext, subscribe: true }) session?: Session;
  @consume({ context: callStoreContext, subscribe: true }) calls?: CallStore;
  @consume({ context: directoryContext, subscribe: true }) directory?: Directory;
  @consume({ context: contactBookContext, subscribe: true }) book?: ContactBook;
  /** Chat and SMS ("Message" on a colleague). */
  @consume({ context: areaServicesContext, subscribe: true }) services?: AreaServices;

  @state() private query = '';
  @state() private sort: ContactSort = 'first';
  @state() private show: ContactShow = 'all';
  @state() private selected: string | null = null;
  /** The form: null when closed; `id` null for a new contact. */
  @state() private editing: { id: string | null; value: ContactFormValue } | null = null;
  @state() private formErrors: Record<string, string> = {};
  @state() private formError = '';
  @state() private saving = false;
  @state() private error = '';
  /** A save was queued offline. */
  @state() private info = '';

  private readonly watchDirectory = new StoreController(this, [DirectoryChangedEvent.eventName]);
  private readonly watchBook = new StoreController(this, [ContactBookChangedEvent.eventName]);
  private sortedCache: { directory: unknown; personal: LocalContact[]; sort: ContactSort; entries: Indexed[] } | null = null;
  private orgCache: { source: DirectoryPerson[]; known: boolean; me: string; entries: Indexed[] } | null = null;
  private personalCache: { source: LocalContact[]; entries: Indexed[] } | null = null;

  private get personal(): LocalContact[] {
    return this.book?.entries ?? [];
  }

  protected override willUpdate(_changed: PropertyValues<this>): void {
    this.watchDirectory.observe(this.directory);
    this.watchBook.observe(this.book);
    // "Saved on this device" holds only while something waits to be sent.
    if (this.info && this.book?.pendingCount === 0) this.info = '';
  }

  /** Sorted entries of both kinds; recomputed only when a source or the sort order changes. */
  private sorted(): Indexed[] {
    const people = this.directory?.entries ?? [];
    const known = this.directory?.presenceKnown ?? false;
    // The user is not a contact of their own.
    const me = this.session?.user?.extension ?? '';
    const org = this.orgCache;
    if (org?.source !== people || org.known !== known || org.me !== me) {
      this.orgCache = { source: people, known, me, entries: people.filter((p) => p.extension !== me).map((p) => orgEntry(p, known)) };
    }
    if (this.personalCache?.source !== this.personal) this.personalCache = { source: this.personal, entries: this.personal.map(personalEntry) };
    const c = this.sortedCache;
    if (c && c.directory === this.orgCache!.entries && c.personal === this.personal && c.sort === this.sort) return c.entries;
    const entries = [...this.orgCache!.entries, ...this.personalCache.entries].sort(compare(this.sort));
    this.sortedCache = { directory: this.orgCache!.entries, personal: this.personal, sort: this.sort, entries };
    return entries;
  }

  override render() {
    if (this.editing) {
      return html`<sb-contact-form
        .value=${this.editing.value}
        .errors=${this.formErrors}
        .error=${this.formError}
        .busy=${this.saving}
        heading=${this.editing.id ? 'Edit Contact' : 'New Contact'}
        @sb-contact-save=${(e: ContactSaveEvent) => void this.save(e.detail)}
        @sb-contact-cancel=${this.closeForm}
      ></sb-contact-form>`;
    }
    const detail = this.selected ? this.detailOf(this.selected) : null;
    if (detail) {
      return html`${this.renderMessages()}<sb-contact-detail
        .contact=${detail}
        ?can-message=${this.services?.conversations !== undefined && (this.selected?.startsWith('org:') ?? false)}
        @sb-contact-call=${(e: ContactCallEvent) => void this.call(e.detail.number)}
        @sb-contact-message=${() => void this.message()}
        @sb-contact-edit=${this.edit}
        @sb-contact-delete=${() => void this.deleteSelected()}
        @sb-contact-close=${() => (this.selected = null)}
      ></sb-contact-detail>`;
    }
    const entries = filterContacts(this.sorted(), this.query, this.show);
    return html`
      ${this.renderMessages()}
      <div class="top"><button class="btn primary" type="button" @click=${this.create}>New Contact</button></div>
      <div class="tools">
        <div class="field search">
          <label for="search">Search contacts</label>
          <input id="search" type="search" autocomplete="off" .value=${this.query}
            @input=${(e: Event) => (this.query = (e.target as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="sort">Sort by</label>
          <select id="sort" @change=${(e: Event) => (this.sort = (e.target as HTMLSelectElement).value as ContactSort)}>
            <option value="first" ?selected=${this.sort === 'first'}>First name</option>
            <option value="last" ?selected=${this.sort === 'last'}>Last name</option>
            <option value="extension" ?selected=${this.sort === 'extension'}>Extension</option>
          </select>
        </div>
        <div class="field">
          <label for="show">Show</label>
          <select id="show" @change=${(e: Event) => (this.show = (e.target as HTMLSelectElement).value as ContactShow)}>
            <option value="all" ?selected=${this.show === 'all'}>All</option>
            <option value="organisation" ?selected=${this.show === 'organisation'}>Organisation</option>
            <option value="personal" ?selected=${this.show === 'personal'}>Personal</option>
            <option value="online" ?selected=${this.show === 'online'}>Online</option>
          </select>
        </div>
      </div>
      <div role="status" class="sr-only">${entries.length} contacts</div>
      <sb-contact-list .entries=${entries} @sb-contact-select=${(e: ContactSelectEvent) => (this.selected = e.detail.key)}></sb-contact-list>
    `;
  }

  /** Errors, a merge the user should know about, and "saved on this device" after an offline save. */
  private renderMessages() {
    const notice = this.book?.notice;
    return html`
      <div role="alert">${this.error ? html`<p class="error">${this.error}</p>` : nothing}${notice
        ? html`<p class="error">${noticeText(notice)} <button class="btn secondary" type="button" @click=${() => this.book?.dismissNotice()}>Dismiss</button></p>`
        : nothing}</div>
      <div role="status">${this.info ? html`<p class="info">${this.info}</p>` : nothing}</div>
    `;
  }

  private detailOf(key: string): ContactDetailValue | null {
    if (key.startsWith('org:')) {
      const p = this.directory?.entries.find((e) => `org:${e.extension}` === key);
      if (!p) return null;
      const presence = this.directory?.presenceKnown ? personPresence(p) : 'unknown';
      return { kind: 'organisation', name: p.name, online: p.online, presence, numbers: [{ label: 'extension', number: p.extension }] };
    }
    const c = this.personal.find((e) => `personal:${e.id}` === key);
    return c ? { kind: 'personal', name: personalName(c), company: c.company, email: c.email, notes: c.notes, numbers: c.numbers } : null;
  }

  private async call(number: string): Promise<void> {
    const calls = this.calls;
    if (!calls || !number) return;
    try {
      await calls.dial(number);
    } catch (err) {
      this.error = (err as Error).message;
      this.selected = null;
      return;
    }
    this.dispatchEvent(new NavigateRequestEvent({ area: 'calls' }));
  }

  /** "Message" on a colleague: opens (or reopens) our chat as a card on the grid. */
  private async message(): Promise<void> {
    const extension = this.selected?.startsWith('org:') ? this.selected.slice(4) : '';
    const chats = this.services?.conversations;
    if (!extension || !chats) return;
    try {
      await chats.start([{ kind: 'user', extension }]);
    } catch (err) {
      this.error = (err as Error).message;
      return;
    }
    this.dispatchEvent(new NavigateRequestEvent({ area: 'calls' }));
  }

  private readonly create = (): void => {
    this.openForm(null, { first_name: '', last_name: '', company: '', email: '', notes: '', numbers: [] });
  };

  /** Opens the form pre-filled, e.g. "Add to Contacts" from Call History. */
  newContact(value: Partial<ContactFormValue> = {}): void {
    this.openForm(null, { first_name: '', last_name: '', company: '', email: '', notes: '', numbers: [], ...value });
  }

  private readonly edit = (): void => {
    const c = this.personal.find((e) => `personal:${e.id}` === this.selected);
    if (c) this.openForm(c.id, fieldsOf(c));
  };

  private openForm(id: string | null, value: ContactFormValue): void {
    this.editing = { id, value };
    this.formErrors = {};
    this.formError = '';
  }

  private readonly closeForm = (): void => {
    this.editing = null;
  };

  private async save(fields: ContactFormValue): Promise<void> {
    const book = this.book;
    const editing = this.editing;
    if (!book || !editing || this.saving) return;
    this.saving = true;
    this.formErrors = {};
    this.formError = '';
    try {
      const saved = await book.save(editing.id, fields);
      this.editing = null;
      this.selected = `personal:${saved.contact.id}`;
      this.info = saved.queued ? QUEUED_MESSAGE : '';
    } catch (err) {
      if (err instanceof ContactNotice && err.field) this.formErrors = { [err.field]: err.message };
      else this.formError = (err as Error).message;
    } finally {
      this.saving = false;
    }
  }

  private async deleteSelected(): Promise<void> {
    const c = this.personal.find((e) => `personal:${e.id}` === this.selected);
    if (!this.book || !c) return;
    this.selected = null;
    try {
      await this.book.remove(c.id);
    } catch (err) {
      this.error = (err as Error).message;
    }
  }
}

/** A notice in the user's words: a change refused later (sent from the outbox) names no API field. */
function noticeText(notice: ContactNotice): string {
  return notice.field ? `A contact change was not saved. ${contactFieldMessage(notice.field, notice.message)}` : notice.message;
}

function fieldsOf(c: ContactFields): ContactFormValue {
  return { first_name: c.first_name, last_name: c.last_name, company: c.company, email: c.email, notes: c.notes, numbers: c.numbers.map((n) => ({ ...n })) };
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-contacts-view': SbContactsView;
  }
}
