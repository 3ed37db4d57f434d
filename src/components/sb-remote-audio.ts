import { LitElement, html, type PropertyValues } from 'lit';
import { customElement, property, query } from 'lit/decorators.js';

type SinkAudio = HTMLAudioElement & { setSinkId?(id: string): Promise<void> };

/**
 * Plays one call's remote audio on the chosen output device (setSinkId; '' = system default).
 * Invisible: it has no controls of its own.
 */
@customElement('sb-remote-audio')
export class SbRemoteAudio extends LitElement {
  @property({ attribute: false })
  stream: MediaStream | null = null;

  /** Output device id from enumerateDevices(); '' is the system default. */
  @property({ attribute: 'sink-id' })
  sinkId = '';

  @query('audio')
  private audio!: SinkAudio;

  override render() {
    return html`<audio autoplay hidden></audio>`;
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('stream') && this.audio.srcObject !== this.stream) {
      this.audio.srcObject = this.stream;
      if (this.stream) void this.audio.play().catch(() => undefined);
    }
    if (changed.has('sinkId') && this.audio.setSinkId) {
      // A device that disappeared (unplugged headset) falls back to the default output.
      void this.audio.setSinkId(this.sinkId).catch(() => this.audio.setSinkId?.(''));
    }
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-remote-audio': SbRemoteAudio;
  }
}
