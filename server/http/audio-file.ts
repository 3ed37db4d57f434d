/** Serves an audio file we wrote (a recording, a voicemail), whole or by Range, never sniffed. */
import fs from 'node:fs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { notFound } from './errors.js';

/**
 * One `bytes=` range of a file of `size` bytes (RFC 9110 s14.1.2). Null means "serve it whole":
 * no Range, or a form we choose not to honour (several ranges); 'unsatisfiable' is a 416.
 */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const m = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

export async function sendAudioFile(
  req: FastifyRequest, reply: FastifyReply,
  audio: { file: string; contentType: string; id: string; downloadName: string; what: string },
): Promise<FastifyReply> {
  let size: number;
  try {
    size = (await fs.promises.stat(audio.file)).size;
  } catch {
    throw notFound(`No such ${audio.what}`);
  }
  const etag = `"${audio.id}-${size}"`;
  void reply.header('Accept-Ranges', 'bytes').header('ETag', etag);
  const ifRange = req.headers['if-range'];
  const range = ifRange === undefined || ifRange === etag ? parseRange(req.headers.range, size) : null;
  if (range === 'unsatisfiable') {
    return reply.code(416).header('Content-Range', `bytes */${size}`).send({ code: 'range_not_satisfiable', message: `Range is outside the ${audio.what}` });
  }
  // nosniff: the browser plays it as the audio type we wrote, never as anything else; the
  // file name is ours, never the user's text.
  void reply.header('Content-Type', audio.contentType).header('Cache-Control', 'private, max-age=3600')
    .header('X-Content-Type-Options', 'nosniff')
    .header('Content-Disposition', `inline; filename="${audio.downloadName}"`);
  if (range) {
    void reply.code(206).header('Content-Range', `bytes ${range.start}-${range.end}/${size}`).header('Content-Length', String(range.end - range.start + 1));
    return reply.send(fs.createReadStream(audio.file, { start: range.start, end: range.end }));
  }
  void reply.header('Content-Length', String(size));
  return reply.send(fs.createReadStream(audio.file));
}
