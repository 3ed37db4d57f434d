/**
 * The call router: for every new out-of-dialog request, who is calling whom and the callee's
 * state in, a plan out. Pure (no sockets, no store), so each policy is unit-tested as data.
 *
 * The default policy: a number that names a platform service goes to it (`*97` and `*98` the
 * mailbox by phone, when voicemail runs; `caller` is always the authenticated user, caller-auth.ts,
 * so `*97` opens their own box without a PIN); an unknown number is
 * refused (403 for an outside number, which needs trunks; 404 for anything else, a device's SIP
 * username included: it is an address to register and call from, not to dial); a user with
 * no device that can ring is unavailable (480); a user busy on every device with call waiting
 * off is busy (486); anyone else rings on all their devices at once until their ring timeout
 * (480 No Answer after it). A callee's active answering rule (DND, forwarding, simultaneous
 * ring) replaces this for their calls (rule-plan.ts).
 */
import type { OutsideCallsPhrase } from '../../../src/data/wire.js';
import type { AnswerRuleActions } from '../../../src/data/wire.js';
import type { Account } from '../identity.js';
import type { CallPlan } from './plan.js';
import { planForRule } from './rule-plan.js';

/** What the router knows about the user being called. */
export interface CalleeState {
  user: Account;
  /** Seconds their devices ring before the call counts as unanswered. */
  ringNoAnswerTimeoutS: number;
  /** Live devices that could ring (the caller's own device not counted). */
  devices: number;
  /** Of those devices, how many are on a call now. */
  devicesOnCall: number;
  /** A second call may ring a device that is on a call (on for everyone until answering rules). */
  callWaiting: boolean;
  /** What the callee's active answering rule does; null: the default (ring my devices, then voicemail). */
  rule: AnswerRuleActions | null;
}

export interface RouteInput {
  /** INVITE, or another out-of-dialog request (MESSAGE, OPTIONS, SUBSCRIBE) to a user. */
  method: string;
  caller: Account;
  domain: string;
  /** The user part of the Request-URI. */
  dialled: string;
  /** Null when `dialled` is no user of the domain. */
  callee: CalleeState | null;
  /** `*<extension>` was dialled: the callee's voicemail, without ringing them. */
  straightToVoicemail?: boolean;
}

export interface CallRouter {
  route(input: RouteInput): CallPlan;
}

/** A telephone number (7 to 15 digits, E.164's longest, optional +) rather than an extension. */
export const OUTSIDE_NUMBER = /^\+?\d{7,15}$/;
export const OUTSIDE_PHRASE: OutsideCallsPhrase = 'Outside Calls Not Set Up';

export interface DefaultRouterOptions {
  /** Numbers that reach a platform service rather than a user, e.g. `*97` -> voicemail. */
  serviceNumbers?: ReadonlyMap<string, string>;
  /** Replaces every user's ring timeout (tests use short ones). */
  ringTimeoutMs?: number;
  /**
   * The voicemail service, when the platform runs one: a call nobody answers in time, that is
   * declined, that finds the callee busy or with no device goes there instead of failing.
   */
  voicemail?: string;
  /**
   * The service that opens mailboxes by phone, when the platform runs one: `*97` opens the
   * caller's own (no PIN: the caller is already the authenticated device of its user), `*98`
   * any mailbox of the domain, after its number and PIN.
   */
  voicemailAccess?: string;
}

/** Dialled for one's own mailbox, and for any mailbox (number and PIN asked for). */
export const OWN_MAILBOX_NUMBER = '*97';
export const ANY_MAILBOX_NUMBER = '*98';

/**
 * `*1002` leaves a message for 1002 without ringing them (as transferring a caller to someone's
 * voicemail does on a hosted PBX): the extension, or null for any other number.
 */
export function straightToVoicemailExtension(dialled: string): string | null {
  if (dialled === OWN_MAILBOX_NUMBER || dialled === ANY_MAILBOX_NUMBER) return null;
  const m = /^\*([0-9A-Za-z._-]{1,32})$/.exec(dialled);
  return m ? m[1]! : null;
}

export class DefaultRouter implements CallRouter {
  private readonly serviceNumbers: ReadonlyMap<string, string>;

  constructor(private readonly options: DefaultRouterOptions = {}) {
    this.serviceNumbers = options.serviceNumbers ?? new Map();
  }

  route({ method, caller, dialled, callee, straightToVoicemail }: RouteInput): CallPlan {
    const service = method === 'INVITE' ? this.serviceNumbers.get(dialled) : undefined;
    if (service) return { kind: 'service', service, user: callee?.user ?? null };
    const access = method === 'INVITE' ? this.options.voicemailAccess : undefined;
    if (access && !callee) {
      // The service acts for the caller's own box, or for nobody yet (it asks which box).
      if (dialled === OWN_MAILBOX_NUMBER) return { kind: 'service', service: access, user: { domain: caller.domain, extension: caller.extension } };
      if (dialled === ANY_MAILBOX_NUMBER) return { kind: 'service', service: access, user: null };
    }
    if (!callee) {
      if (OUTSIDE_NUMBER.test(dialled)) {
        return { kind: 'reject', status: 403, reason: OUTSIDE_PHRASE, cause: 'failed', warning: 'Calls to outside numbers are not set up on this phone system' };
      }
      return { kind: 'reject', status: 404, reason: 'Not Found', cause: 'failed' };
    }
    const voicemail = method === 'INVITE' && this.options.voicemail
      ? { kind: 'service', service: this.options.voicemail, user: callee.user } as const
      : null;
    if (straightToVoicemail) return voicemail ?? { kind: 'reject', status: 404, reason: 'Not Found', cause: 'failed' };
    if (method === 'INVITE' && callee.rule) {
      return planForRule({
        caller, callee: callee.user, rule: callee.rule, devices: callee.devices, voicemail: this.options.voicemail,
        ringTimeoutMs: this.options.ringTimeoutMs ?? callee.ringNoAnswerTimeoutS * 1000,
        busy: !callee.callWaiting && callee.devicesOnCall >= callee.devices,
      });
    }
    if (callee.devices === 0) {
      return voicemail ?? { kind: 'reject', status: 480, reason: 'Temporarily Unavailable', cause: 'unavailable' };
    }
    if (method === 'INVITE' && !callee.callWaiting && callee.devicesOnCall >= callee.devices) {
      return voicemail ?? { kind: 'reject', status: 486, reason: 'Busy Here', cause: 'busy' };
    }
    const devices = { kind: 'devices', user: callee.user } as const;
    // Only an INVITE rings; other requests end with their own transaction timeout.
    if (method !== 'INVITE') return { kind: 'parallel', targets: [devices], timeoutMs: null };
    const timeoutMs = this.options.ringTimeoutMs ?? callee.ringNoAnswerTimeoutS * 1000;
    // A decline or a busy device ends the first step too, so it also reaches voicemail.
    if (voicemail) return { kind: 'sequence', steps: [{ targets: [devices], timeoutMs }, { targets: [voicemail], timeoutMs: null }] };
    return { kind: 'parallel', targets: [devices], timeoutMs };
  }
}
