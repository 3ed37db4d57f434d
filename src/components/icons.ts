/**
 * The small built-in icon set the components draw from. Line icons on a 24-unit grid, stroked
 * with `currentColor`, so an icon takes the colour and size of the text around it. Shapes follow
 * the Feather/Lucide style (ISC/MIT licensed).
 *
 * Icons are always decorative (`aria-hidden`): the control that shows one carries the name.
 */
import { html, svg, type SVGTemplateResult, type TemplateResult } from 'lit';

/** The icons a navigation item may use. */
export type NavIconName =
  | 'contacts'
  | 'history'
  | 'chat'
  | 'rules'
  | 'callcenter'
  | 'park'
  | 'voicemail'
  | 'greetings'
  | 'settings'
  | 'phone';

/** Every icon, including the ones the call controls use. */
export type IconName =
  | NavIconName
  | 'hangup'
  | 'mic'
  | 'mic-off'
  | 'pause'
  | 'play'
  | 'dialpad'
  | 'backspace'
  | 'close'
  | 'logout'
  | 'menu'
  | 'alert'
  | 'add-call'
  | 'transfer'
  | 'switch-phone'
  | 'hide'
  | 'show'
  | 'record'
  | 'stop'
  | 'download'
  | 'trash'
  | 'merge'
  | 'conference'
  | 'drop'
  | 'search'
  | 'check'
  | 'back'
  | 'device'
  | 'pull'
  | 'call-in'
  | 'call-out'
  | 'call-missed'
  | 'attach'
  | 'send'
  | 'add-person'
  | 'file';

const PHONE =
  'M22 16.92v3a2 2 0 0 1-2.18 2 19.79 19.79 0 0 1-8.63-3.07 19.5 19.5 0 0 1-6-6 19.79 19.79 0 0 1-3.07-8.67A2 2 0 0 1 4.11 2h3a2 2 0 0 1 2 1.72c.13.96.36 1.9.7 2.81a2 2 0 0 1-.45 2.11L8.09 9.91a16 16 0 0 0 6 6l1.27-1.27a2 2 0 0 1 2.11-.45c.91.34 1.85.57 2.81.7A2 2 0 0 1 22 16.92z';

const dialpadDots = [4, 10, 16].flatMap((y) => [5, 12, 19].map((x) => svg`<circle cx=${x} cy=${y} r="1.3" />`));

