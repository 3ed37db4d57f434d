/**
 * A three-way (or N-way) conference mixed in this browser: every leg is an ordinary call, and
 * each leg sends my microphone plus the remote audio of every *other* leg, so the parties hear
 * me and each other but never themselves.
 *
 *   mic(A) ─────────────▶ dest(A) ─▶ leg A sends       remote(A) ─┬─▶ dest(B)
 *   mic(B) ─────────────▶ dest(B) ─▶ leg B sends       remote(B) ─┴─▶ dest(A)
 *   first unmuted mic + every remote ─▶ recordingStream()
 *
 * The mix goes on each call with `setOutgoingAudio()` (RTCRtpSender.replaceTrack: no
 * renegotiation); remove()/dispose() give each call its microphone back.
 *
 * Mute: each leg mixes *its own* microphone track (`call.localStream`), and a call's mute
 * disables that track, so muting a call silences me towards that party while the mixed track
 * stays on and the parties still hear each other. `setMuted()` mutes me on every leg at once
 * (the conference's mute button); the recording's microphone follows (it is silent when every
 * leg is muted or on hold).
 *
 * Chrome: audio of a remote WebRTC stream reaches Web Audio only while the stream also plays
 * in a media element (crbug.com/933677). The app plays every remote stream in an <audio>
 * anyway (sb-remote-audio); code without one must attach it (a muted element is enough).
 * An AudioContext created without a user gesture may stay suspended: create the mixer, or
 * call add(), from the click that starts the conference. Until the context runs, the calls
 * keep sending the plain microphone (a suspended mix would be silence).
 *
 * No JsSIP here: the mixer only sees the PhoneCall port.
 */
import { CallChangeEvent, type PhoneCall } from './types.js';

interface Source {
  /** Distinguishes sources in the wiring key. */
  serial: number;
  stream: MediaStream;
  track: MediaStreamTrack;
  node: MediaStreamAudioSourceNode;
}

interface Leg {
  call: PhoneCall;
  destination: MediaStreamAudioDestinationNode;
  mic: Source | null;
  remote: Source | null;
  /** The call sends this leg's mix (setOutgoingAudio was called). */
  sending: boolean;
  onChange: () => void;
}

export class ConferenceMixer {
  readonly audioContext: AudioContext;
  private readonly ownsContext: boolean;
  private readonly legs = new Map<PhoneCall, Leg>();
  private recording: MediaStreamAudioDestinationNode | null = null;
  private muted = false;
  private disposed = false;
  /** What the graph is wired for now (see rewire). */
  private wiring = '';
  private serials = 0;

  constructor(audioContext?: AudioContext) {
    this.audioContext = audioContext ?? new AudioContext();
    this.ownsContext = !audioContext;
    this.audioContext.addEventListener('statechange', this.onStateChange);
  }

  /** The calls in the mix, in the order they were added. */
  get calls(): PhoneCall[] {
    return [...this.legs.keys()];
  }

  get isMuted(): boolean {
    return this.muted;
  }

  /** The track a leg sends while it is in the mix (for tests and diagnostics). */
  outgoingTrack(call: PhoneCall): MediaStreamTrack | null {
    return this.legs.get(call)?.destination.stream.getAudioTracks()[0] ?? null;
  }

  /**
   * Adds a call to the conference. Its streams are picked up as soon as they exist (a call
   * still ringing joins when connected); an ended call leaves by itself.
   */
  add(call: PhoneCall): void {
    if (this.disposed) throw new Error('The conference mixer was disposed');
    if (this.legs.has(call) || call.snapshot.status === 'ended') return;
    const destination = this.audioContext.createMediaStreamDestination();
    const leg: Leg = { call, destination, mic: null, remote: null, sending: false, onChange: () => this.changed(leg) };
    this.legs.set(call, leg);
    call.addEventListener(CallChangeEvent.eventName, leg.onChange);
    if (this.muted && !call.snapshot.muted) call.setMuted(true);
    this.rewire();
    if (this.audioContext.state === 'running') this.send(leg);
    else this.audioContext.resume().catch(() => undefined); // each leg gets the mix once it runs
  }

  /** Takes a call out of the conference; it sends the plain microphone again. */
  remove(call: PhoneCall): void {
    const leg = this.legs.get(call);
    if (!leg) return;
    this.legs.delete(call);
    call.removeEventListener(CallChangeEvent.eventName, leg.onChange);
    this.release(leg);
    if (leg.sending && call.snapshot.status !== 'ended') {
      call.setOutgoingAudio(null).catch((err: unknown) => console.warn('conference: could not restore the microphone', err));
    }
    this.rewire();
  }

