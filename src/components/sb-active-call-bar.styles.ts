import { css } from 'lit';
import { baseStyles, buttonStyles } from './shared-styles.js';

/** The styles of <sb-active-call-bar> (sb-active-call-bar.ts). */
export const activeCallBarStyles = [
  baseStyles,
  buttonStyles,
  css`
    :host {
      display: block;
    }
    .bar {
      display: flex;
      align-items: center;
      gap: var(--sb-sys-space-sm);
      min-height: 3rem;
      padding: var(--sb-sys-space-xs) var(--sb-sys-space-sm) var(--sb-sys-space-xs) var(--sb-sys-space-md);
      background: var(--sb-sys-color-success-container);
      color: var(--sb-sys-color-on-surface);
    }
    .who {
      flex: 1;
      min-width: 0;
      display: flex;
      flex-wrap: wrap;
      column-gap: var(--sb-sys-space-sm);
      align-items: baseline;
    }
    .name {
      font-weight: 650;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      max-width: 100%;
    }
    .state {
      font-size: var(--sb-sys-font-size-small);
    }
    .btn {
      flex: none;
    }
  `,
];
