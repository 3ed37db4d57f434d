/**
 * Narrow contexts, one per concern (Home Assistant's direction, not one god object): views ask
 * for exactly the service they use; components never do.
 */
import { createContext } from '@lit/context';
import type { AreaServices } from '../areas/area.js';
import type { RecordingsResource } from '../data/resources/recordings.js';
import type { CallHistory } from '../state/call-history.js';
import type { CallStore } from '../state/call-store.js';
import type { ContactBook } from '../state/contact-book.js';
import type { Directory } from '../state/directory.js';
import type { OtherDevices } from '../state/other-devices.js';
import type { PhoneLine } from '../state/phone-line.js';
import type { CallRecordings } from '../state/recordings.js';
import type { Session } from '../state/session.js';
import type { SettingsStore } from '../state/settings.js';
import type { InstallHelper } from './install-prompt.js';

export const sessionContext = createContext<Session | undefined>(Symbol('session'));
export const callStoreContext = createContext<CallStore | undefined>(Symbol('call-store'));
export const phoneLineContext = createContext<PhoneLine | undefined>(Symbol('phone-line'));
export const settingsContext = createContext<SettingsStore | undefined>(Symbol('settings'));
export const directoryContext = createContext<Directory | undefined>(Symbol('directory'));
export const otherDevicesContext = createContext<OtherDevices | undefined>(Symbol('other-devices'));
export const recordingsContext = createContext<CallRecordings | undefined>(Symbol('recordings'));
export const installContext = createContext<InstallHelper | undefined>(Symbol('install'));
export const contactBookContext = createContext<ContactBook | undefined>(Symbol('contact-book'));
export const callHistoryContext = createContext<CallHistory | undefined>(Symbol('call-history'));
/** The platform's call recordings (list, audio, delete), for the Recordings area. */
export const recordingsApiContext = createContext<RecordingsResource | undefined>(Symbol('recordings-api'));
/** The services of the areas (areas/area.ts AreaServices), one context for all of them. */
export const areaServicesContext = createContext<AreaServices>(Symbol('area-services'));