  /** Mutes me on every leg (each call's own mute, so the cards show it). */
  setMuted(muted: boolean): void {
    this.muted = muted;
    for (const call of this.legs.keys()) call.setMuted(muted);
    this.rewire();
  }

  /** My microphone and every remote party, mixed: what a recording of the conference takes. */
  recordingStream(): MediaStream {
    if (this.disposed) throw new Error('The conference mixer was disposed');
    this.recording ??= this.audioContext.createMediaStreamDestination();
    this.rewire();
    return this.recording.stream;
  }

  /** Every call gets its microphone back; the audio graph (and an own AudioContext) is closed. */
  dispose(): void {
    if (this.disposed) return;
    for (const call of [...this.legs.keys()]) this.remove(call);
    this.disposed = true;
    if (this.recording) {
      this.recording.stream.getTracks().forEach((t) => t.stop());
      this.recording.disconnect();
      this.recording = null;
    }
    this.audioContext.removeEventListener('statechange', this.onStateChange);
    if (this.ownsContext) this.audioContext.close().catch(() => undefined);
  }

  // ---- the graph ----------------------------------------------------------------------------

  /**
   * Puts the mix on the leg. Only while the context runs: a suspended one (no user gesture yet)
   * produces silence, and the call keeps its plain microphone until the mix really plays.
   */
  private send(leg: Leg): void {
    if (leg.sending || this.legs.get(leg.call) !== leg) return;
    leg.sending = true;
    const track = leg.destination.stream.getAudioTracks()[0] ?? null;
    leg.call.setOutgoingAudio(track).catch((err: unknown) => console.warn('conference: could not send the mix', err));
  }

  private readonly onStateChange = () => {
    if (this.audioContext.state === 'running') for (const leg of this.legs.values()) this.send(leg);
  };

  private changed(leg: Leg): void {
    if (leg.call.snapshot.status === 'ended') this.remove(leg.call);
    else this.rewire();
  }

  /**
   * Brings the graph in line with the calls: sources follow each call's current streams (a
   * call's streams change when its microphone is switched or its session replaced), then every
   * connection is made again from the rules in the diagram.
   */
  private rewire(): void {
    if (this.disposed) return;
    for (const leg of this.legs.values()) {
      leg.mic = this.follow(leg.mic, leg.call.localStream);
      leg.remote = this.follow(leg.remote, leg.call.remoteStream);
    }
    // Most changes of a call (DTMF, hold) leave the graph as it is: do not touch it then.
    const wiring = [...this.legs.values()]
      .map((leg) => `${leg.call.id}:${leg.mic?.serial ?? '-'}:${leg.remote?.serial ?? '-'}:${hearsMe(leg.call)}`)
      .join('|') + `|rec:${this.recording ? 1 : 0}`;
    if (wiring === this.wiring) return;
    this.wiring = wiring;
    for (const leg of this.legs.values()) {
      leg.mic?.node.disconnect();
      leg.remote?.node.disconnect();
    }
    const legs = [...this.legs.values()];
    for (const leg of legs) {
      leg.mic?.node.connect(leg.destination);
      for (const other of legs) if (other !== leg) other.remote?.node.connect(leg.destination);
    }
    if (this.recording) {
      // One microphone: the legs' tracks are copies of the same device. Take one that is not
      // silenced (muted or on hold), so the recording has my voice whenever someone hears it.
      const speaking = legs.find((leg) => leg.mic && hearsMe(leg.call));
      speaking?.mic?.node.connect(this.recording);
      for (const leg of legs) leg.remote?.node.connect(this.recording);
    }
  }

  private follow(source: Source | null, stream: MediaStream | null): Source | null {
    const track = stream?.getAudioTracks()[0] ?? null;
    if (source && stream && source.stream === stream && source.track === track && track?.readyState === 'live') return source;
    source?.node.disconnect();
    if (!stream || !track || track.readyState !== 'live') return null;
    return { serial: ++this.serials, stream, track, node: this.audioContext.createMediaStreamSource(stream) };
  }

  private release(leg: Leg): void {
    leg.mic?.node.disconnect();
    leg.remote?.node.disconnect();
    leg.destination.disconnect();
    leg.mic = null;
    leg.remote = null;
    this.wiring = '';
    // The call has stopped sending this track (setOutgoingAudio(null) or the call ended).
    queueMicrotask(() => leg.destination.stream.getTracks().forEach((t) => t.stop()));
  }
}

/** Whether the party of `call` gets my microphone (not muted, not on hold either way). */
function hearsMe(call: PhoneCall): boolean {
  const s = call.snapshot;
  return !s.muted && !s.remoteHeld && s.status === 'connected';
}
