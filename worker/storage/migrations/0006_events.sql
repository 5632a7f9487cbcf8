-- Inbound change events (CRM webhooks first): dedupe claims, the change log with each event's
-- outcome, the newest applied change per (object, property) that orders them, failure notes for
-- retries, and the dead-letter store. See docs/storage.md and docs/decisions.md.

-- Exactly-once claims: a row per (tenant, idempotency key) processed. The consumer claims with
-- INSERT OR IGNORE and makes every other write of that event conditional on its own claim token,
-- all in one D1 batch (transaction), so a duplicate or a retry after a crash applies nothing twice.
CREATE TABLE processed_events (
  tenant_id     TEXT NOT NULL,
  idem_key      TEXT NOT NULL,                  -- hex SHA-256 (docs/decisions.md: the dedupe key)
  claim         TEXT NOT NULL,                  -- random token of the delivery that won the claim
  processed_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  PRIMARY KEY (tenant_id, idem_key)
);

-- The change log: one row per distinct event, with what became of it.
CREATE TABLE events (
  tenant_id        TEXT NOT NULL,
  idem_key         TEXT NOT NULL,
  system           TEXT NOT NULL,               -- 'hubspot'
  external_account TEXT NOT NULL,               -- HubSpot portal id
  object_type      TEXT NOT NULL,               -- 'company', 'deal', 'contact', ...
  object_id        TEXT NOT NULL,
  change           TEXT NOT NULL,               -- 'propertyChange', 'creation', 'deletion', ...
  property         TEXT NOT NULL DEFAULT '',    -- '' for changes without a property
  value            TEXT,
  occurred_at      INTEGER NOT NULL,            -- epoch ms, as the vendor stamped the change
  source_event_id  TEXT NOT NULL,
  status           TEXT NOT NULL CHECK (status IN ('applied','superseded')),
  correlation_id   TEXT NOT NULL,
  recorded_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  PRIMARY KEY (tenant_id, idem_key)
);
CREATE INDEX events_object ON events(tenant_id, system, object_type, object_id, occurred_at);

-- Ordering: the newest applied change per (tenant, system, object, change, property), compared
-- by (occurred_at, idem_key) so every arrival order converges on the same winner.
CREATE TABLE event_heads (
  tenant_id    TEXT NOT NULL,
  system       TEXT NOT NULL,
  object_type  TEXT NOT NULL,
  object_id    TEXT NOT NULL,
  change       TEXT NOT NULL,
  property     TEXT NOT NULL,
  occurred_at  INTEGER NOT NULL,
  idem_key     TEXT NOT NULL,
  PRIMARY KEY (tenant_id, system, object_type, object_id, change, property)
);

-- Why the last delivery of a message failed, so the dead-letter consumer (which only receives
-- the message body) can say why it gave up.
CREATE TABLE event_failures (
  tenant_id   TEXT NOT NULL,
  idem_key    TEXT NOT NULL,
  attempts    INTEGER NOT NULL,
  error       TEXT NOT NULL,
  failed_at   TEXT NOT NULL,
  PRIMARY KEY (tenant_id, idem_key)
);

-- Dead letters: messages that exhausted their retries (or could not be processed at all), with
-- the payload to replay. One row per message identity: failing again after a replay reopens it.
CREATE TABLE dead_letters (
  tenant_id    TEXT NOT NULL,
  id           TEXT NOT NULL,                  -- 'dl_' + 24 hex of the message's idempotency key
  kind         TEXT NOT NULL,                  -- 'crm.change'
  summary      TEXT,
  payload      TEXT NOT NULL,                  -- the queue message body (JSON), replayed as is
  error        TEXT NOT NULL,
  attempts     INTEGER,
  status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','replayed')),
  failed_at    TEXT NOT NULL,
  replayed_at  TEXT,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX dead_letters_open ON dead_letters(tenant_id, status, failed_at);
