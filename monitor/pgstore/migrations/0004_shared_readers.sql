-- 0004_shared_readers: what lets replicas follow each other's writes
-- cheaply: the locator index's incremental reads (tower.go,
-- LocatorChanges) and the stats' totals without counting every request
-- (updates.go, Totals).
--
-- appointments.written is the transaction that inserted the row
-- (pg_current_xact_id()); NULL for rows older than this migration, which
-- a full read at start covers. A replacement keeps the row's locator (it
-- is part of the key), so the index needs no news of it.
--
-- appointment_removals keeps the locator of every deleted appointment with
-- the deleting transaction, for a while (pruned by ExpireAppointments):
-- a replica that misses a removal only keeps a prefix that costs one
-- store lookup when a transaction matches it.
--
-- A reader reads rows whose transaction id is at or above the xmin of
-- its previous snapshot (pg_snapshot_xmin): every transaction below it
-- had ended when that snapshot was taken, so its rows were in that read;
-- one that commits later, whatever its id, is at or above it and is read
-- next time.

ALTER TABLE appointments ADD COLUMN written xid8;
-- Set apart from ADD COLUMN: a volatile default there would rewrite every
-- existing row.
ALTER TABLE appointments ALTER COLUMN written SET DEFAULT pg_current_xact_id();
CREATE INDEX appointments_written ON appointments (written);

CREATE TABLE appointment_removals (
    locator    bytea  NOT NULL CHECK (length(locator) = 16),
    removed    xid8   NOT NULL,
    removed_at bigint NOT NULL -- Unix nanoseconds, for pruning
);
CREATE INDEX appointment_removals_removed ON appointment_removals (removed);
CREATE INDEX appointment_removals_removed_at ON appointment_removals (removed_at);

CREATE FUNCTION appointments_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO appointment_removals (locator, removed, removed_at)
        SELECT DISTINCT locator, pg_current_xact_id(), (extract(epoch FROM now()) * 1e9)::bigint FROM gone;
    RETURN NULL;
END;
$$;

CREATE TRIGGER appointments_removed AFTER DELETE ON appointments
    REFERENCING OLD TABLE AS gone
    FOR EACH STATEMENT EXECUTE FUNCTION appointments_removed();

-- request_counts: the number of stored requests, kept by triggers as
-- tower_counts keeps the appointments', so that the stats' totals, which
-- every replica reads from here, do not count millions of rows. A single
-- row.
CREATE TABLE request_counts (
    id       smallint PRIMARY KEY CHECK (id = 1),
    requests bigint   NOT NULL
);
INSERT INTO request_counts (id, requests) SELECT 1, COUNT(*) FROM requests;

CREATE FUNCTION requests_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE request_counts SET requests = requests + 1 WHERE id = 1;
    ELSE
        UPDATE request_counts SET requests = requests - 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER requests_count AFTER INSERT OR DELETE ON requests
    FOR EACH ROW EXECUTE FUNCTION requests_count();
