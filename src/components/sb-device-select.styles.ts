import { css } from 'lit';
import { baseStyles, fieldStyles } from './shared-styles.js';

/** The styles of <sb-device-select> (sb-device-select.ts). */
export const deviceSelectStyles = [
  baseStyles,
  fieldStyles,
  css`
    :host {
      display: block;
    }
    select {
      cursor: pointer;
    }
  `,
];
