/**
 * Voicemail transcription: a provider turns a message's audio into text. Providers are small
 * (an offline recogniser run as a program, an HTTP speech-to-text service); the queue in
 * queue.ts runs them after the deposit, one or two at a time, and records the outcome.
 */

/** A message's audio as recognisers want it: mono 16-bit PCM at 16 kHz, in a WAV file's bytes. */
export interface SpeechAudio {
  wav: Buffer;
  durationS: number;
}

export interface Transcriber {
  /** What the logs and the start-up line call it ('pocketsphinx', 'http'). */
  readonly name: string;
  /** The text said (empty when nothing was recognised); rejects when the engine fails. */
  transcribe(audio: SpeechAudio, signal: AbortSignal): Promise<string>;
}

/** Rate recognisers are trained at (the en-us acoustic model is 16 kHz). */
export const SPEECH_RATE = 16_000;
