/**
 * A message file (Ogg Opus, 48 kHz granules) as the 16 kHz mono WAV a recogniser wants. Opus
 * decodes natively at 16 kHz, band-limited by the decoder itself, so no resampler (and none of
 * its aliasing) is involved.
 */
import fs from 'node:fs/promises';
import { readOggOpus } from '../../media/ogg-opus.js';
import { decodePackets } from '../../media/opus-codec.js';
import { SPEECH_RATE, type SpeechAudio } from './transcriber.js';

export async function speechAudioOf(file: string): Promise<SpeechAudio> {
  const clip = readOggOpus(await fs.readFile(file));
  const pcm = decodePackets(clip.packets, clip.channels, SPEECH_RATE);
  return { wav: wavOf(pcm, SPEECH_RATE), durationS: pcm.length / SPEECH_RATE };
}

/** Mono 16-bit PCM as a WAV file's bytes. */
export function wavOf(pcm: Int16Array, rate: number): Buffer {
  const data = pcm.length * 2;
  const wav = Buffer.alloc(44 + data);
  wav.write('RIFF', 0, 'ascii');
  wav.writeUInt32LE(36 + data, 4);
  wav.write('WAVEfmt ', 8, 'ascii');
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36, 'ascii');
  wav.writeUInt32LE(data, 40);
  Buffer.from(pcm.buffer, pcm.byteOffset, data).copy(wav, 44);
  return wav;
}
