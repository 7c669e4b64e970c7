-- Regression selection: the covers: globs of a test (repository paths whose
-- change it checks), matched against a change's paths when CI asks which
-- tests to run (POST /api/v1/projects/{id}/select).

ALTER TABLE tests
    ADD COLUMN covers text[] NOT NULL DEFAULT '{}' CHECK (cardinality(covers) <= 50);
