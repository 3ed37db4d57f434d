/**
 * Voicemail transcription speed: the test phrase (test/support/spoken-phrase.ts) as Ogg Opus
 * messages of about 3, 15 and 60 s (the phrase repeated with pauses), transcribed by PocketSphinx
 * as the platform runs it (decode at 16 kHz, the program at a lower priority, one at a time).
 * Prints seconds of work (wall, and the program's CPU) per second of audio, the median of 3 runs
 * each, and the words heard.
 *
 *   node --import tsx bench/transcription.ts
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { OggOpusWriter } from '../server/media/ogg-opus.js';
import { encodePcm } from '../server/media/opus-codec.js';
import { speechAudioOf } from '../server/voicemail/transcription/audio.js';
import { findPocketSphinx, PocketSphinxTranscriber } from '../server/voicemail/transcription/pocketsphinx.js';
import { PHRASE, speakPhrase, VOICE, wordsHeard } from '../test/support/spoken-phrase.js';

const install = findPocketSphinx();
if (!install) {
  console.error('PocketSphinx is not installed (apt-get install pocketsphinx pocketsphinx-en-us)');
  process.exit(1);
}
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-stt-'));
// CPU time, which a busy machine inflates far less than wall time: the program run under
// /usr/bin/time (Debian's `time`) by a wrapper, when there is one.
const cpuLog = path.join(dir, 'cpu.txt');
let program = install.program;
if (fs.existsSync('/usr/bin/time')) {
  program = path.join(dir, 'pocketsphinx-timed');
  fs.writeFileSync(program, `#!/bin/sh\nexec /usr/bin/time -a -o '${cpuLog}' -f '%U %S' '${install.program}' "$@"\n`, { mode: 0o755 });
}
const engine = new PocketSphinxTranscriber({ ...install, program });
const lastCpuS = () => {
  if (!fs.existsSync(cpuLog)) return NaN;
  const [user, sys] = fs.readFileSync(cpuLog, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  return user! + sys!;
};
const phrase = speakPhrase();
const pause = new Int16Array(48_000);

function message(seconds: number): string {
  const parts: Int16Array[] = [pause.subarray(0, 24_000)];
  let samples = 24_000;
  while (samples < seconds * 48_000) { parts.push(phrase, pause); samples += phrase.length + pause.length; }
  const pcm = new Int16Array(samples);
  let at = 0;
  for (const p of parts) { pcm.set(p, at); at += p.length; }
  const file = path.join(dir, `${seconds}.opus`);
  const pages: Buffer[] = [];
  const writer = new OggOpusWriter((page) => pages.push(page));
  for (const packet of encodePcm(pcm).packets) writer.add(packet);
  writer.end();
  fs.writeFileSync(file, Buffer.concat(pages));
  return file;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
console.log(`PocketSphinx: ${install.program} (${install.flavour}), model ${path.dirname(install.hmm)}`);
console.log(`phrase "${PHRASE}", ${VOICE.voice} at ${VOICE.wordsPerMinute} wpm, ${os.cpus().length} cores, load ${os.loadavg()[0]!.toFixed(2)}`);
console.log('audio s | wall s (median of 3, range) | wall s per audio s | CPU s per audio s | words of the phrase heard | text');
try {
  for (const seconds of [3, 15, 60]) {
    const file = message(seconds);
    const times: number[] = [];
    const cpu: number[] = [];
    let text = '';
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      const audio = await speechAudioOf(file);
      text = await engine.transcribe(audio, new AbortController().signal);
      times.push((performance.now() - started) / 1000);
      cpu.push(lastCpuS());
    }
    const audioS = (await speechAudioOf(file)).durationS;
    const work = median(times);
    console.log(`${audioS.toFixed(1)} | ${work.toFixed(2)} (${Math.min(...times).toFixed(2)}-${Math.max(...times).toFixed(2)}) | ${(work / audioS).toFixed(3)} | ${(median(cpu) / audioS).toFixed(3)} | ${wordsHeard(text).length}/6 | ${text.slice(0, 60)}`);
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
