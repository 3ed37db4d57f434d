/**
 * The platform's prompts: Ogg Opus files made from these texts by `npm run prompts`
 * (scripts/make-prompts.ts) and committed. Loaded once, kept as packets ready to send.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readOggOpus, type OpusClip } from './ogg-opus.js';

export const PROMPTS_DIR = path.join(import.meta.dirname, 'prompts');

export const PROMPT_TEXTS = {
  'leave-message': 'Please leave your message after the tone. When you are done, hang up, or press the pound key.',
  'not-available': 'The person you are calling is not available.',
  'goodbye': 'Goodbye.',
} as const;

export type PromptName = keyof typeof PROMPT_TEXTS | 'beep';

export class Prompts {
  private readonly cache = new Map<PromptName, OpusClip>();

  constructor(private readonly dir = PROMPTS_DIR) {}

  get(name: PromptName): OpusClip {
    let clip = this.cache.get(name);
    if (!clip) {
      clip = readOggOpus(fs.readFileSync(path.join(this.dir, `${name}.opus`)));
      this.cache.set(name, clip);
    }
    return clip;
  }
}
