/**
 * Styles shared by the presentational components. Components do not include the token sheet
 * themselves: the document adopts it once (main.ts) and custom properties inherit into every
 * shadow root, so a theme set on an ancestor is never reset by a component's `:host`.
 */
import { css } from 'lit';

/** Box model, text, focus ring, the screen-reader-only helper and icon sizing. */
export const baseStyles = css`
  :host {
    box-sizing: border-box;
    font-family: var(--sb-sys-font);
    font-size: var(--sb-sys-font-size-body);
    line-height: 1.5;
    color: var(--sb-sys-color-on-surface);
  }

  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }

  [hidden] {
    display: none !important;
  }

  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }

  .icon {
    display: block;
    flex: none;
    width: 1.25rem;
    height: 1.25rem;
  }

  :focus-visible {
    outline: 2px solid var(--sb-sys-color-focus-ring);
    outline-offset: 2px;
  }
`;

/**
 * Buttons: `.btn` plus one of `.primary`, `.success`, `.danger`, `.secondary`, `.ghost`.
 * Success and danger text uses the surface colour: white on the light theme's deep green/red,
 * near-black on the dark theme's light green/red, which keeps contrast above 4.5:1 in both.
 */
export const buttonStyles = css`
  .btn {
    display: inline-flex;
    align-items: center;
    justify-content: center;
    gap: var(--sb-sys-space-sm);
    min-height: 2.75rem;
    min-width: 2.75rem;
    padding: 0 var(--sb-sys-space-md);
    border: 1px solid transparent;
    border-radius: var(--sb-sys-radius-pill);
    font: inherit;
    font-weight: 600;
    line-height: 1.2;
    cursor: pointer;
    background: transparent;
    color: inherit;
    transition:
      background-color var(--sb-sys-motion-duration-short) var(--sb-sys-motion-easing),
      border-color var(--sb-sys-motion-duration-short) var(--sb-sys-motion-easing);
    -webkit-tap-highlight-color: transparent;
  }

  .btn.primary {
    background: var(--sb-sys-color-primary);
    color: var(--sb-sys-color-on-primary);
  }
  .btn.primary:hover:not(:disabled) {
    background: var(--sb-sys-color-primary-hover);
  }

  .btn.success {
    background: var(--sb-sys-color-success);
    color: var(--sb-sys-color-surface);
  }

  .btn.danger {
    background: var(--sb-sys-color-danger);
    color: var(--sb-sys-color-surface);
  }

  .btn.success:hover:not(:disabled),
  .btn.danger:hover:not(:disabled) {
    filter: brightness(1.08);
  }

  .btn.secondary {
    border-color: var(--sb-sys-color-outline);
    color: var(--sb-sys-color-primary);
  }
  .btn.secondary:hover:not(:disabled),
  .btn.ghost:hover:not(:disabled) {
    background: var(--sb-sys-color-primary-container);
  }

  .btn.ghost {
    color: inherit;
  }

  .btn:disabled {
    cursor: not-allowed;
    opacity: 0.55;
  }

  .btn:focus-visible {
    outline: 2px solid var(--sb-sys-color-focus-ring);
    outline-offset: 2px;
  }
`;

/** Text inputs and selects with their labels. */
export const fieldStyles = css`
  .field {
    display: flex;
    flex-direction: column;
    gap: var(--sb-sys-space-xs);
  }

  .field label {
    font-weight: 600;
    font-size: var(--sb-sys-font-size-small);
  }

  input,
  select {
    width: 100%;
    min-height: 2.75rem;
    padding: 0 var(--sb-sys-space-sm);
    border: 1px solid var(--sb-sys-color-on-surface-muted);
    border-radius: var(--sb-sys-radius-control);
    background: var(--sb-sys-color-surface);
    color: var(--sb-sys-color-on-surface);
    font: inherit;
  }

  input:focus-visible,
  select:focus-visible {
    outline: 2px solid var(--sb-sys-color-focus-ring);
    outline-offset: 1px;
    border-color: var(--sb-sys-color-focus-ring);
  }

  input[aria-invalid='true'] {
    border-color: var(--sb-sys-color-danger);
  }

  input:disabled,
  select:disabled {
    opacity: 0.6;
  }

  .field-error {
    display: flex;
    gap: var(--sb-sys-space-xs);
    align-items: flex-start;
    margin: 0;
    color: var(--sb-sys-color-danger);
    font-size: var(--sb-sys-font-size-small);
  }
`;

