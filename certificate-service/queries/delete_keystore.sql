-- The retention time is over: the sealed key goes, the certificate stays.
DELETE FROM keystores WHERE application_id = $1
