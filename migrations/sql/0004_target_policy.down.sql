ALTER TABLE projects DROP COLUMN block_third_party_requests;
