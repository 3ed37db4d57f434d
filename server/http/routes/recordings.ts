/**
 * Call recordings made by the web phone (both sides mixed in the browser, MediaRecorder):
 *   POST   /domains/{domain}/users/{user}/recordings        raw audio/webm or audio/ogg body, up to 50 MB;
 *          X-Recording-Id (client UUID: a second upload with it stores nothing and answers 200),
 *          X-Call-Id (SIP Call-ID), X-Started-At (ISO, optional), X-Duration-S (optional)
 *   GET    /domains/{domain}/users/{user}/recordings        newest first, keyset-paged
 *   GET    /domains/{domain}/recordings                     the whole domain (administrators)
 *   GET    .../recordings/{id}                              metadata
 *   GET    .../recordings/{id}/audio                        the audio, with Range support (206)
 *   DELETE .../recordings/{id}
 * A recording is visible to its owner and the domain's administrators only; anyone else gets
 * 404, so its existence is not revealed. (A user naming another user in the path gets the usual
 * 403 for that path, whatever the id.)
 */
import fs from 'node:fs';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../app.js';
import { sendAudioFile } from '../audio-file.js';
import type { Recording } from '../../store/types.js';
import { BodyTooLargeError } from '../../store/recording-files.js';
import { QuotaExceededError } from '../recording-quota.js';
import { looksLike, SNIFF_BYTES } from '../recording-sniff.js';

class NotAudioError extends Error {
  constructor(contentType: string) {
    super(`The upload is not ${contentType} audio`);
  }
}
import { principalOf, resolveDomain, resolveExistingOwner, resolveOwner } from '../access.js';
import { ApiError, badRequest, forbidden, notFound } from '../errors.js';
import { wholeNumber } from './cdrs.js';
import type { Page, RecordingInfo } from '../../../src/data/wire.js';

export const RECORDING_MAX_BYTES = 50 * 1024 * 1024;
const ACCEPTED_TYPES = new Set(['audio/webm', 'audio/ogg']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const iso = (t: number) => new Date(t).toISOString();

export function recordingView(r: Recording): RecordingInfo {
  return {
    id: r.id,
    domain: r.domain,
    extension: r.extension,
    call_id: r.callId,
    cdr_id: r.cdrId,
    remote_number: r.remoteNumber ?? null,
    remote_name: r.remoteName ?? null,
    content_type: r.contentType,
    bytes: r.bytes,
    duration_s: r.durationS,
    started_at: iso(r.startedAt),
    created_at: iso(r.createdAt),
    audio_url: `/api/v2/domains/${encodeURIComponent(r.domain)}/users/${encodeURIComponent(r.extension)}/recordings/${r.id}/audio`,
  };
}

/** `audio/webm;codecs=opus` -> `audio/webm`. */
function essence(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

interface UploadMeta {
  id: string;
  callId: string;
  contentType: string;
  startedAt: number | null;
  durationS: number | null;
}

/** Reads and checks the upload's headers before a byte of the body is read. */
function uploadMeta(req: FastifyRequest, limit: number): UploadMeta {
  const contentType = essence(req.headers['content-type']);
  if (!ACCEPTED_TYPES.has(contentType)) {
    throw new ApiError(415, 'unsupported_media_type', 'Send the recording as audio/webm or audio/ogg');
  }
  const length = req.headers['content-length'];
  if (length !== undefined && Number(length) > limit) {
    throw new ApiError(413, 'body_too_large', `Recording is larger than ${limit} bytes`, undefined, { Connection: 'close' });
  }
  const header = (name: string) => {
    const v = req.headers[name];
    return Array.isArray(v) ? v[0] : v;
  };
  const id = header('x-recording-id')?.trim() ?? '';
  if (!UUID.test(id)) throw badRequest('x-recording-id', 'X-Recording-Id must be a UUID');
  const callId = header('x-call-id')?.trim() ?? '';
  if (!callId || callId.length > 256 || /[\s\x00-\x1f]/.test(callId)) throw badRequest('x-call-id', 'X-Call-Id must be the SIP Call-ID of the call');
  const startedRaw = header('x-started-at');
  let startedAt: number | null = null;
  if (startedRaw !== undefined) {
    startedAt = /^\d{4}-\d\d-\d\dT/.test(startedRaw) ? Date.parse(startedRaw) : NaN;
    if (!Number.isFinite(startedAt)) throw badRequest('x-started-at', 'X-Started-At must be an ISO 8601 date-time');
  }
  const durationRaw = header('x-duration-s');
  let durationS: number | null = null;
  if (durationRaw !== undefined) {
    durationS = /^\d{1,6}(\.\d{1,3})?$/.test(durationRaw.trim()) ? Number(durationRaw) : NaN;
    if (!(durationS >= 0 && durationS <= 86_400)) throw badRequest('x-duration-s', 'X-Duration-S must be a number of seconds from 0 to 86400');
  }
  return { id: id.toLowerCase(), callId, contentType, startedAt, durationS };
}

/** Reads and throws away the rest of a request body, so the connection stays usable. */
function drain(req: FastifyRequest): Promise<void> {
  return new Promise((resolve) => {
    if (req.raw.readableEnded) return resolve();
    req.raw.on('end', resolve).on('error', () => resolve()).resume();
  });
}

type OwnerParams = { domain: string; user: string };
type ListQuery = { limit?: string; before?: string };

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'string' }, before: { type: 'string' } },
} as const;

