-- Inbound request verification: per-tenant signing secrets of callers that sign with a shared
-- secret (the Salesforce package's Named Credential), and the index that finds a tenant by the
-- account id a CRM puts on its requests (HubSpot portal id). See docs/cards-api.md.

-- One row per calling account (Salesforce org). The secret is sealed by the vault (AES-GCM, AAD
-- binds tenant, system and account). After a rotation the previous secret stays valid until
-- `previous_valid_until`, so the admin has time to paste the new one into Salesforce.
CREATE TABLE inbound_secrets (
  system               TEXT NOT NULL CHECK (system IN ('salesforce')),
  external_account     TEXT NOT NULL,            -- 18-char Salesforce org id
  tenant_id            TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  secret_kid           TEXT NOT NULL,
  secret_iv            TEXT NOT NULL,
  secret_ct            TEXT NOT NULL,
  previous_kid         TEXT,
  previous_iv          TEXT,
  previous_ct          TEXT,
  previous_valid_until TEXT,                     -- ISO instant; NULL when there is no previous secret
  created_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  rotated_at           TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  -- An org belongs to exactly one tenant: a second tenant claiming it is refused.
  PRIMARY KEY (system, external_account)
);
CREATE INDEX inbound_secrets_tenant ON inbound_secrets(tenant_id, system);

-- Card requests name the CRM account (HubSpot portalId), not the tenant: find it by index.
CREATE INDEX connections_external_account ON connections(system, external_account);
