ALTER TABLE tests DROP COLUMN persona;
DROP TABLE personas;
