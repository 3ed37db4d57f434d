/**
 * Chat and SMS messages written while the platform cannot be reached: queued in the generic
 * outbox (data/outbox.ts) with the message's client_id as the idempotency key, and sent one at a
 * time, oldest first, when it can be reached again. The platform answers 200 for a client_id it
 * has seen, so a resend after a lost answer never makes a second message.
 */
import type { IDBPDatabase } from 'idb';
import type { SwitchboardDB } from './db.js';
import { Outbox, type OutboxEntry, type OutboxOptions } from './outbox.js';
import type { MessageSessionsResource } from './resources/message-sessions.js';
import { isUnreachable } from './voicemail-outbox.js';
import type { AttachmentView, MessageView } from './wire.js';

/** A message to send, as written (the attachments already uploaded). */
export interface MessageChange {
  /** `<extension>@<domain>` of who wrote it: another user's queued messages are never sent as them. */
  owner: string;
  sessionId: string;
  text: string;
  attachments: AttachmentView[];
  /** When it was written (ISO 8601): its place in the conversation until the platform's copy arrives. */
  writtenAt: string;
}

/** A queued message as the store shows it. */
export interface QueuedMessage extends MessageChange {
  clientId: string;
}

export interface MessageOutboxHooks {
  /** The platform took it (201, or 200 for a client_id it had). */
  sent?(message: QueuedMessage, result: MessageView): void;
  /** The platform refused it for good (e.g. too long, the conversation is gone). */
  refused?(message: QueuedMessage, error: unknown): void;
}

export class MessageOutbox {
  private readonly outbox: Outbox<'messages', MessageView>;
  hooks: MessageOutboxHooks = {};

  constructor(
    db: Promise<IDBPDatabase<SwitchboardDB>>,
    private readonly api: Pick<MessageSessionsResource, 'send'>,
    options: OutboxOptions = {},
  ) {
    this.outbox = new Outbox(db, 'messages', {
      stores: [],
      send: (entry) => this.send(entry),
      classify: (err) => (isUnreachable(err) ? 'retry' : 'refused'),
      settle: async (_tx, entry, result) => void queueMicrotask(() => this.hooks.sent?.(queued(entry), result)),
      refuse: async (_tx, entry, error) => void queueMicrotask(() => this.hooks.refused?.(queued(entry), error)),
    }, options);
  }

  /** Queues a message under its client_id (queued once, however often asked). */
  async queue(clientId: string, change: MessageChange): Promise<void> {
    const tx = await this.outbox.transaction();
    await this.outbox.enqueue(tx, change, clientId);
    await tx.done;
  }

  /** Sends what waits, in order; rejects (and retries later by itself) while unreachable. */
  flush(): Promise<void> {
    return this.outbox.flush();
  }

  stop(): void {
    this.outbox.stop();
  }

  /** The messages of `owner` that wait, oldest first. */
  async pending(owner: string): Promise<QueuedMessage[]> {
    return (await this.outbox.entries()).map(queued).filter((m) => m.owner === owner);
  }

  private async send(entry: OutboxEntry<'messages'>): Promise<MessageView> {
    const { change, clientId } = entry;
    return this.api.send(change.sessionId, { client_id: clientId, text: change.text, attachment_ids: change.attachments.map((a) => a.id) });
  }
}

function queued(entry: OutboxEntry<'messages'>): QueuedMessage {
  return { ...entry.change, clientId: entry.clientId };
}
