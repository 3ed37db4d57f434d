import { css } from 'lit';
import { baseStyles, buttonStyles } from './shared-styles.js';

/** The styles of <sb-other-device-calls> (sb-other-device-calls.ts). */
export const otherDeviceCallsStyles = [
  baseStyles,
  buttonStyles,
  css`
    :host {
      display: block;
    }

    section {
      padding: var(--sb-sys-space-sm) var(--sb-sys-space-md);
      border: 1px solid var(--sb-sys-color-outline);
      border-radius: var(--sb-sys-radius-card);
      background: var(--sb-sys-color-surface);
    }

    h2 {
      margin: 0 0 var(--sb-sys-space-xs);
      color: var(--sb-sys-color-on-surface-muted);
      font-size: var(--sb-sys-font-size-small);
      font-weight: 650;
    }

    ul {
      margin: 0;
      padding: 0;
      list-style: none;
    }

    li {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: var(--sb-sys-space-xs) var(--sb-sys-space-md);
      padding: var(--sb-sys-space-sm) 0;
    }

    li + li {
      border-top: 1px solid var(--sb-sys-color-outline);
    }

    .who {
      display: flex;
      flex-direction: column;
      flex: 1 1 10rem;
      min-width: 0;
    }

    .name {
      font-weight: 600;
      overflow-wrap: anywhere;
    }

    .where {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0 var(--sb-sys-space-xs);
      color: var(--sb-sys-color-on-surface-muted);
      font-size: var(--sb-sys-font-size-small);
      overflow-wrap: anywhere;
    }

    .where .icon {
      width: 0.875rem;
      height: 0.875rem;
    }

    .btn {
      flex: none;
      min-height: 2.5rem;
      font-size: var(--sb-sys-font-size-small);
    }
  `,
];
