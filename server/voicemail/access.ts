/**
 * The mailbox by phone: `*97` opens the caller's own box (no PIN: the router sends it here only
 * for the authenticated device of the box's user), `*98` asks for a mailbox number and its PIN
 * (the caller's domain only; three wrong tries hang up, and the store locks a box after too many
 * wrong PINs in a row: pin.ts). The caller hears "You have N new messages", then each new
 * message, oldest first, then the saved ones; after (or during) each: 7 deletes (to the trash),
 * 9 saves, # goes to the next. Moves are announced on the bus like the REST API's.
 *
 *   answer --(*98: mailbox #, PIN # --wrong x3 | locked--> goodbye)--> count
 *      --> message --7/9/#--> next message ... --> "No more messages" --> goodbye, hang up
 */
import fs from 'node:fs';
import type { EventPublisher } from '../events/bus.js';
import type { Logger } from '../log.js';
import type { MediaEngine, MediaSession } from '../media/engine.js';
import { readOggOpus, type OpusClip } from '../media/ogg-opus.js';
import { SPOKEN_NUMBERS, type PromptName, type PromptSource } from '../media/prompts.js';
import type { Account } from '../sip/identity.js';
import type { PlatformService, ServiceCall } from '../sip/services/service.js';
import { parseNameAddr } from '../sip/uri.js';
import type { PinLockRule, UserRepo } from '../store/types.js';
import type { MailboxFiles } from './mailbox-files.js';
import { checkPin, DEFAULT_PIN_LOCK } from './pin.js';
import type { Voicemail, VoicemailFolder, VoicemailRepo } from './types.js';

export const VOICEMAIL_ACCESS_SERVICE = 'voicemail-access';
/** Wrong mailbox-and-PIN tries in one call before it hangs up. */
export const LOGIN_TRIES = 3;
/** How long the caller has to press the next key. */
const DIGIT_TIMEOUT_MS = 8_000;
/** The menu after a message is said this often with no key pressed before going to the next. */
const MENU_REPEATS = 2;
/** Longest mailbox number or PIN keyed in. */
const MAX_KEYED = 16;
/** Messages of one folder gone through in one call (the oldest first). */
const MAX_MESSAGES = 500;

export interface AccessDeps {
  engine: MediaEngine;
  prompts: PromptSource;
  users: Pick<UserRepo, 'get' | 'reserveVoicemailPinAttempt' | 'voicemailPinSucceeded'>;
  voicemails: VoicemailRepo;
  files: MailboxFiles;
  bus: EventPublisher;
  log: Logger;
  /** Says a number past the prompts' twenty (the speech synthesizer). */
  speak?: (text: string) => Promise<OpusClip>;
  pinLock?: PinLockRule;
  digitTimeoutMs?: number;
  now?: () => number;
}

type Step = 'next' | 'closed';

export class VoicemailAccessService implements PlatformService {
  readonly name = VOICEMAIL_ACCESS_SERVICE;

  constructor(private readonly deps: AccessDeps) {}

  incoming(call: ServiceCall): void {
    this.run(call)
      .catch((err: unknown) => this.deps.log.error('voicemail access failed', { callId: call.callId, error: (err as Error).stack }))
      // However it ended (media that stopped, an error), the caller is not left in silence.
      .finally(() => { if (!call.ended) call.hangUp(); });
  }

