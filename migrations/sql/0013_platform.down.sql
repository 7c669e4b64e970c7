ALTER TABLE schedule_firings DROP COLUMN digest_sent_at;
ALTER TABLE schedules DROP COLUMN digest, DROP COLUMN digest_to, DROP COLUMN digest_from;
ALTER TABLE tests DROP COLUMN priority;
ALTER TABLE runs DROP COLUMN selection;
DELETE FROM runs WHERE trigger = 'local';
ALTER TABLE runs DROP CONSTRAINT runs_trigger_check;
ALTER TABLE runs ADD CONSTRAINT runs_trigger_check CHECK (trigger IN ('ui', 'api', 'ci', 'schedule'));
