/**
 * In-process event bus: the SIP side announces what happened (registrations, call records, live
 * dialogs) and the events channel fans it out to the browsers of the users concerned.
 */
import { EventEmitter } from 'node:events';
import type { DialogChange } from '../sip/dialogs.js';
import type { Cdr } from '../store/types.js';
import type { PlatformEvent } from '../../src/data/wire.js';
import type { PresenceState } from './presence.js';

export interface PlatformEvents {
  /** A user's first binding appeared or their last one went away. */
  presence: [{ domain: string; extension: string; online: boolean }];
  /** What a user is doing changed (events/presence.ts): registered or not, ringing, on a call. */
  'user-presence': [{ domain: string; extension: string; online: boolean; state: PresenceState }];
  /** A call record was created or changed. */
  cdr: [Cdr];
  /** A live dialog started, ended or was replaced. */
  dialog: [DialogChange];
  /** Personal contacts of a user were created, changed or deleted (ids of them all). */
  contacts: [{ domain: string; extension: string; ids: string[] }];
  /** An event for the events sockets of one device of a user (they name it in their auth). */
  'device-event': [{ domain: string; extension: string; deviceId: string; event: PlatformEvent }];
  /** An event for every events socket of a user. */
  'user-event': [{ domain: string; extension: string; event: PlatformEvent }];
  /** A login's tokens were revoked (logout, or a reused refresh token): its sockets and devices go. */
  'login-ended': [{ domain: string; extension: string; family: string; reason: 'logout' | 'refresh-reuse' }];
  /**
   * A device of a user came online (its first live binding) or went offline (its last one went),
   * or was created, renamed or deleted: the user's other devices refresh their device lists
   * (Switch Phone targets, Settings).
   */
  'devices-changed': [{ domain: string; extension: string; deviceId: string; change: DeviceChange }];
  /** A voicemail message arrived, moved between folders, was transcribed or deleted. */
  voicemail: [{ domain: string; extension: string; id: string; change: 'new' | 'moved' | 'transcribed' | 'deleted' }];
  /** A SIP device was deleted: its registrations and the flows it authenticated must go. */
  'device-removed': [{ domain: string; extension: string; deviceId: string }];
}

export type { DeviceChange } from '../../src/data/wire.js';
import type { DeviceChange } from '../../src/data/wire.js';

export class EventBus extends EventEmitter<PlatformEvents> {}

/**
 * The bus as a port: what publishers and subscribers use. The in-process EventBus is the one
 * implementation today; with several instances, one backed by a broker (PostgreSQL LISTEN/NOTIFY,
 * Redis) takes its place.
 */
export type PlatformBus = Pick<EventBus, 'emit' | 'on' | 'off'>;
/** What a module that only announces needs. */
export type EventPublisher = Pick<EventBus, 'emit'>;
