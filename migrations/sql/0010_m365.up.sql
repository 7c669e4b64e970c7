-- Microsoft 365 mailboxes (integrations/m365).
--
-- A project's connection is its integrations row of kind m365: the
-- settings (mode, directory, app, mailbox) in config, the client secret and
-- refresh token sealed in the token columns. A delegated sign-in starts with
-- an OAuth state (10 minutes, single use) that must remember which
-- project's mailbox it connects.

ALTER TABLE oauth_states ADD COLUMN project_id uuid;
ALTER TABLE oauth_states ADD FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE CASCADE;
