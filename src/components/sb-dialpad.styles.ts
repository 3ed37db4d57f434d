import { css } from 'lit';
import { baseStyles, buttonStyles, fieldStyles } from './shared-styles.js';

/** The styles of <sb-dialpad> (sb-dialpad.ts). */
export const dialpadStyles = [
  baseStyles,
  buttonStyles,
  fieldStyles,
  css`
    :host {
      display: block;
    }

    .pad {
      display: flex;
      flex-direction: column;
      gap: var(--sb-sys-space-sm);
      max-width: var(--sb-dialpad-max-width, 18rem);
      margin: 0 auto;
    }

    .top {
      display: flex;
      align-items: flex-end;
      gap: var(--sb-sys-space-xs);
    }

    .top .field {
      flex: 1;
      min-width: 0;
    }

    #number {
      font-size: var(--sb-sys-font-size-headline);
      font-variant-numeric: tabular-nums;
      letter-spacing: 0.04em;
    }

    .digits {
      flex: 1;
      min-width: 0;
      min-height: 2.75rem;
      margin: 0;
      display: flex;
      align-items: center;
      justify-content: center;
      overflow: hidden;
      font-size: var(--sb-sys-font-size-headline);
      font-variant-numeric: tabular-nums;
      letter-spacing: 0.08em;
      direction: rtl; /* keep the latest digits visible when the string overflows */
      white-space: nowrap;
    }

    .digits .placeholder {
      direction: ltr;
      font-size: var(--sb-sys-font-size-small);
      letter-spacing: normal;
      color: var(--sb-sys-color-on-surface-muted);
    }

    .digits bdi {
      direction: ltr;
    }

    .icon-btn {
      padding: 0;
      width: 2.75rem;
      color: var(--sb-sys-color-on-surface-muted);
    }

    .keys {
      display: grid;
      grid-template-columns: repeat(3, 1fr);
      gap: var(--sb-sys-space-sm);
    }

    .key {
      display: flex;
      flex-direction: column;
      align-items: center;
      justify-content: center;
      min-height: var(--sb-dialpad-key-size, 3.5rem);
      border: 0;
      border-radius: var(--sb-sys-radius-card);
      background: var(--sb-dialpad-key-background, var(--sb-sys-color-surface-variant));
      color: var(--sb-sys-color-on-surface);
      font: inherit;
      cursor: pointer;
      user-select: none;
      -webkit-tap-highlight-color: transparent;
      transition: background-color var(--sb-sys-motion-duration-short) var(--sb-sys-motion-easing);
      touch-action: manipulation;
    }

    .key:hover,
    .key.pressed {
      background: var(--sb-sys-color-primary-container);
    }

    .key:active {
      background: var(--sb-sys-color-outline);
    }

    .key .digit {
      font-size: var(--sb-sys-font-size-headline);
      font-weight: 500;
      line-height: 1.1;
    }

    .key .letters {
      min-height: 1em;
      font-size: 0.6875rem;
      font-weight: 600;
      letter-spacing: 0.12em;
      color: var(--sb-sys-color-on-surface-muted);
      line-height: 1;
    }

    .bottom {
      display: flex;
      justify-content: center;
      gap: var(--sb-sys-space-sm);
      margin-top: var(--sb-sys-space-xs);
    }

    .call {
      min-width: 8rem;
    }
  `,
];
