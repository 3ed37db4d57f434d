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
import type { TranscriptionConfig } from '../config.js';
import type { PinLockRule, Store } from '../store/types.js';
import { VoicemailAccessService } from './access.js';
import { VoicemailService, type Greetings } from './deposit.js';
import { SpokenDefaultGreetings } from './greetings.js';
import { MailboxFiles } from './mailbox-files.js';
import { TranscriptionQueue } from './transcription/queue.js';
import { selectTranscriber } from './transcription/select.js';
import type { Transcriber } from './transcription/transcriber.js';
import { UserGreetings } from './user-greetings.js';

export interface Voicemail {
  service: VoicemailService;
  /** The mailbox by phone (*97, *98). */
  access: VoicemailAccessService;
  files: MailboxFiles;
  greetings: UserGreetings;
  engine: MediaEngine;
  /** Null when no transcriber is installed (messages are `none`). */
  transcriptions: TranscriptionQueue | null;
  close(): Promise<void>;
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
  transcription?: TranscriptionConfig;
  /** Replaces the one the settings name (tests use fakes); null for none. */
  transcriber?: Transcriber | null;
}): Voicemail {
  const files = new MailboxFiles(path.join(opts.dataDir, 'voicemail'));
  const swept = files.sweepPartials();
  if (swept > 0) opts.log.warn('removed messages being left when the platform stopped', { files: swept });
  const greetingFiles = new MailboxFiles(path.join(opts.dataDir, 'greetings'));
  greetingFiles.sweepPartials();
  const greetings = new UserGreetings(opts.store.greetings, greetingFiles, opts.defaultGreetings ?? new SpokenDefaultGreetings());
  const engine = opts.engine ?? new WeriftEngine();
  const prompts = opts.prompts ?? new Prompts();
  const transcriber = opts.transcriber !== undefined ? opts.transcriber : selectTranscriber(opts.transcription ?? { engine: 'auto' });
  const transcriptions = transcriber
    ? new TranscriptionQueue({ transcriber, voicemails: opts.store.voicemails, files, bus: opts.bus, log: opts.log })
    : null;
  opts.log.info('voicemail transcription', { engine: transcriber?.name ?? 'none' });
  const service = new VoicemailService({
    engine, files, prompts, greetings,
    users: opts.store.users, voicemails: opts.store.voicemails, bus: opts.bus, log: opts.log, maxMessageMs: opts.maxMessageMs,
    transcribe: transcriptions ? (vm) => transcriptions.enqueue(vm) : undefined,
  });
  const access = new VoicemailAccessService({
    engine, files, prompts, speak, pinLock: opts.pinLock,
    users: opts.store.users, voicemails: opts.store.voicemails, bus: opts.bus, log: opts.log,
  });
  // Messages left pending by the last run; without a transcriber they stay pending until one is set up.
  transcriptions?.resume().catch((err: unknown) => opts.log.error('pending transcriptions not resumed', { error: (err as Error).message }));
  return {
    service, access, files, greetings, engine, transcriptions,
    async close() { await transcriptions?.close(); },
  };
}
