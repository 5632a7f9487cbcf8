-- What a backfill read of the CS platform's workspace-wide lists (accounts, projects, tasks,
-- conversations), per CS account, kept while the run writes its pages of accounts
-- (worker/services/sync-runs/cs-stage.ts): a page's accounts are built from these rows instead of
-- three reads per account. `data_json` is what the connector keeps of the record (opaque here).
-- A page's rows are deleted with the step that used them; what is left at the end of the run
-- (CS accounts no account is linked to) goes when the run completes, and a new backfill of the
-- tenant drops any rows a failed run left.
CREATE TABLE sync_cs_items (
  tenant_id      TEXT NOT NULL,
  run_id         TEXT NOT NULL,
  cs_account_id  TEXT NOT NULL,
  list           TEXT NOT NULL,                 -- the connector's list name: accounts, projects, tasks, conversations
  item_id        TEXT NOT NULL,
  data_json      TEXT NOT NULL,
  read_at        TEXT NOT NULL,                 -- when the list page was read (the account's CS reading is as old as its oldest row)
  PRIMARY KEY (tenant_id, run_id, cs_account_id, list, item_id)
);
