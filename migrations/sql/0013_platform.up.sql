-- Runs recorded by `argus demo --serve` from its in-process run (trigger
-- local), the selection that started a run, a test's priority for a
-- schedule's budget, and the digest mail of schedules.

ALTER TABLE runs DROP CONSTRAINT runs_trigger_check;
ALTER TABLE runs ADD CONSTRAINT runs_trigger_check
    CHECK (trigger IN ('ui', 'api', 'ci', 'schedule', 'local'));

-- What picked a run's tests (POST /projects/{id}/select): the method
-- (model or rules), the change it was given in summary, and one reason per
-- chosen test. NULL for runs that were not selected.
ALTER TABLE runs ADD COLUMN selection jsonb
    CHECK (selection IS NULL OR jsonb_typeof(selection) = 'object');

-- 1 (lowest) to 5 (highest); a schedule's budget multiplies a test's
-- staleness by it.
ALTER TABLE tests ADD COLUMN priority smallint NOT NULL DEFAULT 3 CHECK (priority BETWEEN 1 AND 5);

-- Digest: off, after each firing's run has finished, or once a day (the
-- day in the schedule's time zone) over that day's firings.
ALTER TABLE schedules
    ADD COLUMN digest text NOT NULL DEFAULT 'off' CHECK (digest IN ('off', 'firing', 'daily')),
    ADD COLUMN digest_to text[] NOT NULL DEFAULT '{}' CHECK (cardinality(digest_to) <= 50),
    -- daily: the start of the next day not yet digested.
    ADD COLUMN digest_from timestamptz;
-- firing: when this firing's digest went out (NULL: not yet).
ALTER TABLE schedule_firings ADD COLUMN digest_sent_at timestamptz;
