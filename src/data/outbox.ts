/**
 * Changes made here that the platform has not accepted yet, for any resource: one IndexedDB
 * store (`outbox`, db.ts) holds them in the order made, each tagged with its resource and a
 * client id. An `Outbox` serves one resource; its handler says how to send a change and what the
 * platform's answer means.
 *
 *   - Ordered: a resource's changes are sent one at a time, oldest first; a change that cannot
 *     be sent now stops the rest behind it (a later change may depend on it).
 *   - Idempotent by client id: queueing a change whose client id is already queued adds nothing,
 *     and the handler puts the client id on the request, so a resend after a lost answer does
 *     nothing new on the platform either.
 *   - Retry with backoff: when the platform cannot be reached (the handler classifies the error
 *     as 'retry'), the outbox tries again after 1 s, 2 s, 4 s, ... up to a minute; any other
 *     trigger (`flush()`: the browser is online again, the events channel reconnected) goes at
 *     once and a success resets the wait.
 *   - Conflicts: an error classified 'conflict' goes to the handler's `resolve` hook, which either
 *     rewrites the change and has it resent or settles it with the platform's copy.
 *   - Settling and refusing run in one transaction with the entry's removal, so the local copy
 *     and the queue never disagree after a crash.
 *
 * Entries written before the outbox was generic are contact changes stored bare (no envelope);
 * they are read as the `contacts` resource, so no schema upgrade was needed.
 */
