/**
 * The media of one call, on WebRTC alone (no SIP, no JsSIP): which microphone track is on the
 * call, what is sent instead of it (a conference mix), the remote stream, and the rule that
 * mute and hold silence what is sent. The signalling adapter (jssip-call.ts) tells it when the
 * peer connection appears or is replaced, and asks it to re-apply mute/hold after each change.
 */

/** What the media needs to know about the call it belongs to; read when needed. */
export interface MediaCall {
  /** The peer connection carrying the call now; null before media is set up. */
  connection(): RTCPeerConnection | null;
  /** Held either way (by us or by the other side): nothing is sent then. */
  held(): boolean;
  muted(): boolean;
  ended(): boolean;
  /** A stream the call shows (localStream) changed. */
  changed(): void;
}

export interface CallMediaOptions {
  /** For useMicrophone(); the browser's by default. */
  getUserMedia?: (constraints: MediaStreamConstraints) => Promise<MediaStream>;
}

export class CallMedia {
  private stream: MediaStream | null = null;
  private watched: RTCPeerConnection | null = null;
  /** The microphone of this call: on the sender, or feeding a mix when `outgoing` is set. */
  private mic: MediaStreamTrack | null = null;
  private micStream: MediaStream | null = null;
  /** What setOutgoingAudio() put on the sender instead of the microphone. */
  private outgoing: MediaStreamTrack | null = null;
  /** Microphone tracks we put on the call with replaceTrack; the signalling stack only stops its own. */
  private readonly ownTracks = new Set<MediaStreamTrack>();
  private readonly getUserMedia: (constraints: MediaStreamConstraints) => Promise<MediaStream>;

  constructor(private readonly call: MediaCall, options: CallMediaOptions = {}) {
    this.getUserMedia = options.getUserMedia ?? ((c) => navigator.mediaDevices.getUserMedia(c));
  }

  get remoteStream(): MediaStream | null {
    if (this.stream || this.call.ended()) return this.stream;
    // A 'track' event can only be missed if the connection was set up before we listened.
    const tracks = this.call.connection()?.getReceivers().map((r) => r.track).filter((t) => t.kind === 'audio') ?? [];
    if (tracks.length) this.stream = new MediaStream(tracks);
    return this.stream;
  }

  get localStream(): MediaStream | null {
    if (!this.mic || this.call.ended()) return null;
    if (this.micStream?.getAudioTracks()[0] !== this.mic) this.micStream = new MediaStream([this.mic]);
    return this.micStream;
  }

  /**
   * Follows `pc` (once): its remote audio, and `connected` once ICE and DTLS are up. Events of a
   * connection the call no longer uses are ignored.
   */
  watch(pc: RTCPeerConnection, connected: () => void): void {
    if (this.watched === pc) return;
    this.watched = pc;
    pc.addEventListener('track', (e) => {
      if (e.track.kind !== 'audio' || pc !== this.call.connection()) return;
      this.stream = e.streams[0] ?? new MediaStream([e.track]);
    });
    pc.addEventListener('connectionstatechange', () => {
      if (pc !== this.call.connection()) return;
      if (pc.connectionState === 'connected') connected();
    });
  }

  /**
   * The local tracks are on the connection now: the microphone is the sender's, and a mix set
   * before (setOutgoingAudio) replaces it. The caller re-applies mute and hold after this.
   */
  tracksReady(): void {
    this.mic = this.audioSender()?.track ?? null;
    const outgoing = this.outgoing;
    if (outgoing) {
      this.audioSender()?.replaceTrack(outgoing).then(
        () => this.sync(),
        (err: unknown) => console.warn('outgoing audio not applied', err),
      );
    }
  }

  /** A new connection takes over (RFC 3891 Replaces): forget the old one's streams and tracks. */
  reset(): void {
    this.stream = null;
    this.mic = null;
    this.stopOwnTracks(); // on the old connection, which is about to close
  }

  /** The call ended: stop the microphones we opened. */
  stop(): void {
    this.stopOwnTracks();
  }

  /** Sends `track` (e.g. a conference mix) instead of the microphone; null: the microphone again. */
  async setOutgoingAudio(track: MediaStreamTrack | null): Promise<void> {
    if (track && track.kind !== 'audio') throw new TypeError('Not an audio track');
    this.outgoing = track;
    if (this.call.ended()) return;
    const sender = this.audioSender();
    if (!sender) return; // applied by tracksReady(), once the sender exists
    await sender.replaceTrack(track ?? this.mic);
    this.sync();
  }

  /** Puts the microphone described by `audio` on the live call without renegotiating. */
  async useMicrophone(audio: MediaTrackConstraints | boolean): Promise<void> {
    const sender = this.audioSender();
    if (!sender || this.call.ended()) return;
    const stream = await this.getUserMedia({ audio, video: false });
    const track = stream.getAudioTracks()[0];
    if (!track) return;
    if (this.call.ended()) {
      track.stop();
      return;
    }
    const previous = this.mic;
    // In a mix the sender carries the mixer's track: the new microphone only feeds the mix,
    // which picks it up from localStream on the change below.
    if (!this.outgoing) await sender.replaceTrack(track);
    this.mic = track;
    this.ownTracks.add(track);
    if (previous) {
      previous.stop();
      this.ownTracks.delete(previous);
    }
    this.sync();
    this.call.changed();
  }

  /**
   * Mute silences the microphone, wherever it goes: on the sender, or into a mix (then the mixed
   * track stays on, so the others in a conference still hear each other). Hold silences what is
   * sent either way. (The rule of JsSIP's _setLocalMediaStatus, applied to tracks it does not
   * know about.)
   */
  sync(): void {
    const pc = this.call.connection();
    if (!pc) return;
    const live = !this.call.held();
    const muted = this.call.muted();
    for (const sender of pc.getSenders()) {
      const track = sender.track;
      if (track?.kind !== 'audio') continue;
      track.enabled = track === this.outgoing ? live : live && !muted;
    }
    if (this.mic && this.mic.readyState === 'live') this.mic.enabled = live && !muted;
  }

  /** The audio transceiver's sender: its track may be null for a moment during replaceTrack. */
  audioSender(): RTCRtpSender | undefined {
    const pc = this.call.connection();
    if (!pc) return undefined;
    return pc.getTransceivers().find((t) => t.receiver.track.kind === 'audio' && t.currentDirection !== 'stopped')?.sender;
  }

  private stopOwnTracks(): void {
    for (const track of this.ownTracks) track.stop();
    this.ownTracks.clear();
  }
}
