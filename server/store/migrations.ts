/**
 * Versioned schema migrations. Each step runs once, in order, inside a transaction, and the
 * schema version is kept in SQLite's `user_version`. Never edit a released step: add a new one.
 */
export const migrations: readonly string[] = [
  // 1: organisation, users, devices, tokens, call records
  `
  CREATE TABLE domains (
    name        TEXT PRIMARY KEY,
    description TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL
  );
  CREATE TABLE users (
    domain        TEXT NOT NULL REFERENCES domains(name) ON DELETE CASCADE,
    extension     TEXT NOT NULL,
    first_name    TEXT NOT NULL,
    last_name     TEXT NOT NULL,
    email         TEXT NOT NULL DEFAULT '',
    role          TEXT NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    password_hash TEXT NOT NULL,
    mfa_secret    TEXT,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (domain, extension)
  );
  CREATE TABLE devices (
    id           TEXT PRIMARY KEY,
    domain       TEXT NOT NULL,
    extension    TEXT NOT NULL,
    label        TEXT NOT NULL,
    sip_username TEXT NOT NULL UNIQUE,
    ha1          TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER,
    FOREIGN KEY (domain, extension) REFERENCES users(domain, extension) ON DELETE CASCADE
  );
  CREATE INDEX devices_by_user ON devices(domain, extension);
  CREATE TABLE tokens (
    hash       TEXT PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('access', 'refresh', 'mfa')),
    domain     TEXT NOT NULL,
    extension  TEXT NOT NULL,
    expires_at INTEGER NOT NULL,
    family     TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE INDEX tokens_by_family ON tokens(family);
  CREATE INDEX tokens_by_expiry ON tokens(expires_at);
  CREATE TABLE cdrs (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    call_id       TEXT NOT NULL,
    domain        TEXT NOT NULL,
    extension     TEXT NOT NULL,
    direction     TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    remote_number TEXT NOT NULL,
    remote_name   TEXT NOT NULL DEFAULT '',
    started_at    INTEGER NOT NULL,
    answered_at   INTEGER,
    ended_at      INTEGER,
    disposition   TEXT NOT NULL,
    sip_status    INTEGER
  );
  CREATE INDEX cdrs_by_user ON cdrs(domain, extension, id DESC);
  CREATE INDEX cdrs_by_call ON cdrs(call_id);
  `,
  // 2: transfers in call records (REFER accepted; calls set up by a transfer)
  `
  ALTER TABLE cdrs ADD COLUMN transferred_to TEXT;
  ALTER TABLE cdrs ADD COLUMN transferred_from TEXT;
  `,
  // 3: call recordings uploaded by the web phone (audio files live in <data>/recordings)
  `
  CREATE TABLE recordings (
    seq          INTEGER PRIMARY KEY AUTOINCREMENT,
    id           TEXT NOT NULL UNIQUE,
    domain       TEXT NOT NULL,
    extension    TEXT NOT NULL,
    call_id      TEXT NOT NULL,
    cdr_id       INTEGER REFERENCES cdrs(id) ON DELETE SET NULL,
    content_type TEXT NOT NULL,
    bytes        INTEGER NOT NULL,
    duration_s   REAL,
    started_at   INTEGER NOT NULL,
    created_at   INTEGER NOT NULL
  );
  CREATE INDEX recordings_by_user ON recordings(domain, extension, seq DESC);
  CREATE INDEX recordings_by_domain ON recordings(domain, seq DESC);
  `,
  // 4: personal contacts. Numbers get a row each with their digits alone (`digits`), instead of
  // a JSON column: a number search reads one covering index of short digit strings, the owner's
  // only, once per query (no JSON parsed per contact per search), and a lookup by a whole number
  // (caller ID for history, still to come) is an index seek. `search` holds the folded (lower-case, accent-free) names, company and
  // email for substring search. A deleted contact stays as a tombstone (deleted = 1, personal
  // fields emptied) so that devices syncing with updated_since learn of the delete.
  `
  CREATE TABLE contacts (
    seq        INTEGER PRIMARY KEY AUTOINCREMENT,
    id         TEXT NOT NULL UNIQUE,
    domain     TEXT NOT NULL,
    extension  TEXT NOT NULL,
    client_id  TEXT,
    first_name TEXT NOT NULL DEFAULT '',
    last_name  TEXT NOT NULL DEFAULT '',
    company    TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    notes      TEXT NOT NULL DEFAULT '',
    search     TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    version    INTEGER NOT NULL,
    deleted    INTEGER NOT NULL DEFAULT 0 CHECK (deleted IN (0, 1)),
    FOREIGN KEY (domain, extension) REFERENCES users(domain, extension) ON DELETE CASCADE
  );
  CREATE UNIQUE INDEX contacts_by_client_id ON contacts(domain, extension, client_id) WHERE client_id IS NOT NULL;
  CREATE INDEX contacts_by_change ON contacts(domain, extension, updated_at, seq);
  CREATE TABLE contact_numbers (
    contact_seq INTEGER NOT NULL REFERENCES contacts(seq) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    domain      TEXT NOT NULL,
    extension   TEXT NOT NULL,
    label       TEXT NOT NULL CHECK (label IN ('mobile', 'work', 'home', 'main', 'fax', 'other')),
    number      TEXT NOT NULL,
    digits      TEXT NOT NULL,
    PRIMARY KEY (contact_seq, position)
  ) WITHOUT ROWID;
  CREATE INDEX contact_numbers_by_digits ON contact_numbers(domain, extension, digits, contact_seq);
  `,
  // 5: security and crash recovery. A rotated refresh token is kept (used_at) so that its reuse,
  // a sign of theft, can be told from an unknown token and revoke the whole login. A device
  // remembers the login that created it, so logging out removes it. The heartbeat row is the
  // last moment the platform was known alive: calls still open at the next start end then.
  `
  ALTER TABLE tokens ADD COLUMN used_at INTEGER;
  ALTER TABLE devices ADD COLUMN login_family TEXT;
  CREATE INDEX devices_by_login ON devices(login_family) WHERE login_family IS NOT NULL;
  CREATE TABLE heartbeat (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at INTEGER NOT NULL
  );
  `,
  // 6: how long a call rings a user's devices before the router gives up on them (NetSapiens'
  // ring-no-answer-timeout-seconds). Answering rules decide what happens next.
  `
  ALTER TABLE users ADD COLUMN ring_no_answer_timeout_s INTEGER NOT NULL DEFAULT 25
    CHECK (ring_no_answer_timeout_s BETWEEN 1 AND 600);
  `,
  // 7: voicemail. `seq` orders a mailbox's messages (newest first) and is the paging cursor;
  // `id` is the message's name in the API and its file's name on disk.
  `
  CREATE TABLE voicemails (
    seq                  INTEGER PRIMARY KEY AUTOINCREMENT,
    id                   TEXT NOT NULL UNIQUE,
    domain               TEXT NOT NULL,
    extension            TEXT NOT NULL,
    caller_number        TEXT NOT NULL DEFAULT '',
    caller_name          TEXT NOT NULL DEFAULT '',
    call_id              TEXT NOT NULL DEFAULT '',
    received_at          INTEGER NOT NULL,
    duration_s           REAL NOT NULL,
    folder               TEXT NOT NULL DEFAULT 'new' CHECK (folder IN ('new', 'save', 'trash')),
    bytes                INTEGER NOT NULL,
    transcription        TEXT,
    transcription_status TEXT NOT NULL DEFAULT 'none' CHECK (transcription_status IN ('pending', 'done', 'failed', 'none')),
    moved_by             TEXT,
    moved_at             INTEGER,
    FOREIGN KEY (domain, extension) REFERENCES users(domain, extension) ON DELETE CASCADE
  );
  CREATE INDEX voicemails_by_folder ON voicemails(domain, extension, folder, seq);
  CREATE INDEX voicemails_pending ON voicemails(transcription_status) WHERE transcription_status = 'pending';
  `,
  // 8: voicemail greetings, numbered per user; at most one active (none: the spoken default).
  `
  CREATE TABLE greetings (
    domain      TEXT NOT NULL,
    extension   TEXT NOT NULL,
    idx         INTEGER NOT NULL CHECK (idx >= 1),
    name        TEXT NOT NULL,
    source      TEXT NOT NULL CHECK (source IN ('recorded', 'uploaded', 'spoken')),
    text        TEXT NOT NULL DEFAULT '',
    duration_s  REAL NOT NULL,
    bytes       INTEGER NOT NULL,
    file_id     TEXT NOT NULL,
    active      INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL,
    PRIMARY KEY (domain, extension, idx),
    FOREIGN KEY (domain, extension) REFERENCES users(domain, extension) ON DELETE CASCADE
  );
  CREATE UNIQUE INDEX greetings_one_active ON greetings(domain, extension) WHERE active = 1;
  `,
  // 9: shared voicemail: mailboxes granted to other users of the domain.
  `
  CREATE TABLE mailbox_grants (
    domain     TEXT NOT NULL,
    mailbox    TEXT NOT NULL,
    grantee    TEXT NOT NULL,
    granted_by TEXT NOT NULL,
    granted_at INTEGER NOT NULL,
    PRIMARY KEY (domain, mailbox, grantee),
    FOREIGN KEY (domain, mailbox) REFERENCES users(domain, extension) ON DELETE CASCADE,
    FOREIGN KEY (domain, grantee) REFERENCES users(domain, extension) ON DELETE CASCADE
  );
  CREATE INDEX mailbox_grants_by_grantee ON mailbox_grants(domain, grantee);
  `,
  // 10: voicemail PIN. The PIN for reaching a mailbox by phone (*98), hashed like a password (never the PIN
  // itself), and the wrong guesses at it: `voicemail_pin_failures` in a row, counted in the same
  // UPDATE that checks the lock, and the mailbox locked until `voicemail_pin_locked_until` once
  // there are too many.
  `
  ALTER TABLE users ADD COLUMN voicemail_pin_hash TEXT;
  ALTER TABLE users ADD COLUMN voicemail_pin_failures INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE users ADD COLUMN voicemail_pin_locked_until INTEGER;
  `,
  // 11: answering rules and time frames (issue 14). A time frame belongs to a user (`owner`) or
  // to the whole organisation (`owner` NULL); what it says beyond its kind (days, dates,
  // holidays, yearly) is one JSON text, read and written whole. A user's answering rule names
  // its time frame, or none for the default rule `*` (kept as NULL: a unique index on
  // COALESCE(time_frame_id, '*') keeps one rule per frame, the default included, since NULLs are
  // never equal in a plain unique index). A frame in use cannot be deleted (RESTRICT): the
  // database refuses it, whatever raced. `priority` is dense (1..n, the default last), kept so by
  // the repositories in the transaction of each change. Time zones: the organisation's, and the
  // user's own (NULL: the organisation's). `dnd_restore`: while the quick Do Not Disturb toggle
  // is on, the order of the rules before it was switched on (JSON), so that off restores it.
  `
  ALTER TABLE domains ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
  ALTER TABLE users ADD COLUMN time_zone TEXT;
  ALTER TABLE users ADD COLUMN dnd_restore TEXT;
  CREATE TABLE time_frames (
    id         TEXT PRIMARY KEY,
    domain     TEXT NOT NULL REFERENCES domains(name) ON DELETE CASCADE,
    owner      TEXT,
    name       TEXT NOT NULL,
    kind       TEXT NOT NULL CHECK (kind IN ('always', 'days-of-week', 'dates', 'holidays')),
    spec       TEXT NOT NULL DEFAULT '{}',
    created_at INTEGER NOT NULL,
    FOREIGN KEY (domain, owner) REFERENCES users(domain, extension) ON DELETE CASCADE
  );
  CREATE UNIQUE INDEX time_frames_by_name ON time_frames(domain, COALESCE(owner, ''), name);
  CREATE TABLE answer_rules (
    domain        TEXT NOT NULL,
    extension     TEXT NOT NULL,
    time_frame_id TEXT REFERENCES time_frames(id) ON DELETE RESTRICT,
    enabled       INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    priority      INTEGER NOT NULL CHECK (priority >= 1),
    actions       TEXT NOT NULL,
    FOREIGN KEY (domain, extension) REFERENCES users(domain, extension) ON DELETE CASCADE
  );
  CREATE UNIQUE INDEX answer_rules_one_per_frame ON answer_rules(domain, extension, COALESCE(time_frame_id, '*'));
  CREATE INDEX answer_rules_by_frame ON answer_rules(time_frame_id) WHERE time_frame_id IS NOT NULL;
  `,
  // 12: where the callee's answering rule sent a call, on its records ("forwarded to 1003").
  `
  ALTER TABLE cdrs ADD COLUMN routed_to TEXT;
  `,
  // 13: chat, SMS and MMS (issue 15; messaging/types.ts). A conversation's `party_key` (its set of
  // users, or its two numbers) is unique per domain, so the same set reopens it. Messages are
  // numbered per session (`seq`), and a sender's client id is unique in a session: a repeated
  // send meets the unique index, whatever raced. An attachment belongs to its uploader until a
  // message claims it (`message_id`); its bytes are a file under the data directory. SMS is a
  // feature of the domain (`sms_enabled`) with numbers of its own: a user's, or the
  // organisation's (owner NULL) with the users who receive its texts (`default_recipients`, JSON).
  `
  ALTER TABLE domains ADD COLUMN sms_enabled INTEGER NOT NULL DEFAULT 0 CHECK (sms_enabled IN (0, 1));
  CREATE TABLE sms_numbers (
    number             TEXT PRIMARY KEY,
    domain             TEXT NOT NULL REFERENCES domains(name) ON DELETE CASCADE,
    owner              TEXT,
    default_recipients TEXT NOT NULL DEFAULT '[]'
  );
  CREATE INDEX sms_numbers_by_domain ON sms_numbers(domain);
  CREATE TABLE message_sessions (
    id            TEXT PRIMARY KEY,
    domain        TEXT NOT NULL REFERENCES domains(name) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('chat', 'sms')),
    local_number  TEXT,
    remote_number TEXT,
    party_key     TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX message_sessions_by_party ON message_sessions(domain, party_key);
  CREATE TABLE session_members (
    session_id    TEXT NOT NULL REFERENCES message_sessions(id) ON DELETE CASCADE,
    extension     TEXT NOT NULL,
    joined_at     INTEGER NOT NULL,
    left_at       INTEGER,
    hidden        INTEGER NOT NULL DEFAULT 0 CHECK (hidden IN (0, 1)),
    last_read_seq INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, extension)
  );
  CREATE INDEX session_members_by_user ON session_members(extension, session_id);
  CREATE TABLE messages (
    id             TEXT PRIMARY KEY,
    session_id     TEXT NOT NULL REFERENCES message_sessions(id) ON DELETE CASCADE,
    seq            INTEGER NOT NULL CHECK (seq >= 1),
    client_id      TEXT NOT NULL,
    sender         TEXT NOT NULL,
    type           TEXT NOT NULL CHECK (type IN ('chat', 'sms', 'mms')),
    text           TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('sending', 'sent', 'delivered', 'read', 'failed')),
    failure_reason TEXT,
    carrier_id     TEXT,
    sent_at        INTEGER NOT NULL
  );
  CREATE UNIQUE INDEX messages_by_seq ON messages(session_id, seq);
  CREATE UNIQUE INDEX messages_by_client_id ON messages(session_id, sender, client_id);
  CREATE INDEX messages_by_carrier_id ON messages(carrier_id) WHERE carrier_id IS NOT NULL;
  CREATE TABLE attachments (
    id           TEXT PRIMARY KEY,
    domain       TEXT NOT NULL REFERENCES domains(name) ON DELETE CASCADE,
    owner        TEXT NOT NULL,
    message_id   TEXT REFERENCES messages(id) ON DELETE CASCADE,
    name         TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size         INTEGER NOT NULL,
    created_at   INTEGER NOT NULL
  );
  CREATE INDEX attachments_by_message ON attachments(message_id) WHERE message_id IS NOT NULL;
  `,
];
