/**
 * Re-renders the host whenever an EventTarget store fires one of the given events; listens only
 * while the host is connected (controllers own lifecycle work).
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export class StoreController implements ReactiveController {
  private target: EventTarget | undefined;

  constructor(private readonly host: ReactiveControllerHost, private readonly events: string[]) {
    host.addController(this);
  }

  /** Starts following `target` (a store arriving through context after construction). */
  observe(target: EventTarget | undefined): void {
    if (target === this.target) return;
    this.unlisten();
    this.target = target;
    this.listen();
    this.host.requestUpdate();
  }

  hostConnected(): void {
    this.listen();
  }

  hostDisconnected(): void {
    this.unlisten();
  }

  private readonly onEvent = () => this.host.requestUpdate();

  private listen(): void {
    for (const e of this.events) this.target?.addEventListener(e, this.onEvent);
  }

  private unlisten(): void {
    for (const e of this.events) this.target?.removeEventListener(e, this.onEvent);
  }
}
