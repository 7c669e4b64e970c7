-- Schedules: a cron expression in a time zone selecting a project's tests
-- by tag and name, within a daily budget of agent runs and model tokens.
-- next_fire_at is the source of truth for when a schedule fires next: a
-- firing claims it by moving it forward in the same transaction that
-- creates the run, so one due time fires once across any number of
-- workers and a restart loses nothing (no in-memory timer decides).

CREATE TABLE schedules (
    id                 uuid PRIMARY KEY,
    tenant_id          uuid NOT NULL,
    project_id         uuid NOT NULL,
    name               text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    cron               text NOT NULL CHECK (length(cron) BETWEEN 1 AND 200),
    timezone           text NOT NULL DEFAULT 'UTC' CHECK (length(timezone) BETWEEN 1 AND 64),
    tags               text[] NOT NULL DEFAULT '{}',
    test_names         text[] NOT NULL DEFAULT '{}',
    -- NULL: no limit.
    max_runs_per_day   integer CHECK (max_runs_per_day >= 0),
    max_tokens_per_day bigint CHECK (max_tokens_per_day >= 0),
    paused             boolean NOT NULL DEFAULT false,
    -- NULL while paused.
    next_fire_at       timestamptz,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (tenant_id, project_id) REFERENCES projects (tenant_id, id) ON DELETE CASCADE,
    UNIQUE (tenant_id, id),
    UNIQUE (tenant_id, project_id, name)
);
CREATE INDEX schedules_due ON schedules (next_fire_at) WHERE NOT paused;

-- One row per firing: the run it started (none when the budget left
-- nothing to run) and the tests it skipped with the reason.
CREATE TABLE schedule_firings (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL,
    schedule_id uuid NOT NULL,
    due_at      timestamptz NOT NULL,
    fired_at    timestamptz NOT NULL,
    run_id      uuid,
    skipped     jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(skipped) = 'array'),
    FOREIGN KEY (tenant_id, schedule_id) REFERENCES schedules (tenant_id, id) ON DELETE CASCADE,
    FOREIGN KEY (tenant_id, run_id) REFERENCES runs (tenant_id, id) ON DELETE CASCADE,
    UNIQUE (schedule_id, due_at)
);
CREATE INDEX schedule_firings_schedule ON schedule_firings (tenant_id, schedule_id, due_at DESC);
CREATE INDEX schedule_firings_run ON schedule_firings (tenant_id, run_id);

ALTER TABLE schedules ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON schedules TO argus_app
    USING (tenant_id = argus_current_tenant())
    WITH CHECK (tenant_id = argus_current_tenant());
ALTER TABLE schedule_firings ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON schedule_firings TO argus_app
    USING (tenant_id = argus_current_tenant())
    WITH CHECK (tenant_id = argus_current_tenant());
