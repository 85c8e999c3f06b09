-- 0006_update_competitor: a skipped decision names the competing
-- transaction it stood down for, and the responder finds windows that closed
-- with a newer stored proof than the chain's (missed) by deadline.
ALTER TABLE updates ADD COLUMN competitor BLOB CHECK (competitor IS NULL OR length(competitor) = 32);

-- MissedWindows: closed and settled channels by deadline.
CREATE INDEX channels_ended_deadline ON channels (deadline) WHERE state IN (1, 2);
