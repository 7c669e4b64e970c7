ALTER TABLE oauth_states DROP COLUMN project_id;
