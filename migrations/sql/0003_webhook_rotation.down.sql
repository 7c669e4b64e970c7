DROP TRIGGER projects_webhook_url_changed ON projects;
DROP FUNCTION argus_webhook_url_changed();
ALTER TABLE projects
    DROP COLUMN webhook_prev_secret_ciphertext,
    DROP COLUMN webhook_prev_secret_nonce,
    DROP COLUMN webhook_prev_secret_key_id,
    DROP COLUMN webhook_prev_secret_expires_at,
    DROP COLUMN webhook_disabled_at,
    DROP COLUMN webhook_disabled_reason;
