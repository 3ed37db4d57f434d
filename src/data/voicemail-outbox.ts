/**
 * Voicemail moves and deletes made offline: queued in the generic outbox (data/outbox.ts) and
 * sent, in order, when the platform can be reached again. A message gone meanwhile (moved or
 * deleted elsewhere: 404) needs nothing more; the box reloads after every flush either way.
 */
import type { IDBPDatabase } from 'idb';
import type { SwitchboardDB } from './db.js';
import { ApiError } from './http.js';
import { Outbox, type OutboxEntry, type OutboxOptions } from './outbox.js';
import type { VoicemailsResource } from './resources/voicemails.js';
import type { VoicemailFolderName } from './wire.js';

export type VoicemailChange =
  | { kind: 'move'; mailbox: string; id: string; from: VoicemailFolderName; to: VoicemailFolderName }
  | { kind: 'delete'; mailbox: string; id: string; from: VoicemailFolderName };

/**
 * A failure to reach the platform or to be let in right now (offline, a 5xx while it restarts, an
 * expired login): the change waits rather than fails.
 */
export function isUnreachable(err: unknown): boolean {
  if (err instanceof ApiError) return err.kind === 'network' || err.status >= 500 || err.status === 401;
  return err instanceof TypeError;
}

export class VoicemailOutbox {
  private readonly outbox: Outbox<'voicemail', void>;

  constructor(
    db: Promise<IDBPDatabase<SwitchboardDB>>,
    private readonly api: Pick<VoicemailsResource, 'move' | 'delete'>,
    options: OutboxOptions = {},
  ) {
    this.outbox = new Outbox(db, 'voicemail', {
      stores: [],
      send: (entry) => this.send(entry),
      classify: (err) => (isUnreachable(err) ? 'retry' : 'refused'),
      // Nothing local to write or undo: the box shows the platform's lists after a flush.
      settle: async () => undefined,
      refuse: async () => undefined,
    }, options);
  }

  async queue(change: VoicemailChange): Promise<void> {
    const tx = await this.outbox.transaction();
    await this.outbox.enqueue(tx, change);
    await tx.done;
  }

  /** Sends what waits; rejects (and retries later by itself) when still unreachable. */
  flush(): Promise<void> {
    return this.outbox.flush();
  }

  /** The changes of one mailbox that wait, oldest first. */
  async pending(mailbox: string): Promise<VoicemailChange[]> {
    return (await this.outbox.entries()).map((e) => e.change).filter((c) => c.mailbox === mailbox);
  }

  private async send({ change }: OutboxEntry<'voicemail'>): Promise<void> {
    const entry = { id: change.id, folder: change.from };
    try {
      if (change.kind === 'move') await this.api.move(entry, change.to, change.mailbox);
      else await this.api.delete(entry, change.mailbox);
    } catch (err) {
      // Gone (moved or deleted elsewhere): what was asked for no longer applies.
      if (err instanceof ApiError && err.status === 404) return;
      throw err;
    }
  }
}
