-- Durable flows (worker/flows/): per-tenant settings, and the readable state of every run. The
-- Workflow engine keeps the execution itself; these rows are what the API, cards and console show.

-- A tenant's settings of one flow (JSON, validated by the flow's schema; defaults in code).
CREATE TABLE flow_settings (
  tenant_id     TEXT NOT NULL,
  flow          TEXT NOT NULL,                 -- 'closed-won'
  settings_json TEXT NOT NULL,
  updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  PRIMARY KEY (tenant_id, flow)
);

-- One row per run (= Workflow instance; the id is derived from the source record, so one per deal).
CREATE TABLE flow_runs (
  tenant_id        TEXT NOT NULL,
  id               TEXT NOT NULL,              -- 'hubspot-<portal>-deal-<id>', 'salesforce-<org>-opp-<id>'
  flow             TEXT NOT NULL,
  source_system    TEXT NOT NULL,              -- 'hubspot' | 'salesforce'
  source_record    TEXT NOT NULL,              -- the deal / Opportunity id
  status           TEXT NOT NULL CHECK (status IN ('queued','running','blocked','failed','completed')),
  step             TEXT,                       -- the current (or failed / blocked) step
  exceptions_json  TEXT,                       -- business exceptions while blocked, reason while failed
  result_json      TEXT,                       -- ERP customer, sales order, CS account
  correlation_id   TEXT NOT NULL,
  created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  completed_at     TEXT,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX flow_runs_by_source ON flow_runs (tenant_id, source_system, source_record);
CREATE INDEX flow_runs_by_status ON flow_runs (tenant_id, status, updated_at);

-- Each step attempt of a run, with its timing and outcome.
CREATE TABLE flow_steps (
  tenant_id    TEXT NOT NULL,
  run_id       TEXT NOT NULL,
  step         TEXT NOT NULL,                  -- 'validate#0', 'create-sales-order#1', ...
  status       TEXT NOT NULL CHECK (status IN ('done','failed','blocked')),
  started_at   TEXT NOT NULL,
  finished_at  TEXT NOT NULL,
  detail_json  TEXT,
  PRIMARY KEY (tenant_id, run_id, step)
);
