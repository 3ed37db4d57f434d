/**
 * Call recordings on their way to the platform. Chunks are written to IndexedDB while the call
 * is recorded; a finished recording is uploaded, retried with backoff while the network or the
 * platform is away, and deleted locally only once the platform has it. Uploads are idempotent
 * (the recording's id), so a retry after a lost answer never stores it twice.
 */
import type { IDBPDatabase } from 'idb';
import type { PendingRecording, SwitchboardDB } from './db.js';

export type Uploader = (rec: PendingRecording, body: Blob) => Promise<void>;

export class RecordingQueueEvent extends Event {
  static readonly eventName = 'recordings-changed' as const;
  constructor() {
    super(RecordingQueueEvent.eventName);
  }
}

const MAX_BACKOFF_MS = 60_000;

export class RecordingQueue extends EventTarget {
  private flushing: Promise<void> | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | undefined;
  private backoffMs = 1000;

  constructor(private readonly db: Promise<IDBPDatabase<SwitchboardDB>>, private readonly upload: Uploader) {
    super();
  }

  async begin(rec: Omit<PendingRecording, 'chunks' | 'finished' | 'attempts' | 'lastError' | 'durationS'>): Promise<void> {
    await (await this.db).put('recordings', { ...rec, chunks: [], finished: false, attempts: 0, lastError: '', durationS: 0 });
  }

  async append(id: string, chunk: Blob): Promise<void> {
    const db = await this.db;
    const tx = db.transaction('recordings', 'readwrite');
    const rec = await tx.store.get(id);
    if (rec) await tx.store.put({ ...rec, chunks: [...rec.chunks, chunk] });
    await tx.done;
  }

  async finish(id: string, durationS: number): Promise<void> {
    const db = await this.db;
    const rec = await db.get('recordings', id);
    if (rec) await db.put('recordings', { ...rec, finished: true, durationS });
    this.dispatchEvent(new RecordingQueueEvent());
    void this.flush();
  }

  /** Recordings not yet on the platform (for a "waiting to upload" indicator). */
  async pending(): Promise<PendingRecording[]> {
    return (await this.db).getAll('recordings');
  }

  /**
   * Uploads everything ready. Recordings left unfinished by a crash or a closed tab are
   * finished from the chunks they have. Failures schedule a retry with exponential backoff.
   */
  flush(): Promise<void> {
    this.flushing ??= this.flushOnce().finally(() => (this.flushing = null));
    return this.flushing;
  }

  /** Finishes recordings a previous page left behind, then uploads. Call at start-up. */
  async recover(activeIds: Set<string> = new Set()): Promise<void> {
    const db = await this.db;
    for (const rec of await db.getAll('recordings')) {
      if (!rec.finished && !activeIds.has(rec.id)) await db.put('recordings', { ...rec, finished: true });
    }
    await this.flush();
  }

  private async flushOnce(): Promise<void> {
    clearTimeout(this.retryTimer);
    const db = await this.db;
    let failed = false;
    for (const rec of await db.getAll('recordings')) {
      if (!rec.finished) continue;
      if (rec.chunks.length === 0) {
        await db.delete('recordings', rec.id); // nothing was captured: nothing to keep
        continue;
      }
      try {
        await this.upload(rec, new Blob(rec.chunks, { type: rec.contentType }));
        await db.delete('recordings', rec.id);
      } catch (err) {
        failed = true;
        await db.put('recordings', { ...rec, attempts: rec.attempts + 1, lastError: (err as Error).message });
      }
    }
    this.dispatchEvent(new RecordingQueueEvent());
    if (failed) {
      this.retryTimer = setTimeout(() => void this.flush(), this.backoffMs);
      this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
    } else {
      this.backoffMs = 1000;
    }
  }
}