/**
 * A modal native `<dialog>` (opened with `showModal()`, so it sits in the top layer, traps focus
 * and closes on Escape): a card in the middle of a wide screen, a sheet from the bottom on a
 * phone. Markup: `dialog > .dialog-head (h2) + .dialog-body + .dialog-foot`.
 */
export const dialogStyles = css`
  dialog {
    width: min(28rem, calc(100vw - 2 * var(--sb-sys-space-md)));
    max-height: min(36rem, calc(100dvh - 2 * var(--sb-sys-space-md)));
    padding: 0;
    border: 1px solid var(--sb-sys-color-outline);
    border-radius: var(--sb-sys-radius-card);
    background: var(--sb-sys-color-surface);
    color: var(--sb-sys-color-on-surface);
    box-shadow: 0 12px 40px rgb(0 0 0 / 0.25);
    overflow: hidden;
  }

  dialog[open] {
    display: flex;
    flex-direction: column;
  }

  dialog::backdrop {
    background: rgb(11 15 25 / 0.45);
  }

  @media (max-width: 30rem) {
    dialog {
      width: 100vw;
      max-width: 100vw;
      margin: auto 0 0;
      border-radius: var(--sb-sys-radius-card) var(--sb-sys-radius-card) 0 0;
    }
  }

  .dialog-head {
    display: flex;
    align-items: center;
    gap: var(--sb-sys-space-sm);
    padding: var(--sb-sys-space-md) var(--sb-sys-space-md) var(--sb-sys-space-sm);
  }

  .dialog-head h2 {
    flex: 1;
    min-width: 0;
    margin: 0;
    font-size: var(--sb-sys-font-size-title);
    font-weight: 650;
    line-height: 1.3;
    overflow-wrap: anywhere;
  }

  .dialog-body {
    flex: 1;
    min-height: 0;
    overflow-y: auto;
    padding: var(--sb-sys-space-xs) var(--sb-sys-space-md) var(--sb-sys-space-md);
  }

  .dialog-foot {
    display: flex;
    flex-wrap: wrap;
    justify-content: flex-end;
    gap: var(--sb-sys-space-sm);
    padding: var(--sb-sys-space-sm) var(--sb-sys-space-md) var(--sb-sys-space-md);
    border-top: 1px solid var(--sb-sys-color-outline);
  }

  /* A list of choices in the body: ul.dialog-list > li > button.dialog-choice. The component
     sets the gap between them and each choice's size, padding and border. */
  .dialog-list {
    display: flex;
    flex-direction: column;
    margin: 0;
    padding: 0;
    list-style: none;
  }

  .dialog-choice {
    display: flex;
    align-items: center;
    width: 100%;
    border-radius: var(--sb-sys-radius-control);
    background: transparent;
    color: inherit;
    font: inherit;
    text-align: start;
    cursor: pointer;
  }

  .dialog-choice:hover {
    background: var(--sb-sys-color-primary-container);
  }
`;

/**
 * The frame of a card on the call grid (a call, a conference, a call offered from another
 * device): `article` with a 2px outline border, and under its header the `.state` line (status
 * text, `sb-call-timer`, and the "Recording" indicator in its live region `.rec-region`).
 * A component sets its own background (and border colour, when it has one of its own).
 *
 * `@keyframes ring` is the pulse of a ringing card: it spreads `--_ring`, which the component
 * sets along with `animation: ring 1.6s ease-out infinite` (and turns off for reduced motion).
 */
