// The PostgreSQL schema as an ordered list of migrations, counted in the `schema_version` table.
// Version 1 mirrors the SQLite schema (server/storage/migrations.ts, all of it up to issue 13)
// plus what many nodes need: user_heads (the per-user sequence), leases on the webhook inbox and
// on sends, and insertion counters where SQLite ordered by rowid. Append, never edit one that shipped.
//
// Text columns are COLLATE "C": SQLite compares text byte by byte, and the store relies on it
// (prefix search as a range up to U+FFFF, ISO timestamps and ids ordered as strings), whatever
// collation the database was created with. Timestamps stay the ISO strings (or the milliseconds,
// for task reminders) the records carry: this is a mirror, not a redesign.
const T = 'TEXT COLLATE "C"';

export const PG_MIGRATIONS: string[] = [
  `
  CREATE TABLE workspace (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name ${T} NOT NULL,
    time_zone ${T} NOT NULL DEFAULT 'UTC',
    round_robin_turn BIGINT NOT NULL DEFAULT 0
  );
  INSERT INTO workspace (id, name) VALUES (1, 'Workspace');

  CREATE TABLE permission_templates (
    id ${T} PRIMARY KEY,
    name ${T} NOT NULL UNIQUE,
    masked_fields ${T} NOT NULL DEFAULT '[]'
  );

  CREATE TABLE users (
    id ${T} PRIMARY KEY,
    email ${T} NOT NULL,
    name ${T} NOT NULL,
    role ${T} NOT NULL CHECK (role IN ('admin', 'sales')),
    password_hash ${T} NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    permission_template_id ${T} REFERENCES permission_templates(id),
    created_at ${T} NOT NULL
  );
  -- SQLite's email is UNIQUE COLLATE NOCASE.
  CREATE UNIQUE INDEX users_email ON users (lower(email));
  CREATE INDEX users_role ON users(role, active);

  -- Each user's head of the event log, bumped with UPDATE … RETURNING in the transaction that
  -- appends: the row lock orders appends, so seq order is commit order and seqs are contiguous.
  CREATE TABLE user_heads (
    user_id ${T} PRIMARY KEY REFERENCES users(id),
    head_seq BIGINT NOT NULL
  );

  CREATE TABLE sessions (
    id ${T} PRIMARY KEY,
    user_id ${T} NOT NULL REFERENCES users(id),
    token_hash ${T} NOT NULL UNIQUE,
    created_at ${T} NOT NULL,
    expires_at ${T} NOT NULL,
    revoked_at ${T}
  );
  CREATE INDEX sessions_user ON sessions(user_id);

  CREATE TABLE leads (
    id ${T} PRIMARY KEY,
    first_name ${T} NOT NULL,
    last_name ${T} NOT NULL,
    first_norm ${T} NOT NULL,
    last_norm ${T} NOT NULL,
    email ${T},
    owner_id ${T} REFERENCES users(id),
    custom_fields ${T} NOT NULL DEFAULT '{}',
    created_at ${T} NOT NULL,
    updated_at ${T} NOT NULL,
    external_id ${T}
  );
  CREATE INDEX leads_first ON leads(first_norm);
  CREATE INDEX leads_last ON leads(last_norm);
  CREATE INDEX leads_owner ON leads(owner_id);
  CREATE UNIQUE INDEX leads_external ON leads(external_id) WHERE external_id IS NOT NULL;

  CREATE TABLE lead_phones (
    id ${T} PRIMARY KEY,
    lead_id ${T} NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    e164 ${T} NOT NULL UNIQUE,
    label ${T},
    is_primary INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX lead_phones_lead ON lead_phones(lead_id);

  CREATE TABLE tasks (
    id ${T} PRIMARY KEY,
    title ${T} NOT NULL,
    lead_id ${T} REFERENCES leads(id),
    owner_id ${T} NOT NULL REFERENCES users(id),
    due_at ${T} NOT NULL,
    reminder_minutes INTEGER NOT NULL DEFAULT 15,
    external_id ${T}
  );
  CREATE UNIQUE INDEX tasks_external ON tasks(external_id) WHERE external_id IS NOT NULL;

  -- n: the insertion order SQLite reads from rowid (ties of one instant).
  CREATE TABLE activities (
    n BIGSERIAL,
    id ${T} PRIMARY KEY,
    lead_id ${T} NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    type ${T} NOT NULL,
    summary ${T} NOT NULL,
    at ${T} NOT NULL,
    message_id ${T}
  );
  CREATE INDEX activities_lead ON activities(lead_id, at);

  CREATE TABLE conversations (
    id ${T} PRIMARY KEY,
    lead_id ${T} NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    channel ${T} NOT NULL,
    assignee_id ${T} REFERENCES users(id),
    last_message_at ${T},
    last_message_preview ${T},
    last_inbound_at ${T}
  );
  CREATE INDEX conversations_lead ON conversations(lead_id);
  CREATE INDEX conversations_assignee ON conversations(assignee_id);

  CREATE TABLE conversation_reads (
    conversation_id ${T} NOT NULL,
    user_id ${T} NOT NULL,
    read_up_to ${T} NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
  );

  -- Only the path of each file: the bytes live on a volume every node mounts.
  CREATE TABLE attachments (
    id ${T} PRIMARY KEY,
    file_name ${T} NOT NULL,
    mime_type ${T} NOT NULL,
    size BIGINT NOT NULL,
    kind ${T} NOT NULL,
    path ${T} NOT NULL,
    uploaded_by ${T},
    created_at ${T} NOT NULL,
    fetch_source ${T},
    fetch_attempts INTEGER NOT NULL DEFAULT 0,
    next_fetch_at ${T},
    blocked ${T}
  );
  CREATE INDEX attachments_uploader ON attachments(uploaded_by, created_at) WHERE uploaded_by IS NOT NULL;
  CREATE INDEX attachments_upload_age ON attachments(created_at) WHERE uploaded_by IS NOT NULL;
  CREATE INDEX attachments_unfetched ON attachments(next_fetch_at) WHERE fetch_source IS NOT NULL;

  -- send_owner / send_lease_until: the node sending an outbound message and until when; an
  -- expired lease marks the send interrupted (its node died), for another node to finish.
  CREATE TABLE messages (
    seq BIGSERIAL PRIMARY KEY,
    id ${T} NOT NULL UNIQUE,
    client_id ${T} UNIQUE,
    conversation_id ${T} NOT NULL REFERENCES conversations(id),
    lead_id ${T} NOT NULL,
    channel ${T} NOT NULL,
    direction ${T} NOT NULL,
    body ${T} NOT NULL,
    phone_id ${T},
    template_id ${T},
    template_name ${T},
    attachment_id ${T} REFERENCES attachments(id),
    caption ${T},
    status ${T} NOT NULL,
    error ${T},
    provider ${T},
    provider_message_id ${T},
    connector ${T},
    author_user_id ${T},
    created_at ${T} NOT NULL,
    updated_at ${T} NOT NULL,
    send_owner ${T},
    send_lease_until ${T}
  );
  CREATE UNIQUE INDEX messages_provider_id ON messages(provider, provider_message_id) WHERE provider_message_id IS NOT NULL;
  CREATE INDEX messages_conversation ON messages(conversation_id, seq);
  CREATE INDEX messages_conversation_time ON messages(conversation_id, created_at, id);
  CREATE INDEX messages_attachment ON messages(attachment_id) WHERE attachment_id IS NOT NULL;
  CREATE INDEX messages_sending ON messages(send_lease_until) WHERE status = 'pending' AND provider_message_id IS NULL;

  CREATE TABLE message_status_history (
    n BIGSERIAL PRIMARY KEY,
    message_id ${T} NOT NULL,
    status ${T} NOT NULL,
    at ${T} NOT NULL,
    error ${T}
  );
  CREATE INDEX message_status_history_message ON message_status_history(message_id);

  CREATE TABLE early_statuses (
    n BIGSERIAL PRIMARY KEY,
    provider ${T} NOT NULL,
    provider_message_id ${T} NOT NULL,
    status ${T} NOT NULL,
    at ${T} NOT NULL,
    error ${T}
  );
  CREATE INDEX early_statuses_id ON early_statuses(provider, provider_message_id);

  CREATE TABLE inbound_outcomes (
    message_id ${T} PRIMARY KEY,
    lead_created INTEGER NOT NULL,
    conversation_started INTEGER NOT NULL,
    applied_at ${T}
  );
  CREATE INDEX inbound_outcomes_unapplied ON inbound_outcomes(message_id) WHERE applied_at IS NULL;

  -- Plain UNIQUE: NULL languages are distinct, as in SQLite.
  CREATE TABLE templates (
    id ${T} PRIMARY KEY,
    channel ${T} NOT NULL,
    name ${T} NOT NULL,
    body ${T} NOT NULL,
    params ${T} NOT NULL DEFAULT '[]',
    category ${T},
    language ${T},
    status ${T},
    available INTEGER NOT NULL DEFAULT 1,
    updated_at ${T} NOT NULL,
    UNIQUE (channel, name, language)
  );

  CREATE TABLE events (
    user_id ${T} NOT NULL,
    seq BIGINT NOT NULL,
    at ${T} NOT NULL,
    payload ${T} NOT NULL,
    PRIMARY KEY (user_id, seq)
  );

  CREATE TABLE devices (
    user_id ${T} NOT NULL,
    device_id ${T} NOT NULL,
    acked_seq BIGINT NOT NULL DEFAULT 0,
    last_seen_at ${T} NOT NULL,
    PRIMARY KEY (user_id, device_id)
  );

  -- claimed_by / lease_until: the node processing a webhook; claimed with FOR UPDATE SKIP LOCKED.
  CREATE TABLE webhook_inbox (
    n BIGSERIAL,
    id ${T} PRIMARY KEY,
    provider ${T} NOT NULL,
    body BYTEA NOT NULL,
    headers ${T} NOT NULL,
    received_at ${T} NOT NULL,
    processed_at ${T},
    error ${T},
    claimed_by ${T},
    lease_until ${T}
  );
  CREATE INDEX webhook_inbox_pending ON webhook_inbox(received_at, n) WHERE processed_at IS NULL;

  CREATE TABLE opt_outs (
    business_number ${T} NOT NULL,
    lead_number ${T} NOT NULL,
    opted_out INTEGER NOT NULL,
    keyword ${T} NOT NULL,
    updated_at ${T} NOT NULL,
    PRIMARY KEY (business_number, lead_number)
  );

  CREATE TABLE nudges (
    n BIGSERIAL,
    id ${T} PRIMARY KEY,
    user_id ${T} NOT NULL,
    kind ${T} NOT NULL,
    entity_type ${T} NOT NULL,
    lead_id ${T},
    conversation_id ${T},
    task_id ${T},
    title ${T} NOT NULL,
    body ${T} NOT NULL,
    created_at ${T} NOT NULL,
    month ${T} NOT NULL
  );
  CREATE INDEX nudges_user ON nudges(user_id, created_at);
  CREATE INDEX nudges_month ON nudges(month);

  CREATE TABLE usage_counters (
    month ${T} NOT NULL,
    user_id ${T} NOT NULL DEFAULT '',
    provider ${T} NOT NULL,
    channel ${T} NOT NULL,
    direction ${T} NOT NULL,
    count BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (month, user_id, provider, channel, direction)
  );

  CREATE TABLE task_reminders (
    task_id ${T} PRIMARY KEY,
    user_id ${T} NOT NULL,
    lead_id ${T},
    title ${T} NOT NULL,
    due_at BIGINT NOT NULL,
    reminder_minutes INTEGER NOT NULL,
    fire_at BIGINT NOT NULL,
    fired_at BIGINT
  );
  CREATE INDEX task_reminders_unfired ON task_reminders (fire_at) WHERE fired_at IS NULL;

  CREATE TABLE api_keys (
    id ${T} PRIMARY KEY,
    key_hash ${T} NOT NULL UNIQUE,
    label ${T} NOT NULL,
    created_at ${T} NOT NULL,
    revoked_at ${T}
  );

  CREATE TABLE crm_events (
    event_id ${T} PRIMARY KEY,
    type ${T} NOT NULL,
    received_at ${T} NOT NULL,
    handled_at ${T},
    lease_until ${T}
  );

  CREATE TABLE rep_settings (
    user_id ${T} PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    nudge_settings ${T} NOT NULL,
    updated_at ${T} NOT NULL
  );
  `,
  // 2: the usage counters sharded. Every inbound message bumps the workspace's total, so with one
  // row per counter every node's transactions queued on that row's lock, one commit at a time
  // (seen under load: nearly every waiting backend waited on it). A bump now takes one of
  // USAGE_SHARDS rows; a read adds them up. Existing counts stay in shard 0.
  `
  ALTER TABLE usage_counters ADD COLUMN shard SMALLINT NOT NULL DEFAULT 0;
  ALTER TABLE usage_counters DROP CONSTRAINT usage_counters_pkey;
  ALTER TABLE usage_counters ADD PRIMARY KEY (month, user_id, provider, channel, direction, shard);
  `,
];
