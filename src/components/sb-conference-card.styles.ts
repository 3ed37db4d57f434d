import { css } from 'lit';
import { baseStyles, buttonStyles, callControlStyles, cardHeaderStyles, cardStyles } from './shared-styles.js';

/** The styles of <sb-conference-card> (sb-conference-card.ts). */
export const conferenceCardStyles = [
  baseStyles,
  buttonStyles,
  cardStyles,
  cardHeaderStyles,
  callControlStyles,
  css`
    :host {
      display: block;
    }

    article {
      background: var(--sb-conference-card-background, var(--sb-sys-color-surface));
    }

    :host([active]) article {
      border-color: var(--sb-conference-card-active-color, var(--sb-sys-color-primary));
    }

    article:not([data-held]) .status-text {
      color: var(--sb-sys-color-success);
    }

    article[data-held] .status-text {
      color: var(--sb-sys-color-warning);
    }

    .count {
      margin: 0;
      color: var(--sb-sys-color-on-surface-muted);
      font-size: var(--sb-sys-font-size-small);
    }

    ul {
      display: flex;
      flex-direction: column;
      margin: 0;
      padding: 0;
      list-style: none;
      border-top: 1px solid var(--sb-sys-color-outline);
    }

    li {
      display: flex;
      align-items: center;
      gap: var(--sb-sys-space-sm);
      min-width: 0;
      padding: var(--sb-sys-space-sm) 0;
      border-bottom: 1px solid var(--sb-sys-color-outline);
    }

    li .avatar {
      display: grid;
      place-items: center;
      flex: none;
      width: 2.25rem;
      height: 2.25rem;
      border-radius: var(--sb-sys-radius-pill);
      background: var(--sb-sys-color-surface-variant);
      font-weight: 700;
      font-size: var(--sb-sys-font-size-small);
    }

    li .who {
      flex: 1;
      min-width: 0;
      display: flex;
      flex-direction: column;
    }

    .name {
      font-weight: 600;
      overflow-wrap: anywhere;
    }

    .detail {
      color: var(--sb-sys-color-on-surface-muted);
      font-size: var(--sb-sys-font-size-small);
      overflow-wrap: anywhere;
    }

    li[data-status='ended'] .name {
      color: var(--sb-sys-color-on-surface-muted);
      text-decoration: line-through;
    }

    .btn.drop {
      flex: none;
      min-height: 2.25rem;
      padding: 0 var(--sb-sys-space-sm);
      font-size: var(--sb-sys-font-size-small);
      color: var(--sb-sys-color-danger);
      border-color: var(--sb-sys-color-outline);
    }

    .btn.drop .icon {
      width: 1rem;
      height: 1rem;
    }

    .btn.drop:hover:not(:disabled) {
      background: var(--sb-sys-color-danger-container);
    }

    .control.recording-toggle[aria-pressed='true'] .disc {
      background: var(--sb-sys-color-danger-container);
      border-color: var(--sb-sys-color-danger);
      color: var(--sb-sys-color-danger);
    }
  `,
];
