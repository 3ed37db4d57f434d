/**
 * Start/Stop Recording. A recording captures what the call sounds like (my microphone and the
 * other side, mixed) in this page; its chunks go to IndexedDB as they come (RecordingQueue) and
 * the finished file is uploaded to the platform's `recordings`, retried until it lands.
 *
 * Nobody is recorded without knowing: with a relay, starting and stopping are told to the
 * platform, which tells the other party; and the other party's own recordings of my calls
 * (`recording-started` / `recording-stopped` on the events channel) are listed in
 * `remoteRecordingIds`, so their cards say "Recording" too.
 */
import type { CallsResource } from '../data/resources/calls.js';
import type { PlatformEventMessage } from '../data/events.js';
import type { RecordingQueue } from '../data/recording-queue.js';
import type { CallSnapshot, PhoneCall } from '../phone/types.js';
import { CallChangeEvent } from '../phone/types.js';

/** Tells the other party about my recordings and hears about theirs (see the module comment). */
export interface RecordingRelay {
  api: Pick<CallsResource, 'recordingNotice'>;
  /** The events channel (EventsClient). */
  events: EventTarget;
  /** My calls (CallStore), to find the call a notice names by its SIP Call-ID. */
  calls: { readonly calls: ReadonlyArray<CallSnapshot>; phoneCall(id: string): PhoneCall | undefined };
}

/** What the platform sends when the other party of a call starts or stops recording it. */
interface RecordingNoticeEvent {
  type: 'recording-started' | 'recording-stopped';
  call_id: string;
  by: { number: string; name: string };
}

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
  /** SIP Call-IDs of my calls the other party records now, and who. */
  private readonly remote = new Map<string, { number: string; name: string }>();

  constructor(
    private readonly queue: RecordingQueue,
    /** Builds a capture for the given legs (one call, or every leg of a conference). */
    private readonly capture: (legs: PhoneCall[]) => RecordingCapture,
    private readonly relay?: RecordingRelay,
  ) {
    super();
    if (!relay) return;
    const onNotice = (e: Event) => {
      const data = (e as PlatformEventMessage).data as unknown as RecordingNoticeEvent;
      if (typeof data.call_id !== 'string') return;
      if (data.type === 'recording-started') this.remote.set(data.call_id, data.by);
      else this.remote.delete(data.call_id);
      this.changed();
    };
    relay.events.addEventListener('platform-recording-started', onNotice);
    relay.events.addEventListener('platform-recording-stopped', onNotice);
    // A (re)connected channel is told the notices in force again: start from none.
    relay.events.addEventListener('platform-ready', () => {
      if (this.remote.size === 0) return;
      this.remote.clear();
      this.changed();
    });
    // Calls that are no longer live (the platform's list of mine) take their notices with them.
    relay.events.addEventListener('platform-calls', (e) => {
      const data = (e as PlatformEventMessage).data;
      if (data.type !== 'calls') return;
      const live = new Set(data.calls.map((c) => c.call_id));
      let pruned = false;
      for (const id of this.remote.keys()) if (!live.has(id)) pruned = this.remote.delete(id) || pruned;
      if (pruned) this.changed();
    });
  }

  get recordingIds(): string[] {
    return [...this.active.keys()];
  }

  /** My calls (their ids) that the other party is recording now: their cards say "Recording". */
  get remoteRecordingIds(): string[] {
    const calls = this.relay?.calls;
    if (!calls || this.remote.size === 0) return [];
    return calls.calls
      .filter((c) => c.status !== 'ended' && this.remote.has(calls.phoneCall(c.id)?.dialog?.callId ?? ''))
      .map((c) => c.id);
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
    this.tell(legs, true);
  }

  async stop(key: string): Promise<void> {
    const a = this.active.get(key);
    if (!a) return;
    this.active.delete(key);
    for (const leg of a.legs) leg.removeEventListener(CallChangeEvent.eventName, a.stopOnEnd);
    this.changed();
    // A leg that ended needs no word: the other party's card went with the call.
    this.tell(a.legs.filter((l) => l.snapshot.status !== 'ended'), false);
    try {
      await a.capture.stop();
    } finally {
      // Whatever was captured is kept and uploaded, even when stopping failed half-way.
      await this.queue.finish(a.id, a.capture.durationS);
    }
  }

  /** Tells the platform (so the other party) that these legs are recorded now, or no longer. */
  private tell(legs: PhoneCall[], recording: boolean): void {
    const relay = this.relay;
    if (!relay) return;
    for (const leg of legs) {
      const callId = leg.dialog?.callId;
      // Best effort: a recording never waits for, nor fails on, the notice.
      if (callId) relay.api.recordingNotice(callId, recording).catch(() => undefined);
    }
  }

  private changed(): void {
    this.dispatchEvent(new RecordingsChangedEvent());
  }
}
