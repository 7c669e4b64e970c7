-- A project may ask for hermetic runs: every request of its browsers outside
-- the base URL's origin and its allowed origins is refused.
ALTER TABLE projects ADD COLUMN block_third_party_requests boolean NOT NULL DEFAULT false;
