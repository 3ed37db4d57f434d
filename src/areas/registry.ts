/**
 * The areas of the app, in navigation order. Only areas that work are listed: an area that is
 * not built yet is not shown at all (no dead links). Each line imports only a small definition;
 * the views themselves load on demand.
 */
import type { AreaDefinition } from './area.js';
import { contactsArea } from '../views/contacts/area.js';
import { historyArea } from '../views/history/area.js';
import { recordingsArea } from '../views/recordings/area.js';
import { settingsArea } from '../views/settings/area.js';
import { voicemailArea } from '../views/voicemail/area.js';
import { greetingsArea } from '../views/greetings/area.js';
import { sharedVoicemailArea } from '../views/shared-voicemail/area.js';
import { messagesArea } from '../views/messages/area.js';
import { answeringRulesArea } from '../views/answering-rules/area.js';

export const AREAS: ReadonlyArray<AreaDefinition> = [contactsArea, historyArea, voicemailArea, greetingsArea, sharedVoicemailArea, messagesArea, answeringRulesArea, recordingsArea, settingsArea];

/** The area a path opens, or undefined for the bare workspace (or an unknown path). */
export function areaForPath(areas: ReadonlyArray<AreaDefinition>, path: string): AreaDefinition | undefined {
  return areas.find((a) => a.path === path);
}
