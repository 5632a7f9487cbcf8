-- OAuth connect flows (docs/oauth.md): one row per authorization request in flight.
-- `state` itself is never stored, only its SHA-256; the PKCE verifier is sealed by the vault
-- (AAD `oauth_state:<state_hash>`); the row is bound to the admin session that started it and
-- is deleted when the callback uses it (single use) or found expired (10 minutes).
CREATE TABLE oauth_states (
  state_hash    TEXT PRIMARY KEY,               -- hex SHA-256 of the random `state`
  tenant_id     TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  system        TEXT NOT NULL CHECK (system IN ('hubspot','salesforce')),
  session_hash  TEXT NOT NULL,                  -- hex SHA-256 of the session id
  verifier_kid  TEXT NOT NULL,
  verifier_iv   TEXT NOT NULL,
  verifier_ct   TEXT NOT NULL,
  redirect_uri  TEXT NOT NULL,
  params_json   TEXT NOT NULL DEFAULT '{}',     -- flow parameters, e.g. Salesforce {"authHost":"test"}
  expires_at    INTEGER NOT NULL,               -- ms since epoch
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
);
CREATE INDEX oauth_states_expiry ON oauth_states(expires_at);
