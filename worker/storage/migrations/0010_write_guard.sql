-- The write guard (worker/ports/write-guard.ts): every field of a vendor write that the tenant's
-- system-of-record matrix refused, with what was attempted, so the account view and the console
-- can show it. One row per refused attribute per write (a bulk write of many records sharing a
-- refusal is one row with the record count and a few sample ids).
CREATE TABLE write_refusals (
  tenant_id      TEXT NOT NULL,
  id             TEXT NOT NULL,
  at             TEXT NOT NULL,
  flow           TEXT NOT NULL,                 -- 'closed-won', 'ops.company-updates', ...
  correlation_id TEXT NOT NULL,
  target_system  TEXT NOT NULL,                 -- the system the write was for
  source         TEXT NOT NULL,                 -- the system (or 'concord') the value came from
  entity         TEXT NOT NULL,                 -- 'account', 'deal', 'salesOrder', ...
  record_id      TEXT,                          -- the target record (first one for bulk writes)
  record_count   INTEGER NOT NULL DEFAULT 1,
  account_id     TEXT,                          -- the canonical account, when known
  attribute      TEXT NOT NULL,                 -- the attribute as the write named it (healthScore)
  field          TEXT NOT NULL,                 -- the canonical field key the matrix decided (health.score)
  owner          TEXT,                          -- the owning role (crm | erp | cs), null when unknown
  reason         TEXT NOT NULL CHECK (reason IN ('not_owner','unknown_field')),
  attempted_json TEXT,                          -- the attempted value (first record), at most 1 KB
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX write_refusals_by_time ON write_refusals (tenant_id, at);
CREATE INDEX write_refusals_by_account ON write_refusals (tenant_id, account_id, at);
