-- Concord broker: tenancy, connections, identity and audit (D1 / SQLite).
-- Every table that holds tenant data has `tenant_id` first in its primary key or index:
-- every query is tenant-scoped. See docs/storage.md.

CREATE TABLE tenants (
  id          TEXT PRIMARY KEY,               -- slug, e.g. 'demo'
  name        TEXT NOT NULL,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);

-- Admin API keys, stored as SHA-256 hashes (the key itself is shown once, never stored).
CREATE TABLE api_keys (
  key_hash    TEXT PRIMARY KEY,               -- hex SHA-256 of the bearer key
  tenant_id   TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  label       TEXT NOT NULL DEFAULT 'default',
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  revoked_at  TEXT
);
CREATE INDEX api_keys_tenant ON api_keys(tenant_id);

-- One connection per tenant per system. Credentials are AES-GCM ciphertext with the id of the
-- vault key that sealed them (key rotation re-encrypts under a new key id).
CREATE TABLE connections (
  tenant_id        TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  system           TEXT NOT NULL CHECK (system IN ('hubspot','salesforce','netsuite','vitally')),
  base_url         TEXT NOT NULL,
  external_account TEXT,                      -- hub id, org id, NetSuite account id, Vitally subdomain
  status           TEXT NOT NULL DEFAULT 'connected',
  credentials_kid  TEXT NOT NULL,
  credentials_iv   TEXT NOT NULL,             -- base64url
  credentials_ct   TEXT NOT NULL,             -- base64url ciphertext (+ GCM tag)
  created_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at       TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  PRIMARY KEY (tenant_id, system)
);

-- Canonical accounts (the golden record's id and display name).
CREATE TABLE accounts (
  tenant_id   TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  id          TEXT NOT NULL,                  -- 'acc_' + uuid
  name        TEXT NOT NULL,
  created_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  updated_at  TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  PRIMARY KEY (tenant_id, id)
);

-- Identity map: canonical id <-> each system's id. A system record belongs to at most one
-- canonical account; an account may hold several records of one system (CRM duplicates).
CREATE TABLE identity_links (
  tenant_id    TEXT NOT NULL,
  entity       TEXT NOT NULL DEFAULT 'account',
  canonical_id TEXT NOT NULL,
  system       TEXT NOT NULL,
  external_id  TEXT NOT NULL,
  rule         TEXT NOT NULL,                 -- how it was linked: source | external_id | tax_id | domain | name | manual
  is_primary   INTEGER NOT NULL DEFAULT 1,    -- 0 for a duplicate record folded into the account
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  PRIMARY KEY (tenant_id, entity, system, external_id),
  FOREIGN KEY (tenant_id, canonical_id) REFERENCES accounts(tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX identity_links_canonical ON identity_links(tenant_id, entity, canonical_id);

-- Match candidates: the keys of other systems' records, ingested page by page so matching is
-- an indexed lookup, never a whole-tenant scan in memory.
CREATE TABLE identity_candidates (
  tenant_id    TEXT NOT NULL,
  system       TEXT NOT NULL,
  external_id  TEXT NOT NULL,
  name         TEXT NOT NULL,
  name_key     TEXT,
  domain_key   TEXT,
  tax_key      TEXT,
  hint         TEXT,                          -- the record's pointer to a CRM id (NetSuite externalid, Vitally externalId)
  seen_at      TEXT NOT NULL,
  PRIMARY KEY (tenant_id, system, external_id)
);
CREATE INDEX identity_candidates_name ON identity_candidates(tenant_id, system, name_key);
CREATE INDEX identity_candidates_domain ON identity_candidates(tenant_id, system, domain_key);
CREATE INDEX identity_candidates_tax ON identity_candidates(tenant_id, system, tax_key);
CREATE INDEX identity_candidates_hint ON identity_candidates(tenant_id, system, hint);

-- Matches that need a person: ambiguous candidates, CRM duplicates folded into one account.
CREATE TABLE match_exceptions (
  tenant_id    TEXT NOT NULL,
  id           TEXT NOT NULL,
  kind         TEXT NOT NULL,                 -- ambiguous_match | crm_duplicate
  system       TEXT NOT NULL,
  external_id  TEXT NOT NULL,
  detail       TEXT NOT NULL,                 -- JSON
  status       TEXT NOT NULL DEFAULT 'open',
  created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX match_exceptions_subject ON match_exceptions(tenant_id, kind, system, external_id);

-- Audit log: every create/update Concord makes, with the correlation id that caused it.
CREATE TABLE audit_log (
  tenant_id      TEXT NOT NULL,
  id             TEXT NOT NULL,
  at             TEXT NOT NULL,
  actor          TEXT NOT NULL,               -- 'api_key:<label>', 'system:identity-sync', ...
  action         TEXT NOT NULL,               -- 'account.create', 'identity.link', 'connection.upsert', ...
  entity_type    TEXT NOT NULL,
  entity_id      TEXT NOT NULL,
  before_json    TEXT,
  after_json     TEXT,
  correlation_id TEXT NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX audit_log_entity ON audit_log(tenant_id, entity_type, entity_id, at);
CREATE INDEX audit_log_correlation ON audit_log(tenant_id, correlation_id);
