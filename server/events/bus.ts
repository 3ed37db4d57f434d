/**
 * In-process event bus: the SIP side announces what happened (registrations, call records) and
 * the events channel fans it out to the browsers of the users concerned.
 */
import { EventEmitter } from 'node:events';
import type { Cdr } from '../store/types.js';

export interface PlatformEvents {
  /** A user's first binding appeared or their last one went away. */
  presence: [{ domain: string; extension: string; online: boolean }];
  /** A call record was created or changed. */
  cdr: [Cdr];
}

export class EventBus extends EventEmitter<PlatformEvents> {}
