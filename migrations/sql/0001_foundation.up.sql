-- Argus foundation schema.
--
-- Tenant isolation has two layers. Every store query filters by tenant_id
-- explicitly, and every tenant table has row-level security: tenant
-- transactions run as the non-owner role argus_app with the tenant set by
-- SET LOCAL argus.tenant_id, so a query that forgets its filter still sees
-- only the current tenant's rows. Children reference parents by
-- (tenant_id, id), so no row can point into another tenant.
--
-- Page HTML, page text, console logs and network events are never stored:
-- no column here holds them.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'argus_app') THEN
        CREATE ROLE argus_app NOLOGIN NOSUPERUSER NOINHERIT NOBYPASSRLS;
    END IF;
END
$$;
GRANT argus_app TO CURRENT_USER;

CREATE EXTENSION IF NOT EXISTS pgcrypto;
CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE FUNCTION argus_current_tenant() RETURNS uuid
    LANGUAGE sql STABLE
    AS $$ SELECT NULLIF(current_setting('argus.tenant_id', true), '')::uuid $$;

CREATE TABLE tenants (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name       text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    slug       citext NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE users (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    email         citext NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 320 AND email LIKE '%_@_%'),
    name          text NOT NULL DEFAULT '' CHECK (length(name) <= 200),
    -- bcrypt, made by pgcrypto crypt(password, gen_salt('bf', cost)).
    password_hash text NOT NULL CHECK (password_hash LIKE '$2a$%'),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    last_login_at timestamptz
);

CREATE TABLE memberships (
    tenant_id  uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id    uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       text NOT NULL CHECK (role IN ('admin', 'member')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id)
);
CREATE INDEX memberships_user ON memberships (user_id);

CREATE TABLE api_keys (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id      uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name           text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    -- SHA-256 of the key, hex. The key itself is shown once and never stored.
    key_hash       text NOT NULL UNIQUE CHECK (key_hash ~ '^[0-9a-f]{64}$'),
    display_prefix text NOT NULL CHECK (length(display_prefix) <= 16),
    role           text NOT NULL DEFAULT 'member' CHECK (role IN ('admin', 'member')),
    created_by     uuid REFERENCES users (id) ON DELETE SET NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    expires_at     timestamptz,
    last_used_at   timestamptz,
    revoked_at     timestamptz,
    UNIQUE (tenant_id, id)
);

-- Sessions are cheap to lose (people log in again) and written on every
-- request, so the table skips the write-ahead log.
CREATE UNLOGGED TABLE user_sessions (
    -- SHA-256 of 32 random bytes, hex.
    token_hash   text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    user_id      uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    created_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL DEFAULT now() + interval '7 days'
);
CREATE INDEX user_sessions_expires ON user_sessions (expires_at);
CREATE INDEX user_sessions_user ON user_sessions (user_id);

CREATE TABLE password_reset_tokens (
    token_hash  text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
    user_id     uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL DEFAULT now() + interval '1 day',
    consumed_at timestamptz
);
CREATE INDEX password_reset_tokens_expires ON password_reset_tokens (expires_at);

CREATE TABLE oauth_states (
    state_hash   text PRIMARY KEY CHECK (state_hash ~ '^[0-9a-f]{64}$'),
    tenant_id    uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id      uuid REFERENCES users (id) ON DELETE CASCADE,
    provider     text NOT NULL CHECK (provider IN ('github', 'm365')),
    redirect_url text NOT NULL DEFAULT '',
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL DEFAULT now() + interval '10 minutes'
);
CREATE INDEX oauth_states_expires ON oauth_states (expires_at);

CREATE TABLE projects (
    id                      uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id               uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    name                    text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    base_url                text NOT NULL CHECK (base_url ~ '^https?://'),
    allowed_origins         text[] NOT NULL DEFAULT '{}',
    webhook_url             text NOT NULL DEFAULT '',
    -- AES-256-GCM; empty when no webhook secret has been made.
    webhook_secret_ciphertext bytea,
    webhook_secret_nonce      bytea CHECK (octet_length(webhook_secret_nonce) = 12),
    webhook_secret_key_id     text,
    default_model           text NOT NULL DEFAULT '',
    settings                jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(settings) = 'object'),
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, name)
);

