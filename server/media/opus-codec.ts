/**
 * Opus encoding and decoding in the process (opusscript: libopus compiled to WASM), for audio
 * the platform makes itself (spoken text, tones) and for decoding a message to transcribe it.
 * Calls never go through here: their packets are forwarded as they are.
 */
import OpusScript from 'opusscript';
import { OPUS_RATE, type OpusClip } from './ogg-opus.js';

/** 20 ms at 48 kHz. */
export const FRAME_SAMPLES = 960;

/** Mono 16-bit PCM at 48 kHz as 20 ms Opus packets (the last frame padded with silence). */
export function encodePcm(pcm: Int16Array): OpusClip {
  const encoder = new OpusScript(OPUS_RATE, 1, OpusScript.Application.VOIP);
  try {
    const packets: Buffer[] = [];
    for (let at = 0; at < pcm.length; at += FRAME_SAMPLES) {
      const frame = new Int16Array(FRAME_SAMPLES);
      frame.set(pcm.subarray(at, at + FRAME_SAMPLES));
      packets.push(Buffer.from(encoder.encode(Buffer.from(frame.buffer), FRAME_SAMPLES)));
    }
    return { packets, samples: pcm.length, channels: 1 };
  } finally {
    encoder.delete();
  }
}

/**
 * Opus packets as mono 16-bit PCM at 48 kHz, or at another rate Opus decodes to natively (8, 12,
 * 16 or 24 kHz: the decoder band-limits, so no resampling is needed). A lost or broken packet
 * decodes as silence.
 */
export function decodePackets(packets: Buffer[], channels = 1, rate: 8_000 | 12_000 | 16_000 | 24_000 | 48_000 = OPUS_RATE): Int16Array {
  const decoder = new OpusScript(rate, channels as 1 | 2, OpusScript.Application.VOIP);
  const frame = (FRAME_SAMPLES * rate) / OPUS_RATE;
  try {
    const frames: Int16Array[] = [];
    for (const p of packets) {
      let pcm: Int16Array;
      try {
        const raw = decoder.decode(p);
        pcm = new Int16Array(raw.buffer, raw.byteOffset, raw.byteLength / 2);
      } catch {
        pcm = new Int16Array(frame * channels);
      }
      frames.push(channels === 1 ? pcm : downmix(pcm));
    }
    const out = new Int16Array(frames.reduce((n, f) => n + f.length, 0));
    let at = 0;
    for (const f of frames) { out.set(f, at); at += f.length; }
    return out;
  } finally {
    decoder.delete();
  }
}

function downmix(stereo: Int16Array): Int16Array {
  const mono = new Int16Array(stereo.length / 2);
  for (let i = 0; i < mono.length; i++) mono[i] = (stereo[2 * i]! + stereo[2 * i + 1]!) >> 1;
  return mono;
}

/** Linear-interpolation resampling: good enough for speech prompts and for 16 kHz recognition. */
export function resample(pcm: Int16Array, from: number, to: number): Int16Array {
  if (from === to) return pcm;
  const out = new Int16Array(Math.floor((pcm.length * to) / from));
  const step = from / to;
  // Going down, average the samples each output one covers (a crude low-pass against aliasing).
  const span = Math.max(1, Math.floor(step));
  for (let i = 0; i < out.length; i++) {
    const pos = i * step;
    const j = Math.floor(pos);
    if (span > 1) {
      let sum = 0;
      for (let k = 0; k < span; k++) sum += pcm[Math.min(pcm.length - 1, j + k)]!;
      out[i] = Math.round(sum / span);
    } else {
      const a = pcm[j] ?? 0;
      const b = pcm[j + 1] ?? a;
      out[i] = Math.round(a + (b - a) * (pos - j));
    }
  }
  return out;
}

/** A sine tone (the beep before recording), with 10 ms fades so it does not click. */
export function tone(frequency: number, ms: number, amplitude = 0.3): Int16Array {
  const n = Math.round((OPUS_RATE * ms) / 1000);
  const fade = Math.round(OPUS_RATE / 100);
  const pcm = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const envelope = Math.min(1, i / fade, (n - i) / fade);
    pcm[i] = Math.round(32767 * amplitude * envelope * Math.sin((2 * Math.PI * frequency * i) / OPUS_RATE));
  }
  return pcm;
}
