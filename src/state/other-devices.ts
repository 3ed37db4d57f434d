/**
 * Switch Phone: my calls on my other devices, and calls being moved here.
 *
 * - Push: from a live call here, `offerTo(device)` asks the platform to offer the call to
 *   another of my devices; that device rings, and when answered it takes the call over with an
 *   INVITE carrying Replaces (RFC 3891). Unanswered offers expire: the call stays here. An
 *   offer shown here goes when the platform says it ended (`switch-offer-ended`: taken,
 *   declined on another tab, the call ended, superseded, expired) or at its `expires_at`.
 * - Pull: the platform tells every device of mine about my live calls (`calls` events); a call
 *   on another device can be pulled here the same way, with one click.
 * - Devices: the list of my devices is fetched again whenever the platform says one of them came
 *   online, went offline, or was added, renamed or removed (`devices-changed`), so a call here
 *   offers Switch Phone as soon as another device of mine registers. Labels are readable names
 *   ("Chrome on Linux", or what the user called it), never the raw browser identifier.
 */
import type { CallsResource } from '../data/resources/calls.js';
import type { DevicesResource } from '../data/resources/devices.js';
import type { DeviceInfo } from '../data/wire.js';
import { PlatformEventMessage, type EventsClient, type LiveCall, type SwitchOffer } from '../data/events.js';
import type { CallStore } from './call-store.js';
import type { Phone, PhoneCall } from '../phone/types.js';
import { readableLabel } from '../data/device-label.js';

/** What OtherDevices asks of the platform: my devices, and Switch Phone offers of my calls. */
export interface OtherDevicesApi {
  devices: Pick<DevicesResource, 'list' | 'rename'>;
  calls: Pick<CallsResource, 'offerSwitch' | 'declineSwitch'>;
}

/** One of my devices as Settings and the Switch Phone picker show it. */
export interface MyDevice {
  id: string;
  /** What the user named it, or a readable default ("Chrome on Linux"). */
  label: string;
  online: boolean;
  /** This browser. */
  current: boolean;
}

export class OtherDevicesChangedEvent extends Event {
  static readonly eventName = 'other-devices-changed' as const;
  constructor() {
    super(OtherDevicesChangedEvent.eventName);
  }
}

/**
 * The least time an arriving offer stays up by the local clock. The platform sends an offer
 * while it is live (the socket keeps its events in order, so an ending comes after it), and
 * `expires_at` is on the platform's clock: a clock here that runs ahead must not hide it.
 */
const MIN_OFFER_MS = 5_000;

export class OtherDevices extends EventTarget {
  /** My live calls as the platform sees them, on every device. */
  private live: LiveCall[] = [];
  private offerList: SwitchOffer[] = [];
  /** The timer that drops each offer at its `expires_at`. */
  private readonly offerTimers = new Map<string, ReturnType<typeof setTimeout>>();
  private devices: DeviceInfo[] = [];

  constructor(
    private readonly api: OtherDevicesApi,
    private readonly phone: Phone,
    private readonly calls: CallStore,
    events: EventsClient,
    /** This browser's device id (null until the device exists). */
    private readonly myDeviceId: () => string | null,
  ) {
    super();
    events.addEventListener('platform-calls', (e) => {
      const data = (e as PlatformEventMessage).data;
      if (data.type !== 'calls') return;
      this.live = data.calls;
      void this.refreshDevices();
      this.changed();
    });
    events.addEventListener('platform-switch-offer', (e) => {
      const data = (e as PlatformEventMessage).data;
      if (data.type !== 'switch-offer') return;
      const { type: _type, ...offer } = data;
      // Dropped at expires_at, or sooner when the platform says it ended (switch-offer-ended).
      const left = Math.max(MIN_OFFER_MS, Date.parse(offer.expires_at) - Date.now() || 0);
      this.offerList = [...this.offerList.filter((o) => o.offer_id !== offer.offer_id), offer];
      clearTimeout(this.offerTimers.get(offer.offer_id));
      this.offerTimers.set(offer.offer_id, setTimeout(() => this.dropOffer(offer.offer_id), left));
      this.changed();
    });
    // Another device of mine registered, went away, or was renamed: Switch Phone targets change.
    events.addEventListener('platform-devices-changed', () => void this.refreshDevices());
    events.addEventListener('platform-switch-offer-ended', (e) => {
      const data = (e as PlatformEventMessage).data;
      if (data.type !== 'switch-offer-ended') return;
      this.dropOffer(data.offer_id);
    });
  }

