-- The orders blocked at validation, across tenants, for the every-minute re-check
-- (worker/flows/closed-won/recheck.ts) without scanning every run ever made.
CREATE INDEX flow_runs_blocked ON flow_runs (flow, step, updated_at) WHERE status = 'blocked';
