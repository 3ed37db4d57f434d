/**
 * The live dialog registry: every confirmed INVITE dialog the proxy has record-routed, with who
 * is on each end (user, device, flow, tag). It answers "which calls does this user have right
 * now, on which device" (events channel, Switch Phone) and "which flow holds the dialog this
 * Replaces header names" (RFC 3891 routing in the proxy).
 *
 *   2xx to an initial INVITE --> confirmed --BYE (either side)-----------> gone
 *                                    |------flow of either party closes--> gone
 *                                    '------INVITE+Replaces answered-----> replaced by the new one
 *
 * Early dialogs are not kept: an INVITE that ends without a 2xx never enters the registry.
 */

import type { DialogStore } from './ports.js';

export interface DialogParty {
  domain: string;
  extension: string;
  name: string;
  /** This party's dialog tag (From tag of the caller, To tag of the callee). */
  tag: string;
  /** The WebSocket flow this party's UA uses for the dialog. */
  flowId: string;
  deviceId: string | null;
  deviceLabel: string;
  /** The address this party has in the dialog (From or To URI, without tag). */
  uri: string;
  /** The party's remote target (Contact), where a request on behalf of the other side goes. */
  contact: string;
  /** Highest CSeq number this party has sent in the dialog. */
  cseq: number;
}

export interface LiveDialog {
  callId: string;
  caller: DialogParty;
  callee: DialogParty;
  /** When the conversation started (kept across a Switch Phone, which replaces the dialog). */
  startedAt: number;
}

export type DialogChange =
  | { kind: 'started'; dialog: LiveDialog }
  | { kind: 'ended'; dialog: LiveDialog; reason: 'bye' | 'flow-closed' | 'gone' }
  | { kind: 'replaced'; dialog: LiveDialog; by: LiveDialog };

export interface ReplacesMatch {
  dialog: LiveDialog;
  /** The party that receives the INVITE with Replaces and keeps talking. */
  target: DialogParty;
  /** The party whose leg is dropped. */
  replaced: DialogParty;
}

/** How long a replaced dialog's route stays usable for its closing BYE (Timer J, 32 s). */
const REPLACED_GRACE_MS = 32_000;

const userKey = (domain: string, extension: string) => `${extension}@${domain}`;

export class DialogRegistry implements DialogStore {
  private readonly byCallId = new Map<string, LiveDialog[]>();
  private readonly byUser = new Map<string, Set<LiveDialog>>();

  /** `changed` runs after every change (the platform turns it into a bus event). */
  /** When each recently replaced dialog's Call-ID was replaced (see isKnownCall). */
  private readonly replacedAt = new Map<string, number>();

  constructor(
    private readonly changed: (change: DialogChange) => void = () => {},
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    let n = 0;
    for (const list of this.byCallId.values()) n += list.length;
    return n;
  }

  add(dialog: LiveDialog): void {
    this.insert(dialog);
    this.changed({ kind: 'started', dialog });
  }

  /** The dialog of `callId` whose two tags are `tagA` and `tagB`, in either order. */
  find(callId: string, tagA: string, tagB: string): LiveDialog | undefined {
    return this.byCallId.get(callId)?.find((d) =>
      (d.caller.tag === tagA && d.callee.tag === tagB) || (d.caller.tag === tagB && d.callee.tag === tagA));
  }

  hasCall(callId: string): boolean {
    return this.byCallId.has(callId);
  }

  /**
   * Resolves a Replaces header (RFC 3891 s3) to a dialog and its two ends. RFC 3891 puts the
   * recipient's own tag in to-tag, but JsSIP writes the tags in the order of the original INVITE
   * and matches either order itself (UA._findDialog), so we do too: the tags find the dialog, and
   * the target is the party the INVITE is addressed to (`domain`/`extension`). Only when both
   * ends are that same user (a call to one's own other device) does to-tag decide.
   */
  matchReplaces(callId: string, toTag: string, fromTag: string, domain: string, extension: string): ReplacesMatch | null {
    const dialog = this.find(callId, toTag, fromTag);
    if (!dialog) return null;
    const { caller, callee } = dialog;
    const isCaller = caller.domain === domain && caller.extension === extension;
    const isCallee = callee.domain === domain && callee.extension === extension;
    if (isCaller && isCallee) {
      return caller.tag === toTag ? { dialog, target: caller, replaced: callee } : { dialog, target: callee, replaced: caller };
    }
    if (isCaller) return { dialog, target: caller, replaced: callee };
    if (isCallee) return { dialog, target: callee, replaced: caller };
    return null;
  }

