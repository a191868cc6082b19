-- Revert pulse:managers_are_colleagues from pg

BEGIN;

-- Nothing to undo: the deploy only cleared managers that named someone the
-- report's colleagues could not see; which ones is not recorded (the
-- activity log has each change).

COMMIT;
