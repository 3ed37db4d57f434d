/**
 * What a caller hears before the beep. Users' own greetings come with the Greetings area; until a
 * user has made one active, the default is their name, spoken: "Bob Baker is not available."
 */
import type { OpusClip } from '../media/ogg-opus.js';
import { speak } from '../media/synth.js';
import type { Greetings } from './deposit.js';

/** Spoken defaults kept in memory, by name (a few hundred bytes of Opus a second each). */
const CACHE_LIMIT = 500;

export class SpokenDefaultGreetings implements Greetings {
  private readonly cache = new Map<string, Promise<OpusClip>>();

  constructor(private readonly synthesize: (text: string) => Promise<OpusClip> = speak) {}

  async forMailbox(_domain: string, _extension: string, name: string): Promise<{ clip: OpusClip; isDefault: boolean }> {
    const text = `${name} is not available.`;
    let clip = this.cache.get(text);
    if (!clip) {
      if (this.cache.size >= CACHE_LIMIT) this.cache.delete(this.cache.keys().next().value!);
      clip = this.synthesize(text);
      this.cache.set(text, clip);
      clip.catch(() => this.cache.delete(text));
    }
    return { clip: await clip, isDefault: true };
  }
}