CREATE TABLE secrets (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id  uuid NOT NULL,
    project_id uuid NOT NULL,
    name       text NOT NULL CHECK (name ~ '^[A-Za-z_][A-Za-z0-9_.-]{0,63}$'),
    -- AES-256-GCM with a 12-byte random nonce; bound to tenant, project and name.
    ciphertext bytea NOT NULL,
    nonce      bytea NOT NULL CHECK (octet_length(nonce) = 12),
    key_id     text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE CASCADE,
    UNIQUE (project_id, name)
);
CREATE INDEX secrets_tenant ON secrets (tenant_id);

CREATE TABLE tests (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id       uuid NOT NULL,
    project_id      uuid NOT NULL,
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    start_url       text NOT NULL DEFAULT '',
    goal            text NOT NULL DEFAULT '',
    steps           jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(steps) = 'array'),
    checkpoints     jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(checkpoints) = 'array'),
    tags            text[] NOT NULL DEFAULT '{}',
    timeout_seconds integer NOT NULL DEFAULT 600 CHECK (timeout_seconds BETWEEN 1 AND 86400),
    search          text GENERATED ALWAYS AS (name || ' ' || goal) STORED,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE CASCADE,
    UNIQUE (tenant_id, id),
    UNIQUE (project_id, name),
    CHECK (goal <> '' OR steps <> '[]')
);
CREATE INDEX tests_tenant_created ON tests (tenant_id, created_at DESC, id DESC);
CREATE INDEX tests_search_trgm ON tests USING gin (search gin_trgm_ops);
CREATE INDEX tests_tags ON tests USING gin (tags);

CREATE TABLE runs (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id       uuid NOT NULL,
    project_id      uuid NOT NULL,
    status          text NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'running', 'passed', 'failed', 'error', 'cancelled')),
    trigger         text NOT NULL CHECK (trigger IN ('ui', 'api', 'ci', 'schedule')),
    commit_sha      text NOT NULL DEFAULT '' CHECK (commit_sha ~ '^[0-9a-f]{0,64}$'),
    branch          text NOT NULL DEFAULT '' CHECK (length(branch) <= 255),
    created_by_user uuid REFERENCES users (id) ON DELETE SET NULL,
    created_by_key  uuid REFERENCES api_keys (id) ON DELETE SET NULL,
    idempotency_key text CHECK (length(idempotency_key) BETWEEN 1 AND 255),
    -- SHA-256 of the request that first used idempotency_key, so a reuse
    -- with a different body is refused instead of answered wrongly.
    request_hash    text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    finished_at     timestamptz,
    FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE CASCADE,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, idempotency_key)
);
CREATE INDEX runs_tenant_created ON runs (tenant_id, created_at DESC, id DESC);
CREATE INDEX runs_project_created ON runs (project_id, created_at DESC);

CREATE TABLE agents (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id     uuid NOT NULL,
    run_id        uuid NOT NULL,
    -- NULL when the test was deleted after the run; the name is kept.
    test_id       uuid,
    test_name     text NOT NULL,
    status        text NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'running', 'passed', 'failed', 'error', 'cancelled')),
    -- Redacted: secret values are masked before they reach this row.
    summary       text NOT NULL DEFAULT '',
    error_reason  text NOT NULL DEFAULT '',
    model         text NOT NULL DEFAULT '',
    iterations    integer NOT NULL DEFAULT 0 CHECK (iterations >= 0),
    input_tokens  bigint NOT NULL DEFAULT 0 CHECK (input_tokens >= 0),
    output_tokens bigint NOT NULL DEFAULT 0 CHECK (output_tokens >= 0),
    attempt       integer NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    job_id        bigint,
    video_url     text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    started_at    timestamptz,
    finished_at   timestamptz,
    duration_ms   bigint CHECK (duration_ms >= 0),
    FOREIGN KEY (tenant_id, run_id) REFERENCES runs (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, test_id) REFERENCES tests (tenant_id, id) ON DELETE SET NULL (test_id),
    UNIQUE (tenant_id, id)
);
CREATE INDEX agents_run ON agents (run_id, created_at);
CREATE INDEX agents_tenant_created ON agents (tenant_id, created_at DESC, id DESC);
CREATE INDEX agents_test_created ON agents (test_id, created_at DESC);

