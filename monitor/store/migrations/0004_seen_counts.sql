-- 0004_seen_counts: the distinct channels and participants ever seen are
-- kept as counters.
--
-- Until now seen_channels and seen_addresses got a row at every first
-- sighting: a random B-tree insert (a WAL page) per new channel and per new
-- participant on the intake path. From now on a sighting is "new" when no
-- stored request shows it and those tables do not hold it, and the tables
-- get rows only when the requests that showed something are deleted, so
-- that the counts never shrink. The counts start from the tables as they
-- are, which still hold every sighting so far.
CREATE TABLE seen_counts (
    kind TEXT    PRIMARY KEY CHECK (kind IN ('channels', 'participants')),
    n    INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO seen_counts (kind, n) VALUES
    ('channels', (SELECT COUNT(*) FROM seen_channels)),
    ('participants', (SELECT COUNT(*) FROM seen_addresses));
