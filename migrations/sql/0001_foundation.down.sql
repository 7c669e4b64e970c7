DROP TABLE IF EXISTS integrations, webhook_deliveries, steps, agents, runs, tests, secrets,
    projects, oauth_states, password_reset_tokens, user_sessions, api_keys, memberships,
    users, tenants;
DROP FUNCTION IF EXISTS argus_current_tenant();
-- The argus_app role is cluster-wide and may serve other databases; it is
-- left in place and owns nothing once the tables are gone.