  dialogsOf(domain: string, extension: string): LiveDialog[] {
    return [...(this.byUser.get(userKey(domain, extension)) ?? [])].sort((a, b) => a.startedAt - b.startedAt);
  }

  all(): LiveDialog[] {
    return [...this.byCallId.values()].flat();
  }

  dialogsOfFlow(flowId: string): LiveDialog[] {
    const out: LiveDialog[] = [];
    for (const list of this.byCallId.values()) {
      for (const d of list) if (d.caller.flowId === flowId || d.callee.flowId === flowId) out.push(d);
    }
    return out;
  }

  /** Removes a dialog; false when it was not (or no longer) registered. */
  remove(dialog: LiveDialog, reason: 'bye' | 'flow-closed' | 'gone'): boolean {
    if (!this.delete(dialog)) return false;
    this.changed({ kind: 'ended', dialog, reason });
    return true;
  }

  /** `by` takes the place of `old` (INVITE with Replaces answered, RFC 3891 s3). */
  replace(old: LiveDialog, by: LiveDialog): void {
    this.delete(old);
    this.insert(by);
    const now = this.now();
    // Oldest first (insertion order): forget the ones past their grace, so the map stays small.
    for (const [callId, at] of this.replacedAt) {
      if (now - at < REPLACED_GRACE_MS) break;
      this.replacedAt.delete(callId);
    }
    this.replacedAt.delete(old.callId);
    this.replacedAt.set(old.callId, now);
    this.changed({ kind: 'replaced', dialog: old, by });
  }

  /**
   * Whether a call is live, or was replaced within REPLACED_GRACE_MS: the BYE that ends a
   * replaced dialog follows the replacement (RFC 3891 s3) and still travels its route.
   */
  isKnownCall(callId: string): boolean {
    if (this.byCallId.has(callId)) return true;
    const at = this.replacedAt.get(callId);
    if (at === undefined) return false;
    if (this.now() - at < REPLACED_GRACE_MS) return true;
    this.replacedAt.delete(callId);
    return false;
  }

  /** A renamed device: its legs of live calls carry the new label. */
  relabelDevice(deviceId: string, label: string): void {
    for (const list of this.byCallId.values()) {
      for (const d of list) for (const p of [d.caller, d.callee]) if (p.deviceId === deviceId) p.deviceLabel = label;
    }
  }

  private insert(dialog: LiveDialog): void {
    const list = this.byCallId.get(dialog.callId) ?? [];
    list.push(dialog);
    this.byCallId.set(dialog.callId, list);
    for (const p of [dialog.caller, dialog.callee]) {
      const key = userKey(p.domain, p.extension);
      const set = this.byUser.get(key) ?? new Set();
      set.add(dialog);
      this.byUser.set(key, set);
    }
  }

  private delete(dialog: LiveDialog): boolean {
    const list = this.byCallId.get(dialog.callId);
    const i = list?.indexOf(dialog) ?? -1;
    if (!list || i < 0) return false;
    list.splice(i, 1);
    if (list.length === 0) this.byCallId.delete(dialog.callId);
    for (const p of [dialog.caller, dialog.callee]) {
      const key = userKey(p.domain, p.extension);
      const set = this.byUser.get(key);
      set?.delete(dialog);
      if (set?.size === 0) this.byUser.delete(key);
    }
    return true;
  }
}

/** The party of `dialog` that belongs to `domain`/`extension` (the caller when both do), and the other. */
export function sideOf(dialog: LiveDialog, domain: string, extension: string): { me: DialogParty; other: DialogParty } | null {
  if (dialog.caller.domain === domain && dialog.caller.extension === extension) return { me: dialog.caller, other: dialog.callee };
  if (dialog.callee.domain === domain && dialog.callee.extension === extension) return { me: dialog.callee, other: dialog.caller };
  return null;
}
