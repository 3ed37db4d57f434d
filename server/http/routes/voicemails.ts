/**
 * A user's voicemail (NetSapiens shape):
 *   GET    /domains/{domain}/users/{user}/voicemails/count             -> {new, save, trash}
 *   GET    .../voicemails/{folder}?limit=&before=                      -> {items, next_cursor}, newest first
 *   GET    .../voicemails/{folder}/{id}                                -> one message
 *   GET    .../voicemails/{folder}/{id}/audio                          -> Ogg Opus, Range supported
 *   PATCH  .../voicemails/{folder}/{id}   {folder}                     -> moved (new, save, trash)
 *   DELETE .../voicemails/{folder}/{id}                               -> to trash; from trash, for good
 * The mailbox's user, the users it is granted to (shared voicemail) and the domain's
 * administrator reach it; nobody else. Moves and deletes record who made them.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Services } from '../app.js';
import { sendAudioFile } from '../audio-file.js';
import { principalOf, resolveMailbox } from '../access.js';
import { badRequest, notFound } from '../errors.js';
import { wholeNumber } from './cdrs.js';
import { VOICEMAIL_FOLDERS, type Voicemail, type VoicemailFolder } from '../../voicemail/types.js';
import { voicemailView } from '../../views/voicemail.js';
import type { Page, VoicemailCount, VoicemailEntry } from '../../../src/data/wire.js';

type OwnerParams = { domain: string; user: string };
type MessageParams = OwnerParams & { folder: string; id: string };

const moveBody = {
  type: 'object',
  required: ['folder'],
  additionalProperties: false,
  properties: { folder: { type: 'string', enum: [...VOICEMAIL_FOLDERS] } },
} as const;

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { limit: { type: 'string' }, before: { type: 'string' } },
} as const;

function folderOf(raw: string): VoicemailFolder {
  if (!(VOICEMAIL_FOLDERS as readonly string[]).includes(raw)) throw badRequest('folder', `folder must be one of: ${VOICEMAIL_FOLDERS.join(', ')}`);
  return raw as VoicemailFolder;
}

export function voicemailRoutes(s: Services): FastifyPluginAsync {
  return async (app) => {
    /** The message named by the path, in the folder named (another folder's id is 404). */
    async function message(req: FastifyRequest, params: MessageParams): Promise<Voicemail> {
      const owner = await resolveMailbox(req, params, s.store);
      const folder = folderOf(params.folder);
      const vm = await s.store.voicemails.get(owner.domain, owner.extension, params.id);
      if (!vm || vm.folder !== folder) throw notFound('No such message');
      return vm;
    }
    const who = (req: FastifyRequest) => { const p = principalOf(req); return `${p.extension}@${p.domain}`; };
    const announce = (vm: Voicemail, change: 'moved' | 'deleted') =>
      s.bus.emit('voicemail', { domain: vm.domain, extension: vm.extension, id: vm.id, change });

    app.get<{ Params: OwnerParams }>('/domains/:domain/users/:user/voicemails/count', async (req): Promise<VoicemailCount> => {
      const owner = await resolveMailbox(req, req.params, s.store);
      return s.store.voicemails.counts(owner.domain, owner.extension);
    });

    app.get<{ Params: OwnerParams & { folder: string }; Querystring: { limit?: string; before?: string } }>(
      '/domains/:domain/users/:user/voicemails/:folder',
      { schema: { querystring: listQuery } },
      async (req): Promise<Page<VoicemailEntry>> => {
        const owner = await resolveMailbox(req, req.params, s.store);
        const page = await s.store.voicemails.list(owner.domain, owner.extension, folderOf(req.params.folder), {
          limit: wholeNumber('limit', req.query.limit, 1, 200) ?? 50,
          before: wholeNumber('before', req.query.before, 1, Number.MAX_SAFE_INTEGER),
        });
        return { items: page.items.map(voicemailView), next_cursor: page.nextCursor };
      },
    );

    app.get<{ Params: MessageParams }>('/domains/:domain/users/:user/voicemails/:folder/:id', async (req) => voicemailView(await message(req, req.params)));

    app.get<{ Params: MessageParams }>('/domains/:domain/users/:user/voicemails/:folder/:id/audio', async (req, reply) => {
      const vm = await message(req, req.params);
      if (!s.mailboxFiles) throw notFound('No such message');
      return sendAudioFile(req, reply, {
        file: s.mailboxFiles.pathOf(vm.domain, vm.extension, vm.id), contentType: 'audio/ogg', id: vm.id,
        downloadName: `voicemail-${vm.id}.opus`, what: 'message',
      });
    });

    app.patch<{ Params: MessageParams; Body: { folder: VoicemailFolder } }>(
      '/domains/:domain/users/:user/voicemails/:folder/:id',
      { schema: { body: moveBody } },
      async (req) => {
        const vm = await message(req, req.params);
        if (req.body.folder === vm.folder) return voicemailView(vm);
        const moved = await s.store.voicemails.move(vm.domain, vm.extension, vm.id, req.body.folder, who(req), Date.now());
        if (!moved) throw notFound('No such message');
        announce(moved, 'moved');
        return voicemailView(moved);
      },
    );

    app.delete<{ Params: MessageParams }>('/domains/:domain/users/:user/voicemails/:folder/:id', async (req, reply) => {
      const vm = await message(req, req.params);
      if (vm.folder !== 'trash') {
        await s.store.voicemails.move(vm.domain, vm.extension, vm.id, 'trash', who(req), Date.now());
        announce(vm, 'moved');
      } else {
        await s.store.voicemails.delete(vm.domain, vm.extension, vm.id);
        s.mailboxFiles?.remove(vm.domain, vm.extension, vm.id);
        announce(vm, 'deleted');
      }
      return reply.code(204).send();
    });
  };
}