  private async run(call: ServiceCall): Promise<void> {
    const { deps } = this;
    const caller = parseNameAddr(call.caller)?.uri;
    if (!caller?.user) return call.reject(403, 'Forbidden');
    // *97 acts for the caller's own box only: the plan says whose, the asserted caller agrees.
    if (call.user && (call.user.domain !== caller.host || call.user.extension !== caller.user)) return call.reject(403, 'Forbidden');
    let session: MediaSession;
    try {
      session = await deps.engine.answer(call.offer);
    } catch (err) {
      deps.log.warn('voicemail access could not answer the offer', { callId: call.callId, error: (err as Error).message });
      return call.reject(488, 'Not Acceptable Here');
    }
    if (call.ended) return session.close();
    call.answer(session.answer, 'Voicemail');
    const keypad = new Keypad(session);
    call.onEnded(() => { keypad.close(); session.close(); });
    call.onDigit((d) => session.digit(d));

    const mailbox = call.user ?? (await this.logIn(session, keypad, caller.host));
    if (mailbox && !session.closed) {
      const by = `${caller.user}@${caller.host}`;
      if (await this.browse(session, keypad, mailbox, by) === 'closed') return;
    }
    if (session.closed) return;
    await session.play(deps.prompts.get('goodbye'));
    call.hangUp();
  }

  /** *98: the mailbox number and PIN, up to LOGIN_TRIES times; null when they never matched. */
  private async logIn(session: MediaSession, keypad: Keypad, domain: string): Promise<Account | null> {
    const { deps } = this;
    for (let attempt = 1; attempt <= LOGIN_TRIES; attempt++) {
      const box = await this.keyIn(session, keypad, 'enter-mailbox');
      if (box === null) return null;
      const pin = await this.keyIn(session, keypad, 'enter-pin');
      if (pin === null) return null;
      const result = box && pin ? await checkPin(deps.users, domain, box, pin, deps.pinLock ?? DEFAULT_PIN_LOCK, (deps.now ?? Date.now)()) : 'wrong';
      if (session.closed) return null;
      if (result === 'ok') return { domain, extension: box };
      if (result === 'locked') {
        deps.log.warn('voicemail PIN refused: mailbox locked', { domain, mailbox: box });
        await session.play(deps.prompts.get('mailbox-locked'));
        return null;
      }
      deps.log.info('voicemail PIN wrong', { domain, mailbox: box, attempt });
      if (await session.play(deps.prompts.get('not-right')) === 'closed') return null;
    }
    return null;
  }

  /**
   * Says `prompt`, then collects keys up to # (or a pause): '' when none; null when the call
   * ended. Keys pressed ahead (the PIN right after the mailbox's #) are kept, not lost.
   */
  private async keyIn(session: MediaSession, keypad: Keypad, prompt: PromptName): Promise<string | null> {
    if (await session.play(this.deps.prompts.get(prompt), { interruptible: true }) === 'closed') return null;
    let keyed = '';
    for (;;) {
      const key = await keypad.next(this.deps.digitTimeoutMs ?? DIGIT_TIMEOUT_MS);
      if (session.closed) return null;
      if (key === null || key === '#') return keyed;
      if (/^[0-9]$/.test(key) && keyed.length < MAX_KEYED) keyed += key;
    }
  }

  /** The count, then every new message and every saved one, each with its menu. */
  private async browse(session: MediaSession, keypad: Keypad, box: Account, by: string): Promise<Step> {
    const { deps } = this;
    const fresh = await this.messages(box, 'new');
    const saved = await this.messages(box, 'save');
    if (await this.sayCount(session, fresh.length) === 'closed') return 'closed';
    for (const vm of fresh) if (await this.message(session, keypad, vm, by) === 'closed') return 'closed';
    if (saved.length > 0) {
      if (await session.play(deps.prompts.get('saved-messages')) === 'closed') return 'closed';
      for (const vm of saved) if (await this.message(session, keypad, vm, by) === 'closed') return 'closed';
    }
    return await session.play(deps.prompts.get('no-more-messages')) === 'closed' ? 'closed' : 'next';
  }

  /** "You have two new messages" (a key skips it). */
  private async sayCount(session: MediaSession, n: number): Promise<Step> {
    const { prompts } = this.deps;
    const clips: OpusClip[] = n === 0 ? [prompts.get('no-new-messages')]
      : [prompts.get('you-have'), await this.number(n), prompts.get(n === 1 ? 'new-message' : 'new-messages')];
    for (const clip of clips) {
      const heard = await session.play(clip, { interruptible: true });
      if (heard === 'closed') return 'closed';
      if (heard === 'interrupted') break;
    }
    return 'next';
  }

