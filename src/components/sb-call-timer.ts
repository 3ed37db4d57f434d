import { LitElement, css, html } from 'lit';
import { customElement, property } from 'lit/decorators.js';
import { ClockController } from '../controllers/clock-controller.js';
import { formatDuration, spokenDuration } from './format.js';

/**
 * Time elapsed since `since`: mm:ss, or h:mm:ss past an hour. It ticks every second while in the
 * document. The spoken form ("Call duration 1 minute 5 seconds") is its accessible name; as a
 * `timer` it is not a live region, so it is read when reached, not announced every second.
 *
 * @csspart time - the text
 */
@customElement('sb-call-timer')
export class SbCallTimer extends LitElement {
  static override styles = css`
    :host {
      display: inline-block;
      font-variant-numeric: tabular-nums;
    }
  `;

  /** Epoch ms the count starts from. */
  @property({ type: Number })
  since = 0;

  /** Reads the clock; tests may replace it. */
  now: () => number = () => Date.now();

  private readonly clock = new ClockController(this, () => this.since);

  /** Whether the once-a-second tick is running (it stops when the element leaves the page). */
  get ticking(): boolean {
    return this.clock.running;
  }

  override render() {
    const seconds = Math.max(0, Math.floor((this.now() - this.since) / 1000));
    return html`<span part="time" role="timer" aria-label="Call duration ${spokenDuration(seconds)}"
      >${formatDuration(seconds)}</span
    >`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'sb-call-timer': SbCallTimer;
  }
}
