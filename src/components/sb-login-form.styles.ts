import { css } from 'lit';
import { baseStyles, buttonStyles, fieldStyles } from './shared-styles.js';

/** The styles of <sb-login-form> (sb-login-form.ts). */
export const loginFormStyles = [
  baseStyles,
  buttonStyles,
  fieldStyles,
  css`
    :host {
      display: block;
      padding: var(--sb-sys-space-md);
    }

    .card {
      width: 100%;
      max-width: var(--sb-login-form-max-width, 24rem);
      margin: 0 auto;
      padding: var(--sb-sys-space-lg);
      border: 1px solid var(--sb-sys-color-outline);
      border-radius: var(--sb-sys-radius-card);
      background: var(--sb-login-form-background, var(--sb-sys-color-surface));
      box-shadow: var(--sb-sys-elevation-card);
    }

    header {
      display: flex;
      flex-direction: column;
      align-items: center;
      gap: var(--sb-sys-space-sm);
      margin-bottom: var(--sb-sys-space-lg);
      text-align: center;
    }

    header img {
      display: block;
      width: 3.5rem;
      height: 3.5rem;
    }

    h1 {
      margin: 0;
      font-size: var(--sb-sys-font-size-display);
      font-weight: 650;
      letter-spacing: -0.01em;
      line-height: 1.2;
    }

    .lead {
      margin: 0;
      color: var(--sb-sys-color-on-surface-muted);
    }

    form {
      display: flex;
      flex-direction: column;
      gap: var(--sb-sys-space-md);
    }

    fieldset {
      display: contents;
    }

    .code {
      font-family: var(--sb-sys-font-mono);
      font-size: var(--sb-sys-font-size-headline);
      letter-spacing: 0.3em;
      text-align: center;
    }

    /* Keep the empty alert region in the tree without it adding a gap to the form. */
    .alert:empty {
      margin-top: calc(-1 * var(--sb-sys-space-md));
    }

    .error {
      display: flex;
      gap: var(--sb-sys-space-sm);
      align-items: flex-start;
      margin: 0;
      padding: var(--sb-sys-space-sm) var(--sb-sys-space-md);
      border-radius: var(--sb-sys-radius-control);
      background: var(--sb-sys-color-danger-container);
      color: var(--sb-sys-color-on-surface);
    }

    .error .icon {
      color: var(--sb-sys-color-danger);
      margin-top: 0.1rem;
    }

    .actions {
      display: flex;
      flex-direction: column;
      gap: var(--sb-sys-space-sm);
      margin-top: var(--sb-sys-space-xs);
    }

    .actions .btn {
      width: 100%;
    }

    .spinner {
      width: 1rem;
      height: 1rem;
      border: 2px solid currentColor;
      border-right-color: transparent;
      border-radius: 50%;
      animation: spin 0.8s linear infinite;
    }

    @keyframes spin {
      to {
        transform: rotate(360deg);
      }
    }

    @media (prefers-reduced-motion: reduce) {
      .spinner {
        animation: none;
        border-right-color: currentColor;
        opacity: 0.6;
      }
    }
  `,
];
