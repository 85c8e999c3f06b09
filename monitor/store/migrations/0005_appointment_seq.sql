-- 0005_appointment_seq: appointments carry the user's signed sequence
-- number (docs/protocol.md §8.4), so that an older appointment offered
-- again never replaces a newer one.
--
-- seq is a uint64 kept in its 64 bits (as 0001's amounts); NULL marks an
-- unsequenced appointment (a message without "seq", signed in the layout
-- without it), which orders as 0. Every appointment stored before this
-- migration is unsequenced: NULL is the right value for all of them.
ALTER TABLE appointments ADD COLUMN seq INTEGER;

-- justice: a record that ended lost says which transaction spent the breach
-- outputs its transaction spends, and at which height (NULL and 0 when
-- none did, e.g. for a justice transaction still unconfirmed at its
-- deadline).
ALTER TABLE justice ADD COLUMN spent_by BLOB CHECK (spent_by IS NULL OR length(spent_by) = 32);
ALTER TABLE justice ADD COLUMN spent_block INTEGER NOT NULL DEFAULT 0;
