/**
 * Personal contacts, the user's own address book (the organisation directory is
 * GET /domains/{domain}/users):
 *   GET    /domains/{domain}/users/{user}/contacts?q=&limit=&cursor=&updated_since=
 *   POST   /domains/{domain}/users/{user}/contacts          201, or 200 when `client_id` was seen before
 *   GET    /domains/{domain}/users/{user}/contacts/{id}
 *   PUT    .../contacts/{id}                                 replaces every field (absent ones become empty)
 *   PATCH  .../contacts/{id}                                 changes the fields present (`numbers` as a whole)
 *   DELETE .../contacts/{id}                                 204; leaves a tombstone for syncing devices
 *
 * Private: only the owner reaches them, administrators included (see resolveSelf); another
 * user's contact id through my path is 404. Every change bumps `version` and `updated_at` and
 * tells the owner's event sockets (`contacts-changed`).
 *
 * Offline clients. A create carries `client_id` (a UUID the client chose), so a create retried
 * after a lost answer makes nothing new. A change carries the version it was made on (If-Match:
 * "3", or `version` in the body); if the contact has changed since, the answer is 409 with the
 * current contact and nothing is written. The client then merges field by field against the
 * version its edit started from: a field only it changed takes its value, a field only the
 * server changed keeps the server's, and a field both changed keeps the server's (server wins:
 * a change other devices have already seen is never overwritten by an edit made offline
 * earlier; `numbers` counts as one field). It retries with the new version. A change without a
 * version applies to whatever is current (last writer wins).
 *
 * Sync. `updated_since` (ISO) lists contacts changed after that time, oldest change first,
 * deleted ones as `{id, deleted: true, updated_at}`. Each owner's changes get strictly
 * increasing times, so a client that passes the newest `updated_at` it has seen gets exactly
 * what it has not. Tombstones are kept.
 */
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Services } from '../app.js';
import {
  CONTACT_NUMBER_LABELS, type Contact, type ContactCursor, type ContactFields, type ContactNumber, type ContactNumberLabel,
  type ContactRecord, type ContactTombstone,
} from '../../store/types.js';
import { digitsOf } from '../../store/contact-text.js';
import { resolveSelf, type Owner } from '../access.js';
import { ApiError, badRequest, notFound } from '../errors.js';
import { wholeNumber } from './cdrs.js';
import type * as Wire from '../../../src/data/wire.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Anything@anything.tld without spaces: loose on purpose (the address is for people to read and mail). */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;
/** Digits with the punctuation people write numbers with; a + only in front. */
const PHONE = /^\+?[0-9*#()\[\]\s.\-]+$/;
const MAX_DIGITS = 32;
/** C0/C1 controls; notes may still hold tabs and line breaks. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_IN_NOTES = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

const iso = (t: number) => new Date(t).toISOString();

export function contactView(c: Contact): Wire.Contact {
  return {
    id: c.id,
    client_id: c.clientId,
    first_name: c.firstName,
    last_name: c.lastName,
    company: c.company,
    numbers: c.numbers.map((n) => ({ label: n.label, number: n.number })),
    email: c.email,
    notes: c.notes,
    created_at: iso(c.createdAt),
    updated_at: iso(c.updatedAt),
    version: c.version,
  };
}

export function tombstoneView(t: ContactTombstone): Wire.ContactTombstone {
  return { id: t.id, deleted: true, updated_at: iso(t.updatedAt) };
}

export const recordView = (r: ContactRecord): Wire.Contact | Wire.ContactTombstone => (r.deleted ? tombstoneView(r) : contactView(r));

const numberItem = {
  type: 'object',
  required: ['number'],
  additionalProperties: false,
  properties: {
    label: { type: 'string', enum: CONTACT_NUMBER_LABELS },
    number: { type: 'string', maxLength: 40 },
  },
} as const;

const fieldProperties = {
  first_name: { type: 'string', maxLength: 100 },
  last_name: { type: 'string', maxLength: 100 },
  company: { type: 'string', maxLength: 200 },
  email: { type: 'string', maxLength: 254 },
  notes: { type: 'string', maxLength: 2000 },
  numbers: { type: 'array', maxItems: 20, items: numberItem },
} as const;

const createBody = {
  type: 'object',
  additionalProperties: false,
  properties: { ...fieldProperties, client_id: { type: 'string', maxLength: 36 } },
} as const;

const changeBody = {
  type: 'object',
  additionalProperties: false,
  properties: { ...fieldProperties, version: { type: 'integer', minimum: 1 } },
} as const;

const listQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    q: { type: 'string', maxLength: 100 },
    limit: { type: 'string' },
    cursor: { type: 'string', maxLength: 64 },
    updated_since: { type: 'string', maxLength: 40 },
  },
} as const;

interface FieldsBody {
  first_name?: string;
  last_name?: string;
  company?: string;
  email?: string;
  notes?: string;
  numbers?: Array<{ label?: ContactNumberLabel; number: string }>;
}

type OwnerParams = { domain: string; user: string };
type ContactParams = OwnerParams & { id: string };
type ChangeBody = FieldsBody & { version?: number };

/** One line of text: trimmed, no control characters. */
function line(field: string, raw: string): string {
  if (CONTROL.test(raw)) throw badRequest(field, `${field} must not contain control characters`);
  return raw.trim();
}

function phoneNumber(field: string, raw: string): string {
  const number = raw.trim().replace(/\s+/g, ' ');
  const digits = digitsOf(number);
  if (!PHONE.test(number) || !digits) {
    throw badRequest(field, `${field} must be a phone number: digits, with + * # spaces dashes dots or brackets`);
  }
  if (digits.length > MAX_DIGITS) throw badRequest(field, `${field} has more than ${MAX_DIGITS} digits`);
  return number;
}

/**
 * Checks and normalises the fields present in `body` over `base` (empty for POST and PUT, the
 * current contact for PATCH); the schema has already checked types and lengths.
 */
function fieldsOf(body: FieldsBody, base: ContactFields): ContactFields {
  const f: ContactFields = { ...base };
  if (body.first_name !== undefined) f.firstName = line('first_name', body.first_name);
  if (body.last_name !== undefined) f.lastName = line('last_name', body.last_name);
  if (body.company !== undefined) f.company = line('company', body.company);
  if (body.email !== undefined) {
    f.email = line('email', body.email);
    if (f.email && !EMAIL.test(f.email)) throw badRequest('email', 'email must be an address like name@example.com');
  }
  if (body.notes !== undefined) {
    if (CONTROL_IN_NOTES.test(body.notes)) throw badRequest('notes', 'notes must not contain control characters');
    f.notes = body.notes.trim();
  }
  if (body.numbers !== undefined) {
    f.numbers = body.numbers.map((n, i): ContactNumber => ({
      label: n.label ?? 'other',
      number: phoneNumber(`numbers.${i}.number`, n.number),
    }));
  }
  if (!f.firstName && !f.lastName && !f.company && f.numbers.length === 0) {
    throw badRequest('first_name', 'A contact needs a name (first_name, last_name or company) or a number');
  }
  return f;
}

const EMPTY: ContactFields = { firstName: '', lastName: '', company: '', email: '', notes: '', numbers: [] };

function sameFields(a: ContactFields, b: ContactFields): boolean {
  return a.firstName === b.firstName && a.lastName === b.lastName && a.company === b.company && a.email === b.email
    && a.notes === b.notes && a.numbers.length === b.numbers.length
    && a.numbers.every((n, i) => n.label === b.numbers[i]!.label && n.number === b.numbers[i]!.number);
}

/**
 * The version a change was made on: If-Match ("3", or 3; * means any) or `version` in the body.
 * Undefined: apply to whatever is current.
 */
function expectedVersion(req: FastifyRequest, bodyVersion: number | undefined): number | undefined {
  const raw = req.headers['if-match'];
  if (raw === undefined) return bodyVersion;
  const value = raw.trim();
  if (value === '*') return bodyVersion;
  const m = /^(?:"(\d{1,15})"|(\d{1,15}))$/.exec(value);
  if (!m) throw badRequest('if-match', 'If-Match must be the contact version the change was made on, e.g. "3"');
  const version = Number(m[1] ?? m[2]);
  if (bodyVersion !== undefined && bodyVersion !== version) throw badRequest('version', 'version and If-Match name different versions');
  return version;
}

const etag = (version: number) => `"${version}"`;

function conflict(current: Contact): ApiError {
  return new ApiError(409, 'version_conflict', `The contact has changed: it is at version ${current.version} now`, undefined,
    { ETag: etag(current.version) }, { contact: contactView(current) });
}

function gone(t: ContactTombstone): ApiError {
  return new ApiError(410, 'deleted', 'The contact has been deleted', undefined, {}, { contact: tombstoneView(t) });
}

/** The cursor is opaque to clients: base64url of "updated_at.seq". */
function encodeCursor(c: ContactCursor): string {
  return Buffer.from(`${c.updatedAt}.${c.seq}`).toString('base64url');
}

function decodeCursor(raw: string | undefined): ContactCursor | undefined {
  if (raw === undefined) return undefined;
  const m = /^(\d{1,16})\.(\d{1,16})$/.exec(Buffer.from(raw, 'base64url').toString('latin1'));
  if (!m) throw badRequest('cursor', 'cursor must be a next_cursor from an earlier page');
  return { updatedAt: Number(m[1]), seq: Number(m[2]) };
}

function parseSince(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  // A zone is required: a time without one would mean the server's local time.
  const ok = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:\d\d)$/i.test(raw);
  const t = ok ? Date.parse(raw) : NaN;
  if (!Number.isFinite(t)) throw badRequest('updated_since', 'updated_since must be an ISO 8601 date-time with a zone, e.g. 2025-01-02T03:04:05.000Z');
  return t;
}

