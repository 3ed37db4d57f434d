import { css } from 'lit';
import { baseStyles } from './shared-styles.js';

/** The styles of <sb-hidden-calls> (sb-hidden-calls.ts). */
export const hiddenCallsStyles = [
  baseStyles,
  css`
    :host {
      display: block;
    }

    .bar {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: var(--sb-sys-space-sm);
      padding: var(--sb-sys-space-sm) var(--sb-sys-space-md);
      border: 1px solid var(--sb-sys-color-outline);
      border-radius: var(--sb-sys-radius-card);
      background: var(--sb-sys-color-surface);
    }

    .title {
      margin: 0;
      color: var(--sb-sys-color-on-surface-muted);
      font-size: var(--sb-sys-font-size-small);
      font-weight: 650;
    }

    ul {
      display: flex;
      flex-wrap: wrap;
      gap: var(--sb-sys-space-sm);
      min-width: 0;
      margin: 0;
      padding: 0;
      list-style: none;
    }

    li {
      display: block;
      min-width: 0;
      max-width: 100%;
    }

    .chip {
      display: inline-flex;
      align-items: center;
      gap: var(--sb-sys-space-sm);
      max-width: 100%;
      min-height: 2.5rem;
      padding: 0 var(--sb-sys-space-md) 0 var(--sb-sys-space-sm);
      border: 1px solid var(--sb-sys-color-outline);
      border-radius: var(--sb-sys-radius-pill);
      background: var(--sb-sys-color-surface-variant);
      color: var(--sb-sys-color-on-surface);
      font: inherit;
      font-size: var(--sb-sys-font-size-small);
      cursor: pointer;
      -webkit-tap-highlight-color: transparent;
    }

    .chip:hover {
      background: var(--sb-sys-color-primary-container);
    }

    .chip > .icon {
      width: 1rem;
      height: 1rem;
      color: var(--sb-sys-color-primary);
    }

    .name {
      min-width: 0;
      font-weight: 650;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }

    .state {
      flex: none;
      color: var(--sb-sys-color-on-surface-muted);
    }

    .chip[data-status='held'] .state {
      color: var(--sb-sys-color-warning);
    }

    .chip[data-attention] {
      --_ring: var(--sb-hidden-calls-attention-color, var(--sb-sys-color-warning));
      border-color: var(--_ring);
      background: var(--sb-sys-color-warning-container);
      box-shadow: 0 0 0 2px var(--_ring);
      animation: attention 1.4s ease-out infinite;
    }

    @keyframes attention {
      0% {
        box-shadow:
          0 0 0 2px var(--_ring),
          0 0 0 2px color-mix(in srgb, var(--_ring) 60%, transparent);
      }
      70%,
      100% {
        box-shadow:
          0 0 0 2px var(--_ring),
          0 0 0 10px color-mix(in srgb, var(--_ring) 0%, transparent);
      }
    }

    @media (prefers-reduced-motion: reduce) {
      .chip[data-attention] {
        animation: none;
      }
    }
  `,
];
