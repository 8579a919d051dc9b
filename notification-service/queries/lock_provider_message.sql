-- Serializes everything about one Cloud API message id ($1): the webhook's events and the
-- worker recording the id, so an event never slips between them unapplied.
SELECT pg_advisory_xact_lock(hashtext('whatsapp:' || $1)) IS NULL AS locked