const shapes: Record<IconName, SVGTemplateResult> = {
  phone: svg`<path d=${PHONE} />`,
  // The handset turned down: the universal "end call" glyph.
  hangup: svg`<path d=${PHONE} transform="rotate(135 12 12)" />`,
  contacts: svg`<path d="M17 21v-2a4 4 0 0 0-4-4H5a4 4 0 0 0-4 4v2" /><circle cx="9" cy="7" r="4" />
    <path d="M23 21v-2a4 4 0 0 0-3-3.87" /><path d="M16 3.13a4 4 0 0 1 0 7.75" />`,
  history: svg`<path d="M3 12a9 9 0 1 0 3-6.7L3 8" /><path d="M3 3v5h5" /><path d="M12 7v5l3 2" />`,
  chat: svg`<path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z" />`,
  rules: svg`<path d="M16 3h5v5" /><path d="M8 3H3v5" /><path d="M12 22v-8.3a4 4 0 0 0-1.17-2.87L3 3" />
    <path d="m15 9 6-6" />`,
  callcenter: svg`<path d="M3 11h3a2 2 0 0 1 2 2v3a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-5a9 9 0 0 1 18 0v5a2 2 0 0 1-2 2h-1a2 2 0 0 1-2-2v-3a2 2 0 0 1 2-2h3" />
    <path d="M21 16v2a4 4 0 0 1-4 4h-5" />`,
  park: svg`<rect x="3" y="3" width="18" height="18" rx="2" /><path d="M9 17V7h4a3 3 0 0 1 0 6H9" />`,
  voicemail: svg`<circle cx="6" cy="12" r="4" /><circle cx="18" cy="12" r="4" /><path d="M6 16h12" />`,
  greetings: svg`<path d="m3 11 18-5v12L3 14v-3z" /><path d="M11.6 16.8a3 3 0 1 1-5.8-1.6" />`,
  settings: svg`<path d="M20 7h-9" /><path d="M14 17H5" /><circle cx="17" cy="17" r="3" /><circle cx="7" cy="7" r="3" />`,
  mic: svg`<rect x="9" y="2" width="6" height="13" rx="3" /><path d="M19 10v2a7 7 0 0 1-14 0v-2" /><path d="M12 19v3" />`,
  'mic-off': svg`<path d="m2 2 20 20" /><path d="M18.89 13.23A7.12 7.12 0 0 0 19 12v-2" /><path d="M5 10v2a7 7 0 0 0 12 5" />
    <path d="M15 9.34V5a3 3 0 0 0-5.68-1.33" /><path d="M9 9v3a3 3 0 0 0 5.12 2.12" /><path d="M12 19v3" />`,
  pause: svg`<rect x="6" y="4" width="4" height="16" rx="1" /><rect x="14" y="4" width="4" height="16" rx="1" />`,
  play: svg`<path d="M7 4v16l13-8z" />`,
  dialpad: svg`<g fill="currentColor" stroke="none">${dialpadDots}<circle cx="12" cy="21" r="1.3" /></g>`,
  backspace: svg`<path d="M21 4H8l-7 8 7 8h13a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2z" /><path d="m18 9-6 6" /><path d="m12 9 6 6" />`,
  close: svg`<path d="M18 6 6 18" /><path d="m6 6 12 12" />`,
  logout: svg`<path d="M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4" /><path d="m16 17 5-5-5-5" /><path d="M21 12H9" />`,
  menu: svg`<path d="M4 6h16" /><path d="M4 12h16" /><path d="M4 18h16" />`,
  alert: svg`<circle cx="12" cy="12" r="10" /><path d="M12 8v4" /><path d="M12 16h.01" />`,
  // The handset with a plus where "phone-forwarded" has its arrow.
  'add-call': svg`<path d=${PHONE} /><path d="M19 1v8" /><path d="M15 5h8" />`,
  transfer: svg`<path d=${PHONE} /><path d="m18 1 4 4-4 4" /><path d="M14 5h8" />`,
  // A screen and a phone: the call moves between my devices.
  'switch-phone': svg`<path d="M18 8V6a2 2 0 0 0-2-2H4a2 2 0 0 0-2 2v7a2 2 0 0 0 2 2h8" /><path d="M10 19v-4" />
    <path d="M7 19h5" /><rect x="16" y="11" width="6" height="11" rx="2" />`,
  hide: svg`<path d="M9.88 9.88a3 3 0 1 0 4.24 4.24" /><path d="M10.73 5.08A10.43 10.43 0 0 1 12 5c7 0 10 7 10 7a13.16 13.16 0 0 1-1.67 2.68" />
    <path d="M6.61 6.61A13.53 13.53 0 0 0 2 12s3 7 10 7a9.74 9.74 0 0 0 5.39-1.61" /><path d="m2 2 20 20" />`,
  show: svg`<path d="M2 12s3-7 10-7 10 7 10 7-3 7-10 7-10-7-10-7z" /><circle cx="12" cy="12" r="3" />`,
  record: svg`<circle cx="12" cy="12" r="9" /><circle cx="12" cy="12" r="4" fill="currentColor" />`,
  stop: svg`<circle cx="12" cy="12" r="9" /><rect x="9" y="9" width="6" height="6" rx="1" fill="currentColor" />`,
  download: svg`<path d="M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4" /><path d="m7 10 5 5 5-5" /><path d="M12 15V3" />`,
  trash: svg`<path d="M3 6h18" /><path d="M19 6v14a2 2 0 0 1-2 2H7a2 2 0 0 1-2-2V6" /><path d="M8 6V4a2 2 0 0 1 2-2h4a2 2 0 0 1 2 2v2" />`,
  merge: svg`<path d="m8 6 4-4 4 4" /><path d="M12 2v10.3a4 4 0 0 1-1.17 2.87L4 22" /><path d="m20 22-5-5" />`,
  conference: svg`<path d="M17 21v-2a4 4 0 0 0-4-4H5a4 4 0 0 0-4 4v2" /><circle cx="9" cy="7" r="4" />
    <path d="M23 21v-2a4 4 0 0 0-3-3.87" /><path d="M16 3.13a4 4 0 0 1 0 7.75" />`,
  drop: svg`<path d="M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2" /><circle cx="9" cy="7" r="4" /><path d="M22 11h-6" />`,
  search: svg`<circle cx="11" cy="11" r="8" /><path d="m21 21-4.3-4.3" />`,
  check: svg`<path d="M20 6 9 17l-5-5" />`,
  back: svg`<path d="m12 19-7-7 7-7" /><path d="M19 12H5" />`,
  device: svg`<rect x="5" y="2" width="14" height="20" rx="2" /><path d="M12 18h.01" />`,
  // Arrow into a tray: bring the call down to this device.
  pull: svg`<path d="M12 3v12" /><path d="m7 10 5 5 5-5" /><path d="M5 21h14" />`,
  // Call history: arrows into (incoming) and out of (outgoing) the handset corner; a crossed arrow for missed.
  'call-in': svg`<path d="M17 7 7 17" /><path d="M15 17H7V9" />`,
  'call-out': svg`<path d="M7 17 17 7" /><path d="M9 7h8v8" />`,
  'call-missed': svg`<path d="m3 7 9 9 9-9" /><path d="M3 13V7h6" />`,
  attach: svg`<path d="m21.44 11.05-9.19 9.19a6 6 0 0 1-8.49-8.49l9.19-9.19a4 4 0 0 1 5.66 5.66l-9.2 9.19a2 2 0 0 1-2.83-2.83l8.49-8.48" />`,
  send: svg`<path d="M22 2 11 13" /><path d="M22 2 15 22l-4-9-9-4 20-7z" />`,
  'add-person': svg`<path d="M16 21v-2a4 4 0 0 0-4-4H6a4 4 0 0 0-4 4v2" /><circle cx="9" cy="7" r="4" /><path d="M19 8v6" /><path d="M22 11h-6" />`,
  file: svg`<path d="M14 2H6a2 2 0 0 0-2 2v16a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V8z" /><path d="M14 2v6h6" />`,
};

/** The names a navigation item's `icon` may take, for validating data from elsewhere. */
export const NAV_ICONS: readonly NavIconName[] = [
  'contacts',
  'history',
  'chat',
  'rules',
  'callcenter',
  'park',
  'voicemail',
  'greetings',
  'settings',
  'phone',
];

/** A decorative icon; size it with CSS on `.icon` (defaults to 1.25rem in the shared styles). */
export function icon(name: IconName): TemplateResult {
  return html`<svg
    class="icon"
    viewBox="0 0 24 24"
    fill="none"
    stroke="currentColor"
    stroke-width="2"
    stroke-linecap="round"
    stroke-linejoin="round"
    aria-hidden="true"
    focusable="false"
  >
    ${shapes[name] ?? shapes.phone}
  </svg>`;
}
