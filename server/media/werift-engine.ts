/**
 * The media engine on werift (WebRTC in TypeScript): ICE, DTLS-SRTP and RTP in the process.
 * Clips are Ogg Opus packets sent as RTP every 20 ms as they are; what the caller sends is
 * handed on as Opus packets; telephone-events (RFC 4733) become digits.
 *
 *   answer(offer) --ICE gathered--> session (answer SDP) --DTLS up--> media flows --close()--> closed
 */
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket, type RTCRtpTransceiver } from 'werift';
import type { MediaEngine, MediaSession, PlayOutcome } from './engine.js';
import { opusPacketSamples, type OpusClip } from './ogg-opus.js';

const FRAME_MS = 20;
/** How long ICE gathering may take before we answer with what we have. */
const GATHER_TIMEOUT_MS = 2_000;
/**
 * How long a connection may take to come up (ICE, then DTLS) before the session gives up; on a
 * busy machine with many sessions starting at once, 5 s was measured to be too short.
 */
const CONNECT_TIMEOUT_MS = 10_000;
const DTMF_EVENTS = '0123456789*#ABCD';

export class WeriftEngine implements MediaEngine {
  private open = 0;

  /** `interfaceAddresses`: which local address ICE offers (tests and one-host setups use loopback). */
  constructor(private readonly options: { loopbackOnly?: boolean } = {}) {}

  get sessions(): number {
    return this.open;
  }

  async answer(offer: string): Promise<MediaSession> {
    if (!/^m=audio /m.test(offer)) throw new Error('the offer has no audio');
    const pc = new RTCPeerConnection({
      codecs: {
        audio: [
          new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2 }),
          new RTCRtpCodecParameters({ mimeType: 'audio/telephone-event', clockRate: 8_000, channels: 1 }),
        ],
      },
      ...(this.options.loopbackOnly ? { iceInterfaceAddresses: { udp4: '127.0.0.1' } } : {}),
    });
    // The caller's track arrives with the offer: listen before applying it.
    const received = new RtpFanout();
    pc.onTrack.subscribe((remote) => remote.onReceiveRtp.subscribe((rtp) => received.emit(rtp)));
    try {
      await pc.setRemoteDescription({ type: 'offer', sdp: offer });
      const transceiver = pc.getTransceivers().find((t) => t.kind === 'audio');
      if (!transceiver) throw new Error('the offer has no audio');
      const track = new MediaStreamTrack({ kind: 'audio' });
      transceiver.setDirection('sendrecv');
      await transceiver.sender.replaceTrack(track);
      await pc.setLocalDescription(await pc.createAnswer());
      await gathered(pc);
      const sdp = pc.localDescription?.sdp;
      if (!sdp || !/^m=audio [1-9]/m.test(sdp)) throw new Error('no audio could be negotiated');
      this.open++;
      return new WeriftSession(pc, transceiver, track, received, sdp, () => this.open--);
    } catch (err) {
      await pc.close();
      throw err;
    }
  }
}

function gathered(pc: RTCPeerConnection): Promise<void> {
  if (pc.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, GATHER_TIMEOUT_MS);
    const sub = pc.iceGatheringStateChange.subscribe((s) => s === 'complete' && done());
    function done() {
      clearTimeout(timer);
      sub.unSubscribe();
      resolve();
    }
  });
}

/** Received RTP, buffered until the session that handles it exists. */
class RtpFanout {
  private handler: ((rtp: RtpPacket) => void) | null = null;
  emit(rtp: RtpPacket): void {
    this.handler?.(rtp);
  }
  on(handler: (rtp: RtpPacket) => void): void {
    this.handler = handler;
  }
}