  private async number(n: number): Promise<OpusClip> {
    if (n <= SPOKEN_NUMBERS) return this.deps.prompts.get(`n-${n}`);
    if (this.deps.speak) {
      try {
        return await this.deps.speak(String(n));
      } catch (err) {
        this.deps.log.warn('could not say a message count', { error: (err as Error).message });
      }
    }
    // Past the prompts with no synthesizer: "twenty" and more, rather than a wrong number.
    return this.deps.prompts.get(`n-${SPOKEN_NUMBERS}`);
  }

  /** A folder's messages, the oldest first. */
  private async messages(box: Account, folder: VoicemailFolder): Promise<Voicemail[]> {
    const all: Voicemail[] = [];
    let before: number | undefined;
    do {
      const page = await this.deps.voicemails.list(box.domain, box.extension, folder, { before, limit: 100 });
      all.push(...page.items);
      before = page.nextCursor ?? undefined;
    } while (before !== undefined && all.length < MAX_MESSAGES);
    return all.slice(0, MAX_MESSAGES).reverse();
  }

  /** Plays a message; a key during it or its menu after: 7 trash, 9 save, # (or silence) next. */
  private async message(session: MediaSession, keypad: Keypad, vm: Voicemail, by: string): Promise<Step> {
    const { deps } = this;
    let clip: OpusClip;
    try {
      clip = readOggOpus(fs.readFileSync(deps.files.pathOf(vm.domain, vm.extension, vm.id)));
    } catch (err) {
      deps.log.warn('voicemail message audio unreadable: skipped', { id: vm.id, error: (err as Error).message });
      return 'next';
    }
    keypad.clear();
    let heard = await session.play(clip, { interruptible: true });
    let key = heard === 'interrupted' ? keypad.take() : null;
    for (let menu = 0; key !== '7' && key !== '9' && key !== '#'; menu++) {
      if (session.closed) return 'closed';
      if (menu === MENU_REPEATS) return 'next';
      keypad.clear();
      heard = await session.play(deps.prompts.get('message-menu'), { interruptible: true });
      if (heard === 'closed') return 'closed';
      key = heard === 'interrupted' ? keypad.take() : await keypad.next(deps.digitTimeoutMs ?? DIGIT_TIMEOUT_MS);
    }
    if (key === '#') return 'next';
    const folder: VoicemailFolder = key === '7' ? 'trash' : 'save';
    if (vm.folder !== folder) {
      const moved = await deps.voicemails.move(vm.domain, vm.extension, vm.id, folder, by, (deps.now ?? Date.now)());
      if (moved) deps.bus.emit('voicemail', { domain: vm.domain, extension: vm.extension, id: vm.id, change: 'moved' });
    }
    return await session.play(deps.prompts.get(folder === 'trash' ? 'message-deleted' : 'message-saved')) === 'closed' ? 'closed' : 'next';
  }
}

/** The keys the caller presses, kept until asked for (a key that cut a prompt short is the first). */
class Keypad {
  private keys: string[] = [];
  private waiter: ((key: string | null) => void) | null = null;
  private closed = false;

  constructor(session: MediaSession) {
    session.onDigit((key) => {
      if (this.waiter) this.settle(key);
      else if (this.keys.length < MAX_KEYED) this.keys.push(key);
    });
  }

  clear(): void {
    this.keys = [];
  }

  /** A key already pressed, if any. */
  take(): string | null {
    return this.keys.shift() ?? null;
  }

  /** The next key, or null after `timeoutMs` with none (or when the call ended). */
  next(timeoutMs: number): Promise<string | null> {
    const waiting = this.take();
    if (waiting !== null || this.closed) return Promise.resolve(waiting);
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle(null), timeoutMs);
      this.waiter = (key) => { clearTimeout(timer); resolve(key); };
    });
  }

  close(): void {
    this.closed = true;
    this.settle(null);
  }

  private settle(key: string | null): void {
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.(key);
  }
}
