import { LitElement, css, html, nothing } from 'lit';
import { customElement, property, state } from 'lit/decorators.js';
import { formatDuration } from './format.js';
import { icon } from './icons.js';
import { baseStyles, buttonStyles, fieldStyles } from './shared-styles.js';

/** The user saved a recording under a name. */
export class GreetingRecordedEvent extends CustomEvent<{ name: string; audio: Blob }> {
  static readonly eventName = 'sb-greeting-recorded' as const;
  constructor(name: string, audio: Blob) {
    super(GreetingRecordedEvent.eventName, { detail: { name, audio }, bubbles: true, composed: true });
  }
}

/** Longest greeting recorded here (the platform keeps 5 minutes; nobody listens that long). */
const MAX_RECORDING_S = 120;

type Phase = 'idle' | 'starting' | 'recording' | 'recorded';

/**
 * Record a greeting in the browser: Record (the microphone chosen in Settings, `microphone`),
 * a level meter and the time while recording, Stop, then Play back, a name, and Save or Discard.
 * Recording stops by itself after two minutes. Saving fires {@link GreetingRecordedEvent} with
 * what MediaRecorder made; the view converts and uploads it.
 *
 * @fires sb-greeting-recorded
 */
@customElement('sb-greeting-recorder')
export class SbGreetingRecorder extends LitElement {
  static override styles = [
    baseStyles,
    buttonStyles,
    fieldStyles,
    css`
      :host {
        display: block;
      }

      .row {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: var(--sb-sys-space-sm);
      }

      meter {
        flex: 1 1 8rem;
        height: 0.75rem;
      }

      .elapsed {
        font-variant-numeric: tabular-nums;
        color: var(--sb-sys-color-on-surface-muted);
      }

      audio {
        width: 100%;
        height: 2.5rem;
        margin: var(--sb-sys-space-sm) 0;
      }

      .error {
        color: var(--sb-sys-color-danger);
      }
    `,
  ];

  /** The microphone's deviceId ('' for the default). */
  @property() microphone = '';
  /** The view is saving what was recorded. */
  @property({ type: Boolean }) saving = false;

  @state() private phase: Phase = 'idle';
  @state() private level = 0;
  @state() private elapsedS = 0;
  @state() private playbackUrl = '';
  @state() private name = '';
  @state() private error = '';

  private stream: MediaStream | null = null;
  private recorder: MediaRecorder | null = null;
  private audioContext: AudioContext | null = null;
  private recorded: Blob | null = null;
  private frame = 0;
  private startedAt = 0;

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.release();
    this.discard();
  }

  /** Called by the view once the greeting is saved: ready for the next one. */
  reset(): void {
    this.discard();
  }

  override render() {
    return html`
      ${this.phase === 'recording'
        ? html`<div class="row">
            <button class="btn danger" type="button" @click=${this.stop}>${icon('stop')}Stop</button>
            <meter aria-label="Microphone level" min="0" max="1" low="0.6" high="0.9" optimum="0.3" .value=${this.level}></meter>
            <span class="elapsed" role="timer" aria-label="Recording time">${formatDuration(this.elapsedS)}</span>
          </div>`
        : this.phase === 'recorded'
          ? html`<audio controls src=${this.playbackUrl} aria-label="Play back the recording"></audio>
              <form class="row" @submit=${this.save}>
                <label class="field">Greeting name
                  <input name="name" required maxlength="80" .value=${this.name} @input=${(e: Event) => (this.name = (e.target as HTMLInputElement).value)} />
                </label>
                <button class="btn primary" type="submit" ?disabled=${this.saving || !this.name.trim()}>${icon('check')}${this.saving ? 'Saving…' : 'Save'}</button>
                <button class="btn secondary" type="button" ?disabled=${this.saving} @click=${this.discard}>Discard</button>
              </form>`
          : html`<div class="row">
              <button class="btn primary" type="button" ?disabled=${this.phase === 'starting'} @click=${this.start}>${icon('record')}Record</button>
            </div>`}
      <p class="error" role="alert">${this.error}</p>
    `;
  }

  private readonly start = async (): Promise<void> => {
    this.error = '';
    this.phase = 'starting';
    try {
      this.stream = await navigator.mediaDevices.getUserMedia({ audio: this.microphone ? { deviceId: { exact: this.microphone } } : true });
    } catch (err) {
      this.phase = 'idle';
      this.error = `The microphone cannot be used: ${(err as Error).message}`;
      return;
    }
    const chunks: Blob[] = [];
    this.recorder = new MediaRecorder(this.stream);
    this.recorder.ondataavailable = (e) => { if (e.data.size > 0) chunks.push(e.data); };
    this.recorder.onstop = () => {
      this.recorded = new Blob(chunks, { type: this.recorder?.mimeType || 'audio/webm' });
      this.playbackUrl = URL.createObjectURL(this.recorded);
      this.name ||= `Greeting ${new Date().toLocaleDateString()}`;
      this.phase = 'recorded';
      this.release();
    };
    this.recorder.start(250);
    this.startedAt = performance.now();
    this.phase = 'recording';
    this.meter(this.stream);
  };

  private readonly stop = (): void => {
    if (this.recorder?.state === 'recording') this.recorder.stop();
  };

  /** Level (RMS, 0..1) and elapsed time, once a frame while recording. */
  private meter(stream: MediaStream): void {
    this.audioContext = new AudioContext();
    const analyser = this.audioContext.createAnalyser();
    analyser.fftSize = 1024;
    this.audioContext.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const tick = () => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      this.level = Math.min(1, Math.sqrt(sum / samples.length) * 3);
      this.elapsedS = (performance.now() - this.startedAt) / 1000;
      if (this.elapsedS >= MAX_RECORDING_S) return this.stop();
      this.frame = requestAnimationFrame(tick);
    };
    this.frame = requestAnimationFrame(tick);
  }

  private readonly save = (e: Event): void => {
    e.preventDefault();
    if (!this.recorded || !this.name.trim() || this.saving) return;
    this.dispatchEvent(new GreetingRecordedEvent(this.name.trim(), this.recorded));
  };

  private readonly discard = (): void => {
    if (this.playbackUrl) URL.revokeObjectURL(this.playbackUrl);
    this.playbackUrl = '';
    this.recorded = null;
    this.name = '';
    this.phase = 'idle';
  };

  /** The microphone and the meter go as soon as recording ends. */
  private release(): void {
    cancelAnimationFrame(this.frame);
    this.stream?.getTracks().forEach((t) => t.stop());
    this.stream = null;
    void this.audioContext?.close().catch(() => undefined);
    this.audioContext = null;
    this.level = 0;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-greeting-recorder': SbGreetingRecorder;
  }
  interface HTMLElementEventMap {
    'sb-greeting-recorded': GreetingRecordedEvent;
  }
}
