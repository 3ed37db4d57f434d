import { css } from 'lit';
import { tokens } from '../styles/tokens.js';
import { baseStyles, buttonStyles } from '../components/shared-styles.js';

/**
 * The shell's layout. Wide: navigation pane | open area | card grid (the grid takes the whole
 * width when no area is open). Narrow (below 48rem): the pane overlays, an open area fills the
 * width and the grid collapses into its active-call bar above it.
 */
export const shellStyles = [
  tokens,
  baseStyles,
  buttonStyles,
  css`
    /* The viewport is the app: the area and the grid scroll on their own, side by side. */
    :host {
      display: flex;
      height: 100vh;
      height: 100dvh;
      background: var(--sb-sys-color-background);
      color: var(--sb-sys-color-on-surface);
      font-family: var(--sb-sys-font);
      font-size: var(--sb-sys-font-size-body);
      line-height: 1.5;
    }
    .login {
      flex: 1;
      display: grid;
      place-items: center;
      padding: var(--sb-sys-space-md);
    }
    .splash {
      flex: 1;
      display: grid;
      place-items: center;
      color: var(--sb-sys-color-on-surface-muted);
    }
    .shell {
      flex: 1;
      display: flex;
      min-width: 0;
      min-height: 0;
    }
    .main {
      flex: 1;
      display: flex;
      flex-direction: column;
      min-width: 0;
      min-height: 0;
    }
    header {
      position: sticky;
      top: 0;
      z-index: 16;
      display: flex;
      align-items: center;
      gap: var(--sb-sys-space-sm);
      min-height: 3.5rem;
      padding: var(--sb-sys-space-xs) var(--sb-sys-space-md);
      background: var(--sb-sys-color-brand-bar);
      color: var(--sb-sys-color-on-brand-bar);
    }
    .brand {
      flex: 1;
      min-width: 0;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      font-size: var(--sb-sys-font-size-title);
      font-weight: 650;
    }
    header .new-call {
      background: var(--sb-sys-color-on-brand-bar);
      color: var(--sb-sys-color-brand-bar);
    }
    .banner {
      display: flex;
      align-items: center;
      gap: var(--sb-sys-space-md);
      flex-wrap: wrap;
      margin: var(--sb-sys-space-md) var(--sb-sys-space-md) 0;
      padding: var(--sb-sys-space-sm) var(--sb-sys-space-md);
      border-radius: var(--sb-sys-radius-card);
      background: var(--sb-sys-color-primary-container);
      color: var(--sb-sys-color-on-primary-container);
    }
    .banner p {
      flex: 1;
      margin: 0;
    }
    .workspace {
      flex: 1;
      display: flex;
      min-height: 0;
      overflow: hidden;
      --sb-call-workspace-overlay-top: 3.5rem;
    }
    .area {
      display: flex;
      flex-direction: column;
      flex: 0 1 40rem;
      min-width: 20rem;
      min-height: 0;
      overflow-y: auto;
      border-inline-end: 1px solid var(--sb-sys-color-outline);
      background: var(--sb-sys-color-background);
    }
    .area > :not(.area-header) {
      flex: 1;
      min-height: 0;
      max-width: none;
    }
    .area-header {
      display: flex;
      align-items: center;
      gap: var(--sb-sys-space-sm);
      padding: var(--sb-sys-space-sm) var(--sb-sys-space-sm) 0 var(--sb-sys-space-md);
    }
    .area-header h1 {
      flex: 1;
      margin: 0;
      font-size: var(--sb-sys-font-size-headline);
      font-weight: 650;
    }
    .icon-only {
      width: 2.75rem;
      padding: 0;
    }
    .grid {
      flex: 1 1 24rem;
      min-width: 0;
      min-height: 0;
      overflow-y: auto;
    }
    .starting,
    .loading {
      margin: 0;
      padding: var(--sb-sys-space-lg);
      color: var(--sb-sys-color-on-surface-muted);
    }
    /* Narrow with an area open: the bar of calls on top, the area below, each full width. */
    .workspace:not([data-wide]) {
      flex-direction: column-reverse;
      justify-content: flex-end;
    }
    .workspace:not([data-wide]) .area {
      flex: 1 1 auto;
      min-width: 0;
      border-inline-end: 0;
    }
    .workspace:not([data-wide]) .grid {
      flex: none;
      overflow: visible;
    }
    .workspace:not([data-wide]):not([data-area]) .grid {
      flex: 1;
    }
    .workspace:not([data-wide]) .starting {
      display: none;
    }
    @media (max-width: 30rem) {
      .brand {
        font-size: var(--sb-sys-font-size-body);
      }
    }
  `,
];
