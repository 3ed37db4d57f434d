/**
 * Design tokens, in three tiers (material-web, Shoelace):
 *
 *   primitives  --sb-ref-*   raw palette, type scale, spacing, radii, durations; never used by
 *                            components directly
 *   semantic    --sb-sys-*   what a value means (surface, on-surface, primary, danger, ...); the
 *                            only tier that changes between light and dark
 *   component   --sb-<tag>-* declared by each element, defaulting to a semantic token
 *
 * The selector `:root, :host` lets the same sheet serve the document (main.ts adopts it) and any
 * shadow root that includes it (tests mount elements without main.ts). Custom properties inherit
 * through shadow boundaries, so one declaration at the top reaches every element.
 */
import { css } from 'lit';

export const tokens = css`
  :root,
  :host {
    /* ---- primitives ------------------------------------------------------------------- */
    --sb-ref-blue-50: #eef3ff;
    --sb-ref-blue-100: #dbe5ff;
    --sb-ref-blue-200: #b7caff;
    --sb-ref-blue-300: #8aa8fb;
    --sb-ref-blue-500: #2b5ce6;
    --sb-ref-blue-600: #1f48c9;
    --sb-ref-blue-700: #1a3fae;
    --sb-ref-blue-900: #112663;

    --sb-ref-neutral-0: #ffffff;
    --sb-ref-neutral-50: #f5f7fc;
    --sb-ref-neutral-100: #eceff6;
    --sb-ref-neutral-200: #dde2ec;
    --sb-ref-neutral-400: #9aa3b5;
    --sb-ref-neutral-500: #6b7487;
    --sb-ref-neutral-600: #4f586b;
    --sb-ref-neutral-700: #2c3548;
    --sb-ref-neutral-800: #1f2637;
    --sb-ref-neutral-850: #171d2b;
    --sb-ref-neutral-900: #121826;
    --sb-ref-neutral-950: #0b0f19;

    --sb-ref-green-100: #d7f5e3;
    --sb-ref-green-400: #4ccf86;
    --sb-ref-green-600: #16864a;
    --sb-ref-green-900: #0f3d25;
    --sb-ref-red-100: #fde0de;
    --sb-ref-red-400: #ff8a80;
    --sb-ref-red-600: #c62828;
    --sb-ref-red-900: #4a1512;
    --sb-ref-amber-100: #fff0c7;
    --sb-ref-amber-400: #ffc93d;
    --sb-ref-amber-700: #8a5a00;

    --sb-ref-font-sans: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial,
      sans-serif;
    --sb-ref-font-mono: ui-monospace, 'SF Mono', Menlo, Consolas, monospace;
    --sb-ref-font-size-100: 0.8125rem;
    --sb-ref-font-size-200: 0.9375rem;
    --sb-ref-font-size-300: 1.0625rem;
    --sb-ref-font-size-400: 1.25rem;
    --sb-ref-font-size-600: 1.75rem;

    --sb-ref-space-1: 0.25rem;
    --sb-ref-space-2: 0.5rem;
    --sb-ref-space-3: 0.75rem;
    --sb-ref-space-4: 1rem;
    --sb-ref-space-6: 1.5rem;
    --sb-ref-space-8: 2rem;
    --sb-ref-space-12: 3rem;

    --sb-ref-radius-sm: 6px;
    --sb-ref-radius-md: 10px;
    --sb-ref-radius-lg: 16px;
    --sb-ref-radius-full: 999px;

    --sb-ref-duration-short: 120ms;
    --sb-ref-duration-medium: 240ms;
    --sb-ref-easing-standard: cubic-bezier(0.2, 0, 0, 1);

    /* ---- semantic (light) --------------------------------------------------------------- */
    color-scheme: light dark;

    --sb-sys-color-background: var(--sb-ref-neutral-50);
    --sb-sys-color-surface: var(--sb-ref-neutral-0);
    --sb-sys-color-surface-variant: var(--sb-ref-neutral-100);
    --sb-sys-color-on-surface: var(--sb-ref-neutral-900);
    --sb-sys-color-on-surface-muted: var(--sb-ref-neutral-600);
    --sb-sys-color-outline: var(--sb-ref-neutral-200);
    --sb-sys-color-primary: var(--sb-ref-blue-600);
    --sb-sys-color-primary-hover: var(--sb-ref-blue-700);
    --sb-sys-color-on-primary: var(--sb-ref-neutral-0);
    --sb-sys-color-primary-container: var(--sb-ref-blue-50);
    --sb-sys-color-on-primary-container: var(--sb-ref-blue-900);
    --sb-sys-color-brand-bar: var(--sb-ref-blue-600);
    --sb-sys-color-on-brand-bar: var(--sb-ref-neutral-0);
    --sb-sys-color-success: var(--sb-ref-green-600);
    --sb-sys-color-success-container: var(--sb-ref-green-100);
    --sb-sys-color-danger: var(--sb-ref-red-600);
    --sb-sys-color-danger-container: var(--sb-ref-red-100);
    --sb-sys-color-warning: var(--sb-ref-amber-700);
    --sb-sys-color-warning-container: var(--sb-ref-amber-100);
    --sb-sys-color-focus-ring: var(--sb-ref-blue-500);

    --sb-sys-font: var(--sb-ref-font-sans);
    --sb-sys-font-mono: var(--sb-ref-font-mono);
    --sb-sys-font-size-small: var(--sb-ref-font-size-100);
    --sb-sys-font-size-body: var(--sb-ref-font-size-200);
    --sb-sys-font-size-title: var(--sb-ref-font-size-300);
    --sb-sys-font-size-headline: var(--sb-ref-font-size-400);
    --sb-sys-font-size-display: var(--sb-ref-font-size-600);

    --sb-sys-space-xs: var(--sb-ref-space-1);
    --sb-sys-space-sm: var(--sb-ref-space-2);
    --sb-sys-space-md: var(--sb-ref-space-4);
    --sb-sys-space-lg: var(--sb-ref-space-6);
    --sb-sys-space-xl: var(--sb-ref-space-8);

    --sb-sys-radius-control: var(--sb-ref-radius-sm);
    --sb-sys-radius-card: var(--sb-ref-radius-lg);
    --sb-sys-radius-pill: var(--sb-ref-radius-full);
    --sb-sys-elevation-card: 0 1px 2px rgb(17 24 39 / 0.06), 0 4px 16px rgb(17 24 39 / 0.06);

    --sb-sys-motion-duration-short: var(--sb-ref-duration-short);
    --sb-sys-motion-duration-medium: var(--sb-ref-duration-medium);
    --sb-sys-motion-easing: var(--sb-ref-easing-standard);
  }

  /* ---- semantic (dark) ------------------------------------------------------------------ */
  @media (prefers-color-scheme: dark) {
    :root,
    :host {
      --sb-sys-color-background: var(--sb-ref-neutral-950);
      --sb-sys-color-surface: var(--sb-ref-neutral-900);
      --sb-sys-color-surface-variant: var(--sb-ref-neutral-850);
      --sb-sys-color-on-surface: var(--sb-ref-neutral-50);
      --sb-sys-color-on-surface-muted: var(--sb-ref-neutral-400);
      --sb-sys-color-outline: var(--sb-ref-neutral-700);
      --sb-sys-color-primary: var(--sb-ref-blue-300);
      --sb-sys-color-primary-hover: var(--sb-ref-blue-200);
      --sb-sys-color-on-primary: var(--sb-ref-blue-900);
      --sb-sys-color-primary-container: var(--sb-ref-blue-900);
      --sb-sys-color-on-primary-container: var(--sb-ref-blue-100);
      --sb-sys-color-brand-bar: var(--sb-ref-neutral-900);
      --sb-sys-color-on-brand-bar: var(--sb-ref-neutral-50);
      --sb-sys-color-success: var(--sb-ref-green-400);
      --sb-sys-color-success-container: var(--sb-ref-green-900);
      --sb-sys-color-danger: var(--sb-ref-red-400);
      --sb-sys-color-danger-container: var(--sb-ref-red-900);
      --sb-sys-color-warning: var(--sb-ref-amber-400);
      --sb-sys-color-warning-container: #3d2c00;
      --sb-sys-color-focus-ring: var(--sb-ref-blue-300);
      --sb-sys-elevation-card: 0 1px 2px rgb(0 0 0 / 0.4);
    }
  }

  /* Motion tokens collapse to zero, so every transition built on them respects the setting. */
  @media (prefers-reduced-motion: reduce) {
    :root,
    :host {
      --sb-sys-motion-duration-short: 0ms;
      --sb-sys-motion-duration-medium: 0ms;
    }
  }
`;
