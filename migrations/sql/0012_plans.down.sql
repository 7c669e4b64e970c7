ALTER TABLE tests DROP COLUMN role;
DROP TABLE roles;
DROP TABLE plan_nodes;
DROP TABLE plans;
