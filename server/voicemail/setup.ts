/**
 * Voicemail as a part of the platform: the media engine, prompts and mailbox files it needs and
 * the service the router sends unanswered calls to, and the one *97 and *98 reach. platform.ts calls this once when voicemail
 * is on (SWITCHBOARD_VOICEMAIL, default on).
 */
import path from 'node:path';
import type { EventPublisher } from '../events/bus.js';
import type { Logger } from '../log.js';
import type { MediaEngine } from '../media/engine.js';
import { Prompts, type PromptSource } from '../media/prompts.js';
import { speak } from '../media/synth.js';
import { WeriftEngine } from '../media/werift-engine.js';
import type { PinLockRule, Store } from '../store/types.js';
import { VoicemailAccessService } from './access.js';
import { VoicemailService, type Greetings } from './deposit.js';
import { SpokenDefaultGreetings } from './greetings.js';
import { MailboxFiles } from './mailbox-files.js';
import { UserGreetings } from './user-greetings.js';

export interface Voicemail {
  service: VoicemailService;
  /** The mailbox by phone (*97, *98). */
  access: VoicemailAccessService;
  files: MailboxFiles;
  greetings: UserGreetings;
  engine: MediaEngine;
}

export function setUpVoicemail(opts: {
  dataDir: string;
  store: Store;
  bus: EventPublisher;
  log: Logger;
  engine?: MediaEngine;
  /** What callers hear before the beep when the user has made no greeting active. */
  defaultGreetings?: Greetings;
  maxMessageMs?: number;
  /** Replaces the committed prompt files (tests use tones). */
  prompts?: PromptSource;
  pinLock?: PinLockRule;
}): Voicemail {
  const files = new MailboxFiles(path.join(opts.dataDir, 'voicemail'));
  const swept = files.sweepPartials();
  if (swept > 0) opts.log.warn('removed messages being left when the platform stopped', { files: swept });
  const greetingFiles = new MailboxFiles(path.join(opts.dataDir, 'greetings'));
  greetingFiles.sweepPartials();
  const greetings = new UserGreetings(opts.store.greetings, greetingFiles, opts.defaultGreetings ?? new SpokenDefaultGreetings());
  const engine = opts.engine ?? new WeriftEngine();
  const prompts = opts.prompts ?? new Prompts();
  const service = new VoicemailService({
    engine, files, prompts, greetings,
    users: opts.store.users, voicemails: opts.store.voicemails, bus: opts.bus, log: opts.log, maxMessageMs: opts.maxMessageMs,
  });
  const access = new VoicemailAccessService({
    engine, files, prompts, speak, pinLock: opts.pinLock,
    users: opts.store.users, voicemails: opts.store.voicemails, bus: opts.bus, log: opts.log,
  });
  return { service, access, files, greetings, engine };
}