import type { IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { OutboxChanges, OutboxRecord, SwitchboardDB } from './db.js';

export type OutboxResource = keyof OutboxChanges;

/** A read-write transaction over the outbox and the stores a resource keeps beside it. */
export type OutboxTx = IDBPTransaction<SwitchboardDB, StoreNames<SwitchboardDB>[], 'readwrite'>;

/** One queued change of resource `R`, as the handler sees it. */
export interface OutboxEntry<R extends OutboxResource = OutboxResource> {
  readonly seq: number;
  readonly resource: R;
  /** The change's idempotency key: queued once, and sent with the request. */
  readonly clientId: string;
  readonly change: OutboxChanges[R];
}

/** What an error from `send` means. */
export type OutboxFailure =
  /** The platform could not be reached (network, 5xx, expired login): keep it, try again later. */
  | 'retry'
  /** The platform has a newer copy (409, or gone): ask the handler's `resolve`. */
  | 'conflict'
  /** Refused for good (an invalid field): the handler's `refuse` undoes it locally. */
  | 'refused';

/** How a conflict goes on: resend a rewritten change, or settle with a result as if sent. */
export type ConflictResolution<R extends OutboxResource, T> = { resend: OutboxChanges[R] } | { done: T };

export interface OutboxHandler<R extends OutboxResource, T> {
  /** The stores `settle` and `refuse` write besides the outbox (one transaction). */
  readonly stores: readonly StoreNames<SwitchboardDB>[];
  /** Sends one change; resolves with the platform's answer. */
  send(entry: OutboxEntry<R>): Promise<T>;
  /** What an error from `send` of `entry` means. */
  classify(error: unknown, entry: OutboxEntry<R>): OutboxFailure;
  /** The conflict hook; without one a conflict is a refusal. */
  resolve?(entry: OutboxEntry<R>, error: unknown): Promise<ConflictResolution<R, T>>;
  /** The platform took the change: apply its answer locally (the entry is already removed in `tx`). */
  settle(tx: OutboxTx, entry: OutboxEntry<R>, result: T): Promise<void>;
  /** The platform refused the change for good: undo it locally (the entry is already removed in `tx`). */
  refuse(tx: OutboxTx, entry: OutboxEntry<R>, error: unknown): Promise<void>;
}

export interface OutboxOptions {
  /** First wait before a retry, ms (doubles per failure). `null`: no timed retries at all. */
  retryMs?: number | null;
  /** Longest wait between retries, ms. */
  maxRetryMs?: number;
  /** After every flush, whatever its outcome (e.g. to re-read the local copy). */
  flushed?(): void | Promise<void>;
}

/** How often one change may be rewritten by conflicts in a row before it counts as refused. */
const MAX_CONFLICT_ROUNDS = 5;

/** Whether any change of any resource waits to be sent (what a logout must not throw away). */
export async function hasUnsentChanges(db: IDBPDatabase<SwitchboardDB>): Promise<boolean> {
  return (await db.count('outbox')) > 0;
}

/** Every entry of `resource` in the outbox, oldest first. */
export async function queuedEntries<R extends OutboxResource>(tx: OutboxTx, resource: R): Promise<OutboxEntry<R>[]> {
  const records = await tx.objectStore('outbox').getAll();
  return records.map(toEntry).filter((e): e is OutboxEntry<R> => e.resource === resource);
}

export class Outbox<R extends OutboxResource, T> {
  private flushing: Promise<void> | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly firstRetryMs: number | null;
  private readonly maxRetryMs: number;
  private retryMs: number;
  private current: number | null = null;
  /** The last failure was one to retry (not, say, IndexedDB closing under us). */
  private retryable = false;
  /** stop() was called: no timed retries until someone flushes again. */
  private stopped = false;

  constructor(
    private readonly db: Promise<IDBPDatabase<SwitchboardDB>>,
    readonly resource: R,
    private readonly handler: OutboxHandler<R, T>,
    private readonly options: OutboxOptions = {},
  ) {
    this.firstRetryMs = options.retryMs === undefined ? 1000 : options.retryMs;
    this.maxRetryMs = options.maxRetryMs ?? 60_000;
    this.retryMs = this.firstRetryMs ?? 0;
  }

  /** The seq of the entry being sent now: it may no longer be rewritten, only queued behind. */
  get inFlight(): number | null {
    return this.current;
  }

  /** Whether a timed retry is scheduled. */
  get retrying(): boolean {
    return this.timer !== undefined;
  }

  /** A read-write transaction over the outbox and `stores`, for queueing beside a local change. */
  async transaction(stores: readonly StoreNames<SwitchboardDB>[] = []): Promise<OutboxTx> {
    const db = await this.db;
    return db.transaction([...new Set<StoreNames<SwitchboardDB>>(['outbox', ...stores])], 'readwrite') as OutboxTx;
  }

  /** This resource's queued entries, oldest first. */
  async entries(tx?: OutboxTx): Promise<OutboxEntry<R>[]> {
    if (tx) return queuedEntries(tx, this.resource);
    const db = await this.db;
    return (await db.getAll('outbox')).map(toEntry).filter((e): e is OutboxEntry<R> => e.resource === this.resource);
  }

  /** How many changes of this resource wait. */
  async count(): Promise<number> {
    return (await this.entries()).length;
  }

  /**
   * Queues `change` in `tx` (with the local change it describes) and returns its seq. With the
   * client id of a change already queued, nothing is added and that change's seq comes back.
   */
  async enqueue(tx: OutboxTx, change: OutboxChanges[R], clientId: string = crypto.randomUUID()): Promise<number> {
    const same = (await queuedEntries(tx, this.resource)).find((e) => e.clientId === clientId);
    if (same) return same.seq;
    // The mapped union cannot follow the generic R; the resource and its change match by the signature.
    const record = { resource: this.resource, clientId, change } as OutboxRecord;
    return tx.objectStore('outbox').add(record);
  }

  /** Rewrites a queued change in place: it keeps its position and client id. */
  async replace(tx: OutboxTx, entry: OutboxEntry<R>, change: OutboxChanges[R]): Promise<void> {
    const record = { seq: entry.seq, resource: this.resource, clientId: entry.clientId, change } as OutboxRecord;
    await tx.objectStore('outbox').put(record);
  }

  /** Drops a queued change (e.g. a create deleted before it was ever sent). */
  async remove(tx: OutboxTx, seq: number): Promise<void> {
    await tx.objectStore('outbox').delete(seq);
  }

  /**
   * Sends the queued changes in order. Resolves when the queue is empty; rejects with the error
   * that stopped it when the platform cannot be reached (a timed retry is then scheduled). One
   * flush at a time: a call during a flush shares it.
   */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.stopped = false;
    this.flushing ??= this.run().finally(async () => {
      this.flushing = null;
      await this.options.flushed?.();
    });
    return this.flushing;
  }

  /**
   * Cancels a scheduled retry, and any a flush under way would schedule (logout, the store is
   * going away); queued changes stay, and the next flush() starts retrying again.
   */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.retryMs = this.firstRetryMs ?? 0;
  }

  private async run(): Promise<void> {
    for (;;) {
      const entry = (await this.entries())[0];
      if (!entry) break;
      this.current = entry.seq;
      this.retryable = false;
      try {
        const outcome = await this.deliver(entry);
        const tx = await this.transaction(this.handler.stores);
        // Gone already: another flush (another page of this app) settled it meanwhile.
        if (await tx.objectStore('outbox').get(entry.seq)) {
          await this.remove(tx, entry.seq);
          if (outcome.ok) await this.handler.settle(tx, entry, outcome.result);
          else await this.handler.refuse(tx, entry, outcome.error);
        }
        await tx.done;
      } catch (err) {
        if (this.retryable) this.scheduleRetry();
        throw err;
      } finally {
        this.current = null;
      }
    }
    this.retryMs = this.firstRetryMs ?? 0;
  }

  /** Sends one entry through its conflicts; throws only what is to be retried. */
  private async deliver(entry: OutboxEntry<R>): Promise<{ ok: true; result: T } | { ok: false; error: unknown }> {
    let attempt = entry;
    for (let round = 0; ; round++) {
      try {
        return { ok: true, result: await this.handler.send(attempt) };
      } catch (err) {
        const failure = this.handler.classify(err, attempt);
        if (failure === 'retry') {
          this.retryable = true;
          throw err;
        }
        if (failure === 'refused' || !this.handler.resolve || round >= MAX_CONFLICT_ROUNDS) return { ok: false, error: err };
        let resolution: ConflictResolution<R, T>;
        try {
          resolution = await this.handler.resolve(attempt, err);
        } catch (unresolved) {
          return { ok: false, error: unresolved }; // the hook gave up: a refusal
        }
        if ('done' in resolution) return { ok: true, result: resolution.done };
        attempt = { ...attempt, change: resolution.resend };
      }
    }
  }

  private scheduleRetry(): void {
    if (this.firstRetryMs === null || this.stopped) return;
    const wait = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, this.maxRetryMs);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flush().catch(() => undefined);
    }, wait);
  }
}

/** An outbox record as an entry; a bare contact change (written before the envelope) is `contacts`. */
function toEntry(record: OutboxRecord): OutboxEntry {
  if ('resource' in record && 'change' in record) {
    return { seq: record.seq!, resource: record.resource, clientId: record.clientId, change: record.change };
  }
  const { seq, ...change } = record;
  const clientId = change.kind === 'create' ? change.clientId : change.kind === 'update' ? change.recreateId : `seq:${seq}`;
  return { seq: seq!, resource: 'contacts', clientId, change };
}
