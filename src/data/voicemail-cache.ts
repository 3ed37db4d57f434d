/**
 * Voicemail kept in IndexedDB for an offline start: the last lists of each box, and the audio of
 * the latest messages up to a size budget (the oldest audio goes first when it is exceeded).
 * Logout clears both with the rest of the user's data (db.ts clearUserData).
 */
import type { IDBPDatabase } from 'idb';
import type { SwitchboardDB } from './db.js';
import type { VoicemailEntry } from './wire.js';
import type { ListedFolder, VoicemailCache } from '../state/voicemail-box.js';

/** About 40 minutes of messages at the platform's Opus rate. */
export const AUDIO_BUDGET_BYTES = 8 * 1024 * 1024;

export class IdbVoicemailCache implements VoicemailCache {
  constructor(
    private readonly db: Promise<IDBPDatabase<SwitchboardDB>>,
    private readonly budget = AUDIO_BUDGET_BYTES,
  ) {}

  async load(owner: string): Promise<Record<ListedFolder, VoicemailEntry[]> | undefined> {
    return (await this.db).get('voicemail', owner);
  }

  async save(owner: string, lists: Record<ListedFolder, VoicemailEntry[]>): Promise<void> {
    const db = await this.db;
    await db.put('voicemail', lists, owner);
    // Audio of messages no longer listed in any box is of no use.
    const listed = new Set<string>();
    for (const key of await db.getAllKeys('voicemail')) {
      const l = await db.get('voicemail', key);
      for (const m of [...(l?.new ?? []), ...(l?.save ?? [])]) listed.add(m.id);
    }
    for (const id of await db.getAllKeys('voicemailAudio')) if (!listed.has(id)) await db.delete('voicemailAudio', id);
  }

  async audio(id: string): Promise<Blob | undefined> {
    return (await (await this.db).get('voicemailAudio', id))?.blob;
  }

  /** Keeps a message's audio; drops the oldest kept audio beyond the budget. */
  async putAudio(id: string, blob: Blob): Promise<void> {
    if (blob.size > this.budget) return;
    const db = await this.db;
    await db.put('voicemailAudio', { id, blob, storedAt: Date.now() });
    // The one just kept stays; the others go oldest first (ties in the same millisecond too).
    const others = (await db.getAll('voicemailAudio')).filter((a) => a.id !== id).sort((a, b) => b.storedAt - a.storedAt);
    let total = blob.size;
    for (const a of others) {
      total += a.blob.size;
      if (total > this.budget) await db.delete('voicemailAudio', a.id);
    }
  }
}
