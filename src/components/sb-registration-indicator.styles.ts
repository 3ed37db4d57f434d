import { css } from 'lit';
import { baseStyles } from './shared-styles.js';

/** The styles of <sb-registration-indicator> (sb-registration-indicator.ts). */
export const registrationIndicatorStyles = [
  baseStyles,
  css`
    :host {
      display: inline-block;
      font-size: var(--sb-sys-font-size-small);
    }

    .status {
      display: grid;
      grid-template-columns: auto 1fr;
      column-gap: var(--sb-sys-space-sm);
      align-items: center;
    }

    .dot {
      width: 0.625rem;
      height: 0.625rem;
      border-radius: var(--sb-sys-radius-pill);
      background: var(--dot);
      box-shadow: 0 0 0 3px var(--halo, transparent);
    }

    .label {
      font-weight: 600;
    }

    .dnd {
      color: var(--sb-sys-color-danger);
    }

    .detail {
      grid-column: 2;
      color: var(--sb-sys-color-on-surface-muted);
      overflow-wrap: anywhere;
    }

    [data-state='registered'] {
      --dot: var(--sb-registration-indicator-registered-color, var(--sb-sys-color-success));
      --halo: var(--sb-sys-color-success-container);
    }
    [data-state='connecting'] {
      --dot: var(--sb-registration-indicator-connecting-color, var(--sb-sys-color-warning));
      --halo: var(--sb-sys-color-warning-container);
    }
    [data-state='offline'] {
      --dot: var(--sb-registration-indicator-offline-color, var(--sb-sys-color-on-surface-muted));
    }
    [data-state='failed'] {
      --dot: var(--sb-registration-indicator-failed-color, var(--sb-sys-color-danger));
      --halo: var(--sb-sys-color-danger-container);
    }

    [data-state='connecting'] .dot {
      animation: pulse 1.2s ease-in-out infinite;
    }

    @keyframes pulse {
      50% {
        opacity: 0.35;
      }
    }

    @media (prefers-reduced-motion: reduce) {
      [data-state='connecting'] .dot {
        animation: none;
      }
    }
  `,
];
