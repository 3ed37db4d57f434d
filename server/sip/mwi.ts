/**
 * Message waiting (RFC 3842, on RFC 6665 subscriptions): a SIP phone subscribes to the
 * `message-summary` event of its own user's mailbox and gets NOTIFYs saying whether messages
 * wait (its lamp), at once, again whenever the mailbox changes (the bus's 'voicemail' events),
 * and a last one when the subscription ends. The platform is the notifier itself: SUBSCRIBE ends
 * here, it is never forwarded to devices.
 *
 *   SUBSCRIBE (authenticated as in caller-auth.ts; only one's own mailbox)
 *      --Event not message-summary--> 489      --Expires too short--> 423 (Min-Expires)
 *      --> 200 (Expires) + NOTIFY active --mailbox changes--> NOTIFY active ...
 *      --refresh--> 200 + NOTIFY    --Expires: 0, or expiry--> NOTIFY terminated;reason=timeout
 *      --flow gone, device removed, a NOTIFY answered 481 (or failed)--> dropped (nobody to tell)
 */
import { randomBytes } from 'node:crypto';
import type { PlatformBus } from '../events/bus.js';
import type { Logger } from '../log.js';
import type { DeviceRepo } from '../store/types.js';
import type { VoicemailCounts, VoicemailRepo } from '../voicemail/types.js';
import type { CallerAuthenticator } from './caller-auth.js';
import type { SipFlow } from './flow.js';
import { tagOf, type Account } from './identity.js';
import { createResponse, SipHeaders, type SipRequest, type SipResponse } from './message.js';
import { OWN } from './transactions.js';
import type { SipUri } from './uri.js';

export const MWI_EVENT = 'message-summary';
const CONTENT_TYPE = 'application/simple-message-summary';
/** What a subscription lasts when the SUBSCRIBE names no Expires, and the most it may (RFC 3842 s5: 3600 s). */
export const DEFAULT_EXPIRES_S = 3600;
export const MIN_EXPIRES_S = 60;
/** Subscriptions one connection may hold (a phone needs one per mailbox lamp). */
const MAX_PER_FLOW = 16;
/** Branch prefix of our NOTIFYs, whose answers come back to `response`. */
const NOTIFY_BRANCH = `${OWN}mwi.`;
/** How long the answer to a NOTIFY is waited for (Timer F). */
const NOTIFY_TIMEOUT_MS = 32_000;

export interface MwiDeps {
  host: string;
  callers: Pick<CallerAuthenticator, 'authenticate'>;
  devices: Pick<DeviceRepo, 'get'>;
  voicemails: Pick<VoicemailRepo, 'counts'>;
  bus: Pick<PlatformBus, 'on' | 'off'>;
  log: Logger;
  /** The longest subscription granted (tests use short ones). */
  maxExpiresS?: number;
  minExpiresS?: number;
}

interface Subscription {
  key: string;
  mailbox: Account;
  flow: SipFlow;
  deviceId: string | null;
  callId: string;
  /** Our tag (To of the 200, From of our NOTIFYs); the subscriber's From, tag and all. */
  localTag: string;
  remote: string;
  /** Where NOTIFYs go: the subscriber's Contact, through the Record-Route it came by. */
  target: string;
  routeSet: string[];
  cseq: number;
  expiresAt: number;
  timer: NodeJS.Timeout | null;
  /** The body last sent: a change that changes nothing sends nothing. */
  lastBody: string;
}

export class MessageWaiting {
  private readonly subs = new Map<string, Subscription>();
  /** NOTIFYs sent and not answered yet: their branch, and the subscription they were for. */
  private readonly pending = new Map<string, { key: string; timer: NodeJS.Timeout }>();
  private readonly byMailbox = new Map<string, Set<Subscription>>();
  private readonly onVoicemail = ({ domain, extension }: { domain: string; extension: string }) => {
    for (const sub of this.byMailbox.get(mailboxKey({ domain, extension })) ?? []) void this.notify(sub);
  };
  private readonly onDeviceRemoved = ({ deviceId }: { deviceId: string }) => {
    for (const sub of [...this.subs.values()]) if (sub.deviceId === deviceId) this.forget(sub);
  };

  constructor(private readonly deps: MwiDeps) {
    deps.bus.on('voicemail', this.onVoicemail);
    deps.bus.on('device-removed', this.onDeviceRemoved);
  }

  get size(): number {
    return this.subs.size;
  }

