/**
 * What a colleague is doing, as the directory shows it: `on-call` (a party of an answered call,
 * or calling someone), `ringing` (a call to them is ringing and they are on no other), `online`
 * (a device registered) or `offline`.
 *
 * Registration comes from the registrar's `presence` events; calls from the call records the
 * proxy writes (`cdr` events: an open record is a live call attempt, its disposition says whether
 * it is still ringing), so this follows every path the records follow (BYE, a dropped flow,
 * Switch Phone, transfers) without a second bookkeeping of dialogs. Each change of a user's
 * state is announced as a `user-presence` bus event, which the events channel sends as its
 * `presence` event (with the older `online` field kept beside `state`).
 */
import type { Cdr } from '../store/types.js';
import type { EventBus } from './bus.js';

export type { PresenceState } from '../../src/data/wire.js';
import type { PresenceState } from '../../src/data/wire.js';

export interface PresenceSource {
  isOnline(domain: string, extension: string): boolean;
}

type Activity = 'ringing' | 'on-call';

const userKey = (domain: string, extension: string) => `${extension}@${domain}`;

export class Presence {
  /** Open call records by record id: whose, and what they say the user is doing. */
  private readonly open = new Map<number, { key: string; activity: Activity }>();
  /** How many open records of each kind each user has. */
  private readonly counts = new Map<string, { ringing: number; 'on-call': number }>();

  constructor(private readonly bus: EventBus, private readonly registrations: PresenceSource) {
    bus.on('presence', ({ domain, extension }) => this.announce(domain, extension));
    bus.on('cdr', (cdr) => this.recordChanged(cdr));
  }

  state(domain: string, extension: string): PresenceState {
    const counts = this.counts.get(userKey(domain, extension));
    if (counts && counts['on-call'] > 0) return 'on-call';
    if (counts && counts.ringing > 0) return 'ringing';
    return this.registrations.isOnline(domain, extension) ? 'online' : 'offline';
  }

  private recordChanged(cdr: Cdr): void {
    const key = userKey(cdr.domain, cdr.extension);
    const before = this.state(cdr.domain, cdr.extension);
    const previous = this.open.get(cdr.id);
    if (previous) {
      this.count(previous.key, previous.activity, -1);
      this.open.delete(cdr.id);
    }
    const activity = activityOf(cdr);
    if (activity) {
      this.open.set(cdr.id, { key, activity });
      this.count(key, activity, 1);
    }
    if (this.state(cdr.domain, cdr.extension) !== before) this.announce(cdr.domain, cdr.extension);
  }

  private count(key: string, activity: Activity, delta: number): void {
    const counts = this.counts.get(key) ?? { ringing: 0, 'on-call': 0 };
    counts[activity] += delta;
    if (counts.ringing <= 0 && counts['on-call'] <= 0) this.counts.delete(key);
    else this.counts.set(key, counts);
  }

  private announce(domain: string, extension: string): void {
    this.bus.emit('user-presence', {
      domain, extension, online: this.registrations.isOnline(domain, extension), state: this.state(domain, extension),
    });
  }
}

/** What an open record says its user is doing; null for a record of a call that is over. */
function activityOf(cdr: Cdr): Activity | null {
  if (cdr.endedAt !== null) return null;
  if (cdr.disposition === 'answered') return 'on-call';
  if (cdr.disposition !== 'ringing') return null;
  // Calling out counts as being on a call (the line is taken); a call in is ringing.
  return cdr.direction === 'outbound' ? 'on-call' : 'ringing';
}
