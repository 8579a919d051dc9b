-- certificate-service, issue 23 (races): SOP step 6 issues one certificate per enrollment. The
-- SetPassphrase whose activation code matched holds the enrollment until issuing_until while it
-- calls the CA outside any transaction; another SetPassphrase (or a resent code) meanwhile is
-- refused ABORTED before the CA is called, so the CA signs at most once per enrollment. The
-- hold ends when the certificate is stored or the issuance fails, and lapses by itself after a
-- crash. NULL: no issuance under way.
ALTER TABLE enrollments ADD COLUMN issuing_until timestamptz;
