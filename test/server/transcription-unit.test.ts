/**
 * The transcription parts on their own: the queue with fake engines and an in-memory repo (one at
 * a time, done/failed, events, deleted messages, close leaves pending, resume), the PocketSphinx
 * runner against stand-in programs (both output forms, exit codes, the timeout, abort), the HTTP
 * provider against a local server, and the settings.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../server/config.js';
import { EventBus } from '../../server/events/bus.js';
import { createLogger } from '../../server/log.js';
import { OggOpusWriter } from '../../server/media/ogg-opus.js';
import { encodePcm, tone } from '../../server/media/opus-codec.js';
import type { Voicemail } from '../../server/voicemail/types.js';
import { speechAudioOf } from '../../server/voicemail/transcription/audio.js';
import { HttpTranscriber } from '../../server/voicemail/transcription/http.js';
import { findPocketSphinx, PocketSphinxTranscriber } from '../../server/voicemail/transcription/pocketsphinx.js';
import { TranscriptionQueue } from '../../server/voicemail/transcription/queue.js';
import { selectTranscriber } from '../../server/voicemail/transcription/select.js';
import type { SpeechAudio, Transcriber } from '../../server/voicemail/transcription/transcriber.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-stt-unit-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** A 2 s Ogg Opus file of a tone. */
function opusFile(name: string): string {
  const file = path.join(tmp, name);
  const pages: Buffer[] = [];
  const writer = new OggOpusWriter((p) => pages.push(p));
  for (const p of encodePcm(tone(440, 2000)).packets) writer.add(p);
  writer.end();
  fs.writeFileSync(file, Buffer.concat(pages));
  return file;
}

function message(id: string): Voicemail {
  return { id, domain: 'demo', extension: '1002', callerNumber: '1001', callerName: '', callId: id, receivedAt: 0, durationS: 2, folder: 'new', bytes: 0,
    transcription: null, transcriptionStatus: 'pending', movedBy: null, movedAt: null };
}

function memoryRepo(vms: Voicemail[]) {
  const rows = new Map(vms.map((v) => [v.id, { ...v }]));
  return {
    rows,
    async get(_d: string, _e: string, id: string) { return rows.get(id); },
    async setTranscription(id: string, status: Voicemail['transcriptionStatus'], text: string | null) {
      const r = rows.get(id);
      if (r) { r.transcriptionStatus = status; r.transcription = text; }
    },
    async pendingTranscriptions() { return [...rows.values()].filter((r) => r.transcriptionStatus === 'pending'); },
  };
}

/** An engine whose transcriptions end when the test says. */
class GatedEngine implements Transcriber {
  readonly name = 'gated';
  readonly started: Array<{ audio: SpeechAudio; signal: AbortSignal; finish(text: string): void; fail(err: Error): void }> = [];
  transcribe(audio: SpeechAudio, signal: AbortSignal): Promise<string> {
    return new Promise((resolve, reject) => {
      signal.addEventListener('abort', () => reject(new Error('aborted')));
      this.started.push({ audio, signal, finish: resolve, fail: reject });
    });
  }
}

