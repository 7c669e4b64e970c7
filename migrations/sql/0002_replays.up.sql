-- Saved replays, one per test: the actions of the test's last passing model
-- run, with element fingerprints, repeated by the next run without a model
-- call. content_key is the hash of the test's content (suite.Test.Hash) the
-- replay was recorded from; a worker ignores a replay whose key no longer
-- matches the test, so editing a test retires its replay.
--
-- Replays hold steps with {{secret.NAME}} placeholders, never secret values,
-- and no page content.

CREATE TABLE replays (
    tenant_id   uuid NOT NULL,
    test_id     uuid NOT NULL,
    content_key text NOT NULL CHECK (content_key ~ '^[0-9a-f]{64}$'),
    replay      jsonb NOT NULL CHECK (jsonb_typeof(replay) = 'object'),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, test_id),
    FOREIGN KEY (tenant_id, test_id) REFERENCES tests (tenant_id, id) ON DELETE CASCADE
);

ALTER TABLE replays ENABLE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON replays TO argus_app
    USING (tenant_id = argus_current_tenant())
    WITH CHECK (tenant_id = argus_current_tenant());
