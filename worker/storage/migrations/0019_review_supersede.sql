-- A review case superseded because one of its records changed who it is (or left the CRM) no
-- longer blocks its pair: re-scoring the changed record may ask the same pair again, with the
-- record as it is now (docs/decisions.md 52). Every other state still keeps a pair to one case
-- (a decided pair is never raised again).
DROP INDEX review_cases_pair;
CREATE UNIQUE INDEX review_cases_pair ON review_cases(tenant_id, subject_system, subject_id, candidate_system, candidate_id)
  WHERE status <> 'superseded';
-- The open cases about a record, as subject or as candidate (superseded when the record changes).
CREATE INDEX review_cases_candidate ON review_cases(tenant_id, candidate_system, candidate_id, status);
