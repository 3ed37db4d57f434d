/**
 * Conversations kept in IndexedDB for an offline start: the list and the latest 50 messages of
 * each, per user (db.ts `conversations`). Logout clears it with the rest of the user's data.
 */
import type { IDBPDatabase } from 'idb';
import type { StoredConversations, SwitchboardDB } from './db.js';

/** How many of a conversation's newest messages are kept. */
export const KEPT_MESSAGES = 50;

export interface ConversationCache {
  load(owner: string): Promise<StoredConversations | undefined>;
  save(owner: string, data: StoredConversations): Promise<void>;
}

export class IdbConversationCache implements ConversationCache {
  constructor(private readonly db: Promise<IDBPDatabase<SwitchboardDB>>) {}

  async load(owner: string): Promise<StoredConversations | undefined> {
    return (await this.db).get('conversations', owner);
  }

  async save(owner: string, data: StoredConversations): Promise<void> {
    const messages: Record<string, StoredConversations['messages'][string]> = {};
    for (const [id, list] of Object.entries(data.messages)) messages[id] = list.slice(-KEPT_MESSAGES);
    await (await this.db).put('conversations', { sessions: data.sessions, messages }, owner);
  }
}
