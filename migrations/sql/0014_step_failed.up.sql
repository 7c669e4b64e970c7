-- Whether a step failed (an action that did not work, an assertion that
-- did not hold), as the agent recorded it: the failed step of an agent is
-- read from its record, not guessed from its position.

ALTER TABLE steps ADD COLUMN failed boolean NOT NULL DEFAULT false;
