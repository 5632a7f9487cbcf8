-- Admin console sessions (docs/oauth.md "Admin session"): server-side, so logging out or
-- replacing the API key that opened a session ends it at once. The cookie holds only a random id;
-- this table keeps its SHA-256. Each session is bound to the API key that minted it (`key_hash`)
-- and has an absolute expiry (8 h from creation, never extended).

CREATE TABLE sessions (
  id_hash     TEXT PRIMARY KEY,               -- hex SHA-256 of the cookie's session id
  tenant_id   TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  key_hash    TEXT NOT NULL,                  -- the api_keys row that minted it
  created_at  INTEGER NOT NULL,               -- ms since epoch
  expires_at  INTEGER NOT NULL,               -- ms since epoch, absolute
  revoked_at  INTEGER                         -- set on logout or when the key is replaced
);
CREATE INDEX sessions_key ON sessions(key_hash);
CREATE INDEX sessions_expiry ON sessions(expires_at);

-- Values of inbound change events too large for one queue message (Cloudflare Queues: 128 KB):
-- the message carries `valueRef`, the value waits here until the consumer applied the change.
CREATE TABLE event_payloads (
  tenant_id   TEXT NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
  ref         TEXT NOT NULL,                  -- 'ep_' + 32 hex (SHA-256 prefix of the idempotency key)
  value       TEXT NOT NULL,
  created_at  INTEGER NOT NULL,               -- ms since epoch
  PRIMARY KEY (tenant_id, ref)
);
