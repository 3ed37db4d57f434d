/**
 * Chat, SMS and MMS (NetSapiens shape; issue 15):
 *   GET    /domains/{domain}/users/{user}/messagesessions                       -> MessageSessionView[] (newest activity first)
 *   POST   .../messagesessions  NewMessageSession                              -> 201 created, 200 existing
 *   GET    .../messagesessions/{id}                                             -> MessageSessionView
 *   DELETE .../messagesessions/{id}                                             -> 204 (deleted for me; a new message shows it again)
 *   POST   .../messagesessions/{id}/leave                                       -> 204 (group chats)
 *   POST   .../messagesessions/{id}/participants  {extension}                   -> 200 the group / 201 the new group of a 1:1
 *   POST   .../messagesessions/{id}/read  {up_to}                               -> MessageSessionView
 *   POST   .../messagesessions/{id}/typing                                      -> 204
 *   GET    .../messagesessions/{id}/messages?before=&limit=                     -> Page<MessageView, string>, newest first
 *   POST   .../messagesessions/{id}/messages  NewMessage                        -> 201 new, 200 the one its client_id made
 *   POST   .../messagesessions/{id}/messages/{mid}/retry                        -> MessageView (a failed SMS sent again)
 *   GET    .../messagesessions/{id}/attachments/{aid}                           -> the file
 *   POST   /domains/{domain}/users/{user}/attachments  raw body (X-File-Name)    -> 201 {id, name, content_type, size, url}
 *   GET    /domains/{domain}/users/{user}/attachments/{aid}                     -> the file, to its uploader until it is sent
 *   GET    /domains/{domain}/users/{user}/sms                                   -> SmsAccess
 * Conversations are the user's own: a domain administrator reads another user's SMS access
 * only, never their conversations. Only participants reach a conversation, its messages and
 * its attachments: anyone else is answered 404, as if there were none.
 */
import fs from 'node:fs';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../app.js';
import { principalOf, resolveDomain, resolveExistingOwner, type Owner } from '../access.js';
import { ApiError, badRequest, forbidden } from '../errors.js';
import { wholeNumber } from './cdrs.js';
import { ATTACHMENT_MAX_BYTES, type Messaging } from '../../messaging/service.js';
import { ATTACHMENT_TYPES, declaredType, sniff } from '../../messaging/sniff.js';
import type { StoredAttachment } from '../../messaging/types.js';
import type { MessageSessionView, NewMessage, NewMessageSession } from '../../../src/data/wire.js';

type OwnerParams = { domain: string; user: string };
type SessionParams = OwnerParams & { id: string };
const NAME_MAX = 200;

const newSessionBody = {
  type: 'object',
  required: ['participants'],
  additionalProperties: false,
  properties: {
    participants: {
      type: 'array', minItems: 1, maxItems: 50,
      items: {
        type: 'object', required: ['kind'], additionalProperties: false,
        properties: { kind: { type: 'string', enum: ['user', 'number'] }, extension: { type: 'string', minLength: 1, maxLength: 32 }, number: { type: 'string', minLength: 1, maxLength: 40 } },
      },
    },
    local_number: { type: 'string', minLength: 1, maxLength: 40 },
  },
} as const;

const newMessageBody = {
  type: 'object',
  required: ['client_id', 'text'],
  additionalProperties: false,
  properties: {
    client_id: { type: 'string', minLength: 1, maxLength: 100 },
    // The length is checked by the route, to say it in words.
    text: { type: 'string' },
    attachment_ids: { type: 'array', maxItems: 50, items: { type: 'string', minLength: 1, maxLength: 100 } },
  },
} as const;

const extensionBody = { type: 'object', required: ['extension'], additionalProperties: false, properties: { extension: { type: 'string', minLength: 1, maxLength: 32 } } } as const;
const readBody = { type: 'object', required: ['up_to'], additionalProperties: false, properties: { up_to: { type: 'string', minLength: 1, maxLength: 100 } } } as const;
const pageQuery = { type: 'object', additionalProperties: false, properties: { limit: { type: 'string' }, before: { type: 'string' } } } as const;

