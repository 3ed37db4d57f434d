/**
 * A user's voicemail greetings (NetSapiens shape):
 *   GET    /domains/{domain}/users/{user}/greetings            -> {items, voicemail_greeting_index}
 *   POST   .../greetings   audio body (wav, mp3, ogg, webm, m4a; up to 10 MB), X-Greeting-Name,
 *                          X-Greeting-Source: recorded | uploaded            -> 201 greeting
 *   POST   .../greetings   JSON {name, text}: spoken by the synthesizer      -> 201 greeting
 *   GET    .../greetings/{index}  and  .../greetings/{index}/audio (Ogg Opus, Range supported)
 *   PATCH  .../greetings/{index}  {name?, active?}   (active: true makes it the one callers hear)
 *   DELETE .../greetings/{index}  (the active one: the default answers from then on)
 * The user and their domain's administrator reach them; nobody else.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { Services } from '../app.js';
import { sendAudioFile } from '../audio-file.js';
import { resolveExistingOwner } from '../access.js';
import { ApiError, badRequest, notFound } from '../errors.js';
import { AudioFormatError } from '../../media/convert.js';
import { MAX_SPOKEN_CHARS } from '../../media/synth.js';
import { GreetingLimitError, type UserGreetings } from '../../voicemail/user-greetings.js';
import type { Greeting } from '../../voicemail/greeting-types.js';
import { greetingView } from '../../views/greeting.js';
import type { GreetingEntry, GreetingList } from '../../../src/data/wire.js';

export const GREETING_MAX_BYTES = 10 * 1024 * 1024;
const NAME_MAX = 80;

type OwnerParams = { domain: string; user: string };
type GreetingParams = OwnerParams & { index: string };

const spokenBody = {
  type: 'object',
  required: ['name', 'text'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: NAME_MAX },
    text: { type: 'string', minLength: 1, maxLength: MAX_SPOKEN_CHARS },
  },
} as const;

const patchBody = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: NAME_MAX },
    active: { type: 'boolean' },
  },
} as const;

function indexOf(raw: string): number {
  const n = Number(raw);
  if (!/^[1-9][0-9]{0,5}$/.test(raw) || !Number.isSafeInteger(n)) throw notFound('No such greeting');
  return n;
}

/** The name a greeting is given from a header (URL-encoded, so any language fits in it). */
function nameHeader(req: FastifyRequest): string {
  const raw = req.headers['x-greeting-name'];
  let name = '';
  try {
    name = typeof raw === 'string' ? decodeURIComponent(raw).trim() : '';
  } catch {
    throw badRequest('name', 'X-Greeting-Name is not valid URL-encoded text');
  }
  if (!name) throw badRequest('name', 'The greeting needs a name (X-Greeting-Name)');
  if (name.length > NAME_MAX) throw badRequest('name', `The greeting's name is longer than ${NAME_MAX} characters`);
  return name;
}

