-- The ERP records a stalled-onboarding billing hold put on hold (worker/flows/account-changes/
-- billing-hold.ts): one row per episode and sales order, written after the ERP accepted the hold.
-- An order recorded for an episode is never held again in that episode (a person who approves it
-- meanwhile has the last word); `lifted_at` is set once Concord released it, or found it no longer
-- held, after the episode ended or the policy stopped holding billing.
CREATE TABLE automation_holds (
  tenant_id    TEXT NOT NULL,
  account_id   TEXT NOT NULL,
  episode_key  TEXT NOT NULL,
  system       TEXT NOT NULL,
  record_id    TEXT NOT NULL,
  number       TEXT NOT NULL,
  external_id  TEXT,
  held_at      TEXT NOT NULL,
  lifted_at    TEXT,
  PRIMARY KEY (tenant_id, account_id, episode_key, record_id)
);

-- The holds still in force, per account (the batch reads them for its accounts).
CREATE INDEX automation_holds_open ON automation_holds (tenant_id, account_id) WHERE lifted_at IS NULL;
