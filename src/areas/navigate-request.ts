/**
 * A view asks the shell to show another area (e.g. the grid after calling back from Call
 * History, or Contacts with a new contact to add). The shell handles it; views do not know the
 * routes, nor each other.
 */
export interface NavigateRequestDetail {
  /** An area id, or 'calls' for the call cards (the grid; on a narrow window it takes the screen). */
  area: string;
  /** With area 'contacts': open a new contact pre-filled with this party. */
  contact?: { number: string; name: string };
}

export class NavigateRequestEvent extends Event {
  static readonly eventName = 'sb-navigate-request' as const;
  constructor(readonly detail: NavigateRequestDetail) {
    super(NavigateRequestEvent.eventName, { bubbles: true, composed: true });
  }
}

declare global {
  interface HTMLElementEventMap {
    'sb-navigate-request': NavigateRequestEvent;
  }
}