export function contactRoutes(s: Services): FastifyPluginAsync {
  const changed = (owner: Owner, ids: string[]) => s.bus.emit('contacts', { domain: owner.domain, extension: owner.extension, ids });
  const location = (c: Contact) =>
    `/api/v2/domains/${encodeURIComponent(c.domain)}/users/${encodeURIComponent(c.extension)}/contacts/${c.id}`;
  const send = (reply: FastifyReply, c: Contact, status = 200) => reply.code(status).header('ETag', etag(c.version)).send(contactView(c));

  /** My contact `id` as it is now (404 for unknown ids and other users' contacts). */
  async function current(owner: Owner, id: string): Promise<ContactRecord> {
    const record = UUID.test(id) ? await s.store.contacts.get(owner.domain, owner.extension, id.toLowerCase()) : undefined;
    if (!record) throw notFound('No such contact');
    return record;
  }

  /**
   * PUT and PATCH. Without a version from the client, a PATCH is merged over what it read; if
   * another change lands between that read and the write, it reads and merges again instead of
   * answering a conflict the client did not ask to hear about.
   */
  async function change(req: FastifyRequest<{ Params: ContactParams; Body: ChangeBody }>, reply: FastifyReply, partial: boolean) {
    const owner = resolveSelf(req, req.params);
    const expected = expectedVersion(req, req.body.version);
    for (let attempt = 0; ; attempt++) {
      const record = await current(owner, req.params.id);
      if (record.deleted) throw gone(record);
      if (expected !== undefined && record.version !== expected) throw conflict(record);
      const fields = fieldsOf(req.body, partial ? record : EMPTY);
      if (sameFields(fields, record)) return send(reply, record); // nothing to change: no new version
      const result = await s.store.contacts.update(owner.domain, owner.extension, record.id, fields, expected ?? record.version, Date.now());
      switch (result.kind) {
        case 'ok':
          changed(owner, [result.contact.id]);
          return send(reply, result.contact);
        case 'missing': throw notFound('No such contact');
        case 'deleted': throw gone(result.tombstone);
        case 'conflict':
          if (expected !== undefined || attempt >= 4) throw conflict(result.current);
      }
    }
  }

  return async (app) => {
    app.get<{ Params: OwnerParams; Querystring: { q?: string; limit?: string; cursor?: string; updated_since?: string } }>(
      '/domains/:domain/users/:user/contacts',
      { schema: { querystring: listQuery } },
      async (req): Promise<Wire.Page<Wire.Contact | Wire.ContactTombstone, string>> => {
        const owner = resolveSelf(req, req.params);
        const page = await s.store.contacts.list(owner.domain, owner.extension, {
          q: req.query.q,
          limit: wholeNumber('limit', req.query.limit, 1, 500) ?? 100,
          cursor: decodeCursor(req.query.cursor),
          updatedSince: parseSince(req.query.updated_since),
        });
        return { items: page.items.map(recordView), next_cursor: page.nextCursor && encodeCursor(page.nextCursor) };
      },
    );

    app.post<{ Params: OwnerParams; Body: FieldsBody & { client_id?: string } }>(
      '/domains/:domain/users/:user/contacts',
      { schema: { body: createBody } },
      async (req, reply) => {
        const owner = resolveSelf(req, req.params);
        const clientId = req.body.client_id;
        if (clientId !== undefined && !UUID.test(clientId)) throw badRequest('client_id', 'client_id must be a UUID');
        const fields = fieldsOf(req.body, EMPTY);
        const { created, record } = await s.store.contacts.create({
          id: randomUUID(), domain: owner.domain, extension: owner.extension, clientId: clientId?.toLowerCase() ?? null,
          fields, now: Date.now(),
        });
        // A retried create: what the first one made, as it is now (it may have changed or gone since).
        if (record.deleted) throw gone(record);
        if (!created) return send(reply, record);
        changed(owner, [record.id]);
        void reply.header('Location', location(record));
        return send(reply, record, 201);
      },
    );

    app.get<{ Params: ContactParams }>('/domains/:domain/users/:user/contacts/:id', async (req, reply) => {
      const record = await current(resolveSelf(req, req.params), req.params.id);
      if (record.deleted) throw gone(record);
      return send(reply, record);
    });

    app.put<{ Params: ContactParams; Body: ChangeBody }>(
      '/domains/:domain/users/:user/contacts/:id',
      { schema: { body: changeBody } },
      async (req, reply) => change(req, reply, false),
    );

    app.patch<{ Params: ContactParams; Body: ChangeBody }>(
      '/domains/:domain/users/:user/contacts/:id',
      { schema: { body: changeBody } },
      async (req, reply) => change(req, reply, true),
    );

    app.delete<{ Params: ContactParams }>('/domains/:domain/users/:user/contacts/:id', async (req, reply) => {
      const owner = resolveSelf(req, req.params);
      const record = await current(owner, req.params.id);
      const expected = expectedVersion(req, undefined);
      // Deleting again succeeds: a retried offline delete is not an error.
      if (record.deleted) return reply.code(204).send();
      const result = await s.store.contacts.delete(owner.domain, owner.extension, record.id, expected, Date.now());
      if (result.kind === 'conflict') throw conflict(result.current);
      if (result.kind === 'missing') throw notFound('No such contact');
      if (result.kind === 'ok') changed(owner, [record.id]);
      return reply.code(204).send();
    });
  };
}
