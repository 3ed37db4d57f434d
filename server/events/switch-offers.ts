/**
 * Switch Phone offers: "take this call on that device". An offer goes to the events sockets of
 * the chosen device and lives until that device takes the call (its INVITE with Replaces is
 * answered), declines, the call ends, a newer offer for the call supersedes it, or it expires.
 * Every ending is announced to all of the user's sockets, so both devices can drop their prompt.
 *
 *   offered --INVITE+Replaces from the target device answered--> accepted
 *      |-----decline (REST)---> declined       |--call ended--> call-ended
 *      |-----ttl elapsed------> expired        '--new offer---> superseded
 */
import { randomUUID } from 'node:crypto';
import type { DialogChange, DialogParty, LiveDialog } from '../sip/dialogs.js';
import { liveCallView } from '../views/live-call.js';
import type { PlatformBus } from './bus.js';
import type { SwitchOfferEnd } from '../../src/data/wire.js';

export const SWITCH_OFFER_TTL_MS = 30_000;

export type OfferEnd = SwitchOfferEnd;

export interface SwitchOffer {
  id: string;
  domain: string;
  extension: string;
  callId: string;
  /** The device asked to take the call. */
  deviceId: string;
  expiresAt: number;
  timer: NodeJS.Timeout;
}

export class SwitchOffers {
  private readonly offers = new Map<string, SwitchOffer>();

  constructor(private readonly bus: PlatformBus, private readonly ttlMs = SWITCH_OFFER_TTL_MS, private readonly now: () => number = Date.now) {
    bus.on('dialog', (change) => this.dialogChanged(change));
  }

  get size(): number {
    return this.offers.size;
  }

  /** Offers `me`'s leg of `dialog` to another device of the same user. */
  create(dialog: LiveDialog, me: DialogParty, deviceId: string): SwitchOffer {
    for (const o of this.offers.values()) {
      if (o.callId === dialog.callId && o.domain === me.domain && o.extension === me.extension) this.end(o, 'superseded');
    }
    const offer: SwitchOffer = {
      id: randomUUID(), domain: me.domain, extension: me.extension, callId: dialog.callId, deviceId,
      expiresAt: this.now() + this.ttlMs,
      timer: setTimeout(() => this.end(offer, 'expired'), this.ttlMs),
    };
    offer.timer.unref();
    this.offers.set(offer.id, offer);
    this.bus.emit('device-event', {
      domain: me.domain, extension: me.extension, deviceId,
      event: {
        type: 'switch-offer', offer_id: offer.id, call: liveCallView({ dialog, me }),
        from_device_label: me.deviceLabel, expires_at: new Date(offer.expiresAt).toISOString(),
      },
    });
    return offer;
  }

  /** The target refuses; false when there is no such live offer of this user and call. */
  decline(domain: string, extension: string, callId: string, offerId: string): boolean {
    const offer = this.offers.get(offerId);
    if (!offer || offer.domain !== domain || offer.extension !== extension || offer.callId !== callId) return false;
    this.end(offer, 'declined');
    return true;
  }

  stop(): void {
    for (const o of this.offers.values()) clearTimeout(o.timer);
    this.offers.clear();
  }

  private dialogChanged(change: DialogChange): void {
    if (change.kind === 'started') return;
    for (const offer of [...this.offers.values()]) {
      if (offer.callId !== change.dialog.callId) continue;
      if (change.kind === 'ended') {
        this.end(offer, 'call-ended');
        continue;
      }
      // Replaced: taken by the offered device, or by something else (then the offer is moot).
      const { by } = change;
      const mine = [by.caller, by.callee].find((p) => p.domain === offer.domain && p.extension === offer.extension);
      this.end(offer, mine?.deviceId === offer.deviceId ? 'accepted' : 'call-ended');
    }
  }

  private end(offer: SwitchOffer, reason: OfferEnd): void {
    if (!this.offers.delete(offer.id)) return;
    clearTimeout(offer.timer);
    this.bus.emit('user-event', {
      domain: offer.domain, extension: offer.extension,
      event: { type: 'switch-offer-ended', offer_id: offer.id, call_id: offer.callId, reason },
    });
  }
}
