// The schema as an ordered list of migrations; the database's `user_version` says how many
// have run. Append new migrations at the end, never edit one that has shipped.
import { TASK_REMINDERS_SQL } from './reminders';

export const MIGRATIONS: string[] = [
  // 1: the whole model of issue 3.
  `
  CREATE TABLE workspace (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    time_zone TEXT NOT NULL DEFAULT 'UTC',
    round_robin_turn INTEGER NOT NULL DEFAULT 0
  );
  INSERT INTO workspace (id, name) VALUES (1, 'Workspace');

  CREATE TABLE permission_templates (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    masked_fields TEXT NOT NULL DEFAULT '[]'
  );

  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE COLLATE NOCASE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'sales')),
    password_hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    permission_template_id TEXT REFERENCES permission_templates(id),
    head_seq INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
  );
  CREATE INDEX users_role ON users(role, active);

  CREATE TABLE sessions (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users(id),
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    revoked_at TEXT
  );
  CREATE INDEX sessions_user ON sessions(user_id);

  CREATE TABLE leads (
    id TEXT PRIMARY KEY,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    first_norm TEXT NOT NULL,
    last_norm TEXT NOT NULL,
    email TEXT,
    owner_id TEXT REFERENCES users(id),
    custom_fields TEXT NOT NULL DEFAULT '{}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX leads_first ON leads(first_norm);
  CREATE INDEX leads_last ON leads(last_norm);
  CREATE INDEX leads_owner ON leads(owner_id);

  -- A number belongs to one lead: an unknown sender's lead is unique on its normalised number.
  CREATE TABLE lead_phones (
    id TEXT PRIMARY KEY,
    lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    e164 TEXT NOT NULL UNIQUE,
    label TEXT,
    is_primary INTEGER NOT NULL DEFAULT 0,
    position INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX lead_phones_lead ON lead_phones(lead_id);

  CREATE TABLE tasks (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    lead_id TEXT REFERENCES leads(id),
    owner_id TEXT NOT NULL REFERENCES users(id),
    due_at TEXT NOT NULL,
    reminder_minutes INTEGER NOT NULL DEFAULT 15
  );

  CREATE TABLE activities (
    id TEXT PRIMARY KEY,
    lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    type TEXT NOT NULL,
    summary TEXT NOT NULL,
    at TEXT NOT NULL,
    message_id TEXT
  );
  CREATE INDEX activities_lead ON activities(lead_id, at);

  CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    lead_id TEXT NOT NULL REFERENCES leads(id) ON DELETE CASCADE,
    channel TEXT NOT NULL,
    assignee_id TEXT REFERENCES users(id),
    last_message_at TEXT,
    last_message_preview TEXT,
    last_inbound_at TEXT
  );
  CREATE INDEX conversations_lead ON conversations(lead_id);
  CREATE INDEX conversations_assignee ON conversations(assignee_id);

  CREATE TABLE conversation_reads (
    conversation_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    read_up_to TEXT NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
  ) WITHOUT ROWID;

  CREATE TABLE attachments (
    id TEXT PRIMARY KEY,
    file_name TEXT NOT NULL,
    mime_type TEXT NOT NULL,
    size INTEGER NOT NULL,
    kind TEXT NOT NULL,
    path TEXT NOT NULL,
    uploaded_by TEXT,
    created_at TEXT NOT NULL
  );

  -- seq (the rowid) orders a conversation and is the pagination cursor.
  CREATE TABLE messages (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    client_id TEXT UNIQUE,
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    lead_id TEXT NOT NULL,
    channel TEXT NOT NULL,
    direction TEXT NOT NULL,
    body TEXT NOT NULL,
    phone_id TEXT,
    template_id TEXT,
    template_name TEXT,
    attachment_id TEXT REFERENCES attachments(id),
    caption TEXT,
    status TEXT NOT NULL,
    error TEXT,
    provider TEXT,
    provider_message_id TEXT,
    connector TEXT,
    author_user_id TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE UNIQUE INDEX messages_provider_id ON messages(provider, provider_message_id) WHERE provider_message_id IS NOT NULL;
  CREATE INDEX messages_conversation ON messages(conversation_id, seq);

  CREATE TABLE message_status_history (
    message_id TEXT NOT NULL,
    status TEXT NOT NULL,
    at TEXT NOT NULL,
    error TEXT
  );
  CREATE INDEX message_status_history_message ON message_status_history(message_id);

  -- Statuses that arrived before the send's response stored the provider id.
  CREATE TABLE early_statuses (
    n INTEGER PRIMARY KEY AUTOINCREMENT,
    provider TEXT NOT NULL,
    provider_message_id TEXT NOT NULL,
    status TEXT NOT NULL,
    at TEXT NOT NULL,
    error TEXT
  );
  CREATE INDEX early_statuses_id ON early_statuses(provider, provider_message_id);

  CREATE TABLE templates (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    name TEXT NOT NULL,
    body TEXT NOT NULL,
    params TEXT NOT NULL DEFAULT '[]',
    category TEXT,
    language TEXT,
    status TEXT,
    available INTEGER NOT NULL DEFAULT 1,
    updated_at TEXT NOT NULL,
    UNIQUE (channel, name, language)
  );

  CREATE TABLE events (
    user_id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    payload TEXT NOT NULL,
    PRIMARY KEY (user_id, seq)
  ) WITHOUT ROWID;

  CREATE TABLE devices (
    user_id TEXT NOT NULL,
    device_id TEXT NOT NULL,
    acked_seq INTEGER NOT NULL DEFAULT 0,
    last_seen_at TEXT NOT NULL,
    PRIMARY KEY (user_id, device_id)
  ) WITHOUT ROWID;

  CREATE TABLE webhook_inbox (
    id TEXT PRIMARY KEY,
    provider TEXT NOT NULL,
    body BLOB NOT NULL,
    headers TEXT NOT NULL,
    received_at TEXT NOT NULL,
    processed_at TEXT,
    error TEXT
  );
  CREATE INDEX webhook_inbox_pending ON webhook_inbox(processed_at) WHERE processed_at IS NULL;

  CREATE TABLE opt_outs (
    business_number TEXT NOT NULL,
    lead_number TEXT NOT NULL,
    opted_out INTEGER NOT NULL,
    keyword TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (business_number, lead_number)
  ) WITHOUT ROWID;

  CREATE TABLE nudges (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    entity_type TEXT NOT NULL,
    lead_id TEXT,
    conversation_id TEXT,
    task_id TEXT,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    month TEXT NOT NULL
  );
  CREATE INDEX nudges_user ON nudges(user_id, created_at);
  CREATE INDEX nudges_month ON nudges(month);

  -- Monthly usage per provider, channel and direction; month in the workspace's time zone.
  -- user_id '' is the workspace total; a rep's own sends are also counted under their id.
  CREATE TABLE usage_counters (
    month TEXT NOT NULL,
    user_id TEXT NOT NULL DEFAULT '',
    provider TEXT NOT NULL,
    channel TEXT NOT NULL,
    direction TEXT NOT NULL,
    count INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (month, user_id, provider, channel, direction)
  ) WITHOUT ROWID;
  `,

  // 2: issue 7 — task reminders, the workspace API keys of POST /api/v1/events, the ids other
  // systems give their leads and tasks, and the event ids already handled (dedupe).
  `
  ${TASK_REMINDERS_SQL}

  -- Only a SHA-256 of each key is kept: the key itself is shown once, when it is made.
  CREATE TABLE api_keys (
    id TEXT PRIMARY KEY,
    key_hash TEXT NOT NULL UNIQUE,
    label TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
  );

  CREATE TABLE crm_events (
    event_id TEXT PRIMARY KEY,
    type TEXT NOT NULL,
    received_at TEXT NOT NULL
  ) WITHOUT ROWID;

  ALTER TABLE leads ADD COLUMN external_id TEXT;
  CREATE UNIQUE INDEX leads_external ON leads(external_id) WHERE external_id IS NOT NULL;
  ALTER TABLE tasks ADD COLUMN external_id TEXT;
  CREATE UNIQUE INDEX tasks_external ON tasks(external_id) WHERE external_id IS NOT NULL;
  `,

  // issue 12 — unsent uploads expire and count against a quota: find an upload's messages and a
  // user's uploads without scanning (also who may download an attachment).
  `
  CREATE INDEX IF NOT EXISTS messages_attachment ON messages(attachment_id) WHERE attachment_id IS NOT NULL;
  CREATE INDEX IF NOT EXISTS attachments_uploader ON attachments(uploaded_by, created_at) WHERE uploaded_by IS NOT NULL;
  CREATE INDEX IF NOT EXISTS attachments_upload_age ON attachments(created_at) WHERE uploaded_by IS NOT NULL;
  `,

  // issue 12 — inbound processing idempotent end to end: an inbound message's outcome (its
  // activities, events, usage count and nudges) is applied once, in one transaction, and a
  // redelivery fills it in when a stop came between the message and its outcome. Media that
  // could not be downloaded is kept as an attachment to fetch again. A CRM event's claim expires
  // (lease) when its handling never finished, so the sender's retry is handled.
  `
  CREATE TABLE inbound_outcomes (
    message_id TEXT PRIMARY KEY,
    lead_created INTEGER NOT NULL,
    conversation_started INTEGER NOT NULL,
    applied_at TEXT
  ) WITHOUT ROWID;

  ALTER TABLE attachments ADD COLUMN fetch_source TEXT;
  ALTER TABLE attachments ADD COLUMN fetch_attempts INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE attachments ADD COLUMN next_fetch_at TEXT;
  CREATE INDEX attachments_unfetched ON attachments(next_fetch_at) WHERE fetch_source IS NOT NULL;

  ALTER TABLE crm_events ADD COLUMN handled_at TEXT;
  ALTER TABLE crm_events ADD COLUMN lease_until TEXT;
  UPDATE crm_events SET handled_at = received_at;
  `,

  // issue 12 — files from leads go through the attachment policy: one that could harm the rep's
  // computer is kept but blocked, with the reason (AttachmentBlockReason); NULL: offered.
  `
  ALTER TABLE attachments ADD COLUMN blocked TEXT;
  `,

  // issue 13 — lead names folded by the rule the desktop shares (shared/name-fold.ts): the old
  // rule dropped the Devanagari virama ("प्रिया" was keyed "परिया"). fold_name is registered by
  // openDatabase.
  `
  UPDATE leads SET first_norm = fold_name(first_name), last_norm = fold_name(last_name);
  `,

  // issue 13 — Activity History holds the conversation: a lead's messages are read newest first
  // by time, page by page. Carter settings (which nudges, sound, quiet hours) kept per rep.
  `
  CREATE INDEX IF NOT EXISTS messages_conversation_time ON messages(conversation_id, created_at, id);
  CREATE TABLE rep_settings (
    user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
    nudge_settings TEXT NOT NULL,
    updated_at TEXT NOT NULL
  ) WITHOUT ROWID;
  `,

  // issue 15 — work shared by nodes is leased: a kept webhook is claimed by one node until its
  // lease runs out, and an outbound send is held by the node sending it (renewed while under way),
  // so a send whose node died is told apart from one still in flight. NULL leases (rows from
  // before) count as expired. Every node sweeps the sends under way: a partial index keeps that
  // read to those few rows (the inbox's pending index already does it for webhooks).
  `
  ALTER TABLE webhook_inbox ADD COLUMN claimed_by TEXT;
  ALTER TABLE webhook_inbox ADD COLUMN lease_until TEXT;
  ALTER TABLE messages ADD COLUMN send_owner TEXT;
  ALTER TABLE messages ADD COLUMN send_lease_until TEXT;
  CREATE INDEX IF NOT EXISTS messages_sends_under_way ON messages(send_owner)
    WHERE direction = 'outbound' AND status = 'pending' AND provider_message_id IS NULL;
  `,
];
