import { LitElement, css, html, nothing } from 'lit';
import { customElement, state } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import { consume } from '@lit/context';
import { areaServicesContext, settingsContext } from '../../app/contexts.js';
import type { AreaServices } from '../../areas/area.js';
import type { GreetingEntry } from '../../data/wire.js';
import { toWav } from '../../data/wav.js';
import type { SettingsStore } from '../../state/settings.js';
import { formatDuration, spokenDuration } from '../../components/format.js';
import { icon } from '../../components/icons.js';
import { baseStyles, buttonStyles, entryListStyles, fieldStyles, listStateStyles, viewStyles } from '../../components/shared-styles.js';
import type { GreetingRecordedEvent, SbGreetingRecorder } from '../../components/sb-greeting-recorder.js';
import '../../components/sb-greeting-recorder.js';

/** The platform's limit, checked here first so a large file is not sent only to be refused. */
const MAX_UPLOAD_BYTES = 10 * 1024 * 1024;
const SOURCE_LABEL: Record<GreetingEntry['source'], string> = { recorded: 'Recorded', uploaded: 'Uploaded', spoken: 'Typed' };

/**
 * Greetings: what callers hear before the beep. The list starts with the default (my name,
 * spoken) and marks the active one; each greeting can be played, made active, renamed and
 * deleted (deleting the active one makes the default active). A new greeting is recorded here
 * (sb-greeting-recorder; sent as WAV), uploaded as a file (the platform converts it), or typed
 * and spoken by the platform.
 */
@customElement('sb-greetings-view')
export class SbGreetingsView extends LitElement {
  static override styles = [
    viewStyles,
    baseStyles,
    buttonStyles,
    fieldStyles,
    listStateStyles,
    entryListStyles,
    css`
      h2 {
        margin: var(--sb-sys-space-lg) 0 var(--sb-sys-space-sm);
        font-size: var(--sb-sys-font-size-title);
      }

      .name {
        margin: 0;
        font-weight: 650;
        overflow-wrap: anywhere;
      }

      .meta {
        grid-column: 1 / -1;
        margin: 0;
        color: var(--sb-sys-color-on-surface-muted);
        font-size: var(--sb-sys-font-size-small);
        overflow-wrap: anywhere;
      }

      .active {
        align-self: start;
        display: inline-flex;
        align-items: center;
        gap: var(--sb-sys-space-xs);
        padding: 0 var(--sb-sys-space-sm);
        border-radius: 999px;
        background: var(--sb-sys-color-primary-container);
        color: var(--sb-sys-color-on-primary-container);
        font-size: var(--sb-sys-font-size-small);
        font-weight: 650;
      }

      .actions,
      form {
        grid-column: 1 / -1;
        display: flex;
        flex-wrap: wrap;
        align-items: end;
        gap: var(--sb-sys-space-sm);
      }

      section {
        margin-bottom: var(--sb-sys-space-md);
      }

      textarea {
        width: 100%;
        min-height: 4.5rem;
        padding: var(--sb-sys-space-sm);
        border: 1px solid var(--sb-sys-color-on-surface-muted);
        border-radius: var(--sb-sys-radius-control);
        background: var(--sb-sys-color-surface);
        color: var(--sb-sys-color-on-surface);
        font: inherit;
        box-sizing: border-box;
      }

      .field {
        flex: 1 1 14rem;
      }

      .field.wide {
        flex-basis: 100%;
      }
    `,
  ];

  @consume({ context: areaServicesContext, subscribe: true }) services?: AreaServices;
  @consume({ context: settingsContext, subscribe: true }) settings?: SettingsStore;

  @state() private items: GreetingEntry[] = [];
  @state() private activeIndex = 0;
  @state() private loading = true;
  @state() private error = '';
  @state() private notice = '';
  @state() private busy = false;
  @state() private renaming: number | null = null;
  @state() private audioUrls = new Map<number, string>();

  private get api() {
    return this.services?.greetings;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    for (const url of this.audioUrls.values()) URL.revokeObjectURL(url);
    this.audioUrls = new Map();
  }