  /** A SUBSCRIBE, in or out of a dialog, addressed to `ruri`. */
  async handle(req: SipRequest, flow: SipFlow, ruri: SipUri): Promise<void> {
    const reply = (status: number, reason?: string, extra?: Array<[string, string]>) => flow.send(createResponse(req, status, reason, extra));
    const event = (req.headers.get('Event') ?? '').split(';')[0]!.trim().toLowerCase();
    if (event !== MWI_EVENT) return reply(489, 'Bad Event', [['Allow-Events', MWI_EVENT]]);
    const callId = req.headers.get('Call-ID') ?? '';
    const inDialog = tagOf(req.headers.get('To')) !== '';
    // Our tag is the one every answer to this request carries (a retransmission finds its own).
    const localTag = tagOf(createResponse(req, 200).headers.get('To'));
    const existing = this.subs.get(subKey(callId, localTag));
    if (inDialog && !existing) return reply(481, 'Subscription Does Not Exist');
    const domain = existing?.mailbox.domain ?? ruri.host;
    const caller = await this.deps.callers.authenticate(req, flow, domain);
    if (!caller) return;
    const mailbox = { domain, extension: caller.user.extension };
    if (existing) {
      if (existing.mailbox.extension !== mailbox.extension) return reply(403, 'Forbidden');
    } else if (!ruri.user || !(await this.namesOwnMailbox(ruri.user, caller.user.extension, caller.deviceId))) {
      return reply(403, 'Forbidden', [['Warning', '399 switchboard "Only your own mailbox"']]);
    }

    const expires = this.expiresOf(req);
    if (expires === 'bad') return reply(400, 'Bad Request', [['Warning', '399 switchboard "Bad Expires"']]);
    const minExpires = this.deps.minExpiresS ?? MIN_EXPIRES_S;
    if (expires > 0 && expires < minExpires) return reply(423, 'Interval Too Brief', [['Min-Expires', String(minExpires)]]);
    if (!existing && expires > 0 && this.countOn(flow) >= MAX_PER_FLOW) {
      return reply(403, 'Forbidden', [['Warning', '399 switchboard "Too many subscriptions"']]);
    }

    const ok = createResponse(req, 200, 'OK', [['Expires', String(expires)], ['Contact', `<sip:${mailbox.extension}@${mailbox.domain}>`]]);
    const sub: Subscription = existing ?? {
      key: subKey(callId, localTag), mailbox, flow, deviceId: caller.deviceId, callId, localTag,
      remote: req.headers.get('From') ?? '',
      target: '', routeSet: req.headers.getAll('Record-Route'),
      cseq: 0, expiresAt: 0, timer: null, lastBody: '',
    };
    // A refresh may come on the device's new connection, and name a new Contact.
    sub.flow = flow;
    sub.deviceId = caller.deviceId;
    sub.target = contactOf(req) || sub.target;
    if (!sub.target) return reply(400, 'Bad Request', [['Warning', '399 switchboard "SUBSCRIBE without Contact"']]);
    flow.send(ok);

    if (expires === 0) {
      // An unsubscribe, or a one-off fetch (RFC 6665 s4.4.3): the state once, and done.
      this.forget(sub);
      await this.notify(sub, 'terminated;reason=timeout', true);
      return;
    }
    this.keep(sub, expires);
    // Every accepted SUBSCRIBE, a refresh too, gets the current state (RFC 6665 s4.2.1.2).
    await this.notify(sub, undefined, true);
  }

  /**
   * The subscriber's answer to a NOTIFY. A failure (481: it forgot the subscription; any other
   * final failure but a challenge, RFC 6665 s4.2.2) ends the subscription without a word more.
   */
  response(branch: string, res: SipResponse): void {
    if (!branch.startsWith(NOTIFY_BRANCH) || res.status < 200) return;
    const pending = this.pending.get(branch);
    if (!pending) return;
    clearTimeout(pending.timer);
    this.pending.delete(branch);
    if (res.status < 300 || res.status === 401 || res.status === 407) return;
    const sub = this.subs.get(pending.key);
    if (sub) {
      this.deps.log.debug('message-waiting subscription ended by the subscriber', { status: res.status, mailbox: mailboxKey(sub.mailbox) });
      this.forget(sub);
    }
  }

  /** A connection went away: its subscriptions go with it, with no one left to tell. */
  flowClosed(flow: SipFlow): void {
    for (const sub of [...this.subs.values()]) if (sub.flow === flow) this.forget(sub);
  }

  stop(): void {
    this.deps.bus.off('voicemail', this.onVoicemail);
    this.deps.bus.off('device-removed', this.onDeviceRemoved);
    for (const sub of [...this.subs.values()]) this.forget(sub);
    for (const { timer } of this.pending.values()) clearTimeout(timer);
    this.pending.clear();
  }

  /** The Request-URI user is the caller's extension, or their device's own SIP username. */
  private async namesOwnMailbox(user: string, extension: string, deviceId: string | null): Promise<boolean> {
    if (user === extension) return true;
    if (!deviceId) return false;
    return (await this.deps.devices.get(deviceId))?.sipUsername === user;
  }

