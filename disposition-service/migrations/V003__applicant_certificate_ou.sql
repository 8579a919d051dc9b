-- The unit's name in the certificate's OU, as intake resolved it from its unit registry at SOP
-- step 1; carried to the certificate service with StartEnrollment at step 5 (issue 15: what the
-- certificate would refuse, step 1 refuses first). Empty for cases opened before.
ALTER TABLE cases ADD COLUMN applicant_certificate_ou text NOT NULL DEFAULT '';
