/**
 * Styles shared by the presentational components. Components do not include the token sheet
 * themselves: the document adopts it once (main.ts) and custom properties inherit into every
 * shadow root, so a theme set on an ancestor is never reset by a component's `:host`.
 */
import { css } from 'lit';

/** Box model, text, focus ring, the screen-reader-only helper and icon sizing. */
export const baseStyles = css`
  :host {
    box-sizing: border-box;
    font-family: var(--sb-sys-font);
    font-size: var(--sb-sys-font-size-body);
    line-height: 1.5;
    color: var(--sb-sys-color-on-surface);
  }

  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }

  [hidden] {
    display: none !important;
  }

  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }

  .icon {
    display: block;
    flex: none;
    width: 1.25rem;
    height: 1.25rem;
  }

  :focus-visible {
    outline: 2px solid var(--sb-sys-color-focus-ring);
    outline-offset: 2px;
  }
`;

/**
 * Buttons: `.btn` plus one of `.primary`, `.success`, `.danger`, `.secondary`, `.ghost`.
 * Success and danger text uses the surface colour: white on the light theme's deep green/red,
 * near-black on the dark theme's light green/red, which keeps contrast above 4.5:1 in both.
 */
export const buttonStyles = css`
  .btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: var(--sb-sys-space-sm);
    min-height: 2.75rem;
    min-width: 2.75rem;
    padding: 0 var(--sb-sys-space-md);
    border: 1px solid transparent;
    border-radius: var(--sb-sys-radius-pill);
    font: inherit;
    font-weight: 600;
    line-height: 1.2;
    cursor: pointer;
    background: transparent;
    color: inherit;
    transition:
      background-color var(--sb-sys-motion-duration-short) var(--sb-sys-motion-easing),
      border-color var(--sb-sys-motion-duration-short) var(--sb-sys-motion-easing);
    -webkit-tap-highlight-color: transparent;
  }

  .btn.primary {
    background: var(--sb-sys-color-primary);
    color: var(--sb-sys-color-on-primary);
  }
  .btn.primary:hover:not(:disabled) {
    background: var(--sb-sys-color-primary-hover);
  }

  .btn.success {
    background: var(--sb-sys-color-success);
    color: var(--sb-sys-color-surface);
  }

  .btn.danger {
    background: var(--sb-sys-color-danger);
    color: var(--sb-sys-color-surface);
  }

  .btn.success:hover:not(:disabled),
  .btn.danger:hover:not(:disabled) {
    filter: brightness(1.08);
  }

  .btn.secondary {
    border-color: var(--sb-sys-color-outline);
    color: var(--sb-sys-color-primary);
  }
  .btn.secondary:hover:not(:disabled),
  .btn.ghost:hover:not(:disabled) {
    background: var(--sb-sys-color-primary-container);
  }

  .btn.ghost {
    color: inherit;
  }

  .btn:disabled {
    cursor: not-allowed;
    opacity: 0.55;
  }

  .btn:focus-visible {
    outline: 2px solid var(--sb-sys-color-focus-ring);
    outline-offset: 2px;
  }
`;

/** Text inputs and selects with their labels. */
export const fieldStyles = css`
  .field {
    display: flex;
    flex-direction: column;
    gap: var(--sb-sys-space-xs);
  }

  .field label {
    font-weight: 600;
    font-size: var(--sb-sys-font-size-small);
  }

  input,
  select {
    width: 100%;
    min-height: 2.75rem;
    padding: 0 var(--sb-sys-space-sm);
    border: 1px solid var(--sb-sys-color-on-surface-muted);
    border-radius: var(--sb-sys-radius-control);
    background: var(--sb-sys-color-surface);
    color: var(--sb-sys-color-on-surface);
    font: inherit;
  }

  input:focus-visible,
  select:focus-visible {
    outline: 2px solid var(--sb-sys-color-focus-ring);
    outline-offset: 1px;
    border-color: var(--sb-sys-color-focus-ring);
  }

  input[aria-invalid='true'] {
    border-color: var(--sb-sys-color-danger);
  }

  input:disabled,
  select:disabled {
    opacity: 0.6;
  }

  .field-error {
    display: flex;
    gap: var(--sb-sys-space-xs);
    align-items: flex-start;
    margin: 0;
    color: var(--sb-sys-color-danger);
    font-size: var(--sb-sys-font-size-small);
  }
`;