export const cardStyles = css`
  article {
    display: flex;
    flex-direction: column;
    gap: var(--sb-sys-space-md);
    height: 100%;
    padding: var(--sb-sys-space-md);
    border: 2px solid var(--sb-sys-color-outline);
    border-radius: var(--sb-sys-radius-card);
    background: var(--sb-sys-color-surface);
    box-shadow: var(--sb-sys-elevation-card);
  }

  @keyframes ring {
    0% {
      box-shadow:
        var(--sb-sys-elevation-card),
        0 0 0 0 color-mix(in srgb, var(--_ring) 55%, transparent);
    }
    70%,
    100% {
      box-shadow:
        var(--sb-sys-elevation-card),
        0 0 0 14px color-mix(in srgb, var(--_ring) 0%, transparent);
    }
  }

  .state {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: var(--sb-sys-space-xs) var(--sb-sys-space-sm);
    margin: 0;
    font-weight: 600;
  }

  .state sb-call-timer {
    font-weight: 500;
    color: var(--sb-sys-color-on-surface-muted);
  }

  /* The live region stays in the tree (so a change is announced); empty, it takes no room. */
  .rec-region {
    margin-inline-start: auto;
    align-self: center;
  }

  .recording {
    display: inline-flex;
    align-items: center;
    gap: var(--sb-sys-space-xs);
    padding: 0.125rem var(--sb-sys-space-sm);
    border-radius: var(--sb-sys-radius-pill);
    background: var(--sb-sys-color-danger-container);
    color: var(--sb-sys-color-on-surface);
    font-size: var(--sb-sys-font-size-small);
    font-weight: 650;
  }

  .recording .dot {
    width: 0.5rem;
    height: 0.5rem;
    border-radius: var(--sb-sys-radius-pill);
    background: var(--sb-sys-color-danger);
    animation: blink 1.6s ease-in-out infinite;
  }

  @keyframes blink {
    50% {
      opacity: 0.3;
    }
  }

  @media (prefers-reduced-motion: reduce) {
    .recording .dot {
      animation: none;
    }
  }
`;

/**
 * A card's header: `header > .avatar + .who > h2` (initials or an icon in the round avatar, the
 * heading beside it, wrapping anywhere a long number needs to). Scoped to the header, so a card
 * may have `.avatar` and `.who` of its own elsewhere (the conference's participants).
 */
export const cardHeaderStyles = css`
  header {
    display: flex;
    align-items: center;
    gap: var(--sb-sys-space-md);
    min-width: 0;
  }

  header .avatar {
    display: grid;
    place-items: center;
    flex: none;
    width: 3rem;
    height: 3rem;
    border-radius: var(--sb-sys-radius-pill);
    background: var(--sb-sys-color-primary-container);
    color: var(--sb-sys-color-on-primary-container);
    font-weight: 700;
    font-size: var(--sb-sys-font-size-title);
  }

  header .who {
    flex: 1;
    min-width: 0;
  }

  h2 {
    margin: 0;
    font-size: var(--sb-sys-font-size-headline);
    font-weight: 650;
    line-height: 1.25;
    overflow-wrap: anywhere;
  }
`;

/**
 * The round controls of a call or conference card (see `renderCallControl()` in
 * call-controls.ts): `.controls > button.control > .disc (icon) + label`. A control is pressed
 * (`aria-pressed`) or expanded (`aria-expanded`) in primary; `.success` and `.danger` colour
 * the disc (Answer, Hang Up). Focus rings the disc, not the whole button.
 */
export const callControlStyles = css`
  .controls {
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    gap: var(--sb-sys-space-sm);
  }

  .control {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: var(--sb-sys-space-xs);
    /* Four controls fit one row of a 360 px screen (flex wraps by basis before it shrinks). */
    flex: 0 0 4rem;
    min-width: 0;
    padding: var(--sb-sys-space-xs) 0;
    text-align: center;
    border: 0;
    border-radius: var(--sb-sys-radius-control);
    background: transparent;
    color: var(--sb-sys-color-on-surface);
    font: inherit;
    font-size: var(--sb-sys-font-size-small);
    font-weight: 600;
    line-height: 1.2;
    cursor: pointer;
    -webkit-tap-highlight-color: transparent;
  }

  .control .disc {
    display: grid;
    place-items: center;
    width: 3rem;
    height: 3rem;
    border-radius: var(--sb-sys-radius-pill);
    background: var(--sb-sys-color-surface-variant);
    border: 1px solid var(--sb-sys-color-outline);
  }

  .control:hover .disc {
    filter: brightness(0.94);
  }

  .control[aria-pressed='true'] .disc,
  .control[aria-expanded='true'] .disc {
    background: var(--sb-sys-color-primary);
    border-color: var(--sb-sys-color-primary);
    color: var(--sb-sys-color-on-primary);
  }

  .control.success .disc {
    background: var(--sb-sys-color-success);
    border-color: var(--sb-sys-color-success);
    color: var(--sb-sys-color-surface);
  }

  .control.danger .disc {
    background: var(--sb-sys-color-danger);
    border-color: var(--sb-sys-color-danger);
    color: var(--sb-sys-color-surface);
  }

  .control .icon {
    width: 1.375rem;
    height: 1.375rem;
  }

  .control:focus-visible {
    outline: none;
  }

  .control:focus-visible .disc {
    outline: 2px solid var(--sb-sys-color-focus-ring);
    outline-offset: 2px;
  }
`;

