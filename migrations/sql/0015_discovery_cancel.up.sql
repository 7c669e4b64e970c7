-- A discovery can be cancelled while queued or running: its job is
-- cancelled and its browsers closed; the row records it as cancelled,
-- with the reason in error.

ALTER TABLE discoveries DROP CONSTRAINT discoveries_status_check;
ALTER TABLE discoveries ADD CONSTRAINT discoveries_status_check
    CHECK (status IN ('queued', 'running', 'done', 'error', 'cancelled'));
