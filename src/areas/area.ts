/**
 * What an area of the app is: one entry of the navigation pane, one path, and a view that is
 * loaded the first time the area opens (a dynamic import, so an area costs nothing at start-up).
 * An area is added by adding its folder under src/views/ with an `area.ts` that exports one of
 * these, and one line in ./registry.ts.
 */
import type { NavIconName } from '../components/icons.js';
import type { AccountResource } from '../data/resources/account.js';
import type { GreetingsResource } from '../data/resources/greetings.js';
import type { AnsweringRules } from '../state/answering-rules.js';
import type { Conversations } from '../state/conversations.js';
import type { SharedVoicemail } from '../state/shared-voicemail.js';
import type { VoicemailBox } from '../state/voicemail-box.js';

/** A count shown on an area's navigation item (missed calls, new voicemail, unread messages). */
export interface BadgeSource extends EventTarget {
  readonly count: number;
}

/** Fired by a {@link BadgeSource} when its count changed. */
export const BADGE_CHANGED = 'badge-changed' as const;

/**
 * The app services areas use: the composition root (main.ts) builds them, the shell hands them
 * to the areas' hooks and to their views (app/contexts.ts `areaServicesContext`). A new area's
 * service is a new optional member here and one line in main.ts.
 */
export interface AreaServices {
  /** Missed calls not yet seen in Call History. */
  missedCalls?: BadgeSource & { setViewing(viewing: boolean): void };
  /** My voicemail box (its count of new messages is the Voicemail badge). */
  voicemail?: VoicemailBox;
  /** My voicemail greetings on the platform. */
  greetings?: GreetingsResource;
  /** The voicemail boxes granted to me. */
  sharedVoicemail?: SharedVoicemail;
  /** My settings on the platform (ring time, voicemail PIN). */
  account?: AccountResource;
  /** My answering rules and time frames (with the phone: it loads after sign-in). */
  answeringRules?: AnsweringRules;
  /** Chat and SMS: my conversations, their cards on the grid, the unread count (the badge). */
  conversations?: Conversations;
}

export interface AreaDefinition {
  id: string;
  label: string;
  icon: NavIconName;
  /** The URL path that opens it (unique among areas; '/' is the bare workspace). */
  path: string;
  /** The custom element of its view; `load()` defines it. */
  tag: string;
  /** Imports the view's module. Called once, the first time the area is shown. */
  load: () => Promise<unknown>;
  /**
   * Whether the area is offered to this user (e.g. Shared Voicemail only with a granted box);
   * always when absent. Its badge source fires BADGE_CHANGED when this changes.
   */
  available?: (services: AreaServices) => boolean;
  /** Where its navigation badge comes from, if it has one. */
  badge?: (services: AreaServices) => BadgeSource | undefined;
  /** The area was shown (true) or closed (false). */
  visible?: (services: AreaServices, visible: boolean) => void;
  /** Another area asked to open this one with something to do (e.g. a contact to add). */
  open?: (view: HTMLElement, params: Readonly<Record<string, unknown>>) => void;
}
