/**
 * Audio a user brings (a greeting recorded in the browser or uploaded) made into the platform's
 * format, Ogg Opus. Ogg Opus is kept as it is; 16-bit WAV is encoded in the process; anything
 * else (mp3, m4a, webm, ogg vorbis, other WAVs) is decoded by ffmpeg when it is installed
 * (Debian's `ffmpeg`), then encoded here. What cannot be read is an {@link AudioFormatError}.
 */
import { spawn, spawnSync } from 'node:child_process';
import { OggOpusWriter, OPUS_RATE, readOggOpus, type OpusClip } from './ogg-opus.js';
import { encodePcm, resample } from './opus-codec.js';

/** The longest greeting kept (ffmpeg stops decoding there). */
export const MAX_CONVERTED_S = 300;
const FFMPEG_TIMEOUT_MS = 60_000;

export class AudioFormatError extends Error {}

/** The ffmpeg program, if installed (looked up once). */
let ffmpegFound: boolean | undefined;
export function hasFfmpeg(): boolean {
  ffmpegFound ??= spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
  return ffmpegFound;
}

export async function toOggOpus(body: Buffer, opts: { ffmpeg?: boolean } = {}): Promise<{ ogg: Buffer; durationS: number }> {
  if (body.length === 0) throw new AudioFormatError('The file is empty.');
  if (body.toString('ascii', 0, 4) === 'OggS' && body.includes('OpusHead')) {
    let clip: OpusClip;
    try {
      clip = readOggOpus(body);
    } catch {
      throw new AudioFormatError('The Ogg Opus file is damaged.');
    }
    return checked({ ogg: body, durationS: clip.samples / OPUS_RATE });
  }
  const wav = pcmWav(body);
  if (wav) return checked(encode(resample(wav.pcm, wav.rate, OPUS_RATE)));
  if (!(opts.ffmpeg ?? hasFfmpeg())) {
    throw new AudioFormatError('This platform reads WAV and Ogg Opus files only (other formats need ffmpeg installed on the platform).');
  }
  return checked(encode(await decodeWithFfmpeg(body)));
}

/** Opus packets as an Ogg Opus file. */
export function clipToOgg(clip: OpusClip): Buffer {
  const pages: Buffer[] = [];
  const writer = new OggOpusWriter((p) => pages.push(p));
  for (const packet of clip.packets) writer.add(packet);
  writer.end();
  return Buffer.concat(pages);
}

function encode(pcm: Int16Array): { ogg: Buffer; durationS: number } {
  return { ogg: clipToOgg(encodePcm(pcm.subarray(0, MAX_CONVERTED_S * OPUS_RATE))), durationS: Math.min(pcm.length / OPUS_RATE, MAX_CONVERTED_S) };
}

function checked(out: { ogg: Buffer; durationS: number }): { ogg: Buffer; durationS: number } {
  if (out.durationS < 0.1) throw new AudioFormatError('The file holds no sound.');
  return out;
}

/** Mono PCM of a 16-bit PCM WAV file (any rate, mono or stereo); undefined for other files. */
function pcmWav(wav: Buffer): { rate: number; pcm: Int16Array } | undefined {
  if (wav.toString('ascii', 0, 4) !== 'RIFF' || wav.toString('ascii', 8, 12) !== 'WAVE') return undefined;
  let at = 12;
  let fmt: { format: number; channels: number; rate: number; bits: number } | undefined;
  while (at + 8 <= wav.length) {
    const id = wav.toString('ascii', at, at + 4);
    let size = wav.readUInt32LE(at + 4);
    if (id === 'fmt ' && at + 24 <= wav.length) {
      fmt = { format: wav.readUInt16LE(at + 8), channels: wav.readUInt16LE(at + 10), rate: wav.readUInt32LE(at + 12), bits: wav.readUInt16LE(at + 22) };
    }
    if (id === 'data') {
      if (!fmt || fmt.format !== 1 || fmt.bits !== 16 || fmt.channels < 1 || fmt.channels > 2 || fmt.rate < 8000 || fmt.rate > 192_000) return undefined;
      if (size === 0 || size === 0xffffffff || at + 8 + size > wav.length) size = wav.length - at - 8;
      const frames = Math.floor(size / (2 * fmt.channels));
      const pcm = new Int16Array(frames);
      for (let i = 0; i < frames; i++) {
        const o = at + 8 + i * 2 * fmt.channels;
        pcm[i] = fmt.channels === 1 ? wav.readInt16LE(o) : (wav.readInt16LE(o) + wav.readInt16LE(o + 2)) >> 1;
      }
      return { rate: fmt.rate, pcm };
    }
    at += 8 + size + (size % 2);
  }
  return undefined;
}

/** Any audio ffmpeg reads, as mono 16-bit PCM at 48 kHz. The file goes in on stdin, never as a path. */
function decodeWithFfmpeg(body: Buffer): Promise<Int16Array> {
  return new Promise((resolve, reject) => {
    const child = spawn('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', 'pipe:0', '-vn', '-ac', '1', '-ar', String(OPUS_RATE),
      '-t', String(MAX_CONVERTED_S), '-f', 's16le', 'pipe:1'], { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), FFMPEG_TIMEOUT_MS);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => { err = (err + c.toString()).slice(-500); });
    child.stdin.on('error', () => undefined); // ffmpeg may stop reading a file it cannot parse
    child.on('error', (e) => { clearTimeout(timer); reject(e); });
    child.on('close', (code) => {
      clearTimeout(timer);
      const pcm = Buffer.concat(out);
      if (code !== 0 || pcm.length < 2) return reject(new AudioFormatError(`The file is not audio the platform can read${err ? ` (${err.trim().split('\n').pop()})` : ''}.`));
      resolve(new Int16Array(pcm.buffer.slice(pcm.byteOffset, pcm.byteOffset + pcm.length - (pcm.length % 2))));
    });
    child.stdin.end(body);
  });
}
