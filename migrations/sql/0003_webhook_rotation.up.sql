-- Webhook endpoint state beyond the URL and the current secret.
--
-- Rotation: when a project's signing secret is replaced, the old one is kept
-- (sealed like the current one, with the same associated data) until
-- webhook_prev_secret_expires_at, and deliveries are signed with both, so
-- receivers can switch secrets without losing an event.
--
-- Disabling: a receiver that answers 410 Gone asks not to be called again;
-- the endpoint stays configured but no delivery is attempted while
-- webhook_disabled_at is set. Changing the URL enables it again.

ALTER TABLE projects
    ADD COLUMN webhook_prev_secret_ciphertext bytea,
    ADD COLUMN webhook_prev_secret_nonce      bytea CHECK (octet_length(webhook_prev_secret_nonce) = 12),
    ADD COLUMN webhook_prev_secret_key_id     text,
    ADD COLUMN webhook_prev_secret_expires_at timestamptz,
    ADD COLUMN webhook_disabled_at            timestamptz,
    ADD COLUMN webhook_disabled_reason        text NOT NULL DEFAULT '' CHECK (length(webhook_disabled_reason) <= 500);

CREATE FUNCTION argus_webhook_url_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.webhook_url IS DISTINCT FROM OLD.webhook_url THEN
        NEW.webhook_disabled_at := NULL;
        NEW.webhook_disabled_reason := '';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER projects_webhook_url_changed BEFORE UPDATE OF webhook_url ON projects
    FOR EACH ROW EXECUTE FUNCTION argus_webhook_url_changed();
