import { css } from 'lit';
import { baseStyles, buttonStyles, cardHeaderStyles, cardStyles } from './shared-styles.js';

/** The styles of <sb-switch-offer-card> (sb-switch-offer-card.ts). */
export const switchOfferCardStyles = [
  baseStyles,
  buttonStyles,
  cardStyles,
  cardHeaderStyles,
  css`
    :host {
      display: block;
      --_ring: var(--sb-switch-offer-card-color, var(--sb-sys-color-success));
    }

    article {
      border-color: var(--_ring);
      background: color-mix(in srgb, var(--sb-sys-color-success-container) 45%, var(--sb-sys-color-surface));
      animation: ring 1.6s ease-out infinite;
    }

    @media (prefers-reduced-motion: reduce) {
      article {
        animation: none;
        box-shadow:
          var(--sb-sys-elevation-card),
          0 0 0 4px var(--sb-sys-color-success-container);
      }
    }

    .from {
      display: flex;
      align-items: center;
      gap: var(--sb-sys-space-xs);
      margin: 0;
      color: var(--sb-sys-color-on-surface-muted);
      font-size: var(--sb-sys-font-size-small);
      overflow-wrap: anywhere;
    }

    .from .icon {
      width: 1rem;
      height: 1rem;
    }

    .hint {
      margin: 0;
      font-size: var(--sb-sys-font-size-small);
    }

    .actions {
      display: flex;
      flex-wrap: wrap;
      gap: var(--sb-sys-space-sm);
    }

    .actions .btn {
      flex: 1 1 8rem;
    }
  `,
];