/** An area's page column (Contacts, Call History, Recordings). */
export const viewStyles = css`
  :host {
    display: block;
    padding: var(--sb-sys-space-md);
    max-width: 48rem;
  }
`;

/** The empty, loading, error and notice states of a list (Contacts, Call History, Recordings). */
export const listStateStyles = css`
  .empty,
  .loading {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: var(--sb-sys-space-sm);
    margin: var(--sb-sys-space-lg) 0;
    color: var(--sb-sys-color-on-surface-muted);
    text-align: center;
  }

  .empty .icon {
    width: 2rem;
    height: 2rem;
  }

  .error {
    display: flex;
    gap: var(--sb-sys-space-sm);
    align-items: flex-start;
    margin: 0 0 var(--sb-sys-space-md);
    padding: var(--sb-sys-space-sm) var(--sb-sys-space-md);
    border-radius: var(--sb-sys-radius-control);
    background: var(--sb-sys-color-danger-container);
    color: var(--sb-sys-color-on-surface);
  }

  .error .icon {
    color: var(--sb-sys-color-danger);
  }

  .info {
    margin: 0 0 var(--sb-sys-space-md);
    padding: var(--sb-sys-space-sm) var(--sb-sys-space-md);
    border-radius: var(--sb-sys-radius-control);
    background: var(--sb-sys-color-primary-container);
    color: var(--sb-sys-color-on-primary-container);
  }
`;

/**
 * A list of entries (recordings, voicemail messages, greetings): one grid row each, the caller's
 * name and number, a duration at the end, and a player and actions across the whole row.
 */
export const entryListStyles = css`
  ul {
    display: flex;
    flex-direction: column;
    margin: 0;
    padding: 0;
    list-style: none;
  }

  li {
    display: grid;
    grid-template-columns: minmax(0, 1fr) auto;
    gap: var(--sb-sys-space-xs) var(--sb-sys-space-md);
    padding: var(--sb-sys-space-md) 0;
    border-bottom: 1px solid var(--sb-sys-color-outline);
  }

  .who {
    min-width: 0;
    margin: 0;
    font-weight: 650;
    font-size: var(--sb-sys-font-size-title);
    overflow-wrap: anywhere;
  }

  .number {
    margin-left: var(--sb-sys-space-xs);
    color: var(--sb-sys-color-on-surface-muted);
    font-weight: 500;
    font-size: var(--sb-sys-font-size-small);
  }

  .duration {
    align-self: start;
    font-variant-numeric: tabular-nums;
    color: var(--sb-sys-color-on-surface-muted);
  }

  audio {
    grid-column: 1 / -1;
    width: 100%;
    height: 2.5rem;
  }

  .actions {
    grid-column: 1 / -1;
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--sb-sys-space-sm);
  }
`;

/**
 * A settings form of one or two fields and its button on one line (wrapping on a narrow
 * window), with a hint, an error and a status line under it: Settings' Voicemail and Time zone.
 */
export const settingFormStyles = css`
  form {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: var(--sb-sys-space-sm);
    margin-bottom: var(--sb-sys-space-md);
  }

  .field {
    flex: 1 1 12rem;
  }

  .hint,
  .error {
    flex-basis: 100%;
    margin: 0;
  }

  .hint {
    color: var(--sb-sys-color-on-surface-muted);
    font-size: var(--sb-sys-font-size-small);
  }

  .error {
    color: var(--sb-sys-color-danger);
  }
`;
