/**
 * The SIP core's ports besides the transport (flow.ts): where bindings and dialogs are kept.
 * The in-memory implementations (Registrar, DialogRegistry) are the default; a shared store
 * can take their place when several instances serve one organisation.
 */
import type { LiveDialog, ReplacesMatch } from './dialogs.js';
import type { Binding } from './registrar.js';

/** The location service (RFC 3261 s10): live bindings of users' devices to flows. */
export interface LocationService {
  /** Unexpired bindings on open flows. */
  lookup(domain: string, extension: string): Binding[];
  isOnline(domain: string, extension: string): boolean;
  relabelDevice(deviceId: string, label: string): void;
}

/** The confirmed dialogs the proxy record-routes (see dialogs.ts for their life). */
export interface DialogStore {
  add(dialog: LiveDialog): void;
  find(callId: string, tagA: string, tagB: string): LiveDialog | undefined;
  hasCall(callId: string): boolean;
  /** A live call, or one replaced moments ago (its closing BYE may still come). */
  isKnownCall(callId: string): boolean;
  matchReplaces(callId: string, toTag: string, fromTag: string, domain: string, extension: string): ReplacesMatch | null;
  dialogsOf(domain: string, extension: string): LiveDialog[];
  dialogsOfFlow(flowId: string): LiveDialog[];
  all(): LiveDialog[];
  remove(dialog: LiveDialog, reason: 'bye' | 'flow-closed' | 'gone'): boolean;
  replace(old: LiveDialog, by: LiveDialog): void;
  relabelDevice(deviceId: string, label: string): void;
}
