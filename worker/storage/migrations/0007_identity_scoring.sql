-- Scored identity resolution (docs/decisions.md, "Scored identity resolution"): every system's
-- records with their raw identity fields and blocking keys replace the exact-key candidates;
-- review cases replace match exceptions. Both old tables held only derived data: the next
-- identity sync rebuilds records and raises open cases again.
DROP TABLE identity_candidates;
DROP TABLE match_exceptions;

-- Each system's company records as identity evidence (CRM companies, ERP customers, CS accounts).
CREATE TABLE identity_records (
  tenant_id    TEXT NOT NULL,
  system       TEXT NOT NULL,
  external_id  TEXT NOT NULL,
  name         TEXT NOT NULL,
  fields_json  TEXT NOT NULL,                 -- IdentityFields as the system holds them: name, domain, taxId, country, city, address, emails
  hint_system  TEXT,                          -- the record its own external-id hint points at (NetSuite externalid 'hs-123' -> hubspot, 123)
  hint_id      TEXT,
  seen_at      TEXT NOT NULL,
  PRIMARY KEY (tenant_id, system, external_id)
);

-- Blocking keys (worker/policies/identity/blocking.ts): t:<tax number>, d:<domain>, b:<brand>,
-- f:/n:/s: name keys, h:<system>:<id> hint keys. Candidates are the records sharing keys.
CREATE TABLE identity_keys (
  tenant_id    TEXT NOT NULL,
  key          TEXT NOT NULL,
  system       TEXT NOT NULL,
  external_id  TEXT NOT NULL,
  PRIMARY KEY (tenant_id, key, system, external_id)
) WITHOUT ROWID;
CREATE INDEX identity_keys_record ON identity_keys(tenant_id, system, external_id);

-- Per-tenant decision thresholds (defaults in worker/policies/identity/decide.ts when absent).
CREATE TABLE identity_settings (
  tenant_id   TEXT PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  match_at    REAL NOT NULL,
  review_at   REAL NOT NULL,
  updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

-- The review queue: one case per (subject record, candidate record) pair the scorer could not
-- decide, with both records as they were when raised, the score and the reasons.
CREATE TABLE review_cases (
  tenant_id            TEXT NOT NULL,
  id                   TEXT NOT NULL,          -- 'rv_' + 24 hex
  subject_system       TEXT NOT NULL,
  subject_id           TEXT NOT NULL,
  candidate_system     TEXT NOT NULL,
  candidate_id         TEXT NOT NULL,
  subject_json         TEXT NOT NULL,          -- IdentityFields of the subject when raised
  candidate_json       TEXT NOT NULL,
  subject_account_id   TEXT,                   -- accounts of the two records when raised (null: not linked)
  candidate_account_id TEXT,
  score                REAL NOT NULL,
  reasons_json         TEXT NOT NULL,          -- [{code, weight, text, conflict?}]
  status               TEXT NOT NULL DEFAULT 'open', -- open | approved | rejected | linked | superseded
  decision_json        TEXT,                   -- what the decision did (accounts, links moved)
  decided_by           TEXT,
  decided_at           TEXT,
  created_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX review_cases_pair ON review_cases(tenant_id, subject_system, subject_id, candidate_system, candidate_id);
CREATE INDEX review_cases_status ON review_cases(tenant_id, status, created_at);

-- Pairs a person kept apart (a rejected case, a split link), stored in both directions so a
-- lookup by either record is one index read. The scorer treats them as a conflict.
CREATE TABLE identity_kept_apart (
  tenant_id    TEXT NOT NULL,
  system_a     TEXT NOT NULL,
  id_a         TEXT NOT NULL,
  system_b     TEXT NOT NULL,
  id_b         TEXT NOT NULL,
  decided_by   TEXT NOT NULL,
  decided_at   TEXT NOT NULL,
  PRIMARY KEY (tenant_id, system_a, id_a, system_b, id_b)
);

-- The account's surviving fields (worker/policies/identity/survivorship.ts) as JSON.
ALTER TABLE accounts ADD COLUMN fields_json TEXT;
