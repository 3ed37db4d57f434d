/**
 * A speech-to-text service over HTTP: the message is POSTed as a multipart form with the WAV in
 * a `file` field (and `model` when one is set), the way OpenAI-compatible transcription
 * endpoints and whisper.cpp's server take it, with the key as a bearer token. The answer is JSON
 * with a `text` field, or plain text.
 */
import type { SpeechAudio, Transcriber } from './transcriber.js';

export interface HttpTranscriberOptions {
  url: string;
  key?: string;
  model?: string;
  timeoutMs?: number;
}

export class HttpTranscriber implements Transcriber {
  readonly name = 'http';

  constructor(private readonly opts: HttpTranscriberOptions) {}

  async transcribe(audio: SpeechAudio, signal: AbortSignal): Promise<string> {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(audio.wav)], { type: 'audio/wav' }), 'message.wav');
    if (this.opts.model) form.append('model', this.opts.model);
    form.append('response_format', 'json');
    const timeout = AbortSignal.timeout(this.opts.timeoutMs ?? 60_000 + audio.durationS * 1_000);
    const res = await fetch(this.opts.url, {
      method: 'POST',
      body: form,
      headers: { accept: 'application/json, text/plain', ...(this.opts.key ? { authorization: `Bearer ${this.opts.key}` } : {}) },
      signal: AbortSignal.any([signal, timeout]),
    });
    const body = await res.text();
    if (!res.ok) throw new Error(`speech service answered ${res.status}: ${body.slice(0, 200)}`);
    if (!(res.headers.get('content-type') ?? '').includes('json')) return body.trim();
    const text = (JSON.parse(body) as { text?: unknown }).text;
    if (typeof text !== 'string') throw new Error('speech service answered without a text field');
    return text.trim();
  }
}