  override render() {
    return html`
      <div role="alert">${this.error ? html`<p class="error">${icon('alert')}<span>${this.error}</span></p>` : nothing}</div>
      <div role="status">${this.notice ? html`<p class="info">${this.notice}</p>` : nothing}</div>
      <h2 id="callers-hear">Callers hear</h2>
      ${this.loading && this.items.length === 0
        ? html`<p class="loading">Loading greetings…</p>`
        : html`<ul aria-labelledby="callers-hear">
            <li>
              <p class="name">Default greeting</p>
              ${this.activeIndex === 0 ? this.activeMark() : nothing}
              <p class="meta">Your name, spoken: “… is not available”</p>
              ${this.activeIndex === 0
                ? nothing
                : html`<div class="actions"><button class="btn secondary" type="button" ?disabled=${this.busy}
                    @click=${() => this.activate(0)} aria-label="Make the default greeting active">${icon('check')}Make active</button></div>`}
            </li>
            ${repeat(this.items, (g) => g.index, (g) => this.renderGreeting(g))}
          </ul>`}

      <h2>New greeting</h2>
      <section aria-label="Record a greeting">
        <sb-greeting-recorder .microphone=${this.settings?.value.microphone ?? ''} .saving=${this.busy}
          @sb-greeting-recorded=${this.onRecorded}></sb-greeting-recorder>
      </section>
      <section>
        <label class="btn secondary" for="upload">${icon('pull')}Upload a file</label>
        <input id="upload" class="sr-only" type="file" accept="audio/*,.wav,.mp3,.ogg,.opus,.webm,.m4a" ?disabled=${this.busy} @change=${this.onFile} />
      </section>
      <form @submit=${this.onSpoken} aria-label="Type a greeting">
        <div class="field wide">
          <label for="spoken-text">Type a greeting to be spoken</label>
          <textarea id="spoken-text" name="text" maxlength="1000" required placeholder="Hello, you have reached me. Please leave a message."></textarea>
        </div>
        <div class="field">
          <label for="spoken-name">Name</label>
          <input id="spoken-name" name="name" maxlength="80" required value="Spoken greeting" />
        </div>
        <button class="btn primary" type="submit" ?disabled=${this.busy}>${icon('check')}Create</button>
      </form>
    `;
  }

  private activeMark() {
    return html`<span class="active">${icon('check')}Active</span>`;
  }

  private renderGreeting(g: GreetingEntry) {
    const url = this.audioUrls.get(g.index);
    return html`<li>
      <p class="name">${g.name}</p>
      ${g.active ? this.activeMark() : nothing}
      <p class="meta">${SOURCE_LABEL[g.source]} · <span aria-hidden="true">${formatDuration(g.duration_s)}</span><span class="sr-only">${spokenDuration(g.duration_s)}</span>${g.text ? html` · “${g.text}”` : nothing}</p>
      ${url ? html`<audio controls src=${url} data-index=${g.index} aria-label="Greeting ${g.name}"></audio>` : nothing}
      ${this.renaming === g.index
        ? html`<form @submit=${(e: Event) => this.rename(e, g)}>
            <div class="field"><label for="rename-${g.index}">New name for ${g.name}</label>
              <input id="rename-${g.index}" name="name" maxlength="80" required .value=${g.name} /></div>
            <button class="btn primary" type="submit" ?disabled=${this.busy}>Save</button>
            <button class="btn secondary" type="button" @click=${() => (this.renaming = null)}>Cancel</button>
          </form>`
        : html`<div class="actions">
            ${url ? nothing : html`<button class="btn secondary" type="button" aria-label="Play ${g.name}" @click=${() => this.play(g)}>${icon('play')}Play</button>`}
            ${g.active
              ? nothing
              : html`<button class="btn secondary" type="button" ?disabled=${this.busy} aria-label="Make ${g.name} active" @click=${() => this.activate(g.index)}>${icon('check')}Make active</button>`}
            <button class="btn secondary" type="button" aria-label="Rename ${g.name}" @click=${() => (this.renaming = g.index)}>Rename</button>
            <button class="btn secondary" type="button" ?disabled=${this.busy} aria-label="Delete ${g.name}" @click=${() => this.removeGreeting(g)}>${icon('trash')}Delete</button>
          </div>`}
    </li>`;
  }

