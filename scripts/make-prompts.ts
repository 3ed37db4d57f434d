/**
 * `npm run prompts`: the platform's spoken prompts and tones, made from text with the speech
 * synthesizer in the process (eSpeak NG, server/media/synth.ts) and written as Ogg Opus to
 * server/media/prompts/. The files are committed, so `npm start` needs no synthesizer run; change
 * a text here and run this again to change a prompt (`npm run prompts -- <name>...` for some only).
 */
import fs from 'node:fs';
import path from 'node:path';
import { encodePcm, tone } from '../server/media/opus-codec.js';
import { OggOpusWriter, type OpusClip } from '../server/media/ogg-opus.js';
import { PROMPT_TEXTS, PROMPTS_DIR } from '../server/media/prompts.js';
import { speak } from '../server/media/synth.js';

function write(name: string, clip: OpusClip): void {
  const pages: Buffer[] = [];
  const writer = new OggOpusWriter((p) => pages.push(p));
  for (const p of clip.packets) writer.add(p);
  writer.end();
  fs.writeFileSync(path.join(PROMPTS_DIR, `${name}.opus`), Buffer.concat(pages));
  process.stdout.write(`${name}.opus  ${(clip.samples / 48_000).toFixed(2)} s\n`);
}

// `npm run prompts -- you-have n-2` makes only those (each run writes different bytes, Ogg
// stream serials being random, so remaking every file would change the ones not touched).
const only = new Set(process.argv.slice(2));
const wanted = (name: string) => only.size === 0 || only.has(name);

fs.mkdirSync(PROMPTS_DIR, { recursive: true });
// The beep before recording: 1 kHz for 400 ms, as voicemail systems sound it.
if (wanted('beep')) write('beep', encodePcm(tone(1000, 400)));
for (const [name, text] of Object.entries(PROMPT_TEXTS)) if (wanted(name)) write(name, await speak(text));
