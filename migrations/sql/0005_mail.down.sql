DROP TABLE mail_messages;
ALTER TABLE projects DROP COLUMN mail_label;
