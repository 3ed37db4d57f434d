/**
 * Runs transcriptions after the deposit, never in its way: a message is stored as `pending` and
 * handed here; at most `concurrency` (1) run at once, one after the other in arrival order, and
 * each ends as `done` (with the text) or `failed`, announced as the 'voicemail' event with the
 * change 'transcribed'. Messages still pending when the platform stopped are queued again at
 * start-up (`resume`). Closing aborts the running ones and leaves them pending for the next
 * start.
 */
import type { EventPublisher } from '../../events/bus.js';
import type { Logger } from '../../log.js';
import type { MailboxFiles } from '../mailbox-files.js';
import type { Voicemail, VoicemailRepo } from '../types.js';
import { speechAudioOf } from './audio.js';
import type { Transcriber } from './transcriber.js';

export interface TranscriptionQueueDeps {
  transcriber: Transcriber;
  voicemails: Pick<VoicemailRepo, 'get' | 'setTranscription' | 'pendingTranscriptions'>;
  files: Pick<MailboxFiles, 'pathOf'>;
  bus: EventPublisher;
  log: Logger;
  concurrency?: number;
}

type Job = Pick<Voicemail, 'id' | 'domain' | 'extension'>;

export class TranscriptionQueue {
  private readonly waiting: Job[] = [];
  private readonly queued = new Set<string>();
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private readonly idleWaiters: Array<() => void> = [];
  private closed = false;

  constructor(private readonly deps: TranscriptionQueueDeps) {}

  get name(): string {
    return this.deps.transcriber.name;
  }

  /** Queues a message (its status already `pending`); returns at once. */
  enqueue(vm: Job): void {
    if (this.closed || this.queued.has(vm.id)) return;
    this.queued.add(vm.id);
    this.waiting.push({ id: vm.id, domain: vm.domain, extension: vm.extension });
    this.pump();
  }

  /** Start-up: queues the messages whose transcription had not run. */
  async resume(): Promise<number> {
    const pending = await this.deps.voicemails.pendingTranscriptions();
    for (const vm of pending) this.enqueue(vm);
    if (pending.length > 0) this.deps.log.info('transcribing messages left pending', { messages: pending.length });
    return pending.length;
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    if (this.queued.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Stops: what runs is aborted and stays pending, as does what waits. */
  async close(): Promise<void> {
    this.closed = true;
    this.waiting.length = 0;
    for (const job of this.running.values()) job.abort.abort();
    await Promise.all([...this.running.values()].map((j) => j.done));
  }

  private pump(): void {
    const limit = Math.max(1, this.deps.concurrency ?? 1);
    while (!this.closed && this.running.size < limit && this.waiting.length > 0) {
      const job = this.waiting.shift()!;
      const abort = new AbortController();
      const done = this.run(job, abort.signal).finally(() => {
        this.running.delete(job.id);
        this.queued.delete(job.id);
        if (this.queued.size === 0) for (const w of this.idleWaiters.splice(0)) w();
        this.pump();
      });
      this.running.set(job.id, { abort, done });
    }
  }

  private async run(job: Job, signal: AbortSignal): Promise<void> {
    const { deps } = this;
    const started = Date.now();
    let text: string | null = null;
    let error: Error | null = null;
    let durationS = 0;
    try {
      const audio = await speechAudioOf(deps.files.pathOf(job.domain, job.extension, job.id));
      durationS = audio.durationS;
      text = await deps.transcriber.transcribe(audio, signal);
    } catch (err) {
      error = err as Error;
    }
    // Stopping is not failing: the message stays pending and is done at the next start.
    if (this.closed) return;
    try {
      // A message deleted meanwhile has nothing to update or announce.
      if (!(await deps.voicemails.get(job.domain, job.extension, job.id))) return;
      if (error) {
        deps.log.warn('voicemail transcription failed', { id: job.id, engine: deps.transcriber.name, error: error.message });
        await deps.voicemails.setTranscription(job.id, 'failed', null);
      } else {
        const ms = Date.now() - started;
        deps.log.info('voicemail transcribed', { id: job.id, engine: deps.transcriber.name, audioS: Math.round(durationS * 10) / 10, ms, words: text!.split(/\s+/).filter(Boolean).length });
        await deps.voicemails.setTranscription(job.id, 'done', text);
      }
      deps.bus.emit('voicemail', { domain: job.domain, extension: job.extension, id: job.id, change: 'transcribed' });
    } catch (err) {
      deps.log.error('voicemail transcription not recorded', { id: job.id, error: (err as Error).message });
    }
  }
}
