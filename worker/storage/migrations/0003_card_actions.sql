-- Idempotency of actions taken from embedded cards (e.g. "Create follow-up task"): a retried
-- click or a HubSpot fetch retry finds the first result here instead of creating a second task.
-- `state` is 'pending' while the vendor call runs and 'done' with the created id afterwards.
-- Rows older than 24 h no longer dedupe (see worker/storage/card-actions.ts).
CREATE TABLE card_actions (
  tenant_id     TEXT NOT NULL,
  idem_key      TEXT NOT NULL,                  -- hex SHA-256 of action + caller key or request fields
  action        TEXT NOT NULL,                  -- 'hubspot.task.create'
  request_hash  TEXT NOT NULL,                  -- hex SHA-256 of the canonical request (same key, other body -> 409)
  state         TEXT NOT NULL CHECK (state IN ('pending','done')),
  result_id     TEXT,                           -- vendor id of what was created
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  PRIMARY KEY (tenant_id, idem_key)
);
