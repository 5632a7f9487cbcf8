-- Short leases a flow step takes on a key before a create the vendor cannot make idempotent by
-- itself (Vitally projects have no external id): two runs of one company's deals won at once
-- would both find no onboarding project and both create one. The holder is the run id; a lease
-- whose holder died expires, so nothing waits for ever.
CREATE TABLE flow_leases (
  tenant_id  TEXT NOT NULL,
  key        TEXT NOT NULL,                    -- e.g. 'onboarding:onboarding-hubspot-company-123'
  holder     TEXT NOT NULL,                    -- the run (Workflow instance) id
  expires_at TEXT NOT NULL,                    -- ISO instant
  PRIMARY KEY (tenant_id, key)
);
