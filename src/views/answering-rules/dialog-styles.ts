import { css } from 'lit';

/** What the rule and time frame dialogs share: a wider dialog, sections, rows of fields, hints. */
export const ruleDialogStyles = css`
  :host {
    display: contents;
  }

  dialog {
    width: min(40rem, calc(100vw - 2 * var(--sb-sys-space-md)));
    max-height: min(48rem, calc(100dvh - 2 * var(--sb-sys-space-md)));
  }

  fieldset {
    margin: 0 0 var(--sb-sys-space-md);
    padding: var(--sb-sys-space-sm) var(--sb-sys-space-md) var(--sb-sys-space-md);
    border: 1px solid var(--sb-sys-color-outline);
    border-radius: var(--sb-sys-radius-control);
  }

  legend {
    padding: 0 var(--sb-sys-space-xs);
    font-weight: 650;
  }

  .check {
    display: flex;
    align-items: center;
    gap: var(--sb-sys-space-sm);
    min-height: 2.75rem;
    font-weight: 600;
  }

  .check input {
    width: 1.25rem;
    min-height: 1.25rem;
    height: 1.25rem;
    margin: 0;
    accent-color: var(--sb-sys-color-primary);
  }

  .row {
    display: flex;
    flex-wrap: wrap;
    align-items: end;
    gap: var(--sb-sys-space-sm);
    margin-top: var(--sb-sys-space-sm);
  }

  .row .field {
    flex: 1 1 10rem;
    min-width: 0;
  }

  .row .field.narrow {
    flex: 0 1 7rem;
  }

  .hint {
    margin: var(--sb-sys-space-xs) 0 0;
    color: var(--sb-sys-color-on-surface-muted);
    font-size: var(--sb-sys-font-size-small);
  }

  .warning {
    margin: var(--sb-sys-space-xs) 0 0;
    padding: var(--sb-sys-space-xs) var(--sb-sys-space-sm);
    border-radius: var(--sb-sys-radius-control);
    background: var(--sb-sys-color-warning-container);
    font-size: var(--sb-sys-font-size-small);
  }

  textarea {
    width: 100%;
    min-height: 3rem;
    padding: var(--sb-sys-space-sm);
    border: 1px solid var(--sb-sys-color-on-surface-muted);
    border-radius: var(--sb-sys-radius-control);
    background: var(--sb-sys-color-surface);
    color: var(--sb-sys-color-on-surface);
    font: inherit;
    box-sizing: border-box;
  }

  .error {
    display: flex;
    gap: var(--sb-sys-space-sm);
    align-items: flex-start;
    margin: 0 0 var(--sb-sys-space-md);
    padding: var(--sb-sys-space-sm) var(--sb-sys-space-md);
    border-radius: var(--sb-sys-radius-control);
    background: var(--sb-sys-color-danger-container);
  }

  .error .icon {
    color: var(--sb-sys-color-danger);
  }

  .confirm {
    flex: 1 1 100%;
    margin: 0;
    font-weight: 600;
  }
`;
