import { css } from 'lit';
import { baseStyles, buttonStyles } from './shared-styles.js';

/** The styles of <sb-nav-toggle> (sb-nav-toggle.ts). */
export const navToggleStyles = [
  baseStyles,
  buttonStyles,
  css`
    :host {
      display: inline-block;
      color: inherit;
    }
    .btn {
      padding: 0;
      width: 2.75rem;
      border-radius: var(--sb-sys-radius-pill);
    }
    .btn:hover {
      background: color-mix(in srgb, currentColor 12%, transparent);
    }
    .btn:focus-visible {
      outline-color: currentColor;
    }
    .icon {
      width: 1.5rem;
      height: 1.5rem;
    }
  `,
];
