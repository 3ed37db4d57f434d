/**
 * The phrase the transcription tests and bench leave as a voicemail, spoken by a synthesizer.
 * PocketSphinx's en-us model is trained on people: it hears eSpeak's default formant voice
 * badly (the in-process eSpeak NG, and Debian's with its default voices, give 0-1 of the words),
 * but eSpeak NG's Klatt voice well. The npm build has no Klatt synthesizer, so the phrase is
 * spoken by Debian's `espeak-ng` program (`.ci/run` installs it) with the en-us+klatt2 voice at
 * 160 words a minute, the setting that gave 4-5 of the words at every rate from 145 to 175
 * through Opus at 16 kHz. Without the program this throws: the test must fail, not skip.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resample } from '../../server/media/opus-codec.js';
import { parseWav } from '../../server/media/synth.js';

export const PHRASE = 'please call me back about the invoice';
export const VOICE = { voice: 'en-us+klatt2', wordsPerMinute: 160 };

/** Mono 16-bit PCM at 48 kHz. */
export function speakPhrase(text = PHRASE, voice = VOICE): Int16Array {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-say-'));
  try {
    const wav = path.join(dir, 'say.wav');
    execFileSync('espeak-ng', ['-v', voice.voice, '-s', String(voice.wordsPerMinute), '-w', wav, text], { stdio: ['ignore', 'ignore', 'pipe'] });
    const { rate, pcm } = parseWav(fs.readFileSync(wav));
    return resample(pcm, rate, 48_000);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The words of `phrase` (but "the") that `text` has. */
export function wordsHeard(text: string, phrase = PHRASE): string[] {
  const heard = new Set(text.toLowerCase().split(/[^a-z']+/));
  return [...new Set(phrase.split(' '))].filter((w) => w !== 'the' && heard.has(w));
}
