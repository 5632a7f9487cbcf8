-- What started a flow run (webhook, callout, demo, api), kept with its claim: a run whose
-- Workflow instance was never created (the intake died between the claim and the create) can then
-- be started by the stalled-run sweep with the same parameters (worker/flows/closed-won/recovery.ts).
-- NULL on runs claimed before this migration.
ALTER TABLE flow_runs ADD COLUMN trigger_kind TEXT;
