/**
 * What the HTTP routes and the events channel may know of the SIP side: who is registered, on
 * which devices, and the live calls of a user; plus the one change they make (a device's new
 * label). They never reach into the registrar's bindings or the dialog store's maps, so the SIP
 * state can later live elsewhere (another process, a shared store) behind this same interface.
 */
import { sideOf, type DialogParty, type LiveDialog } from './dialogs.js';
import type { DialogStore, LocationService } from './ports.js';

export interface Registration {
  deviceId: string;
  contact: string;
  userAgent: string;
  /** Its connection is open now. */
  online: boolean;
  registeredAt: number;
  expiresAt: number;
}

/** One user's side of a live call. */
export interface CallLeg {
  dialog: LiveDialog;
  me: DialogParty;
}

export interface SipQueries {
  isOnline(domain: string, extension: string): boolean;
  /** Live registrations of the user's devices. */
  registrations(domain: string, extension: string): Registration[];
  /** Every leg the user has in live calls (both legs when they call their own other device). */
  callLegs(domain: string, extension: string): CallLeg[];
  /** The user's leg of one call, if they are on it. */
  callLeg(domain: string, extension: string, callId: string): CallLeg | undefined;
  relabelDevice(deviceId: string, label: string): void;
}

export function sipQueries(registrar: LocationService, dialogs: DialogStore): SipQueries {
  return {
    isOnline: (domain, extension) => registrar.isOnline(domain, extension),
    registrations: (domain, extension) => registrar.lookup(domain, extension).map((b) => ({
      deviceId: b.deviceId, contact: b.contact, userAgent: b.userAgent, online: b.flow.isOpen, registeredAt: b.registeredAt, expiresAt: b.expiresAt,
    })),
    callLegs(domain, extension) {
      return dialogs.dialogsOf(domain, extension).flatMap((dialog) =>
        [dialog.caller, dialog.callee].filter((p) => p.domain === domain && p.extension === extension).map((me) => ({ dialog, me })));
    },
    callLeg(domain, extension, callId) {
      const dialog = dialogs.dialogsOf(domain, extension).find((d) => d.callId === callId);
      const me = dialog && sideOf(dialog, domain, extension)?.me;
      return dialog && me ? { dialog, me } : undefined;
    },
    relabelDevice(deviceId, label) {
      registrar.relabelDevice(deviceId, label);
      dialogs.relabelDevice(deviceId, label);
    },
  };
}
