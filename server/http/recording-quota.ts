/**
 * Per-user recording quota, kept in memory and charged as bytes arrive. Each user's stored total
 * is read from the store once; after that every upload reserves its bytes here chunk by chunk,
 * synchronously, so two uploads at once cannot both squeeze under the quota (a check against
 * the store alone would let each see only the other's finished bytes). A failed upload gives its
 * bytes back; a deleted recording frees its bytes.
 */
import type { RecordingRepo } from '../store/types.js';

export class QuotaExceededError extends Error {
  constructor(readonly quota: number) {
    super(`Your recordings would take more than your quota of ${Math.round(quota / 1024 / 1024)} MB; delete some first`);
  }
}

export class RecordingQuota {
  private readonly used = new Map<string, Promise<{ bytes: number }>>();

  constructor(private readonly recordings: RecordingRepo, readonly quotaBytes: number) {}

  /** A reservation for one upload: charge() each chunk, release() if the upload fails. */
  async open(domain: string, extension: string): Promise<{ charge(n: number): void; release(): void }> {
    const usage = await this.usageOf(domain, extension);
    let charged = 0;
    return {
      charge: (n) => {
        if (usage.bytes + n > this.quotaBytes) throw new QuotaExceededError(this.quotaBytes);
        usage.bytes += n;
        charged += n;
      },
      release: () => {
        usage.bytes -= charged;
        charged = 0;
      },
    };
  }

  async freed(domain: string, extension: string, bytes: number): Promise<void> {
    const usage = await this.usageOf(domain, extension);
    usage.bytes = Math.max(0, usage.bytes - bytes);
  }

  private usageOf(domain: string, extension: string): Promise<{ bytes: number }> {
    const key = `${extension}@${domain}`;
    let usage = this.used.get(key);
    if (!usage) {
      usage = this.recordings.bytesForUser(domain, extension).then((bytes) => ({ bytes }));
      usage.catch(() => this.used.delete(key));
      this.used.set(key, usage);
    }
    return usage;
  }
}