CREATE TABLE steps (
    tenant_id      uuid NOT NULL,
    agent_id       uuid NOT NULL,
    attempt        integer NOT NULL DEFAULT 0,
    idx            integer NOT NULL CHECK (idx >= 0),
    -- All text here is redacted before it is written.
    thought        text NOT NULL DEFAULT '',
    action         text NOT NULL,
    args           jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(args) = 'object'),
    outcome        text NOT NULL DEFAULT '',
    url            text NOT NULL DEFAULT '',
    observe_ms     integer NOT NULL DEFAULT 0,
    model_ms       integer NOT NULL DEFAULT 0,
    act_ms         integer NOT NULL DEFAULT 0,
    input_tokens   integer NOT NULL DEFAULT 0,
    output_tokens  integer NOT NULL DEFAULT 0,
    -- Key of the screenshot in blob storage, not the image.
    screenshot_key text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (agent_id, attempt, idx),
    FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX steps_tenant ON steps (tenant_id);

CREATE TABLE webhook_deliveries (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id        uuid NOT NULL,
    project_id       uuid NOT NULL,
    -- The webhook-id header: the same on every attempt of one event.
    event_id         text NOT NULL,
    event_type       text NOT NULL,
    url              text NOT NULL,
    payload          jsonb NOT NULL,
    attempt          integer NOT NULL CHECK (attempt >= 1),
    status_code      integer,
    latency_ms       integer,
    -- First 1 KB of the response body.
    response_excerpt text NOT NULL DEFAULT '' CHECK (octet_length(response_excerpt) <= 1024),
    error            text NOT NULL DEFAULT '',
    created_at       timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_deliveries_project ON webhook_deliveries (tenant_id, project_id, created_at DESC);
CREATE INDEX webhook_deliveries_event ON webhook_deliveries (event_id);

CREATE TABLE integrations (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id         uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    project_id        uuid,
    kind              text NOT NULL CHECK (kind IN ('github', 'm365')),
    -- Non-secret settings: installation id, repository, labels, mailbox.
    config            jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(config) = 'object'),
    -- AES-256-GCM: installation or OAuth token.
    token_ciphertext  bytea,
    token_nonce       bytea CHECK (octet_length(token_nonce) = 12),
    token_key_id      text,
    token_expires_at  timestamptz,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE CASCADE,
    UNIQUE NULLS NOT DISTINCT (tenant_id, project_id, kind)
);

-- Row-level security: the backstop behind every explicit tenant filter.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['memberships', 'api_keys', 'user_sessions', 'oauth_states', 'projects',
                             'secrets', 'tests', 'runs', 'agents', 'steps', 'webhook_deliveries', 'integrations']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY tenant_isolation ON %I TO argus_app
                        USING (tenant_id = argus_current_tenant())
                        WITH CHECK (tenant_id = argus_current_tenant())', t);
    END LOOP;
END
$$;

ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants TO argus_app
    USING (id = argus_current_tenant()) WITH CHECK (id = argus_current_tenant());

-- People are global (one person may belong to several tenants); a tenant
-- sees only its members.
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
CREATE POLICY members_only ON users FOR SELECT TO argus_app
    USING (EXISTS (SELECT 1 FROM memberships m WHERE m.user_id = users.id));
