import { css } from 'lit';
import { baseStyles, buttonStyles } from '../components/shared-styles.js';

/** The styles of <sb-call-workspace> (sb-call-workspace.ts). */
export const callWorkspaceStyles = [
  baseStyles,
  buttonStyles,
  css`
    :host {
      display: block;
    }
    .cards {
      display: flex;
      flex-direction: column;
      gap: var(--sb-sys-space-md);
      padding: var(--sb-sys-space-md);
    }
    .new-call {
      padding: var(--sb-sys-space-md);
      border-radius: var(--sb-sys-radius-card);
      background: var(--sb-sys-color-surface);
      box-shadow: var(--sb-sys-elevation-card);
    }
    .new-call h2 {
      margin: 0 0 var(--sb-sys-space-sm);
      font-size: var(--sb-sys-font-size-title);
    }
    .empty {
      display: flex;
      align-items: center;
      gap: var(--sb-sys-space-md);
      max-width: 28rem;
      padding: var(--sb-sys-space-md) var(--sb-sys-space-lg);
      border: 1px dashed var(--sb-sys-color-outline);
      border-radius: var(--sb-sys-radius-card);
      color: var(--sb-sys-color-on-surface-muted);
    }
    .empty .art {
      display: grid;
      flex: none;
      place-items: center;
      width: 2.5rem;
      height: 2.5rem;
      border-radius: var(--sb-sys-radius-pill);
      background: var(--sb-sys-color-primary-container);
      color: var(--sb-sys-color-on-primary-container);
    }
    .empty p {
      margin: 0;
    }
    .empty strong {
      display: block;
      color: var(--sb-sys-color-on-surface);
    }
    /* Compact: an incoming call, or the expanded cards, cover the area below the app bar. */
    .takeover {
      position: fixed;
      inset: var(--sb-call-workspace-overlay-top, 0) 0 0 0;
      z-index: 15;
      overflow-y: auto;
      background: var(--sb-sys-color-background);
    }
    .takeover sb-active-call-bar {
      position: sticky;
      top: 0;
      z-index: 1;
    }
  `,
];
