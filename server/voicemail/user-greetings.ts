/**
 * Users' own greetings: made from audio they recorded or uploaded (converted to Ogg Opus) or
 * from text they typed (spoken by the synthesizer), kept as files beside the messages
 * (`<data>/greetings/<domain>/<extension>/<file id>.opus`), listed in the store. The caller
 * hears the active one; with none active, the spoken default.
 */
import fs from 'node:fs';
import { randomUUID } from 'node:crypto';
import { clipToOgg, toOggOpus } from '../media/convert.js';
import { OPUS_RATE, readOggOpus, type OpusClip } from '../media/ogg-opus.js';
import { MAX_SPOKEN_CHARS, speak } from '../media/synth.js';
import type { Greetings } from './deposit.js';
import type { Greeting, GreetingRepo, GreetingSource } from './greeting-types.js';
import type { MailboxFiles } from './mailbox-files.js';

/** Greetings a user may keep. */
export const MAX_GREETINGS = 20;
/** Clips of active greetings kept in memory, by file id. */
const CACHE_LIMIT = 200;

export class GreetingLimitError extends Error {}

export class UserGreetings implements Greetings {
  private readonly clips = new Map<string, OpusClip>();

  constructor(
    private readonly repo: GreetingRepo,
    /** Rooted at `<data>/greetings`. */
    readonly files: MailboxFiles,
    private readonly fallback: Greetings,
    private readonly synthesize: (text: string) => Promise<OpusClip> = speak,
    private readonly now: () => number = Date.now,
  ) {}

  async forMailbox(domain: string, extension: string, name: string): Promise<{ clip: OpusClip; isDefault: boolean }> {
    const active = await this.repo.active(domain, extension);
    const clip = active && this.clipOf(active);
    return clip ? { clip, isDefault: false } : this.fallback.forMailbox(domain, extension, name);
  }

  /** A recorded or uploaded file; throws AudioFormatError for what is not audio. */
  async addAudio(domain: string, extension: string, name: string, source: Exclude<GreetingSource, 'spoken'>, body: Buffer): Promise<Greeting> {
    await this.roomFor(domain, extension);
    const { ogg, durationS } = await toOggOpus(body);
    return this.add(domain, extension, { name, source, text: '', ogg, durationS });
  }

  /** Text spoken by the synthesizer. */
  async addSpoken(domain: string, extension: string, name: string, text: string): Promise<Greeting> {
    await this.roomFor(domain, extension);
    const clip = await this.synthesize(text.slice(0, MAX_SPOKEN_CHARS));
    return this.add(domain, extension, { name, source: 'spoken', text, ogg: clipToOgg(clip), durationS: clip.samples / OPUS_RATE });
  }

  async remove(domain: string, extension: string, index: number): Promise<boolean> {
    const g = await this.repo.get(domain, extension, index);
    if (!g || !(await this.repo.delete(domain, extension, index))) return false;
    this.clips.delete(g.fileId);
    this.files.remove(domain, extension, g.fileId);
    return true;
  }

  audioPath(g: Greeting): string {
    return this.files.pathOf(g.domain, g.extension, g.fileId);
  }

  private async roomFor(domain: string, extension: string): Promise<void> {
    if ((await this.repo.list(domain, extension)).length >= MAX_GREETINGS) {
      throw new GreetingLimitError(`A mailbox keeps at most ${MAX_GREETINGS} greetings: delete one first.`);
    }
  }

  /** The file is complete on disk before the greeting is listed. */
  private async add(domain: string, extension: string, g: { name: string; source: GreetingSource; text: string; ogg: Buffer; durationS: number }): Promise<Greeting> {
    const fileId = randomUUID();
    const file = this.files.open(domain, extension, fileId);
    file.write(g.ogg);
    const bytes = file.finish();
    try {
      return await this.repo.create({
        domain, extension, name: g.name, source: g.source, text: g.text,
        durationS: Math.round(g.durationS * 100) / 100, bytes, fileId, createdAt: this.now(),
      });
    } catch (err) {
      this.files.remove(domain, extension, fileId);
      throw err;
    }
  }

  private clipOf(g: Greeting): OpusClip | undefined {
    let clip = this.clips.get(g.fileId);
    if (clip) return clip;
    try {
      clip = readOggOpus(fs.readFileSync(this.audioPath(g)));
    } catch {
      return undefined; // a missing or damaged file: the caller hears the default
    }
    if (this.clips.size >= CACHE_LIMIT) this.clips.delete(this.clips.keys().next().value!);
    this.clips.set(g.fileId, clip);
    return clip;
  }
}
