/**
 * Where voicemail audio lives: `<data>/voicemail/<domain>/<extension>/<id>.opus` (Ogg Opus). A
 * message being left is written to `<id>.opus.partial`, page by page, and renamed into place
 * when the caller is done: a crash mid-deposit leaves no message and no half file under a
 * message's name (the partial files are removed at start-up).
 */
import fs from 'node:fs';
import path from 'node:path';

const PARTIAL = '.partial';

export class MailboxFiles {
  constructor(readonly root: string) {}

  pathOf(domain: string, extension: string, id: string): string {
    return path.join(this.root, safe(domain), safe(extension), `${safe(id)}.opus`);
  }

  /** A file to record into; `finish` moves it into place, `discard` removes it. */
  open(domain: string, extension: string, id: string): { write(page: Buffer): void; finish(): number; discard(): void } {
    const final = this.pathOf(domain, extension, id);
    const partial = final + PARTIAL;
    fs.mkdirSync(path.dirname(final), { recursive: true });
    const fd = fs.openSync(partial, 'wx');
    let bytes = 0;
    let open = true;
    const close = () => {
      if (!open) return;
      open = false;
      fs.closeSync(fd);
    };
    return {
      write(page) {
        if (!open) return;
        fs.writeSync(fd, page);
        bytes += page.length;
      },
      finish() {
        if (open) fs.fsyncSync(fd);
        close();
        fs.renameSync(partial, final);
        // The rename itself survives a power loss only once the directory is on disk too.
        syncDirectory(path.dirname(final));
        return bytes;
      },
      discard() {
        close();
        fs.rmSync(partial, { force: true });
      },
    };
  }

  remove(domain: string, extension: string, id: string): void {
    fs.rmSync(this.pathOf(domain, extension, id), { force: true });
  }

  /** Start-up: messages being left when the platform stopped are gone; so are their files. */
  sweepPartials(): number {
    let removed = 0;
    const walk = (dir: string) => {
      if (!fs.existsSync(dir)) return;
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name.endsWith(PARTIAL)) { fs.rmSync(p, { force: true }); removed++; }
      }
    };
    walk(this.root);
    return removed;
  }
}

function syncDirectory(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Path parts come from our own ids and the directory, but never trust them to be plain. */
function safe(part: string): string {
  if (!/^[A-Za-z0-9._@-]+$/.test(part) || part === '.' || part === '..') throw new Error(`unsafe path part ${JSON.stringify(part)}`);
  return part;
}
