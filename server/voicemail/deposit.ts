/**
 * The voicemail service: a caller the router sends here hears the mailbox's greeting and a beep,
 * and what they say is kept until they hang up, press #, or three minutes pass. A message
 * shorter than a second is no message. The audio is written page by page to a partial file and
 * only then becomes a message (file renamed, row inserted), so a crash leaves no half message.
 *
 *   answer --greeting--> beep --recording--> (hang up | # | 3 min) --> kept (>= 1 s) or dropped
 */
import { randomUUID } from 'node:crypto';
import type { EventPublisher } from '../events/bus.js';
import type { Logger } from '../log.js';
import type { MediaEngine, MediaSession } from '../media/engine.js';
import { OggOpusWriter, type OpusClip } from '../media/ogg-opus.js';
import type { PromptSource } from '../media/prompts.js';
import { parseNameAddr } from '../sip/uri.js';
import type { PlatformService, ServiceCall } from '../sip/services/service.js';
import type { UserRepo } from '../store/types.js';
import type { MailboxFiles } from './mailbox-files.js';
import type { Voicemail, VoicemailRepo } from './types.js';

export const VOICEMAIL_SERVICE = 'voicemail';
const MAX_MESSAGE_MS = 180_000;
const MIN_MESSAGE_S = 1;
/** Packets per Ogg page: about a second of audio on disk at a time. */
const PAGE_PACKETS = 50;

export interface Greetings {
  /** The clip a caller hears before the beep: the user's active greeting, or the default one. */
  forMailbox(domain: string, extension: string, name: string): Promise<{ clip: OpusClip; isDefault: boolean }>;
}

export interface DepositDeps {
  engine: MediaEngine;
  prompts: PromptSource;
  greetings: Greetings;
  users: Pick<UserRepo, 'get'>;
  voicemails: VoicemailRepo;
  files: MailboxFiles;
  bus: EventPublisher;
  log: Logger;
  /** A new message to transcribe (its status is `pending`), when a transcriber is installed. */
  transcribe?: (vm: Voicemail) => void;
  maxMessageMs?: number;
  now?: () => number;
}

export class VoicemailService implements PlatformService {
  readonly name = VOICEMAIL_SERVICE;

  constructor(private readonly deps: DepositDeps) {}

  incoming(call: ServiceCall): void {
    this.deposit(call)
      .catch((err: unknown) => this.deps.log.error('voicemail deposit failed', { callId: call.callId, error: (err as Error).stack }))
      // However it ended (media that never came up, an error), the caller is not left in silence.
      .finally(() => {
        if (call.ended) return;
        this.deps.log.warn('voicemail ended the call: its media stopped', { callId: call.callId });
        call.hangUp();
      });
  }

  private async deposit(call: ServiceCall): Promise<void> {
    const { deps } = this;
    const mailbox = call.user && (await deps.users.get(call.user.domain, call.user.extension));
    if (!mailbox) return call.reject(404, 'No Such Mailbox');
    let session: MediaSession;
    try {
      session = await deps.engine.answer(call.offer);
    } catch (err) {
      deps.log.warn('voicemail could not answer the offer', { callId: call.callId, error: (err as Error).message });
      return call.reject(488, 'Not Acceptable Here');
    }
    if (call.ended) return session.close();
    call.answer(session.answer, 'Voicemail');
    call.onEnded(() => session.close());
    call.onDigit((d) => session.digit(d));

    const name = `${mailbox.firstName} ${mailbox.lastName}`.trim() || mailbox.extension;
    const greeting = await deps.greetings.forMailbox(mailbox.domain, mailbox.extension, name);
    // A key skips the greeting (and the instructions) and goes straight to the beep.
    let heard = await session.play(greeting.clip, { interruptible: true });
    if (heard === 'played' && greeting.isDefault) heard = await session.play(deps.prompts.get('leave-message'), { interruptible: true });
    if (heard === 'closed') return;
    if (await session.play(deps.prompts.get('beep')) === 'closed') return;
    await this.record(call, session, mailbox.domain, mailbox.extension);
  }

  /** Records until the caller hangs up, presses #, or the time is up; then keeps or drops it. */
  private async record(call: ServiceCall, session: MediaSession, domain: string, extension: string): Promise<void> {
    const { deps } = this;
    const id = randomUUID();
    const file = deps.files.open(domain, extension, id);
    const writer = new OggOpusWriter((page) => file.write(page));
    let packets = 0;
    let failed: Error | null = null;
    let stopWaiting: (() => void) | null = null;
    const stopListening = session.listen((packet) => {
      if (failed) return;
      try {
        writer.add(packet);
        if (++packets % PAGE_PACKETS === 0) writer.flush();
      } catch (err) {
        // A full disk or an I/O error: this message cannot be kept, and the platform goes on.
        failed = err as Error;
        stopWaiting?.();
      }
    });
    const receivedAt = (deps.now ?? Date.now)();
    const why = await new Promise<'hung-up' | 'pound' | 'time' | 'failed'>((resolve) => {
      const timer = setTimeout(() => resolve('time'), deps.maxMessageMs ?? MAX_MESSAGE_MS);
      stopWaiting = () => { clearTimeout(timer); resolve('failed'); };
      call.onEnded(() => { clearTimeout(timer); resolve('hung-up'); });
      session.onDigit((d) => { if (d === '#') { clearTimeout(timer); resolve('pound'); } });
      if (call.ended) resolve('hung-up');
    });
    stopListening();
    if (failed) {
      file.discard();
      deps.log.error('voicemail could not be written: dropped', { callId: call.callId, error: (failed as Error).message });
      return call.hangUp();
    }
    writer.end();
    const durationS = Math.round(writer.durationS * 100) / 100;
    if (durationS < MIN_MESSAGE_S) {
      file.discard();
      deps.log.debug('voicemail too short: dropped', { callId: call.callId, durationS });
    } else {
      const bytes = file.finish();
      const caller = parseNameAddr(call.caller);
      const vm: Voicemail = {
        id, domain, extension, callId: call.callId, receivedAt, durationS, bytes,
        callerNumber: caller?.uri.user ?? '', callerName: caller?.displayName ?? '',
        folder: 'new', transcription: null, transcriptionStatus: deps.transcribe ? 'pending' : 'none', movedBy: null, movedAt: null,
      };
      try {
        await deps.voicemails.insert(vm);
      } catch (err) {
        deps.files.remove(domain, extension, id);
        throw err;
      }
      deps.bus.emit('voicemail', { domain, extension, id, change: 'new' });
      deps.transcribe?.(vm);
    }
    if (why !== 'hung-up') {
      await session.play(deps.prompts.get('goodbye'));
      call.hangUp();
    }
  }
}
