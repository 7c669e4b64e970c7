-- Video recordings of agents: per project (default off) and per test
-- (empty: the project's), the blob key of an agent's kept recording beside
-- its video_url.
ALTER TABLE projects ADD COLUMN video text NOT NULL DEFAULT 'off' CHECK (video IN ('off', 'on', 'on-failure'));
ALTER TABLE tests ADD COLUMN video text NOT NULL DEFAULT '' CHECK (video IN ('', 'off', 'on', 'on-failure'));
ALTER TABLE agents ADD COLUMN video_key text;
