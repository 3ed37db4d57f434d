/**
 * Records a call in the browser: my microphone and the other party mixed with Web Audio into
 * one track, encoded by MediaRecorder (Opus in WebM where the browser has it). Chunks arrive
 * every `timesliceMs` through `ondata`, so the caller can persist as it goes (IndexedDB) and
 * lose at most one chunk if the tab dies; stop() gives the whole recording as one Blob.
 *
 * For a conference, record `ConferenceMixer.recordingStream()` (my microphone and every leg);
 * a MediaStream source is recorded as it is.
 *
 * Chrome: the remote stream of a WebRTC call feeds Web Audio only while it also plays in a
 * media element (see conference-mixer.ts); the app's <audio> per call takes care of that.
 * An AudioContext created without a user gesture may stay suspended: start from the click.
 *
 *   idle ──start()──▶ recording ──stop() / call ended──▶ stopped
 */
import { CallChangeEvent, type PhoneCall } from './types.js';

export interface CallRecordingOptions {
  /** Shared context (e.g. the conference mixer's); by default the recording makes its own. */
  audioContext?: AudioContext;
  /** How often `ondata` gets a chunk, ms (default 1000). */
  timesliceMs?: number;
  /** Preferred container/codec (default 'audio/webm;codecs=opus', else what the browser has). */
  mimeType?: string;
}

export type RecordingState = 'idle' | 'recording' | 'stopped';

const PREFERRED_TYPES = ['audio/webm;codecs=opus', 'audio/webm', 'audio/ogg;codecs=opus', 'audio/mp4'];

interface Source {
  stream: MediaStream;
  track: MediaStreamTrack;
  node: MediaStreamAudioSourceNode;
}

export class CallRecording {
  /** Each encoded chunk, in order, as it is produced. */
  ondata: ((chunk: Blob) => void) | null = null;
  private readonly timesliceMs: number;
  private readonly preferredType: string | undefined;
  private context: AudioContext | null = null;
  private ownsContext = false;
  private destination: MediaStreamAudioDestinationNode | null = null;
  private recorder: MediaRecorder | null = null;
  private readonly chunks: Blob[] = [];
  private mic: Source | null = null;
  private remote: Source | null = null;
  private startedAt = 0;
  private stoppedAt = 0;
  private current: RecordingState = 'idle';
  private finished: Promise<Blob> | null = null;
  private readonly onCallChange = () => this.callChanged();

  constructor(private readonly source: PhoneCall | MediaStream, private readonly options: CallRecordingOptions = {}) {
    this.timesliceMs = options.timesliceMs ?? 1_000;
    this.preferredType = options.mimeType;
  }

  get state(): RecordingState {
    return this.current;
  }

  /** The recording's MIME type (what MediaRecorder produces); '' before start(). */
  get mimeType(): string {
    return this.recorder?.mimeType ?? '';
  }

  /** Seconds recorded so far (wall clock from start() to now or to the stop). */
  get durationS(): number {
    if (this.current === 'idle') return 0;
    return ((this.current === 'stopped' ? this.stoppedAt : performance.now()) - this.startedAt) / 1000;
  }

  start(): void {
    if (this.current !== 'idle') throw new Error('A recording starts once');
    let stream: MediaStream;
    if (this.source instanceof MediaStream) {
      stream = this.source;
    } else {
      if (this.source.snapshot.status === 'ended') throw new Error('The call has ended');
      this.context = this.options.audioContext ?? new AudioContext();
      this.ownsContext = !this.options.audioContext;
      if (this.context.state === 'suspended') this.context.resume().catch(() => undefined);
      this.destination = this.context.createMediaStreamDestination();
      this.source.addEventListener(CallChangeEvent.eventName, this.onCallChange);
      this.wire();
      stream = this.destination.stream;
    }
    const mimeType = pickType(this.preferredType);
    const recorder = new MediaRecorder(stream, mimeType ? { mimeType } : undefined);
    this.recorder = recorder;
    recorder.addEventListener('dataavailable', (e) => {
      if (!e.data.size) return;
      this.chunks.push(e.data);
      this.ondata?.(e.data);
    });
    this.finished = new Promise<Blob>((resolve, reject) => {
      recorder.addEventListener('stop', () => {
        this.cleanup();
        resolve(new Blob(this.chunks, { type: recorder.mimeType || mimeType || 'audio/webm' }));
      });
      recorder.addEventListener('error', (e) => {
        this.cleanup();
        reject((e as ErrorEvent).error ?? new Error('Recording failed'));
      });
    });
    recorder.start(this.timesliceMs);
    this.startedAt = performance.now();
    this.current = 'recording';
  }

  /** Stops (if still recording) and resolves with the whole recording. */
  stop(): Promise<Blob> {
    if (!this.finished || !this.recorder) return Promise.reject(new Error('The recording was not started'));
    if (this.current === 'recording') {
      this.current = 'stopped';
      this.stoppedAt = performance.now();
      if (this.recorder.state !== 'inactive') this.recorder.stop();
    }
    return this.finished;
  }

  // ---- a call's streams into the mix --------------------------------------------------------

  private callChanged(): void {
    const call = this.source as PhoneCall;
    if (call.snapshot.status === 'ended') {
      // Nothing more to hear; the owner still gets the Blob from stop().
      this.stop().catch(() => undefined);
      return;
    }
    this.wire();
  }

  /** The call's current microphone and remote streams (both change if its session is replaced). */
  private wire(): void {
    const call = this.source as PhoneCall;
    this.mic = this.follow(this.mic, call.localStream);
    this.remote = this.follow(this.remote, call.remoteStream);
  }

  private follow(source: Source | null, stream: MediaStream | null): Source | null {
    const track = stream?.getAudioTracks()[0] ?? null;
    if (source && source.stream === stream && source.track === track) return source;
    source?.node.disconnect();
    if (!stream || !track || !this.context || !this.destination) return null;
    const node = this.context.createMediaStreamSource(stream);
    node.connect(this.destination);
    return { stream, track, node };
  }

  private cleanup(): void {
    if (!(this.source instanceof MediaStream)) this.source.removeEventListener(CallChangeEvent.eventName, this.onCallChange);
    this.mic?.node.disconnect();
    this.remote?.node.disconnect();
    this.mic = this.remote = null;
    this.destination?.stream.getTracks().forEach((t) => t.stop());
    this.destination = null;
    if (this.ownsContext) this.context?.close().catch(() => undefined);
    this.context = null;
  }
}

function pickType(preferred: string | undefined): string {
  const candidates = preferred ? [preferred, ...PREFERRED_TYPES] : PREFERRED_TYPES;
  return candidates.find((type) => MediaRecorder.isTypeSupported(type)) ?? '';
}
