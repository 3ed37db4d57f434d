import type { ReactiveController, ReactiveControllerHost } from 'lit';

/**
 * Re-renders its host once a second while the host is connected. Ticks are aligned to whole
 * seconds counted from `anchor()` (e.g. when a call connected), so a timer showing elapsed time
 * changes on the second rather than up to a second late.
 */
export class ClockController implements ReactiveController {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly anchor: () => number = () => 0,
    private readonly period = 1000,
  ) {
    host.addController(this);
  }

  /** Whether a tick is scheduled (for tests). */
  get running(): boolean {
    return this.timer !== undefined;
  }

  hostConnected(): void {
    this.schedule();
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const elapsed = Date.now() - this.anchor();
    const delay = this.period - (((elapsed % this.period) + this.period) % this.period);
    // A few ms late rather than early, so the render lands after the boundary.
    this.timer = setTimeout(() => {
      this.host.requestUpdate();
      this.schedule();
    }, delay + 5);
  }
}
