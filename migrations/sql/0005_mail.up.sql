-- The built-in test mailbox (integrations/mail).
--
-- A project's mailbox is named by mail_label, unique across tenants because
-- the SMTP receiver learns the project from the recipient's domain
-- (local@<mail_label>.<ARGUS_MAIL_DOMAIN>) before it knows any tenant. It is
-- set the first time a project's mailbox is used.
--
-- A message's readable parts (subject, sender, preview, text, links, codes)
-- carry reset links and one-time codes, so they are sealed like secrets
-- (AES-256-GCM, bound to tenant, project and message id); only the
-- recipient, arrival time and size stay in the clear, for lookups, quota
-- and retention (ARGUS_MAIL_RETENTION, purged by the purge job).

ALTER TABLE projects
    ADD COLUMN mail_label text UNIQUE CHECK (mail_label ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$');

CREATE TABLE mail_messages (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL,
    project_id  uuid NOT NULL,
    recipient   citext NOT NULL CHECK (length(recipient) BETWEEN 3 AND 320),
    received_at timestamptz NOT NULL,
    size_bytes  integer NOT NULL CHECK (size_bytes >= 0),
    ciphertext  bytea NOT NULL,
    nonce       bytea NOT NULL CHECK (octet_length(nonce) = 12),
    key_id      text NOT NULL,
    FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX mail_messages_project ON mail_messages (tenant_id, project_id, received_at DESC);
CREATE INDEX mail_messages_recipient ON mail_messages (tenant_id, project_id, recipient, received_at DESC);
CREATE INDEX mail_messages_received ON mail_messages (received_at);

ALTER TABLE mail_messages ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON mail_messages TO argus_app
    USING (tenant_id = argus_current_tenant())
    WITH CHECK (tenant_id = argus_current_tenant());
