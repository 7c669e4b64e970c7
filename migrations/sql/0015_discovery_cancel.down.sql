-- Before cancellation existed, a discovery that did not finish ended in
-- error; cancelled ones become that, with their reason kept.
UPDATE discoveries SET status = 'error' WHERE status = 'cancelled';
ALTER TABLE discoveries DROP CONSTRAINT discoveries_status_check;
ALTER TABLE discoveries ADD CONSTRAINT discoveries_status_check
    CHECK (status IN ('queued', 'running', 'done', 'error'));