/** The user themself: conversations are private, an administrator does not read them either. */
function self(req: FastifyRequest, params: OwnerParams): Owner {
  const me = principalOf(req);
  const domain = resolveDomain(req, params.domain);
  const extension = params.user === '~' ? me.extension : params.user;
  if (extension !== me.extension) throw forbidden('Conversations are private to their participants');
  return { domain, extension };
}

function fileName(req: FastifyRequest): string {
  const raw = req.headers['x-file-name'];
  let name = '';
  try {
    name = typeof raw === 'string' ? decodeURIComponent(raw).trim() : '';
  } catch {
    throw badRequest('name', 'X-File-Name is not valid URL-encoded text');
  }
  // Only the last part of a path; no control characters.
  name = name.split(/[\\/]/).pop()!.replace(/[\u0000-\u001f\u007f]/g, '');
  if (!name) throw badRequest('name', 'The file needs a name (X-File-Name)');
  if (name.length > NAME_MAX) throw badRequest('name', `The file's name is longer than ${NAME_MAX} characters`);
  return name;
}

const INLINE_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;

function sendFile(reply: FastifyReply, a: StoredAttachment, file: string): FastifyReply {
  // Inline only for the raster images a message may carry (never SVG, which can hold script).
  const inline = (INLINE_TYPES as readonly string[]).includes(a.contentType);
  const ascii = a.name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return reply
    .header('Content-Type', a.contentType)
    .header('Content-Length', String(a.size))
    .header('Content-Disposition', `${inline ? 'inline' : 'attachment'}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(a.name)}`)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Content-Security-Policy', "default-src 'none'; sandbox")
    .header('Cache-Control', 'private, max-age=3600')
    .send(fs.createReadStream(file));
}