async function until(check: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('the transcription queue', () => {
  const file = opusFile('tone.opus');
  const files = { pathOf: () => file };
  const log = createLogger('silent');

  it('runs one at a time in order; each ends done or failed, announced as transcribed', async () => {
    const repo = memoryRepo([message('a'), message('b'), message('c')]);
    const bus = new EventBus();
    const events: string[] = [];
    bus.on('voicemail', (e) => events.push(`${e.id}:${e.change}`));
    const engine = new GatedEngine();
    const queue = new TranscriptionQueue({ transcriber: engine, voicemails: repo, files, bus, log });
    for (const id of ['a', 'b', 'c']) queue.enqueue(message(id));
    queue.enqueue(message('a')); // already queued: once
    await until(() => engine.started.length === 1);
    // The audio handed over is the message at 16 kHz, mono, as WAV.
    const { audio } = engine.started[0]!;
    assert.equal(audio.wav.toString('ascii', 0, 4), 'RIFF');
    assert.equal(audio.wav.readUInt32LE(24), 16_000);
    assert.ok(Math.abs(audio.durationS - 2) < 0.05, `${audio.durationS} s`);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(engine.started.length, 1, 'the second waits for the first');
    engine.started[0]!.finish('hello there');
    await until(() => engine.started.length === 2);
    engine.started[1]!.fail(new Error('engine broke'));
    await until(() => engine.started.length === 3);
    engine.started[2]!.finish('');
    await queue.idle();
    assert.deepEqual(events, ['a:transcribed', 'b:transcribed', 'c:transcribed']);
    assert.deepEqual([...repo.rows.values()].map((r) => [r.transcriptionStatus, r.transcription]), [['done', 'hello there'], ['failed', null], ['done', '']]);
    assert.equal(engine.started.length, 3);
  });

  it('a message deleted while it was transcribed is neither updated nor announced', async () => {
    const repo = memoryRepo([message('gone')]);
    const bus = new EventBus();
    let announced = 0;
    bus.on('voicemail', () => announced++);
    const engine = new GatedEngine();
    const queue = new TranscriptionQueue({ transcriber: engine, voicemails: repo, files, bus, log });
    queue.enqueue(message('gone'));
    await until(() => engine.started.length === 1);
    repo.rows.delete('gone');
    engine.started[0]!.finish('text');
    await queue.idle();
    assert.equal(announced, 0);
  });

  it('a missing audio file fails the message; closing aborts what runs and leaves it pending; resume queues the pending ones', async () => {
    const repo = memoryRepo([message('lost'), message('long'), message('next')]);
    const bus = new EventBus();
    const engine = new GatedEngine();
    const noFile = new TranscriptionQueue({ transcriber: engine, voicemails: repo, files: { pathOf: () => path.join(tmp, 'none.opus') }, bus, log });
    noFile.enqueue(message('lost'));
    await noFile.idle();
    assert.equal(repo.rows.get('lost')!.transcriptionStatus, 'failed');
    assert.equal(engine.started.length, 0);

    const queue = new TranscriptionQueue({ transcriber: engine, voicemails: repo, files, bus, log });
    assert.equal(await queue.resume(), 2);
    await until(() => engine.started.length === 1);
    await queue.close();
    assert.ok(engine.started[0]!.signal.aborted, 'the running one was aborted');
    assert.equal(repo.rows.get('long')!.transcriptionStatus, 'pending');
    assert.equal(repo.rows.get('next')!.transcriptionStatus, 'pending');
    queue.enqueue(message('next'));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(engine.started.length, 1, 'a closed queue starts nothing');
  });
});

describe('the PocketSphinx runner', () => {
  const audio = { wav: Buffer.alloc(44), durationS: 1 };
  const signal = () => new AbortController().signal;
  function program(name: string, script: string): string {
    const file = path.join(tmp, name);
    fs.writeFileSync(file, `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    return file;
  }
  const install = (p: string, flavour: 'continuous' | '5' = 'continuous') => ({ program: p, flavour, hmm: '/m/en-us', lm: '/m/en-us.lm.bin', dict: '/m/cmudict-en-us.dict' });

  it('passes the model and the WAV file, and joins the utterances (one per line, or PocketSphinx 5 JSON)', async () => {
    const args = path.join(tmp, 'args.txt');
    const continuous = program('ps-continuous', `echo "$@" > ${args}; for a in "$@"; do last="$a"; done; test -s "$last" || exit 3; echo 'please call'; echo; echo 'me back'`);
    assert.equal(await new PocketSphinxTranscriber(install(continuous)).transcribe(audio, signal()), 'please call me back');
    assert.match(fs.readFileSync(args, 'utf8'), /-hmm \/m\/en-us -lm \/m\/en-us.lm.bin -dict \/m\/cmudict-en-us.dict -samprate 16000 .*-infile \S+message.wav/);
    const five = program('ps-5', `echo '{"b":0.0,"d":1.2,"p":1.0,"t":"about the","w":[]}'; echo '{"b":1.5,"d":1.0,"p":1.0,"t":"invoice"}'`);
    assert.equal(await new PocketSphinxTranscriber(install(five, '5')).transcribe(audio, signal()), 'about the invoice');
  });

  it('rejects on a non-zero exit, a timeout or an abort, and kills the program', async () => {
    const broken = program('ps-broken', 'echo "INFO: loading" >&2; echo "ERROR: no model" >&2; echo "INFO: done" >&2; exit 2');
    await assert.rejects(new PocketSphinxTranscriber(install(broken)).transcribe(audio, signal()), /exited with 2: ERROR: no model$/);
    const stuck = program('ps-stuck', 'exec sleep 30');
    const started = Date.now();
    await assert.rejects(new PocketSphinxTranscriber(install(stuck), { timeoutMs: () => 200 }).transcribe(audio, signal()), /timed out/);
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 100);
    await assert.rejects(new PocketSphinxTranscriber(install(stuck)).transcribe(audio, abort.signal), /aborted/);
    assert.ok(Date.now() - started < 5000, 'killed, not waited for');
  });

  it('is found on PATH with the en-us model, or not at all', () => {
    assert.equal(findPocketSphinx({ PATH: tmp }), null, 'no program of that name here');
    assert.equal(selectTranscriber({ engine: 'auto' }, { PATH: tmp }), null, 'auto without PocketSphinx: none');
    assert.throws(() => selectTranscriber({ engine: 'pocketsphinx' }, { PATH: tmp }), /not installed/);
    assert.equal(selectTranscriber({ engine: 'none' }), null);
    assert.equal(selectTranscriber({ engine: 'http', url: 'http://127.0.0.1:1/stt' })?.name, 'http');
  });
});

describe('the HTTP provider', () => {
  let server: http.Server;
  let url: string;
  const seen: Array<{ auth?: string; type?: string; body: string }> = [];
  let answer: (res: http.ServerResponse) => void = () => {};
  before(async () => {
    server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ auth: req.headers.authorization, type: req.headers['content-type'], body: Buffer.concat(chunks).toString('latin1') });
        answer(res);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1/audio/transcriptions`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('posts the WAV as a form with the key as a bearer token, and reads the text', async () => {
    const audio = await speechAudioOf(opusFile('http.opus'));
    answer = (res) => { res.setHeader('content-type', 'application/json'); res.end(JSON.stringify({ text: ' call me back ' })); };
    const engine = new HttpTranscriber({ url, key: 'sk-test', model: 'whisper-1' });
    assert.equal(await engine.transcribe(audio, new AbortController().signal), 'call me back');
    const req = seen.at(-1)!;
    assert.equal(req.auth, 'Bearer sk-test');
    assert.match(req.type!, /^multipart\/form-data; boundary=/);
    assert.match(req.body, /name="file"; filename="message.wav"\r\nContent-Type: audio\/wav\r\n\r\nRIFF/);
    assert.match(req.body, /name="model"\r\n\r\nwhisper-1\r\n/);
    answer = (res) => { res.setHeader('content-type', 'text/plain'); res.end('about the invoice\n'); };
    assert.equal(await new HttpTranscriber({ url }).transcribe(audio, new AbortController().signal), 'about the invoice');
    assert.equal(seen.at(-1)!.auth, undefined, 'no key, no authorization');
  });

  it('rejects an error answer, an answer without text, and a service that takes too long', async () => {
    const audio = { wav: Buffer.alloc(44), durationS: 1 };
    answer = (res) => { res.statusCode = 401; res.end('bad key'); };
    await assert.rejects(new HttpTranscriber({ url }).transcribe(audio, new AbortController().signal), /answered 401: bad key/);
    answer = (res) => { res.setHeader('content-type', 'application/json'); res.end('{}'); };
    await assert.rejects(new HttpTranscriber({ url }).transcribe(audio, new AbortController().signal), /without a text field/);
    answer = () => {};
    await assert.rejects(new HttpTranscriber({ url, timeoutMs: 200 }).transcribe(audio, new AbortController().signal));
  });
});

describe('the transcription settings', () => {
  it('default to auto; name one of auto, pocketsphinx, http, none; http needs a URL', () => {
    assert.deepEqual(loadConfig({}).transcription, { engine: 'auto', url: undefined, key: undefined, model: undefined });
    assert.deepEqual(loadConfig({ SWITCHBOARD_TRANSCRIBER: 'http', SWITCHBOARD_STT_URL: 'https://stt.example/v1', SWITCHBOARD_STT_KEY: 'k' }).transcription,
      { engine: 'http', url: 'https://stt.example/v1', key: 'k', model: undefined });
    assert.throws(() => loadConfig({ SWITCHBOARD_TRANSCRIBER: 'whisper' }), (e: Error) => e instanceof ConfigError && /SWITCHBOARD_TRANSCRIBER/.test(e.message));
    assert.throws(() => loadConfig({ SWITCHBOARD_TRANSCRIBER: 'http' }), /needs SWITCHBOARD_STT_URL/);
    assert.throws(() => loadConfig({ SWITCHBOARD_STT_URL: 'ftp://x' }), /http\(s\) URL/);
  });
});
