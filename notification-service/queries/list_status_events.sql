-- Every status event received for the Cloud API's message $1.
SELECT status, to_micros(at) AS at_us, COALESCE(error_code, 0) AS error_code,
       COALESCE(error_text, '') AS error_text
FROM whatsapp_status_events
WHERE provider_message_id = $1
