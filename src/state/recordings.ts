/**
 * Start/Stop Recording. A recording captures what the call sounds like (my microphone and the
 * other side, mixed) in this page; its chunks go to IndexedDB as they come (RecordingQueue) and
 * the finished file is uploaded to the platform's `recordings`, retried until it lands.
 */
import type { RecordingQueue } from '../data/recording-queue.js';
import type { PhoneCall } from '../phone/types.js';
import { CallChangeEvent } from '../phone/types.js';

/** One capture in progress (phone/call-recording.ts in the app, a fake in tests). */
export interface RecordingCapture {
  ondata: ((chunk: Blob) => void) | null;
  start(): void;
  stop(): Promise<Blob>;
  readonly durationS: number;
}

export class RecordingsChangedEvent extends Event {
  static readonly eventName = 'recordings-changed' as const;
  constructor() {
    super(RecordingsChangedEvent.eventName);
  }
}

interface Active {
  id: string;
  capture: RecordingCapture;
  legs: PhoneCall[];
  stopOnEnd: () => void;
}

export class CallRecordings extends EventTarget {
  /** Keyed by what is recorded: a call id or a conference id. */
  private readonly active = new Map<string, Active>();

  constructor(
    private readonly queue: RecordingQueue,
    /** Builds a capture for the given legs (one call, or every leg of a conference). */
    private readonly capture: (legs: PhoneCall[]) => RecordingCapture,
  ) {
    super();
  }

  get recordingIds(): string[] {
    return [...this.active.keys()];
  }

  isRecording(key: string): boolean {
    return this.active.has(key);
  }

  /** Chunks of recordings in progress, so recovery does not finish them under our feet. */
  get activeRecordingIds(): Set<string> {
    return new Set([...this.active.values()].map((a) => a.id));
  }

  async start(key: string, legs: PhoneCall[]): Promise<void> {
    if (this.active.has(key) || legs.length === 0) return;
    const callId = legs[0]!.dialog?.callId ?? '';
    const id = crypto.randomUUID();
    await this.queue.begin({ id, callId, startedAt: new Date().toISOString(), contentType: 'audio/webm' });
    const capture = this.capture(legs);
    capture.ondata = (chunk) => void this.queue.append(id, chunk);
    // Recording stops by itself when every recorded leg has ended: nothing is left dangling.
    const stopOnEnd = () => {
      if (legs.every((l) => l.snapshot.status === 'ended')) void this.stop(key);
    };
    for (const leg of legs) leg.addEventListener(CallChangeEvent.eventName, stopOnEnd);
    this.active.set(key, { id, capture, legs, stopOnEnd });
    capture.start();
    this.changed();
  }

  async stop(key: string): Promise<void> {
    const a = this.active.get(key);
    if (!a) return;
    this.active.delete(key);
    for (const leg of a.legs) leg.removeEventListener(CallChangeEvent.eventName, a.stopOnEnd);
    this.changed();
    try {
      await a.capture.stop();
    } finally {
      // Whatever was captured is kept and uploaded, even when stopping failed half-way.
      await this.queue.finish(a.id, a.capture.durationS);
    }
  }

  private changed(): void {
    this.dispatchEvent(new RecordingsChangedEvent());
  }
}