  private expiresOf(req: SipRequest): number | 'bad' {
    const raw = req.headers.get('Expires');
    if (raw === undefined) return DEFAULT_EXPIRES_S;
    if (!/^\s*\d{1,10}\s*$/.test(raw)) return 'bad';
    return Math.min(Number(raw), this.deps.maxExpiresS ?? DEFAULT_EXPIRES_S);
  }

  private countOn(flow: SipFlow): number {
    let n = 0;
    for (const sub of this.subs.values()) if (sub.flow === flow) n++;
    return n;
  }

  private keep(sub: Subscription, expires: number): void {
    if (sub.timer) clearTimeout(sub.timer);
    sub.expiresAt = Date.now() + expires * 1000;
    sub.timer = setTimeout(() => {
      this.forget(sub);
      void this.notify(sub, 'terminated;reason=timeout', true);
    }, expires * 1000);
    sub.timer.unref?.();
    if (!this.subs.has(sub.key)) {
      this.subs.set(sub.key, sub);
      const key = mailboxKey(sub.mailbox);
      let set = this.byMailbox.get(key);
      if (!set) this.byMailbox.set(key, (set = new Set()));
      set.add(sub);
    }
  }

  /** Removes a subscription (its last NOTIFY, if any, is the caller's to send). */
  private forget(sub: Subscription): void {
    if (sub.timer) clearTimeout(sub.timer);
    sub.timer = null;
    this.subs.delete(sub.key);
    const key = mailboxKey(sub.mailbox);
    const set = this.byMailbox.get(key);
    set?.delete(sub);
    if (set?.size === 0) this.byMailbox.delete(key);
  }

  /** Sends the mailbox's state; `state` defaults to active with the time left. */
  private async notify(sub: Subscription, state?: string, always = false): Promise<void> {
    let counts: VoicemailCounts;
    try {
      counts = await this.deps.voicemails.counts(sub.mailbox.domain, sub.mailbox.extension);
    } catch (err) {
      this.deps.log.warn('message summary not read', { error: (err as Error).message });
      return;
    }
    const body = summaryBody(sub.mailbox, counts);
    const active = state === undefined;
    // A NOTIFY for an ended subscription is only ever the last one (sent by whoever ended it).
    if (active && !this.subs.has(sub.key)) return;
    if (!always && body === sub.lastBody) return;
    if (!sub.flow.isOpen) return this.forget(sub);
    sub.lastBody = body;
    const left = Math.max(0, Math.ceil((sub.expiresAt - Date.now()) / 1000));
    const branch = `${NOTIFY_BRANCH}${randomBytes(9).toString('base64url')}`;
    if (active) {
      // Only an active subscription's NOTIFY has an answer worth waiting for; no answer is no failure (a phone may be slow).
      const timer = setTimeout(() => this.pending.delete(branch), NOTIFY_TIMEOUT_MS);
      timer.unref?.();
      this.pending.set(branch, { key: sub.key, timer });
    }
    const headers = new SipHeaders([
      ['Via', `SIP/2.0/${sub.flow.secure ? 'WSS' : 'WS'} ${this.deps.host};branch=${branch}`],
      ['Max-Forwards', '70'],
      ...sub.routeSet.map((r): [string, string] => ['Route', r]),
      ['From', `<sip:${sub.mailbox.extension}@${sub.mailbox.domain}>;tag=${sub.localTag}`],
      ['To', sub.remote],
      ['Call-ID', sub.callId],
      ['CSeq', `${++sub.cseq} NOTIFY`],
      ['Contact', `<sip:${sub.mailbox.extension}@${sub.mailbox.domain}>`],
      ['Event', MWI_EVENT],
      ['Subscription-State', state ?? `active;expires=${left}`],
      ['Content-Type', CONTENT_TYPE],
    ]);
    sub.flow.send({ type: 'request', method: 'NOTIFY', uri: sub.target, version: 'SIP/2.0', headers, body: Buffer.from(body, 'utf8') });
  }
}

/** RFC 3842 s5.2: whether messages wait, and voice messages as new/old (urgent new/old). */
export function summaryBody(mailbox: Account, counts: VoicemailCounts): string {
  return [
    `Messages-Waiting: ${counts.new > 0 ? 'yes' : 'no'}`,
    `Message-Account: sip:${mailbox.extension}@${mailbox.domain}`,
    `Voice-Message: ${counts.new}/${counts.save} (0/0)`,
    '',
  ].join('\r\n');
}

function contactOf(req: SipRequest): string {
  const m = /<([^>]+)>/.exec(req.headers.get('Contact') ?? '');
  return m ? m[1]! : (req.headers.get('Contact') ?? '').split(';')[0]!.trim();
}

function subKey(callId: string, localTag: string): string {
  return `${callId}\n${localTag}`;
}

function mailboxKey(a: Account): string {
  return `${a.extension}@${a.domain}`;
}
