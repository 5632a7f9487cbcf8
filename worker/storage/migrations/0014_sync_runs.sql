-- Sync runs (worker/services/sync-runs/): reconciliation and backfill of a tenant, page by page
-- on the `concord-sync` queue. The row holds the cursor of the next step, so a run resumes after a
-- restart from the page it was on; `step` counts executed steps (a duplicate delivery of a step
-- that already ran finds a higher count and does nothing).
CREATE TABLE sync_runs (
  tenant_id      TEXT NOT NULL,
  id             TEXT NOT NULL,                 -- 'sr_<uuid hex>'
  kind           TEXT NOT NULL CHECK (kind IN ('reconcile','backfill')),
  dry_run        INTEGER NOT NULL DEFAULT 0,
  status         TEXT NOT NULL CHECK (status IN ('queued','running','completed','failed')),
  step           INTEGER NOT NULL DEFAULT 0,
  cursor_json    TEXT NOT NULL,                 -- the next step: phase, system, after
  done           INTEGER NOT NULL DEFAULT 0,
  total          INTEGER NOT NULL DEFAULT 0,
  counts_json    TEXT NOT NULL DEFAULT '{}',    -- outcomes: linked, reviews, drift, repaired, exceptions, written, calls, failed
  error          TEXT,
  correlation_id TEXT NOT NULL,
  started_by     TEXT NOT NULL,
  created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  finished_at    TEXT,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX sync_runs_recent ON sync_runs (tenant_id, created_at);

-- The drift report of a reconcile run: one row per difference found, with what was done about it.
CREATE TABLE sync_drift (
  tenant_id     TEXT NOT NULL,
  run_id        TEXT NOT NULL,
  seq           INTEGER NOT NULL,
  account_id    TEXT NOT NULL,
  field         TEXT NOT NULL,                  -- canonical field, e.g. account.domain
  system        TEXT NOT NULL,
  external_id   TEXT NOT NULL,
  value         TEXT,
  owner         TEXT NOT NULL,                  -- the owning role
  owner_system  TEXT,
  owner_value   TEXT,
  action        TEXT NOT NULL CHECK (action IN ('repair','exception')),
  outcome       TEXT NOT NULL CHECK (outcome IN ('repaired','would_repair','refused','failed','exception')),
  reason        TEXT NOT NULL,
  PRIMARY KEY (tenant_id, run_id, seq)
);
