ALTER TABLE projects DROP COLUMN discovery_allow_destructive;
DROP TABLE discoveries;