export function recordingRoutes(s: Services): FastifyPluginAsync {
  const limit = s.recordingMaxBytes ?? s.config.recordingMaxBytes ?? RECORDING_MAX_BYTES;
  return async (app) => {
    // The body is streamed to disk by the handler, never buffered or parsed here.
    app.addContentTypeParser(/^audio\/(webm|ogg)\s*(;.*)?$/i, (_req, _payload, done) => done(null));

    /** The recording `id` if the caller may see it through this path, else 404. */
    async function accessible(req: FastifyRequest, params: { domain: string; user?: string; id: string }): Promise<Recording> {
      const me = principalOf(req);
      const owner = params.user !== undefined ? resolveOwner(req, { domain: params.domain, user: params.user }) : null;
      const domain = owner?.domain ?? resolveDomain(req, params.domain);
      const rec = UUID.test(params.id) ? await s.store.recordings.get(params.id.toLowerCase()) : undefined;
      const visible = rec && rec.domain === domain && (!owner || rec.extension === owner.extension)
        && (rec.extension === me.extension || me.role === 'admin');
      if (!rec || !visible) throw notFound('No such recording');
      return rec;
    }

    async function sendAudio(req: FastifyRequest, reply: FastifyReply, rec: Recording) {
      const ext = rec.contentType === 'audio/ogg' ? 'ogg' : 'webm';
      return sendAudioFile(req, reply, {
        file: s.recordingFiles.pathOf(rec.domain, rec.id, rec.contentType), contentType: rec.contentType, id: rec.id,
        downloadName: `recording-${rec.id}.${ext}`, what: 'recording',
      });
    }

    async function remove(reply: FastifyReply, rec: Recording) {
      if (await s.store.recordings.delete(rec.id)) await s.recordingQuota.freed(rec.domain, rec.extension, rec.bytes);
      await s.recordingFiles.remove(rec.domain, rec.id, rec.contentType);
      return reply.code(204).send();
    }

    app.post<{ Params: OwnerParams }>(
      '/domains/:domain/users/:user/recordings',
      {
        bodyLimit: limit,
        // Checked before the body is read: a wrong type or size never uploads 50 MB first.
        onRequest: async (req) => {
          await resolveExistingOwner(req, req.params, s.store.users);
          uploadMeta(req, limit);
        },
      },
      async (req, reply) => {
        const owner = resolveOwner(req, req.params);
        const meta = uploadMeta(req, limit);
        const existing = await s.store.recordings.get(meta.id);
        if (existing) {
          await drain(req);
          if (existing.domain !== owner.domain || existing.extension !== owner.extension) {
            throw new ApiError(409, 'conflict', 'X-Recording-Id is already used by another recording');
          }
          return reply.code(200).send(recordingView(existing));
        }
        let received: { tempPath: string; bytes: number };
        const reservation = await s.recordingQuota.open(owner.domain, owner.extension);
        try {
          received = await s.recordingFiles.receive(owner.domain, req.raw, limit, {
            headBytes: SNIFF_BYTES,
            head: (head) => {
              if (!looksLike(meta.contentType, head)) throw new NotAudioError(meta.contentType);
            },
            chunk: (n) => reservation.charge(n),
          });
        } catch (err) {
          reservation.release();
          // The rest of the body is not wanted: close the connection rather than read it all.
          const close = { Connection: 'close' };
          if (err instanceof BodyTooLargeError) throw new ApiError(413, 'body_too_large', err.message, undefined, close);
          if (err instanceof QuotaExceededError) {
            throw new ApiError(507, 'quota_exceeded', err.message, undefined, close, { quota_bytes: err.quota });
          }
          if (err instanceof NotAudioError) throw new ApiError(415, 'not_audio', err.message, undefined, close);
          throw err;
        }
        if (received.bytes === 0) {
          await s.recordingFiles.discard(received.tempPath);
          throw badRequest('body', 'The recording is empty');
        }
        const now = Date.now();
        const cdr = await s.store.cdrs.findForCall(owner.domain, owner.extension, meta.callId);
        const rec: Recording = {
          id: meta.id, domain: owner.domain, extension: owner.extension, callId: meta.callId, cdrId: cdr?.id ?? null,
          contentType: meta.contentType, bytes: received.bytes, durationS: meta.durationS,
          startedAt: meta.startedAt ?? now - Math.round((meta.durationS ?? 0) * 1000), createdAt: now,
        };
        // File first, row second: a crash in between leaves an unlisted file, never a listed half one.
        await s.recordingFiles.commit(received.tempPath, s.recordingFiles.pathOf(rec.domain, rec.id, rec.contentType));
        const inserted = await s.store.recordings.insert(rec);
        const stored = await s.store.recordings.get(rec.id);
        if (!inserted) {
          reservation.release();
          // The same upload raced itself (a retry while the first was still arriving).
          if (stored && stored.domain === owner.domain && stored.extension === owner.extension) return reply.code(200).send(recordingView(stored));
          throw new ApiError(409, 'conflict', 'X-Recording-Id is already used by another recording');
        }
        s.log.info('recording stored', { id: rec.id, domain: rec.domain, extension: rec.extension, bytes: rec.bytes });
        const view = recordingView(stored ?? rec);
        return reply.code(201).header('Location', view.audio_url.replace(/\/audio$/, '')).send(view);
      },
    );

    app.get<{ Params: OwnerParams; Querystring: ListQuery }>(
      '/domains/:domain/users/:user/recordings',
      { schema: { querystring: listQuery } },
      async (req): Promise<Page<RecordingInfo>> => {
        const owner = await resolveExistingOwner(req, req.params, s.store.users);
        const page = await s.store.recordings.listForUser(owner.domain, owner.extension, {
          limit: wholeNumber('limit', req.query.limit, 1, 500) ?? 100,
          before: wholeNumber('before', req.query.before, 1, Number.MAX_SAFE_INTEGER),
        });
        return { items: page.items.map(recordingView), next_cursor: page.nextCursor };
      },
    );

    app.get<{ Params: { domain: string }; Querystring: ListQuery }>(
      '/domains/:domain/recordings',
      { schema: { querystring: listQuery } },
      async (req): Promise<Page<RecordingInfo>> => {
        const domain = resolveDomain(req, req.params.domain);
        if (principalOf(req).role !== 'admin') throw forbidden('Only a domain administrator may list every recording');
        const page = await s.store.recordings.listForDomain(domain, {
          limit: wholeNumber('limit', req.query.limit, 1, 500) ?? 100,
          before: wholeNumber('before', req.query.before, 1, Number.MAX_SAFE_INTEGER),
        });
        return { items: page.items.map(recordingView), next_cursor: page.nextCursor };
      },
    );

    for (const prefix of ['/domains/:domain/users/:user/recordings', '/domains/:domain/recordings']) {
      app.get<{ Params: { domain: string; user?: string; id: string } }>(`${prefix}/:id`, async (req) =>
        recordingView(await accessible(req, req.params)));
      app.get<{ Params: { domain: string; user?: string; id: string } }>(`${prefix}/:id/audio`, async (req, reply) =>
        sendAudio(req, reply, await accessible(req, req.params)));
      app.delete<{ Params: { domain: string; user?: string; id: string } }>(`${prefix}/:id`, async (req, reply) =>
        remove(reply, await accessible(req, req.params)));
    }
  };
}
