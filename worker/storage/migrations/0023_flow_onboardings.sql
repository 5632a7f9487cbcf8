-- The onboarding projects closed-won made, one per (tenant, key) (decision 66). A later deal of
-- the same company finds its project here: no CS platform read, no wait on the company's lease.
-- Written in the same batch that releases the lease, once the project and its milestones exist.
CREATE TABLE flow_onboardings (
  tenant_id     TEXT NOT NULL,
  key           TEXT NOT NULL,                -- e.g. 'onboarding-hubspot-company-123'
  cs_account_id TEXT NOT NULL,                -- the CS account the project was made on
  project_id    TEXT NOT NULL,
  run_id        TEXT NOT NULL,                -- the run (Workflow instance) that made it
  created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
  PRIMARY KEY (tenant_id, key)
);
