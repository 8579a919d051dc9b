-- The idempotent service calls (OpenCase, ResumeCase, WithdrawCase): what a request id was used
-- for before, if at all.
SELECT application_id, kind
  FROM case_requests
 WHERE request_id = $1
