/**
 * The behaviour the picker dialogs share: a native `<dialog>` shown modally while the host's
 * `open` is true, and every way of leaving it without a choice (Escape, a close request the
 * browser handled) turned into the host's cancel.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';

export interface ModalDialogHost extends ReactiveControllerHost, HTMLElement {
  /** Set by the app to show the dialog; the host clears it itself when the user chooses or cancels. */
  open: boolean;
  readonly renderRoot: HTMLElement | DocumentFragment;
}

export interface ModalDialogOptions {
  /** Clear `open` and tell the app the user dismissed the dialog. */
  cancel(): void;
  /** After `showModal()`: where focus goes first, when not where the browser puts it. */
  shown?(): void;
}

/**
 * Keeps the host's `<dialog>` in step with its `open` after every update. The host binds
 * `@close=${modal.onClose}` and `@keydown=${modal.onKeydown}` on the dialog.
 */
export class ModalDialogController implements ReactiveController {
  constructor(
    private readonly host: ModalDialogHost,
    private readonly options: ModalDialogOptions,
  ) {
    host.addController(this);
  }

  hostUpdated(): void {
    const dialog = this.host.renderRoot.querySelector('dialog');
    if (!dialog) return;
    if (this.host.open && !dialog.open && this.host.isConnected) {
      dialog.showModal();
      this.options.shown?.();
    } else if (!this.host.open && dialog.open) {
      dialog.close();
    }
  }

  /** The dialog closed without us (a close request the browser handled): that is a cancel. */
  readonly onClose = (): void => {
    if (this.host.open) this.options.cancel();
  };

  /**
   * Escape cancels here rather than through the browser's close request, whose handling depends
   * on focus and user-activation state (Chrome's close watchers) and is not always delivered.
   */
  readonly onKeydown = (e: KeyboardEvent): void => {
    if (e.key !== 'Escape' || e.defaultPrevented) return;
    e.preventDefault();
    this.options.cancel();
  };
}
