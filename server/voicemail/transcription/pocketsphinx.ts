/**
 * The offline engine: CMU PocketSphinx, as Debian packages it (`pocketsphinx` and
 * `pocketsphinx-en-us`), run as a program on a 16 kHz mono WAV file: general dictation with the
 * en-us acoustic model, its trigram language model and the CMU dictionary. Debian's package is
 * the 5-prealpha one (`pocketsphinx_continuous -infile`, one line of text per utterance);
 * PocketSphinx 5 has one `pocketsphinx` program (`single FILE`, one JSON object per utterance).
 * Either is found on PATH. The program runs at a lower priority than the platform, so a long
 * message never starves calls of the CPU, and is killed when it takes too long.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SpeechAudio, Transcriber } from './transcriber.js';

/** Where Debian (and a default source build) put the en-us model. */
const MODEL_DIRS = ['/usr/share/pocketsphinx/model/en-us', '/usr/local/share/pocketsphinx/model/en-us'];
const NICENESS = 10;

export interface PocketSphinxInstall {
  program: string;
  /** `continuous`: pocketsphinx_continuous (Debian's); `5`: PocketSphinx 5's `pocketsphinx`. */
  flavour: 'continuous' | '5';
  hmm: string;
  lm: string;
  dict: string;
}

/** The program and the en-us model when both are installed, else null. */
export function findPocketSphinx(env: Record<string, string | undefined> = process.env): PocketSphinxInstall | null {
  const dirs = (env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const which = (name: string) => dirs.map((d) => path.join(d, name)).find(executable);
  const continuous = which('pocketsphinx_continuous');
  const five = continuous ? undefined : which('pocketsphinx');
  const program = continuous ?? five;
  if (!program) return null;
  for (const dir of MODEL_DIRS) {
    const model = { hmm: path.join(dir, 'en-us'), lm: path.join(dir, 'en-us.lm.bin'), dict: path.join(dir, 'cmudict-en-us.dict') };
    if (fs.existsSync(path.join(model.hmm, 'mdef')) && fs.existsSync(model.lm) && fs.existsSync(model.dict)) {
      return { program, flavour: continuous ? 'continuous' : '5', ...model };
    }
  }
  return null;
}

function executable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export class PocketSphinxTranscriber implements Transcriber {
  readonly name = 'pocketsphinx';

  constructor(private readonly install: PocketSphinxInstall, private readonly opts: { timeoutMs?: (durationS: number) => number } = {}) {}

  async transcribe(audio: SpeechAudio, signal: AbortSignal): Promise<string> {
    const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'switchboard-stt-'));
    try {
      const wav = path.join(dir, 'message.wav');
      await fs.promises.writeFile(wav, audio.wav);
      const { install } = this;
      const model = ['-hmm', install.hmm, '-lm', install.lm, '-dict', install.dict];
      const args = install.flavour === 'continuous'
        ? [...model, '-samprate', '16000', '-infile', wav]
        : [...model, '-samprate', '16000', 'single', wav];
      // Recognition runs at a few times real time at worst; a minute more covers loading the model.
      const timeoutMs = this.opts.timeoutMs?.(audio.durationS) ?? 60_000 + audio.durationS * 2_000;
      const out = await run(install.program, args, timeoutMs, signal);
      return install.flavour === 'continuous' ? joinLines(out) : joinJson(out);
    } finally {
      await fs.promises.rm(dir, { recursive: true, force: true });
    }
  }
}

/** The ERROR lines of a log, or its last lines when it has none. */
function lastErrors(log: string): string {
  const lines = log.trim().split('\n');
  const errors = lines.filter((l) => /^ERROR/.test(l));
  return (errors.length ? errors : lines).slice(-3).join(' | ');
}

function joinLines(out: string): string {
  return out.split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
}

function joinJson(out: string): string {
  const words: string[] = [];
  for (const line of out.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    const t = (JSON.parse(line) as { t?: unknown }).t;
    if (typeof t === 'string' && t.trim()) words.push(t.trim());
  }
  return words.join(' ');
}

/** Runs a program to its end: its output, or a rejection (exit code, timeout, abort). */
function run(program: string, args: string[], timeoutMs: number, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new Error('aborted'));
    const child = spawn(program, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      if (child.pid !== undefined) os.setPriority(child.pid, NICENESS);
    } catch { /* not allowed here: run at the same priority */ }
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    // Its log (INFO lines, ERROR lines when it fails): the end is kept for the error message.
    child.stderr.on('data', (d: Buffer) => { err = (err + d.toString('utf8')).slice(-8_000); });
    let why: string | null = null;
    const stop = (reason: string) => { why ??= reason; child.kill('SIGKILL'); };
    const timer = setTimeout(() => stop(`timed out after ${Math.round(timeoutMs / 1000)} s`), timeoutMs);
    const onAbort = () => stop('aborted');
    signal.addEventListener('abort', onAbort, { once: true });
    child.on('error', (e) => { why ??= e.message; });
    child.on('close', (code) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      if (why) reject(new Error(`${path.basename(program)}: ${why}`));
      else if (code !== 0) reject(new Error(`${path.basename(program)} exited with ${code}: ${lastErrors(err)}`));
      else resolve(Buffer.concat(out).toString('utf8'));
    });
  });
}
