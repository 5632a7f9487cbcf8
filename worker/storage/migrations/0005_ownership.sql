-- A tenant's override of the default system-of-record matrix (worker/policies/ownership):
-- field key (`account.billTo`, `invoice.*`) -> owning role (crm | erp | cs), as JSON.
CREATE TABLE ownership_overrides (
  tenant_id     TEXT PRIMARY KEY REFERENCES tenants(id) ON DELETE CASCADE,
  override_json TEXT NOT NULL,
  updated_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
