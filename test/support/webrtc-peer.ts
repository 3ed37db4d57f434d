/**
 * A WebRTC peer in Node standing in for a caller in platform tests of server media: it makes an
 * offer with Opus and telephone-events, sends PCM (a tone, or speech) as Opus in real time, and
 * keeps what it hears, decoded, so a test can tell which tone came back. Built on werift (pure
 * TypeScript; libwebrtc bindings for Node crash at process exit). Interop with libwebrtc itself
 * is what the end-to-end tests show, with Chromium as the caller.
 */
import OpusScript from 'opusscript';
import { MediaStreamTrack, RTCPeerConnection, RTCRtpCodecParameters, RtpHeader, RtpPacket } from 'werift';

const RATE = 48_000;
const FRAME = 960;

export class TestPeer {
  readonly pc = new RTCPeerConnection({
    codecs: {
      audio: [
        new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2 }),
        new RTCRtpCodecParameters({ mimeType: 'audio/telephone-event', clockRate: 8_000, channels: 1 }),
      ],
    },
    iceInterfaceAddresses: { udp4: '127.0.0.1' },
  });
  /** Mono samples heard, at 48 kHz. */
  readonly heard: number[] = [];
  private readonly track = new MediaStreamTrack({ kind: 'audio' });
  private readonly encoder = new OpusScript(RATE, 1, OpusScript.Application.VOIP);
  private readonly decoder = new OpusScript(RATE, 2, OpusScript.Application.VOIP);
  private readonly queue: Buffer[] = [];
  private readonly sender: NodeJS.Timeout;
  private seq = 1;
  private timestamp = 0;
  private sent = 0;
  private readonly started = Date.now();
  private opusPt = 111;
  private eventPt = 101;

  /**
   * `decode: false` keeps nothing of what is heard (`heard` stays empty; watch `pc.onTrack`):
   * for benchmarks with many peers, where decoding costs CPU, and where opusscript 0.1.1 makes
   * live instances overwrite each other (it hands the C side twice the address it allocated for
   * PCM, HEAPU16.subarray(bytePointer)), which breaks decoders ("Invalid packet") from a few on.
   */
  constructor(opts: { decode?: boolean } = {}) {
    this.pc.addTransceiver(this.track, { direction: 'sendrecv' });
    this.pc.onTrack.subscribe((remote) => remote.onReceiveRtp.subscribe((rtp) => {
      if (rtp.header.payloadType !== this.opusPt || opts.decode === false) return;
      const raw = this.decoder.decode(rtp.payload);
      const pcm = new Int16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2);
      for (let i = 0; i < pcm.length; i += 2) this.heard.push(pcm[i]!);
    }));
    // A microphone never stops: silence when there is nothing to say.
    const silence = Buffer.from(this.encoder.encode(Buffer.alloc(FRAME * 2), FRAME));
    this.sender = setInterval(() => {
      // Catch up with the wall clock, so timer lateness does not stretch what is said.
      while (this.sent * 20 < Date.now() - this.started) {
        this.rtp(this.opusPt, this.queue.shift() ?? silence, FRAME);
        this.sent++;
      }
    }, 10);
  }

  /** An offer with every ICE candidate in it (SIP carries no trickle). */
  async offer(): Promise<string> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await new Promise<void>((resolve) => {
      if (this.pc.iceGatheringState === 'complete') return resolve();
      this.pc.iceGatheringStateChange.subscribe((s) => s === 'complete' && resolve());
    });
    return this.pc.localDescription!.sdp;
  }

  async accept(answer: string): Promise<void> {
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answer });
    const codecs = this.pc.getTransceivers()[0]!.codecs;
    this.opusPt = codecs.find((c) => c.mimeType.toLowerCase() === 'audio/opus')?.payloadType ?? this.opusPt;
    this.eventPt = codecs.find((c) => c.mimeType.toLowerCase() === 'audio/telephone-event')?.payloadType ?? this.eventPt;
  }

  /** Queues 48 kHz mono PCM to say, in real time. */
  say(pcm: Int16Array): void {
    for (let at = 0; at < pcm.length; at += FRAME) {
      const frame = new Int16Array(FRAME);
      frame.set(pcm.subarray(at, at + FRAME));
      this.queue.push(Buffer.from(this.encoder.encode(Buffer.from(frame.buffer), FRAME)));
    }
  }

  /**
   * Presses a key as RFC 4733 telephone-events (three packets of one event, the last marked
   * end). werift's sender stamps every packet with its audio codec's payload type, so the
   * telephone-event codec is swapped in for these three.
   */
  async press(digit: string): Promise<void> {
    const transceiver = this.pc.getTransceivers()[0]!;
    const sender = transceiver.sender as unknown as { codec: unknown; sendRtp(p: RtpPacket): Promise<void> };
    const opus = sender.codec;
    sender.codec = transceiver.codecs.find((c) => c.mimeType.toLowerCase() === 'audio/telephone-event');
    try {
      const event = '0123456789*#ABCD'.indexOf(digit);
      const ts = this.timestamp >>> 0;
      for (let i = 0; i < 3; i++) {
        const payload = Buffer.from([event, (i === 2 ? 0x80 : 0) | 10, 0, 160 * (i + 1)]);
        await sender.sendRtp(new RtpPacket(new RtpHeader({ payloadType: this.eventPt, sequenceNumber: this.seq++ & 0xffff, timestamp: ts, marker: i === 0 }), payload));
      }
    } finally {
      sender.codec = opus;
    }
  }

  /** Queues Opus packets (20 ms each) to say, in real time: speech encoded once for many peers. */
  sayEncoded(packets: Buffer[]): void {
    this.queue.push(...packets);
  }

  /** How long the queued speech still takes to send, in ms. */
  get sendingMs(): number {
    return this.queue.length * 20;
  }

  /** The mark of the heard audio now, to look at what comes after it. */
  get mark(): number {
    return this.heard.length;
  }

  async close(): Promise<void> {
    clearInterval(this.sender);
    this.encoder.delete();
    this.decoder.delete();
    await this.pc.close();
  }

  private rtp(payloadType: number, payload: Buffer, samples: number): void {
    const header = new RtpHeader({ payloadType, sequenceNumber: this.seq++ & 0xffff, timestamp: this.timestamp >>> 0 });
    this.timestamp += samples;
    this.track.writeRtp(new RtpPacket(header, payload));
  }
}

/** The strongest of `candidates` (Hz) in `samples`, by the Goertzel algorithm, with its share of the energy. */
export function dominantTone(samples: ArrayLike<number>, candidates: number[]): { frequency: number; share: number } {
  const n = samples.length;
  let energy = 0;
  for (let i = 0; i < n; i++) energy += samples[i]! * samples[i]!;
  let best = { frequency: 0, share: 0 };
  for (const f of candidates) {
    const w = (2 * Math.PI * f) / RATE;
    const coeff = 2 * Math.cos(w);
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const s = samples[i]! + coeff * s1 - s2;
      s2 = s1;
      s1 = s;
    }
    const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    // Goertzel power over n samples against the total energy: 1 for a pure tone at f.
    const share = energy > 0 ? (2 * power) / (n * energy) : 0;
    if (share > best.share) best = { frequency: f, share };
  }
  return best;
}

/** Root mean square of samples: silence is near 0. */
export function rms(samples: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i]! * samples[i]!;
  return Math.sqrt(sum / Math.max(1, samples.length));
}
