-- Which parts of an account's CS data its changes named (bits: 1 health, 2 onboarding,
-- 4 escalations), OR-ed over the marks not yet cleared, so the change pipeline reads only those
-- from Vitally while the rest of the cached view is fresh (docs/decisions.md 57). Rows marked
-- before this column existed, and marks that cannot say (a sweep, a test), mean every part.
ALTER TABLE account_dirty ADD COLUMN cs_parts INTEGER NOT NULL DEFAULT 7;
