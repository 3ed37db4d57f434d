import { css } from 'lit';

/** The styles of <sb-card-grid> (sb-card-grid.ts). */
export const cardGridStyles = css`
  :host {
    display: block;
    --_gap: var(--sb-card-grid-gap, var(--sb-sys-space-md));
    --_min: var(--sb-card-grid-min-column, 20rem);
  }

  .grid {
    display: grid;
    gap: var(--_gap);
    /* At least --_min wide, and never more than three columns however wide the grid. */
    grid-template-columns: repeat(auto-fill, minmax(min(100%, max(var(--_min), (100% - 2 * var(--_gap)) / 3)), 1fr));
    align-items: start;
  }

  [hidden] {
    display: none;
  }
`;
