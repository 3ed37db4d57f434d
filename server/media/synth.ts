/**
 * Text to speech in the process: eSpeak NG compiled to WASM (the `espeak-ng` package), so the
 * platform can say a name ("Bob Baker is not available") or a typed greeting with no program
 * installed. Its 22,050 Hz WAV is resampled to 48 kHz and encoded as Opus.
 */
import ESpeakNg from 'espeak-ng';
import type { OpusClip } from './ogg-opus.js';
import { encodePcm, resample } from './opus-codec.js';

/** Longest text spoken in one go (a typed greeting). */
export const MAX_SPOKEN_CHARS = 1_000;

/** Mono 16-bit PCM at 48 kHz. */
export async function speakPcm(text: string, voice = 'en-us'): Promise<Int16Array> {
  const clean = text.replace(/[\u0000-\u001f\u007f]/g, ' ').trim().slice(0, MAX_SPOKEN_CHARS);
  if (!clean) return new Int16Array(0);
  // The text goes in a file, never on a command line: no quoting of user text to get wrong.
  const espeak = await ESpeakNg({
    arguments: ['-v', voice, '-s', '150', '-w', 'out.wav', '-f', 'in.txt'],
    preRun: [(m: { FS: { writeFile(p: string, d: string): void } }) => m.FS.writeFile('in.txt', clean)],
  });
  const wav = Buffer.from(espeak.FS.readFile('out.wav') as Uint8Array);
  const { rate, pcm } = parseWav(wav);
  return resample(pcm, rate, 48_000);
}

export async function speak(text: string, voice?: string): Promise<OpusClip> {
  return encodePcm(await speakPcm(text, voice));
}

/** The PCM of a 16-bit mono WAV (what eSpeak writes). */
export function parseWav(wav: Buffer): { rate: number; pcm: Int16Array } {
  if (wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') throw new Error('not a WAV file');
  let at = 12;
  let rate = 0;
  while (at + 8 <= wav.length) {
    const id = wav.toString('ascii', at, at + 4);
    let size = wav.readUInt32LE(at + 4);
    if (id === 'fmt ') rate = wav.readUInt32LE(at + 12);
    if (id === 'data') {
      // eSpeak writing to a file it cannot seek leaves the size unset: take the rest.
      if (size === 0 || size === 0xffffffff || at + 8 + size > wav.length) size = wav.length - at - 8;
      const bytes = wav.subarray(at + 8, at + 8 + size - (size % 2));
      const pcm = new Int16Array(bytes.length / 2);
      for (let i = 0; i < pcm.length; i++) pcm[i] = bytes.readInt16LE(i * 2);
      return { rate, pcm };
    }
    at += 8 + size + (size % 2);
  }
  throw new Error('WAV file without data');
}
