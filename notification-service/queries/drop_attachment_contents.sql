-- The attachment may hold a keystore (SOP step 7): its bytes go as soon as they are no longer
-- needed (delivered, or failed for good); its metadata stays.
UPDATE notification_attachments SET content = NULL WHERE notification_id = $1::uuid
