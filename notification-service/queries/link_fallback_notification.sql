-- The email that replaces a WhatsApp message WhatsApp could not deliver.
UPDATE notifications SET fallback_id = $2::uuid WHERE id = $1::uuid
