/**
 * Where recording audio lives: `<data>/recordings/<domain>/<id>.webm` (or .ogg). An upload is
 * written to a temporary file in the same directory, flushed to disk, and only then renamed into
 * place, so a crash never leaves a half file under a registered name; temporary files left by a
 * crash are removed at start-up.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';

const EXTENSIONS: Record<string, string> = { 'audio/webm': 'webm', 'audio/ogg': 'ogg' };
const TEMP_SUFFIX = '.upload-tmp';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Recording is larger than ${limit} bytes`);
  }
}

/** Checks run on an upload as it streams in; a throw aborts it and removes the partial file. */
export interface UploadGuard {
  /** Sees the first `headBytes` bytes (or all of a shorter body) once. */
  head?(head: Buffer): void;
  headBytes?: number;
  /** Sees each chunk's size before it is written. */
  chunk?(bytes: number): void;
}

export class RecordingFiles {
  constructor(readonly root: string) {}

  pathOf(domain: string, id: string, contentType: string): string {
    return path.join(this.dirOf(domain), `${id}.${EXTENSIONS[contentType] ?? 'bin'}`);
  }

  /**
   * Streams `body` into a temporary file next to its final place, counting bytes; more than
   * `limit` aborts (the partial file is removed) with BodyTooLargeError.
   */
  async receive(domain: string, body: Readable, limit: number, guard: UploadGuard = {}): Promise<{ tempPath: string; bytes: number }> {
    const dir = this.dirOf(domain);
    await fs.promises.mkdir(dir, { recursive: true });
    const tempPath = path.join(dir, `${randomBytes(12).toString('hex')}${TEMP_SUFFIX}`);
    const file = await fs.promises.open(tempPath, 'wx', 0o600);
    let bytes = 0;
    let head: Buffer | null = Buffer.alloc(0);
    try {
      for await (const chunk of body) {
        const buf = chunk as Buffer;
        bytes += buf.length;
        if (bytes > limit) throw new BodyTooLargeError(limit);
        guard.chunk?.(buf.length);
        if (head && guard.head) {
          head = Buffer.concat([head, buf]);
          if (head.length >= guard.headBytes!) {
            guard.head(head);
            head = null;
          }
        }
        await file.write(buf);
      }
      if (head && head.length > 0) guard.head?.(head);
      await file.sync();
    } catch (err) {
      await file.close().catch(() => {});
      await fs.promises.rm(tempPath, { force: true });
      throw err;
    }
    await file.close();
    return { tempPath, bytes };
  }

  /** Moves a received upload to its final name (atomic within the directory). */
  async commit(tempPath: string, finalPath: string): Promise<void> {
    await fs.promises.rename(tempPath, finalPath);
  }

  async discard(tempPath: string): Promise<void> {
    await fs.promises.rm(tempPath, { force: true });
  }

  async remove(domain: string, id: string, contentType: string): Promise<void> {
    await fs.promises.rm(this.pathOf(domain, id, contentType), { force: true });
  }

  /** Removes temporary files a crash may have left behind (nothing is uploading at start-up). */
  sweepTemporaryFiles(): void {
    if (!fs.existsSync(this.root)) return;
    for (const domain of fs.readdirSync(this.root, { withFileTypes: true })) {
      if (!domain.isDirectory()) continue;
      const dir = path.join(this.root, domain.name);
      for (const name of fs.readdirSync(dir)) if (name.endsWith(TEMP_SUFFIX)) fs.rmSync(path.join(dir, name), { force: true });
    }
  }

  private dirOf(domain: string): string {
    // Domain names are DNS-like; anything else is encoded so it can never leave the root.
    const safe = /^[a-z0-9][a-z0-9.-]*$/i.test(domain) ? domain : encodeURIComponent(domain).replace(/\./g, '%2E');
    return path.join(this.root, safe);
  }
}
