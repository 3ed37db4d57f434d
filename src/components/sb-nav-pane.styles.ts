import { css } from 'lit';
import { baseStyles, buttonStyles } from './shared-styles.js';

/** The styles of <sb-nav-pane> (sb-nav-pane.ts). */
export const navPaneStyles = [
  baseStyles,
  buttonStyles,
  css`
    :host {
      display: block;
      width: var(--sb-nav-pane-width, 16rem);
      flex: none;
    }

    :host(:not([open])) {
      display: none;
    }

    .panel {
      display: flex;
      flex-direction: column;
      gap: var(--sb-sys-space-md);
      height: 100%;
      padding: var(--sb-sys-space-md) var(--sb-sys-space-sm);
      overflow-y: auto;
      background: var(--sb-nav-pane-background, var(--sb-sys-color-surface));
      border-inline-end: 1px solid var(--sb-sys-color-outline);
    }

    .scrim,
    .close {
      display: none;
    }

    .user {
      display: grid;
      grid-template-columns: auto 1fr;
      column-gap: var(--sb-sys-space-sm);
      align-items: center;
      padding: 0 var(--sb-sys-space-sm);
    }

    .avatar {
      grid-row: span 2;
      display: grid;
      place-items: center;
      width: 2.5rem;
      height: 2.5rem;
      border-radius: var(--sb-sys-radius-pill);
      background: var(--sb-sys-color-primary-container);
      color: var(--sb-sys-color-on-primary-container);
      font-weight: 700;
    }

    .name {
      margin: 0;
      font-weight: 650;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }

    .ext {
      margin: 0;
      color: var(--sb-sys-color-on-surface-muted);
      font-size: var(--sb-sys-font-size-small);
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }

    sb-registration-indicator {
      padding: 0 var(--sb-sys-space-sm);
    }

    nav {
      flex: 1;
    }

    ul {
      display: flex;
      flex-direction: column;
      gap: 2px;
      margin: 0;
      padding: 0;
      list-style: none;
    }

    .item {
      display: flex;
      align-items: center;
      gap: var(--sb-sys-space-sm);
      width: 100%;
      min-height: 2.75rem;
      padding: 0 var(--sb-sys-space-sm);
      border: 0;
      border-radius: var(--sb-sys-radius-control);
      background: transparent;
      color: inherit;
      font: inherit;
      text-align: start;
      cursor: pointer;
      transition: background-color var(--sb-sys-motion-duration-short) var(--sb-sys-motion-easing);
    }

    .item:hover {
      background: var(--sb-sys-color-surface-variant);
    }

    .item[aria-current='page'] {
      background: var(--sb-nav-pane-selected-background, var(--sb-sys-color-primary-container));
      color: var(--sb-nav-pane-selected-color, var(--sb-sys-color-on-primary-container));
      font-weight: 650;
    }

    .item .label {
      flex: 1;
    }

    .badge {
      min-width: 1.5rem;
      padding: 0 0.4rem;
      border-radius: var(--sb-sys-radius-pill);
      background: var(--sb-sys-color-danger);
      color: var(--sb-sys-color-surface);
      font-size: var(--sb-sys-font-size-small);
      font-weight: 700;
      text-align: center;
      font-variant-numeric: tabular-nums;
    }

    .logout {
      justify-content: flex-start;
      border-radius: var(--sb-sys-radius-control);
      padding: 0 var(--sb-sys-space-sm);
      font-weight: 500;
    }

    @media (max-width: 47.99rem) {
      :host([open]) {
        position: fixed;
        inset-block: var(--sb-nav-pane-overlay-top, 0) 0;
        inset-inline-start: 0;
        z-index: 20;
        width: min(var(--sb-nav-pane-width, 16rem), 85vw);
      }

      .scrim {
        display: block;
        position: fixed;
        inset: var(--sb-nav-pane-overlay-top, 0) 0 0 0;
        background: rgb(0 0 0 / 0.45);
      }

      .panel {
        position: relative;
        box-shadow: 0 8px 32px rgb(0 0 0 / 0.3);
      }

      .close {
        display: inline-flex;
        align-self: flex-end;
        width: 2.75rem;
        padding: 0;
        margin-bottom: calc(-1 * var(--sb-sys-space-md));
      }
    }
  `,
];
