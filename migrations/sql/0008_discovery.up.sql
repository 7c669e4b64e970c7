-- Discoveries: a crawl of a project's application in real browsers (the
-- map and forms phases), run as a River job. The result is the app map
-- (pages, links, forms, auth walls) and the suggested tests as YAML, which
-- a person reviews and accepts into the project as test files.

CREATE TABLE discoveries (
    id               uuid PRIMARY KEY,
    tenant_id        uuid NOT NULL,
    project_id       uuid NOT NULL,
    status           text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'error')),
    -- The persona discovery signs in as; '' for none.
    persona          text NOT NULL DEFAULT '' CHECK (length(persona) <= 64),
    login_path       text NOT NULL DEFAULT '/login' CHECK (length(login_path) BETWEEN 1 AND 500),
    max_pages        integer NOT NULL CHECK (max_pages BETWEEN 1 AND 10000),
    error            text NOT NULL DEFAULT '' CHECK (length(error) <= 4000),
    pages            integer NOT NULL DEFAULT 0,
    forms            integer NOT NULL DEFAULT 0,
    app_map          jsonb,
    suggested_yaml   text NOT NULL DEFAULT '',
    suggested_count  integer NOT NULL DEFAULT 0,
    created_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE CASCADE,
    UNIQUE (tenant_id, id)
);
CREATE INDEX discoveries_project ON discoveries (tenant_id, project_id, created_at DESC);

ALTER TABLE discoveries ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON discoveries TO argus_app
    USING (tenant_id = argus_current_tenant())
    WITH CHECK (tenant_id = argus_current_tenant());

-- Whether discovery may submit forms that look destructive (delete, pay,
-- send). Off: they are mapped, never submitted.
ALTER TABLE projects ADD COLUMN discovery_allow_destructive boolean NOT NULL DEFAULT false;