  /** Calls of mine that are live on another device (candidates for pulling). */
  get elsewhere(): LiveCall[] {
    const me = this.myDeviceId();
    return this.live.filter((c) => c.device_id !== me);
  }

  get offers(): SwitchOffer[] {
    return this.offerList;
  }

  /** Every device of mine, this one first (Settings: rename them). */
  get myDevices(): MyDevice[] {
    const me = this.myDeviceId();
    const all = this.devices.map((d) => ({
      id: d.id, label: readableLabel(d.label), online: d.online ?? d.registrations.length > 0, current: d.id === me,
    }));
    return [...all.filter((d) => d.current), ...all.filter((d) => !d.current)];
  }

  /** My other devices that are online now (targets for Switch Phone). */
  get onlineDevices(): MyDevice[] {
    return this.myDevices.filter((d) => !d.current && d.online);
  }

  /**
   * What the Switch Phone picker lists: this device, marked "(this device)" and not a target,
   * then the other devices online now.
   */
  get pickerDevices(): MyDevice[] {
    return this.myDevices.filter((d) => d.current || d.online);
  }

  async refreshDevices(): Promise<void> {
    try {
      this.devices = await this.api.devices.list();
      this.changed();
    } catch {
      /* keep the last list */
    }
  }

  /** Renames one of my devices; rejects with the platform's reason (in words) when it refuses. */
  async rename(deviceId: string, label: string): Promise<void> {
    const updated = await this.api.devices.rename(deviceId, label);
    this.devices = this.devices.map((d) => (d.id === deviceId ? { ...d, label: updated.label } : d));
    this.changed();
  }

  /** Switch Phone: offers a call of mine here to another of my devices. */
  async offerTo(call: PhoneCall, deviceId: string): Promise<void> {
    const callId = call.dialog?.callId;
    if (!callId) throw new Error('The call is not connected yet');
    await this.api.calls.offerSwitch(callId, deviceId);
  }

  /** Pull: takes a call over from another of my devices. */
  pull(callId: string): void {
    const live = this.live.find((c) => c.call_id === callId);
    if (live) this.takeOver(live);
  }

  answerOffer(offerId: string): void {
    const offer = this.offerList.find((o) => o.offer_id === offerId);
    if (!offer) return;
    this.dropOffer(offerId);
    this.takeOver(offer.call);
  }

  async declineOffer(offerId: string): Promise<void> {
    const offer = this.offerList.find((o) => o.offer_id === offerId);
    this.dropOffer(offerId);
    if (offer) await this.api.calls.declineSwitch(offer.call.call_id, offerId).catch(() => undefined);
  }

  /**
   * Replaces the other device's leg with one from here. The dialog ids are that leg's, as the
   * platform reported them from my side: local tag = my tag, remote tag = the other party's.
   */
  private takeOver(live: LiveCall): void {
    const call = this.phone.callReplacing(live.remote.number, { callId: live.call_id, localTag: live.local_tag, remoteTag: live.remote_tag });
    this.calls.adopt(call);
  }

  private dropOffer(offerId: string): void {
    clearTimeout(this.offerTimers.get(offerId));
    this.offerTimers.delete(offerId);
    const before = this.offerList.length;
    this.offerList = this.offerList.filter((o) => o.offer_id !== offerId);
    if (this.offerList.length !== before) this.changed();
  }

  private changed(): void {
    this.dispatchEvent(new OtherDevicesChangedEvent());
  }
}