  private async load(): Promise<void> {
    const api = this.api;
    if (!api) return;
    this.loading = true;
    try {
      const list = await api.list();
      // A number freed by a delete can come back as a new greeting: no old audio under it.
      for (const url of this.audioUrls.values()) URL.revokeObjectURL(url);
      this.audioUrls = new Map();
      this.items = list.items;
      this.activeIndex = list.voicemail_greeting_index;
    } catch (err) {
      this.error = `Greetings could not be loaded: ${(err as Error).message}`;
    } finally {
      this.loading = false;
    }
  }

  /** Runs one change, then shows the platform's list; a failure keeps the list and says why. */
  private async change(what: () => Promise<unknown>, done: string): Promise<boolean> {
    this.busy = true;
    this.error = '';
    this.notice = '';
    try {
      await what();
      this.notice = done;
      await this.load();
      return true;
    } catch (err) {
      this.error = (err as Error).message;
      return false;
    } finally {
      this.busy = false;
    }
  }

  private async play(g: GreetingEntry): Promise<void> {
    try {
      const url = URL.createObjectURL(await this.api!.audio(g.index));
      this.audioUrls = new Map(this.audioUrls).set(g.index, url);
      await this.updateComplete;
      void this.renderRoot.querySelector<HTMLAudioElement>(`audio[data-index="${g.index}"]`)?.play().catch(() => undefined);
    } catch (err) {
      this.error = (err as Error).message;
    }
  }

  private activate(index: number): Promise<boolean> {
    const name = index === 0 ? 'The default greeting' : this.items.find((g) => g.index === index)?.name ?? 'The greeting';
    return this.change(() => this.api!.activate(index), `${name} is now what callers hear`);
  }

  private async rename(e: Event, g: GreetingEntry): Promise<void> {
    e.preventDefault();
    const name = (new FormData(e.target as HTMLFormElement).get('name') as string).trim();
    if (!name) return;
    if (await this.change(() => this.api!.rename(g.index, name), `Renamed to ${name}`)) this.renaming = null;
  }

  private removeGreeting(g: GreetingEntry): Promise<boolean> {
    return this.change(() => this.api!.remove(g.index), g.active ? `${g.name} deleted: callers hear the default greeting` : `${g.name} deleted`);
  }

  private readonly onRecorded = async (e: GreetingRecordedEvent): Promise<void> => {
    const { name, audio } = e.detail;
    const recorder = e.target as SbGreetingRecorder;
    const saved = await this.change(async () => {
      const made = await this.api!.upload(name, await toWav(audio), 'recorded');
      // A greeting just recorded is the one the user wants callers to hear.
      await this.api!.activate(made.index);
    }, `${name} saved: callers hear it now`);
    if (saved) recorder.reset();
  };

  private readonly onFile = async (e: Event): Promise<void> => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (!file) return;
    if (file.size > MAX_UPLOAD_BYTES) {
      this.notice = '';
      this.error = `${file.name} is ${(file.size / 1024 / 1024).toFixed(1)} MB: a greeting file can be 10 MB at most.`;
      return;
    }
    const name = file.name.replace(/\.[a-z0-9]+$/i, '') || 'Uploaded greeting';
    await this.change(() => this.api!.upload(name, file, 'uploaded'), `${name} uploaded`);
  };

  private readonly onSpoken = async (e: Event): Promise<void> => {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const text = String(data.get('text') ?? '').trim();
    const name = String(data.get('name') ?? '').trim();
    if (!text || !name) return;
    if (await this.change(() => this.api!.speak(name, text), `${name} created`)) form.reset();
  };
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-greetings-view': SbGreetingsView;
  }
}