export function messageRoutes(s: Services & { messaging: Messaging }): FastifyPluginAsync {
  const m = s.messaging;
  return async (app) => {
    // Attachments arrive whole (5 MB at most); what they are is read from their bytes.
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: ATTACHMENT_MAX_BYTES }, (_req, body, done) => done(null, body));

    app.get<{ Params: OwnerParams }>('/domains/:domain/users/:user/sms', async (req) => {
      const owner = await resolveExistingOwner(req, req.params, s.store.users);
      return m.smsAccess(owner.domain, owner.extension);
    });

    app.get<{ Params: OwnerParams }>('/domains/:domain/users/:user/messagesessions', async (req): Promise<MessageSessionView[]> => {
      const me = self(req, req.params);
      return m.list(me.domain, me.extension);
    });

    app.post<{ Params: OwnerParams; Body: NewMessageSession }>('/domains/:domain/users/:user/messagesessions', { schema: { body: newSessionBody } }, async (req, reply) => {
      const me = self(req, req.params);
      req.body.participants.forEach((p, i) => {
        if (p.kind === 'user' && typeof p.extension !== 'string') throw badRequest(`participants.${i}.extension`, 'A colleague is named by extension');
        if (p.kind === 'number' && typeof p.number !== 'string') throw badRequest(`participants.${i}.number`, 'An outside party is named by number');
      });
      const { session, created } = await m.open(me.domain, me.extension, req.body);
      return reply.code(created ? 201 : 200).send(await m.sessionView(session, me.extension));
    });

    app.get<{ Params: SessionParams }>('/domains/:domain/users/:user/messagesessions/:id', async (req) => {
      const me = self(req, req.params);
      const { session } = await m.sessionOf(me.domain, me.extension, req.params.id);
      return m.sessionView(session, me.extension);
    });

    app.delete<{ Params: SessionParams }>('/domains/:domain/users/:user/messagesessions/:id', async (req, reply) => {
      const me = self(req, req.params);
      await m.hide(me.domain, me.extension, req.params.id);
      return reply.code(204).send();
    });

    app.post<{ Params: SessionParams }>('/domains/:domain/users/:user/messagesessions/:id/leave', async (req, reply) => {
      const me = self(req, req.params);
      await m.leave(me.domain, me.extension, req.params.id);
      return reply.code(204).send();
    });

    app.post<{ Params: SessionParams; Body: { extension: string } }>('/domains/:domain/users/:user/messagesessions/:id/participants', { schema: { body: extensionBody } }, async (req, reply) => {
      const me = self(req, req.params);
      const { session, created } = await m.addParticipant(me.domain, me.extension, req.params.id, req.body.extension);
      return reply.code(created ? 201 : 200).send(await m.sessionView(session, me.extension));
    });

    app.post<{ Params: SessionParams; Body: { up_to: string } }>('/domains/:domain/users/:user/messagesessions/:id/read', { schema: { body: readBody } }, async (req) => {
      const me = self(req, req.params);
      return m.read(me.domain, me.extension, req.params.id, req.body.up_to);
    });

    app.post<{ Params: SessionParams }>('/domains/:domain/users/:user/messagesessions/:id/typing', async (req, reply) => {
      const me = self(req, req.params);
      await m.typingIn(me.domain, me.extension, req.params.id);
      return reply.code(204).send();
    });

    app.get<{ Params: SessionParams; Querystring: { limit?: string; before?: string } }>('/domains/:domain/users/:user/messagesessions/:id/messages', { schema: { querystring: pageQuery } }, async (req) => {
      const me = self(req, req.params);
      const limit = wholeNumber('limit', req.query.limit, 1, 100) ?? 50;
      return m.messages(me.domain, me.extension, req.params.id, req.query.before, limit);
    });

    app.post<{ Params: SessionParams; Body: NewMessage }>('/domains/:domain/users/:user/messagesessions/:id/messages', {
      // JSON escapes make 10,000 characters up to 60 KB; a body past 128 KB is refused unread (413).
      bodyLimit: 128 * 1024,
      schema: { body: newMessageBody },
    }, async (req, reply) => {
      const me = self(req, req.params);
      // The service checks the text's length (for SIP MESSAGE too).
      const { view, created } = await m.send(me.domain, me.extension, req.params.id, req.body);
      return reply.code(created ? 201 : 200).send(view);
    });

    app.post<{ Params: SessionParams & { mid: string } }>('/domains/:domain/users/:user/messagesessions/:id/messages/:mid/retry', async (req) => {
      const me = self(req, req.params);
      return m.retry(me.domain, me.extension, req.params.id, req.params.mid);
    });

    app.get<{ Params: SessionParams & { aid: string } }>('/domains/:domain/users/:user/messagesessions/:id/attachments/:aid', async (req, reply) => {
      const me = self(req, req.params);
      const { attachment, path } = await m.attachment(me.domain, me.extension, req.params.id, req.params.aid);
      return sendFile(reply, attachment, path);
    });

    app.get<{ Params: OwnerParams & { aid: string } }>('/domains/:domain/users/:user/attachments/:aid', async (req, reply) => {
      const me = self(req, req.params);
      const { attachment, path } = await m.ownAttachment(me.domain, me.extension, req.params.aid);
      return sendFile(reply, attachment, path);
    });

    app.post<{ Params: OwnerParams; Body: unknown }>('/domains/:domain/users/:user/attachments', { bodyLimit: ATTACHMENT_MAX_BYTES }, async (req, reply) => {
      const me = self(req, req.params);
      const body = req.body;
      if (!Buffer.isBuffer(body) || body.length === 0) throw badRequest('body', 'Send the file as the request body');
      const declared = declaredType(req.headers['content-type']);
      const found = sniff(body);
      if (!(ATTACHMENT_TYPES as readonly string[]).includes(declared)) {
        throw new ApiError(415, 'unsupported_attachment', `Attachments are images (PNG, JPEG, GIF, WebP) or PDF documents; this is ${found.what}`, 'content_type');
      }
      if (found.type !== declared) {
        throw new ApiError(415, 'unsupported_attachment', found.type
          ? `The file is ${found.what}, not ${declared} as its Content-Type says`
          : `The file is ${found.what}, not ${declared} as its Content-Type says; attachments are images (PNG, JPEG, GIF, WebP) or PDF documents`, 'content_type');
      }
      const name = fileName(req);
      const a = await m.upload(me.domain, me.extension, name, found.type, body);
      return reply.code(201).send({
        id: a.id, name: a.name, content_type: a.contentType, size: a.size,
        url: `/api/v2/domains/${encodeURIComponent(me.domain)}/users/${encodeURIComponent(me.extension)}/attachments/${encodeURIComponent(a.id)}`,
      });
    });
  };
}
