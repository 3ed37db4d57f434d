/**
 * Versioned schema migrations for the PostgreSQL store, step for step the same schema as the
 * SQLite ones (migrations.ts): version N means the same tables and columns on either store, so
 * a new step is added to both lists at once. Each step runs once, in order, in the transaction
 * that opens the store (see migrate() in postgres.ts); the version is kept in `schema_version`.
 * Never edit a released step: add a new one.
 *
 * Differences from SQLite, none visible through the repositories:
 * - times are `bigint` milliseconds (the pool parses them to numbers);
 * - ids that SQLite takes from the rowid are identity columns; `devices` gets a `seq` one too,
 *   so that listing a user's devices breaks ties in created_at as SQLite does (insert order);
 * - `contacts.deleted` and `greetings.active` are booleans.
 */
export const pgMigrations: readonly string[] = [
  // 1: organisation, users, devices, tokens, call records
  `
  CREATE TABLE domains (
    name        text PRIMARY KEY,
    description text NOT NULL DEFAULT '',
    created_at  bigint NOT NULL
  );
  CREATE TABLE users (
    domain        text NOT NULL REFERENCES domains(name) ON DELETE CASCADE,
    extension     text NOT NULL,
    first_name    text NOT NULL,
    last_name     text NOT NULL,
    email         text NOT NULL DEFAULT '',
    role          text NOT NULL DEFAULT 'user' CHECK (role IN ('user', 'admin')),
    password_hash text NOT NULL,
    mfa_secret    text,
    created_at    bigint NOT NULL,
    PRIMARY KEY (domain, extension)
  );
  CREATE TABLE devices (
    seq          bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
    id           text PRIMARY KEY,
    domain       text NOT NULL,
    extension    text NOT NULL,
    label        text NOT NULL,
    sip_username text NOT NULL UNIQUE,
    ha1          text NOT NULL,
    created_at   bigint NOT NULL,
    last_seen_at bigint,
    FOREIGN KEY (domain, extension) REFERENCES users(domain, extension) ON DELETE CASCADE
  );
  CREATE INDEX devices_by_user ON devices(domain, extension);
  CREATE TABLE tokens (
    hash       text PRIMARY KEY,
    kind       text NOT NULL CHECK (kind IN ('access', 'refresh', 'mfa')),
    domain     text NOT NULL,
    extension  text NOT NULL,
    expires_at bigint NOT NULL,
    family     text NOT NULL,
    created_at bigint NOT NULL
  );
  CREATE INDEX tokens_by_family ON tokens(family);
  CREATE INDEX tokens_by_expiry ON tokens(expires_at);
  CREATE TABLE cdrs (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    call_id       text NOT NULL,
    domain        text NOT NULL,
    extension     text NOT NULL,
    direction     text NOT NULL CHECK (direction IN ('inbound', 'outbound')),
    remote_number text NOT NULL,
    remote_name   text NOT NULL DEFAULT '',
    started_at    bigint NOT NULL,
    answered_at   bigint,
    ended_at      bigint,
    disposition   text NOT NULL,
    sip_status    integer
  );
  CREATE INDEX cdrs_by_user ON cdrs(domain, extension, id DESC);
  CREATE INDEX cdrs_by_call ON cdrs(call_id);
  `,
  // 2: transfers in call records (REFER accepted; calls set up by a transfer)
  `
  ALTER TABLE cdrs ADD COLUMN transferred_to text;
  ALTER TABLE cdrs ADD COLUMN transferred_from text;
  `,
  // 3: call recordings uploaded by the web phone (audio files live in <data>/recordings)
  `
  CREATE TABLE recordings (
    seq          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id           text NOT NULL UNIQUE,
    domain       text NOT NULL,
    extension    text NOT NULL,
    call_id      text NOT NULL,
    cdr_id       bigint REFERENCES cdrs(id) ON DELETE SET NULL,
    content_type text NOT NULL,
    bytes        bigint NOT NULL,
    duration_s   double precision,
    started_at   bigint NOT NULL,
    created_at   bigint NOT NULL
  );
  CREATE INDEX recordings_by_user ON recordings(domain, extension, seq DESC);
  CREATE INDEX recordings_by_domain ON recordings(domain, seq DESC);
  `,
  // 4: personal contacts (see migrations.ts step 4 for why numbers have a row each and why a
  // deleted contact stays as a tombstone)
  `
  CREATE TABLE contacts (
    seq        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id         text NOT NULL UNIQUE,
    domain     text NOT NULL,
    extension  text NOT NULL,
    client_id  text,
    first_name text NOT NULL DEFAULT '',
    last_name  text NOT NULL DEFAULT '',
    company    text NOT NULL DEFAULT '',
    email      text NOT NULL DEFAULT '',
    notes      text NOT NULL DEFAULT '',
    search     text NOT NULL DEFAULT '',
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    version    integer NOT NULL,
    deleted    boolean NOT NULL DEFAULT false,
    FOREIGN KEY (domain, extension) REFERENCES users(domain, extension) ON DELETE CASCADE
  );
  CREATE UNIQUE INDEX contacts_by_client_id ON contacts(domain, extension, client_id) WHERE client_id IS NOT NULL;
  CREATE INDEX contacts_by_change ON contacts(domain, extension, updated_at, seq);
  CREATE TABLE contact_numbers (
    contact_seq bigint NOT NULL REFERENCES contacts(seq) ON DELETE CASCADE,
    position    integer NOT NULL,
    domain      text NOT NULL,
    extension   text NOT NULL,
    label       text NOT NULL CHECK (label IN ('mobile', 'work', 'home', 'main', 'fax', 'other')),
    number      text NOT NULL,
    digits      text NOT NULL,
    PRIMARY KEY (contact_seq, position)
  );
  CREATE INDEX contact_numbers_by_digits ON contact_numbers(domain, extension, digits, contact_seq);
  `,
  // 5: security and crash recovery (see migrations.ts step 5)
  `
  ALTER TABLE tokens ADD COLUMN used_at bigint;
  ALTER TABLE devices ADD COLUMN login_family text;
  CREATE INDEX devices_by_login ON devices(login_family) WHERE login_family IS NOT NULL;
  CREATE TABLE heartbeat (
    id integer PRIMARY KEY CHECK (id = 1),
    at bigint NOT NULL
  );
  `,
  // 6: how long a call rings a user's devices before the router gives up on them
  `
  ALTER TABLE users ADD COLUMN ring_no_answer_timeout_s integer NOT NULL DEFAULT 25
    CHECK (ring_no_answer_timeout_s BETWEEN 1 AND 600);
  `,
  // 7: voicemail (see migrations.ts step 7)
  `
  CREATE TABLE voicemails (
    seq                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id                   text NOT NULL UNIQUE,
    domain               text NOT NULL,
    extension            text NOT NULL,
    caller_number        text NOT NULL DEFAULT '',
    caller_name          text NOT NULL DEFAULT '',
    call_id              text NOT NULL DEFAULT '',
    received_at          bigint NOT NULL,
    duration_s           double precision NOT NULL,
    folder               text NOT NULL DEFAULT 'new' CHECK (folder IN ('new', 'save', 'trash')),
    bytes                bigint NOT NULL,
    transcription        text,
    transcription_status text NOT NULL DEFAULT 'none' CHECK (transcription_status IN ('pending', 'done', 'failed', 'none')),
    moved_by             text,
    moved_at             bigint,
    FOREIGN KEY (domain, extension) REFERENCES users(domain, extension) ON DELETE CASCADE
  );
  CREATE INDEX voicemails_by_folder ON voicemails(domain, extension, folder, seq);
  CREATE INDEX voicemails_pending ON voicemails(transcription_status) WHERE transcription_status = 'pending';
  `,
  // 8: voicemail greetings, numbered per user; at most one active (none: the spoken default).
  `
  CREATE TABLE greetings (
    domain      text NOT NULL,
    extension   text NOT NULL,
    idx         integer NOT NULL CHECK (idx >= 1),
    name        text NOT NULL,
    source      text NOT NULL CHECK (source IN ('recorded', 'uploaded', 'spoken')),
    text        text NOT NULL DEFAULT '',
    duration_s  double precision NOT NULL,
    bytes       bigint NOT NULL,
    file_id     text NOT NULL,
    active      boolean NOT NULL DEFAULT false,
    created_at  bigint NOT NULL,
    updated_at  bigint NOT NULL,
    PRIMARY KEY (domain, extension, idx),
    FOREIGN KEY (domain, extension) REFERENCES users(domain, extension) ON DELETE CASCADE
  );
  CREATE UNIQUE INDEX greetings_one_active ON greetings(domain, extension) WHERE active;
  `,
  // 9: shared voicemail: mailboxes granted to other users of the domain.
  `
  CREATE TABLE mailbox_grants (
    domain     text NOT NULL,
    mailbox    text NOT NULL,
    grantee    text NOT NULL,
    granted_by text NOT NULL,
    granted_at bigint NOT NULL,
    PRIMARY KEY (domain, mailbox, grantee),
    FOREIGN KEY (domain, mailbox) REFERENCES users(domain, extension) ON DELETE CASCADE,
    FOREIGN KEY (domain, grantee) REFERENCES users(domain, extension) ON DELETE CASCADE
  );
  CREATE INDEX mailbox_grants_by_grantee ON mailbox_grants(domain, grantee);
  `,
  // 10: voicemail PIN (see migrations.ts step 10): its hash, wrong guesses in a row, and the lock.
  `
  ALTER TABLE users ADD COLUMN voicemail_pin_hash text;
  ALTER TABLE users ADD COLUMN voicemail_pin_failures integer NOT NULL DEFAULT 0;
  ALTER TABLE users ADD COLUMN voicemail_pin_locked_until bigint;
  `,
  // 11: answering rules and time frames (see migrations.ts step 11); `enabled` is a boolean.
  `
  ALTER TABLE domains ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC';
  ALTER TABLE users ADD COLUMN time_zone text;
  ALTER TABLE users ADD COLUMN dnd_restore text;
  CREATE TABLE time_frames (
    id         text PRIMARY KEY,
    domain     text NOT NULL REFERENCES domains(name) ON DELETE CASCADE,
    owner      text,
    name       text NOT NULL,
    kind       text NOT NULL CHECK (kind IN ('always', 'days-of-week', 'dates', 'holidays')),
    spec       text NOT NULL DEFAULT '{}',
    created_at bigint NOT NULL,
    FOREIGN KEY (domain, owner) REFERENCES users(domain, extension) ON DELETE CASCADE
  );
  CREATE UNIQUE INDEX time_frames_by_name ON time_frames(domain, COALESCE(owner, ''), name);
  CREATE TABLE answer_rules (
    domain        text NOT NULL,
    extension     text NOT NULL,
    time_frame_id text REFERENCES time_frames(id) ON DELETE RESTRICT,
    enabled       boolean NOT NULL DEFAULT true,
    priority      integer NOT NULL CHECK (priority >= 1),
    actions       text NOT NULL,
    FOREIGN KEY (domain, extension) REFERENCES users(domain, extension) ON DELETE CASCADE
  );
  CREATE UNIQUE INDEX answer_rules_one_per_frame ON answer_rules(domain, extension, COALESCE(time_frame_id, '*'));
  CREATE INDEX answer_rules_by_frame ON answer_rules(time_frame_id) WHERE time_frame_id IS NOT NULL;
  `,
  // 12: where the callee's answering rule sent a call (migrations.ts step 12).
  `
  ALTER TABLE cdrs ADD COLUMN routed_to text;
  `,
  // 13: chat, SMS and MMS (see migrations.ts step 13); flags are booleans.
  `
  ALTER TABLE domains ADD COLUMN sms_enabled boolean NOT NULL DEFAULT false;
  CREATE TABLE sms_numbers (
    number             text PRIMARY KEY,
    domain             text NOT NULL REFERENCES domains(name) ON DELETE CASCADE,
    owner              text,
    default_recipients text NOT NULL DEFAULT '[]'
  );
  CREATE INDEX sms_numbers_by_domain ON sms_numbers(domain);
  CREATE TABLE message_sessions (
    id            text PRIMARY KEY,
    domain        text NOT NULL REFERENCES domains(name) ON DELETE CASCADE,
    kind          text NOT NULL CHECK (kind IN ('chat', 'sms')),
    local_number  text,
    remote_number text,
    party_key     text NOT NULL,
    created_at    bigint NOT NULL,
    updated_at    bigint NOT NULL
  );
  CREATE UNIQUE INDEX message_sessions_by_party ON message_sessions(domain, party_key);
  CREATE TABLE session_members (
    session_id    text NOT NULL REFERENCES message_sessions(id) ON DELETE CASCADE,
    extension     text NOT NULL,
    joined_at     bigint NOT NULL,
    left_at       bigint,
    hidden        boolean NOT NULL DEFAULT false,
    last_read_seq bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (session_id, extension)
  );
  CREATE INDEX session_members_by_user ON session_members(extension, session_id);
  CREATE TABLE messages (
    id             text PRIMARY KEY,
    session_id     text NOT NULL REFERENCES message_sessions(id) ON DELETE CASCADE,
    seq            bigint NOT NULL CHECK (seq >= 1),
    client_id      text NOT NULL,
    sender         text NOT NULL,
    type           text NOT NULL CHECK (type IN ('chat', 'sms', 'mms')),
    text           text NOT NULL,
    status         text NOT NULL CHECK (status IN ('sending', 'sent', 'delivered', 'read', 'failed')),
    failure_reason text,
    carrier_id     text,
    sent_at        bigint NOT NULL
  );
  CREATE UNIQUE INDEX messages_by_seq ON messages(session_id, seq);
  CREATE UNIQUE INDEX messages_by_client_id ON messages(session_id, sender, client_id);
  CREATE INDEX messages_by_carrier_id ON messages(carrier_id) WHERE carrier_id IS NOT NULL;
  CREATE TABLE attachments (
    id           text PRIMARY KEY,
    domain       text NOT NULL REFERENCES domains(name) ON DELETE CASCADE,
    owner        text NOT NULL,
    message_id   text REFERENCES messages(id) ON DELETE CASCADE,
    name         text NOT NULL,
    content_type text NOT NULL,
    size         bigint NOT NULL,
    created_at   bigint NOT NULL
  );
  CREATE INDEX attachments_by_message ON attachments(message_id) WHERE message_id IS NOT NULL;
  `,
];
