-- Test plans, their runs, and prompt roles.
--
-- A plan is a project's graph of tests (nodes: [{"test": name, "needs":
-- [names]}], in written order); package plan holds its rules. A run of a
-- plan is an ordinary run whose agents each have a plan_nodes row: a node
-- is pending until its needs have passed (its agent queued but without a
-- job), running once its job is enqueued, and ends with its agent's
-- status, or skipped (its agent cancelled with reason plan_skipped) when a
-- need did not pass. vars are the values the node's test remembered, read
-- from the page and redacted like every recorded text.

CREATE TABLE plans (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   uuid NOT NULL,
    project_id  uuid NOT NULL,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    nodes       jsonb NOT NULL CHECK (jsonb_typeof(nodes) = 'array' AND jsonb_array_length(nodes) BETWEEN 1 AND 50),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE CASCADE,
    UNIQUE (tenant_id, id),
    UNIQUE (project_id, name)
);
CREATE INDEX plans_tenant ON plans (tenant_id);

ALTER TABLE plans ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON plans TO argus_app
    USING (tenant_id = argus_current_tenant())
    WITH CHECK (tenant_id = argus_current_tenant());

CREATE TABLE plan_nodes (
    tenant_id   uuid NOT NULL,
    run_id      uuid NOT NULL,
    agent_id    uuid NOT NULL,
    plan_name   text NOT NULL,
    name        text NOT NULL,
    needs       text[] NOT NULL DEFAULT '{}',
    position    integer NOT NULL CHECK (position >= 0),
    status      text NOT NULL DEFAULT 'pending'
                CHECK (status IN ('pending', 'running', 'passed', 'failed', 'error', 'skipped', 'cancelled')),
    reason      text NOT NULL DEFAULT '',
    vars        jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(vars) = 'object'),
    PRIMARY KEY (run_id, name),
    UNIQUE (agent_id),
    FOREIGN KEY (tenant_id, run_id) REFERENCES runs (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX plan_nodes_tenant ON plan_nodes (tenant_id);
-- The reconciliation looks for pending nodes of runs with nothing open.
CREATE INDEX plan_nodes_pending ON plan_nodes (run_id) WHERE status = 'pending';

ALTER TABLE plan_nodes ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON plan_nodes TO argus_app
    USING (tenant_id = argus_current_tenant())
    WITH CHECK (tenant_id = argus_current_tenant());

-- Prompt roles a project defines (roles: in its test files), beside the
-- built-in ones.
CREATE TABLE roles (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    tenant_id   uuid NOT NULL,
    project_id  uuid NOT NULL,
    name        text NOT NULL CHECK (name ~ '^[a-z][a-z0-9_-]{0,63}$'),
    prompt      text NOT NULL CHECK (length(prompt) BETWEEN 1 AND 4000),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE CASCADE,
    UNIQUE (project_id, name)
);
CREATE INDEX roles_tenant ON roles (tenant_id);

ALTER TABLE roles ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON roles TO argus_app
    USING (tenant_id = argus_current_tenant())
    WITH CHECK (tenant_id = argus_current_tenant());

-- The role a test names, resolved when an agent starts.
ALTER TABLE tests ADD COLUMN role text NOT NULL DEFAULT ''
    CHECK (role = '' OR role ~ '^[a-z][a-z0-9_-]{0,63}$');
