-- ERP and CS changes reaching the CRM (docs/decisions.md, "ERP and CS changes"; docs/storage.md):
-- signing secrets for the NetSuite event script and Vitally playbook webhooks, what the change
-- pipeline knows of each account, accounts waiting for their effects, the facts last written on
-- each CRM record, and the scheduled polls' checkpoints.

-- inbound_secrets gains the NetSuite account (event script) and the Vitally workspace (playbook
-- webhooks). SQLite cannot change a CHECK, so the table is rebuilt with the same rows.
CREATE TABLE inbound_secrets_next (
  system               TEXT NOT NULL CHECK (system IN ('salesforce', 'netsuite', 'vitally')),
  external_account     TEXT NOT NULL,            -- Salesforce org id, NetSuite account id, Vitally workspace
  tenant_id            TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  secret_kid           TEXT NOT NULL,
  secret_iv            TEXT NOT NULL,
  secret_ct            TEXT NOT NULL,
  previous_kid         TEXT,
  previous_iv          TEXT,
  previous_ct          TEXT,
  previous_valid_until TEXT,
  created_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  rotated_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  PRIMARY KEY (system, external_account)
);
INSERT INTO inbound_secrets_next (system, external_account, tenant_id, secret_kid, secret_iv, secret_ct, previous_kid, previous_iv, previous_ct, previous_valid_until, created_at, rotated_at)
  SELECT system, external_account, tenant_id, secret_kid, secret_iv, secret_ct, previous_kid, previous_iv, previous_ct, previous_valid_until, created_at, rotated_at FROM inbound_secrets;
DROP TABLE inbound_secrets;
ALTER TABLE inbound_secrets_next RENAME TO inbound_secrets;
CREATE INDEX inbound_secrets_tenant ON inbound_secrets(tenant_id, system);

-- What the change pipeline last knew of an account (ERP and CS parts, each with its fetch time):
-- the baseline its history lines ("Health fell from 62 to 41") and facts are computed against.
-- `version` grows by one per update; an update names the version it read (optimistic).
CREATE TABLE account_states (
  tenant_id   TEXT NOT NULL,
  account_id  TEXT NOT NULL,
  state_json  TEXT NOT NULL,
  version     INTEGER NOT NULL,
  updated_at  TEXT NOT NULL,
  PRIMARY KEY (tenant_id, account_id)
);

-- Accounts with a change applied whose effects (view rebuild, facts, CRM writes) are not done
-- yet. `seq` grows with every change marked; the effects clear the row only if no newer change
-- arrived meanwhile. A row left behind by a crash is picked up by the next delivery or poll.
CREATE TABLE account_dirty (
  tenant_id   TEXT NOT NULL,
  account_id  TEXT NOT NULL,
  erp         INTEGER NOT NULL DEFAULT 0,       -- 1: the ERP part must be read again
  cs          INTEGER NOT NULL DEFAULT 0,       -- 1: the CS part must be read again
  seq         INTEGER NOT NULL DEFAULT 1,
  marked_at   TEXT NOT NULL,
  PRIMARY KEY (tenant_id, account_id)
);
CREATE INDEX account_dirty_marked ON account_dirty(tenant_id, marked_at);

-- The facts Concord last wrote on a CRM record (HubSpot company, Salesforce Account), and the
-- values the write guard refused there: only facts that differ are written next time.
CREATE TABLE crm_fact_writes (
  tenant_id     TEXT NOT NULL,
  system        TEXT NOT NULL,                  -- 'hubspot' | 'salesforce'
  record_id     TEXT NOT NULL,
  account_id    TEXT NOT NULL,
  written_json  TEXT NOT NULL,                  -- {fact: value} as last written
  refused_json  TEXT NOT NULL DEFAULT '{}',     -- {fact: value} last refused by the ownership matrix
  written_at    TEXT NOT NULL,
  PRIMARY KEY (tenant_id, system, record_id)
);

-- The scheduled polls' progress per tenant, source and stream (a NetSuite record type, a Vitally
-- list): the newest last-modified instant seen, and how the last run went.
CREATE TABLE poll_checkpoints (
  tenant_id      TEXT NOT NULL,
  source         TEXT NOT NULL,                 -- 'netsuite' | 'vitally'
  stream         TEXT NOT NULL,                 -- 'invoice', 'payment', ... | 'accounts', 'tasks', 'conversations'
  checkpoint_ms  INTEGER NOT NULL,              -- newest lastModified / updatedAt seen (epoch ms)
  last_run_at    TEXT NOT NULL,
  last_found     INTEGER NOT NULL DEFAULT 0,    -- changes enqueued by the last run
  last_error     TEXT,
  PRIMARY KEY (tenant_id, source, stream)
);