export function greetingRoutes(s: Services): FastifyPluginAsync {
  return async (app) => {
    // Audio arrives whole (10 MB at most) and is converted in memory.
    app.addContentTypeParser(/^(audio\/[a-z0-9.+-]+|video\/webm|application\/octet-stream)\s*(;.*)?$/i,
      { parseAs: 'buffer', bodyLimit: GREETING_MAX_BYTES }, (_req, body, done) => done(null, body));

    function greetings(): UserGreetings {
      if (!s.greetings) throw notFound('Voicemail is not enabled on this platform');
      return s.greetings;
    }
    async function greeting(req: FastifyRequest, params: GreetingParams): Promise<Greeting> {
      const owner = await resolveExistingOwner(req, params, s.store.users);
      const g = await s.store.greetings.get(owner.domain, owner.extension, indexOf(params.index));
      if (!g) throw notFound('No such greeting');
      return g;
    }
    const converted = async (make: () => Promise<Greeting>): Promise<Greeting> => {
      try {
        return await make();
      } catch (err) {
        if (err instanceof AudioFormatError) throw new ApiError(415, 'unsupported_audio', err.message, 'audio');
        if (err instanceof GreetingLimitError) throw new ApiError(409, 'too_many_greetings', err.message);
        throw err;
      }
    };

    app.get<{ Params: OwnerParams }>('/domains/:domain/users/:user/greetings', async (req): Promise<GreetingList> => {
      const owner = await resolveExistingOwner(req, req.params, s.store.users);
      const items = await s.store.greetings.list(owner.domain, owner.extension);
      return { items: items.map(greetingView), voicemail_greeting_index: items.find((g) => g.active)?.index ?? 0 };
    });

    app.post<{ Params: OwnerParams; Body: Buffer | { name: string; text: string } }>(
      '/domains/:domain/users/:user/greetings',
      {
        bodyLimit: GREETING_MAX_BYTES,
        preValidation: async (req) => {
          if (Buffer.isBuffer(req.body)) return;
          const b = req.body as Record<string, unknown> | null;
          if (!b || typeof b !== 'object') throw badRequest('text', 'Send an audio file, or JSON {name, text} for a spoken greeting');
          if (typeof b.name !== 'string' || !b.name.trim()) throw badRequest('name', 'The greeting needs a name');
          if (typeof b.text !== 'string' || !b.text.trim()) throw badRequest('text', 'Type the text to be spoken');
        },
        schema: {},
      },
      async (req, reply): Promise<GreetingEntry> => {
        const owner = await resolveExistingOwner(req, req.params, s.store.users);
        const service = greetings();
        let g: Greeting;
        if (Buffer.isBuffer(req.body)) {
          const body = req.body;
          const source = req.headers['x-greeting-source'] === 'recorded' ? 'recorded' : 'uploaded';
          const name = nameHeader(req);
          g = await converted(() => service.addAudio(owner.domain, owner.extension, name, source, body));
        } else {
          const { name, text } = req.body;
          if (name.length > NAME_MAX) throw badRequest('name', `The greeting's name is longer than ${NAME_MAX} characters`);
          if (text.length > MAX_SPOKEN_CHARS) throw badRequest('text', `The text is longer than ${MAX_SPOKEN_CHARS} characters`);
          g = await converted(() => service.addSpoken(owner.domain, owner.extension, name.trim(), text.trim()));
        }
        return reply.code(201).send(greetingView(g));
      },
    );

    app.get<{ Params: GreetingParams }>('/domains/:domain/users/:user/greetings/:index', async (req) => greetingView(await greeting(req, req.params)));

    app.get<{ Params: GreetingParams }>('/domains/:domain/users/:user/greetings/:index/audio', async (req, reply) => {
      const g = await greeting(req, req.params);
      return sendAudioFile(req, reply, {
        // Its file's id, not its number: a number freed by a delete can be given again.
        file: greetings().audioPath(g), contentType: 'audio/ogg', id: g.fileId,
        downloadName: `greeting-${g.index}.opus`, what: 'greeting',
      });
    });

    app.patch<{ Params: GreetingParams; Body: { name?: string; active?: boolean } }>(
      '/domains/:domain/users/:user/greetings/:index',
      { schema: { body: patchBody } },
      async (req) => {
        let g = await greeting(req, req.params);
        if (req.body.name !== undefined) {
          const name = req.body.name.trim();
          if (!name) throw badRequest('name', 'The greeting needs a name');
          g = (await s.store.greetings.rename(g.domain, g.extension, g.index, name, Date.now())) ?? g;
        }
        if (req.body.active === true && !g.active) await s.store.greetings.activate(g.domain, g.extension, g.index);
        if (req.body.active === false && g.active) await s.store.greetings.activate(g.domain, g.extension, 0);
        const now = await s.store.greetings.get(g.domain, g.extension, g.index);
        if (!now) throw notFound('No such greeting');
        return greetingView(now);
      },
    );

    app.delete<{ Params: GreetingParams }>('/domains/:domain/users/:user/greetings/:index', async (req, reply) => {
      const g = await greeting(req, req.params);
      await greetings().remove(g.domain, g.extension, g.index);
      return reply.code(204).send();
    });
  };
}
