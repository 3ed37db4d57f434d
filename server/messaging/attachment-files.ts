/**
 * Where attachment bytes live: `<data>/attachments/<domain>/<id>`. A file is written to a
 * temporary name in the same directory, flushed, and renamed into place (as recordings are), so
 * a crash never leaves a half file under an attachment's name; leftovers are removed at start-up.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const TEMP_SUFFIX = '.upload-tmp';

const safe = (part: string) => encodeURIComponent(part).replace(/\./g, '%2E');

export class AttachmentFiles {
  constructor(readonly root: string) {}

  pathOf(domain: string, id: string): string {
    return path.join(this.root, safe(domain), safe(id));
  }

  async write(domain: string, id: string, data: Buffer): Promise<void> {
    const final = this.pathOf(domain, id);
    await fs.promises.mkdir(path.dirname(final), { recursive: true });
    const temp = `${final}.${randomBytes(6).toString('hex')}${TEMP_SUFFIX}`;
    const handle = await fs.promises.open(temp, 'wx');
    try {
      await handle.writeFile(data);
      await handle.sync();
    } catch (err) {
      await handle.close();
      await fs.promises.rm(temp, { force: true });
      throw err;
    }
    await handle.close();
    await fs.promises.rename(temp, final);
  }

  read(domain: string, id: string): Promise<Buffer> {
    return fs.promises.readFile(this.pathOf(domain, id));
  }

  async remove(domain: string, id: string): Promise<void> {
    await fs.promises.rm(this.pathOf(domain, id), { force: true });
  }

  /** Start-up: uploads cut short by a stop are gone. */
  sweepTemporaryFiles(): void {
    if (!fs.existsSync(this.root)) return;
    for (const d of fs.readdirSync(this.root, { withFileTypes: true })) {
      if (!d.isDirectory()) continue;
      const dir = path.join(this.root, d.name);
      for (const f of fs.readdirSync(dir)) if (f.endsWith(TEMP_SUFFIX)) fs.rmSync(path.join(dir, f), { force: true });
    }
  }
}
