-- The newest change Concord recorded per tenant and source, for the console's intake screen
-- (`GET /v1/tenants/:t/ops/intake`: last event and its lag) without scanning a tenant's log.
CREATE INDEX events_recent ON events(tenant_id, system, recorded_at);
