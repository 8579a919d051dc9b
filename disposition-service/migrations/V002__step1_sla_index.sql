-- disposition-service: step 1 of the SLA report (submission at intake -> case opened) by time.
CREATE INDEX cases_opened_sla ON cases (opened_at) WHERE submitted_at IS NOT NULL;
