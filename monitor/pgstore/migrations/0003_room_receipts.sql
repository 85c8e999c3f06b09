-- 0003_room_receipts: the receipts the room leader posts (receipts.go).
--
-- A receipt is recorded before it is posted, under the matrix role's term,
-- and marked posted afterwards, so that a new leader knows which receipts
-- the old one owed and never posts one marked posted. One row per
-- answered room event. Like every migration here it only adds, so that a
-- replica still running the previous release works on the newer schema
-- during a rolling upgrade (docs/operations.md §6a); such a replica posts
-- receipts without recording them, as before.
CREATE TABLE room_receipts (
    id           bigint GENERATED ALWAYS AS IDENTITY,
    for_event_id text   PRIMARY KEY,
    room_id      text   NOT NULL,
    content      jsonb  NOT NULL,
    -- the matrix leader term that recorded the receipt, then the one that
    -- claimed it for posting (0: an unfenced store)
    term         bigint NOT NULL,
    recorded_at  bigint NOT NULL, -- Unix nanoseconds
    posted_at    bigint           -- NULL: not known to be posted
);

-- The receipts owed, in the order they were recorded.
CREATE INDEX room_receipts_unposted ON room_receipts (id) WHERE posted_at IS NULL;
