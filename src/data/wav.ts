/**
 * Any audio the browser can decode (its own MediaRecorder WebM, mp3, ...) as a 16-bit mono WAV,
 * so a recording reaches the platform in the one format it encodes itself, with no converter
 * installed there.
 */

/** Speech needs no more; 10 MB holds about 3.5 minutes at this rate. */
export const WAV_RATE = 24_000;

export async function toWav(audio: Blob, rate = WAV_RATE): Promise<Blob> {
  const bytes = await audio.arrayBuffer();
  // An OfflineAudioContext decodes at its own rate: the resampling comes free.
  const ctx = new OfflineAudioContext(1, 1, rate);
  const decoded = await ctx.decodeAudioData(bytes);
  return new Blob([wavFile(mono(decoded), rate)], { type: 'audio/wav' });
}

function mono(buffer: AudioBuffer): Float32Array {
  if (buffer.numberOfChannels === 1) return buffer.getChannelData(0);
  const out = new Float32Array(buffer.length);
  for (let c = 0; c < buffer.numberOfChannels; c++) {
    const data = buffer.getChannelData(c);
    for (let i = 0; i < out.length; i++) out[i] = out[i]! + data[i]! / buffer.numberOfChannels;
  }
  return out;
}

/** A RIFF/WAVE file of 16-bit PCM samples. */
export function wavFile(samples: Float32Array, rate: number): ArrayBuffer {
  const file = new ArrayBuffer(44 + samples.length * 2);
  const v = new DataView(file);
  const text = (at: number, s: string) => { for (let i = 0; i < s.length; i++) v.setUint8(at + i, s.charCodeAt(i)); };
  text(0, 'RIFF'); v.setUint32(4, 36 + samples.length * 2, true); text(8, 'WAVE');
  text(12, 'fmt '); v.setUint32(16, 16, true); v.setUint16(20, 1, true); v.setUint16(22, 1, true);
  v.setUint32(24, rate, true); v.setUint32(28, rate * 2, true); v.setUint16(32, 2, true); v.setUint16(34, 16, true);
  text(36, 'data'); v.setUint32(40, samples.length * 2, true);
  for (let i = 0; i < samples.length; i++) {
    const s = Math.max(-1, Math.min(1, samples[i]!));
    v.setInt16(44 + i * 2, s < 0 ? s * 0x8000 : s * 0x7fff, true);
  }
  return file;
}
