/**
 * The seed messages the SIP mutator starts from: the RFC 4475 torture corpus (shared
 * conformance data next to the repository) and the captured frames of a real session
 * (fuzz/corpus/captured/*.sip, written by `npm run fuzz -- --capture`).
 */
import fs from 'node:fs';
import path from 'node:path';

export interface Seed {
  /** e.g. "rfc4475/wsinv.dat" or "captured/07-alice-out-INVITE.sip" */
  name: string;
  /** The message as latin1 (one char per byte). */
  text: string;
  kind: 'request' | 'response';
  /** The request method, or the CSeq method of a response. */
  method: string;
}

export const RFC4475_DIR = path.resolve(import.meta.dirname, '../../shared/conformance/rfc4475');
export const CAPTURED_DIR = path.resolve(import.meta.dirname, 'corpus/captured');

function seedOf(name: string, bytes: Buffer): Seed {
  const text = bytes.toString('latin1');
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  const response = first.startsWith('SIP/');
  const cseq = /^(?:CSeq)\s*:\s*\d+\s+(\S+)/im.exec(text)?.[1] ?? '';
  return { name, text, kind: response ? 'response' : 'request', method: response ? cseq : (first.split(' ', 1)[0] ?? '') };
}

export function loadRfc4475(dir = RFC4475_DIR): Seed[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.dat')).sort()
    .map((f) => seedOf(`rfc4475/${f}`, fs.readFileSync(path.join(dir, f))));
}

export function loadCaptured(dir = CAPTURED_DIR): Seed[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.sip')).sort()
    .map((f) => seedOf(`captured/${f}`, fs.readFileSync(path.join(dir, f))));
}

export interface Corpus {
  rfc4475: Seed[];
  captured: Seed[];
  /** Every message's text, for splicing header lines between messages. */
  donors: string[];
}

export function loadCorpus(): Corpus {
  const rfc4475 = loadRfc4475();
  const captured = loadCaptured();
  return { rfc4475, captured, donors: [...rfc4475, ...captured].map((s) => s.text) };
}