class WeriftSession implements MediaSession {
  closed = false;
  private seq = Math.floor(Math.random() * 0xffff);
  private timestamp = Math.floor(Math.random() * 0xffffffff);
  private readonly opusPt: number;
  private readonly eventPt: number | null;
  private readonly digitListeners: Array<(d: string) => void> = [];
  private readonly packetListeners = new Set<(p: Buffer) => void>();
  /** RTP timestamp of the last telephone-event seen: one press is many packets. */
  private lastEvent = -1;
  private interrupt: (() => void) | null = null;
  private playing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly pc: RTCPeerConnection,
    transceiver: RTCRtpTransceiver,
    private readonly track: MediaStreamTrack,
    received: RtpFanout,
    readonly answer: string,
    private readonly onClosed: () => void,
  ) {
    const codecs = transceiver.codecs;
    this.opusPt = codecs.find((c) => c.mimeType.toLowerCase() === 'audio/opus')?.payloadType ?? 111;
    this.eventPt = codecs.find((c) => c.mimeType.toLowerCase() === 'audio/telephone-event')?.payloadType ?? null;
    received.on((rtp) => {
      if (rtp.header.payloadType === this.opusPt) for (const l of this.packetListeners) l(rtp.payload);
      else if (rtp.header.payloadType === this.eventPt) this.telephoneEvent(rtp.header.timestamp, rtp.payload);
    });
    pc.connectionStateChange.subscribe((s) => (s === 'failed' || s === 'closed') && this.close());
  }

  play(clip: OpusClip, opts: { interruptible?: boolean } = {}): Promise<PlayOutcome> {
    return this.queue(() => this.send(clip.packets, opts.interruptible ?? false));
  }

  pause(ms: number, opts: { interruptible?: boolean } = {}): Promise<PlayOutcome> {
    return this.queue(() => new Promise<PlayOutcome>((resolve) => {
      if (this.closed) return resolve('closed');
      const timer = setTimeout(() => finish('played'), ms);
      const finish = (outcome: PlayOutcome) => {
        clearTimeout(timer);
        this.interrupt = null;
        // Keep the RTP clock moving so the next clip is not heard as early.
        this.timestamp = (this.timestamp + Math.round(ms * 48)) >>> 0;
        resolve(outcome);
      };
      this.interrupt = opts.interruptible ? () => finish('interrupted') : null;
      this.closeWaiter = () => finish('closed');
    }));
  }

  listen(onPacket: (packet: Buffer) => void): () => void {
    this.packetListeners.add(onPacket);
    return () => this.packetListeners.delete(onPacket);
  }

  onDigit(listener: (digit: string) => void): void {
    this.digitListeners.push(listener);
  }

  digit(digit: string): void {
    if (this.closed) return;
    this.interrupt?.();
    for (const l of this.digitListeners) l(digit);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeWaiter?.();
    this.packetListeners.clear();
    void this.pc.close();
    this.onClosed();
  }

  private closeWaiter: (() => void) | null = null;

  /** Clips play one after another, never on top of each other. */
  private queue(work: () => Promise<PlayOutcome>): Promise<PlayOutcome> {
    const next = this.playing.then(work, work);
    this.playing = next;
    return next;
  }

  private async send(packets: Buffer[], interruptible: boolean): Promise<PlayOutcome> {
    if (this.closed) return 'closed';
    if (!(await this.connected())) return 'closed';
    return new Promise<PlayOutcome>((resolve) => {
      let i = 0;
      const started = Date.now();
      let timer: NodeJS.Timeout | null = null;
      const finish = (outcome: PlayOutcome) => {
        if (timer) clearTimeout(timer);
        this.interrupt = null;
        this.closeWaiter = null;
        resolve(outcome);
      };
      this.interrupt = interruptible ? () => finish('interrupted') : null;
      this.closeWaiter = () => finish('closed');
      // Paced against the wall clock, not the timer: a late tick sends its packet at once.
      const tick = () => {
        if (this.closed) return finish('closed');
        const packet = packets[i];
        if (!packet) return finish('played');
        const header = new RtpHeader({ payloadType: this.opusPt, sequenceNumber: this.seq, timestamp: this.timestamp, marker: i === 0 });
        this.seq = (this.seq + 1) & 0xffff;
        this.timestamp = (this.timestamp + (opusPacketSamples(packet) || 960)) >>> 0;
        this.track.writeRtp(new RtpPacket(header, packet));
        i++;
        timer = setTimeout(tick, Math.max(0, started + i * FRAME_MS - Date.now()));
      };
      tick();
    });
  }

  private connected(): Promise<boolean> {
    if (this.pc.connectionState === 'connected') return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), CONNECT_TIMEOUT_MS);
      const sub = this.pc.connectionStateChange.subscribe((s) => {
        if (s === 'connected') done(true);
        else if (s === 'failed' || s === 'closed') done(false);
      });
      const done = (ok: boolean) => {
        clearTimeout(timer);
        sub.unSubscribe();
        resolve(ok);
      };
    });
  }

  /** RFC 4733 s2.3: event, E|R|volume, duration. A press starts a new timestamp. */
  private telephoneEvent(timestamp: number, payload: Buffer): void {
    if (payload.length < 4 || timestamp === this.lastEvent) return;
    this.lastEvent = timestamp;
    const digit = DTMF_EVENTS[payload[0]!];
    if (digit) this.digit(digit);
  }
}
