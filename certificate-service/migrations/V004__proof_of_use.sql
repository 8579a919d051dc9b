-- certificate-service, issue 21.
-- The proof of use made at SOP step 6, right after issuance: a test signature with the new key,
-- verified against our CA for signing use, the signer being the holder (ProofOfUse in
-- src/proof_of_use.h). {"passed": bool, "checked_at": RFC 3339, "checks": [{name, passed,
-- detail}]}. NULL for a certificate issued before this release: HandOver refuses it, as it
-- refuses a FAILED report, because its key is sealed and can no longer be tried.
ALTER TABLE certificates ADD COLUMN proof_of_use jsonb;
