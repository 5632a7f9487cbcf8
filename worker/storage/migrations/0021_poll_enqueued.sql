-- Record versions a change poll put on the queue, by idempotency key, and when
-- (flows/account-changes/poll-common.ts `enqueueUnclaimed`). A poll reads its overlap window
-- again each minute; a version still waiting in the queue's backlog is not claimed yet, and
-- without this row every poll of a burst's backlog enqueued it again (docs/decisions.md 59).
-- Rows older than the re-enqueue interval are pruned by the next poll of the tenant.
CREATE TABLE poll_enqueued (
  tenant_id   TEXT NOT NULL,
  idem_key    TEXT NOT NULL,
  enqueued_ms INTEGER NOT NULL,
  PRIMARY KEY (tenant_id, idem_key)
) WITHOUT ROWID;

CREATE INDEX poll_enqueued_age ON poll_enqueued (tenant_id, enqueued_ms);
