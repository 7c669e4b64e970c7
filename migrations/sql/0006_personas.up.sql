-- Personas: named identities a test runs as (persona: buyer in a test file).
--
-- A persona holds no secret itself: password_secret and totp_secret name
-- vault secrets (the secrets table, sealed), opened only where an agent
-- types them. locale, timezone and user_agent are applied to the browser
-- session; every agent still starts from a fresh profile.

CREATE TABLE personas (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id       uuid NOT NULL,
    project_id      uuid NOT NULL,
    name            text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_-]{0,63}$'),
    display_name    text NOT NULL DEFAULT '' CHECK (length(display_name) <= 200),
    email           text NOT NULL DEFAULT '' CHECK (length(email) <= 320),
    username        text NOT NULL DEFAULT '' CHECK (length(username) <= 320),
    password_secret text NOT NULL DEFAULT '' CHECK (password_secret = '' OR password_secret ~ '^[A-Za-z_][A-Za-z0-9_.-]{0,63}$'),
    totp_secret     text NOT NULL DEFAULT '' CHECK (totp_secret = '' OR totp_secret ~ '^[A-Za-z_][A-Za-z0-9_.-]{0,63}$'),
    locale          text NOT NULL DEFAULT '' CHECK (length(locale) <= 35),
    timezone        text NOT NULL DEFAULT '' CHECK (length(timezone) <= 64),
    user_agent      text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 500),
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE CASCADE,
    UNIQUE (project_id, name)
);
CREATE INDEX personas_tenant ON personas (tenant_id);

ALTER TABLE personas ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON personas TO argus_app
    USING (tenant_id = argus_current_tenant())
    WITH CHECK (tenant_id = argus_current_tenant());

-- The persona a test runs as, by name; resolved when an agent starts, so
-- renaming or deleting a persona is reported then rather than refused now.
ALTER TABLE tests ADD COLUMN persona text NOT NULL DEFAULT ''
    CHECK (persona = '' OR persona ~ '^[a-z][a-z0-9_-]{0,63}$');
