/**
 * The ringtone: a classic two-tone ring (440 + 480 Hz, 2 s on, 4 s off) rendered once into a WAV
 * and played through an <audio> element, so it can be routed to the chosen ringer device with
 * setSinkId. Browsers only allow sound after a user gesture: `unlock()` is called from the
 * login click so the first call of the session is not silent.
 */
const SAMPLE_RATE = 8000;

function ringWav(): Blob {
  const seconds = 6;
  const n = SAMPLE_RATE * seconds;
  const data = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const t = i / SAMPLE_RATE;
    if (t >= 2) break; // silence for the rest of the cycle
    const envelope = Math.min(1, t * 50, (2 - t) * 50);
    data[i] = Math.round(0.25 * 32767 * envelope * 0.5 * (Math.sin(2 * Math.PI * 440 * t) + Math.sin(2 * Math.PI * 480 * t)));
  }
  const header = new DataView(new ArrayBuffer(44));
  const write = (o: number, s: string) => [...s].forEach((c, i) => header.setUint8(o + i, c.charCodeAt(0)));
  write(0, 'RIFF');
  header.setUint32(4, 36 + data.byteLength, true);
  write(8, 'WAVEfmt ');
  header.setUint32(16, 16, true);
  header.setUint16(20, 1, true);
  header.setUint16(22, 1, true);
  header.setUint32(24, SAMPLE_RATE, true);
  header.setUint32(28, SAMPLE_RATE * 2, true);
  header.setUint16(32, 2, true);
  header.setUint16(34, 16, true);
  write(36, 'data');
  header.setUint32(40, data.byteLength, true);
  return new Blob([header, data], { type: 'audio/wav' });
}

type SinkAudio = HTMLAudioElement & { setSinkId?(id: string): Promise<void> };

export class Ringer {
  private readonly audio: SinkAudio;
  private url: string;
  private playing = false;
  /** Set when the browser refused to play (no user gesture yet). */
  blocked = false;

  constructor() {
    this.url = URL.createObjectURL(ringWav());
    this.audio = new Audio(this.url) as SinkAudio;
    this.audio.loop = true;
  }

  /** Called from a user gesture: a silent play/pause grants this page the right to play sound. */
  unlock(): void {
    this.audio.muted = true;
    void this.audio.play().then(() => {
      if (!this.playing) this.audio.pause();
      this.audio.muted = false;
      this.blocked = false;
    }).catch(() => {
      this.audio.muted = false;
    });
  }

  async setDevice(deviceId: string): Promise<void> {
    if (this.audio.setSinkId) await this.audio.setSinkId(deviceId).catch(() => undefined);
  }

  start(): void {
    if (this.playing) return;
    this.playing = true;
    this.audio.currentTime = 0;
    this.audio.play().then(() => (this.blocked = false)).catch(() => (this.blocked = true));
  }

  stop(): void {
    this.playing = false;
    this.audio.pause();
  }

  dispose(): void {
    this.stop();
    URL.revokeObjectURL(this.url);
  }
}
