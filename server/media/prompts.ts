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
  // Reaching a mailbox by phone (*97, *98): "You have" <number> "new messages", then each one.
  'you-have': 'You have',
  'new-message': 'new message.',
  'new-messages': 'new messages.',
  'no-new-messages': 'You have no new messages.',
  'saved-messages': 'Saved messages.',
  'message-menu': 'Press 7 to delete, 9 to save, or pound for the next message.',
  'message-deleted': 'Message deleted.',
  'message-saved': 'Message saved.',
  'no-more-messages': 'No more messages.',
  'enter-mailbox': 'Please enter the mailbox number, followed by the pound key.',
  'enter-pin': 'Please enter your PIN, followed by the pound key.',
  'not-right': 'Sorry, that is not right.',
  'mailbox-locked': 'Too many wrong attempts. Please try again later.',
  ...numberTexts(),
} as const;

/** The numbers a count is said with: 'n-1' is "one" ... 'n-20' is "twenty" (more are spoken at run time). */
export const SPOKEN_NUMBERS = 20;

function numberTexts(): Record<`n-${number}`, string> {
  const words = ['one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
    'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty'];
  return Object.fromEntries(words.map((w, i) => [`n-${i + 1}`, w]));
}

export type PromptName = keyof typeof PROMPT_TEXTS | 'beep' | `n-${number}`;

/** Where prompts come from: the committed files (Prompts), or anything else that knows them (tests). */
export interface PromptSource {
  get(name: PromptName): OpusClip;
}

export class Prompts implements PromptSource {
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
