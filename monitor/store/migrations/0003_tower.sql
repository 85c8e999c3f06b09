-- 0003_tower: the Lightning watchtower (monitor.TowerStore).
--
-- Encodings, in addition to 0001's:
--   * Bitcoin hashes (txids, block hashes) are 32-byte BLOBs in internal
--     (wire) byte order, not the reversed display order; a zero hash that
--     means "not set" is NULL;
--   * locators are 16-byte BLOBs, public keys 33-byte compressed BLOBs;
--   * heights (uint32) and satoshi amounts are INTEGERs; a uint64 amount
--     keeps its 64 bits, as in 0001.

-- appointments: one accepted appointment per (user_pubkey, locator); a
-- newer one from the same user replaces it. A rowid table: blobs run to a
-- few kilobytes, too large for a WITHOUT ROWID b-tree, and its secondary
-- indexes then carry a small rowid instead of the 49-byte key.
CREATE TABLE appointments (
    user_pubkey    BLOB    NOT NULL CHECK (length(user_pubkey) = 33),
    locator        BLOB    NOT NULL CHECK (length(locator) = 16),
    network        TEXT    NOT NULL,
    encrypted_blob BLOB    NOT NULL,
    cipher         TEXT    NOT NULL, -- the wire name, lncrypto.ParseCipher
    to_self_delay  INTEGER NOT NULL,
    start_block    INTEGER NOT NULL,
    end_block      INTEGER NOT NULL,
    reward_sat     INTEGER NOT NULL,
    user_signature TEXT    NOT NULL, -- zbase32, as received
    source         TEXT    NOT NULL,
    source_ref     TEXT    NOT NULL,
    received_at    INTEGER,
    accepted_tip   INTEGER NOT NULL,
    PRIMARY KEY (user_pubkey, locator)
);

-- Breach matching, the per-locator cap, keyset pages in (locator,
-- user_pubkey) order and the index rebuild at start (a scan of this index
-- alone).
CREATE INDEX appointments_locator ON appointments (locator, user_pubkey);
-- ExpireAppointments.
CREATE INDEX appointments_end_block ON appointments (end_block);

-- tower_users: first sightings of user keys, for SaveResult.NewParticipants;
-- kept when their appointments expire.
CREATE TABLE tower_users (
    user_pubkey BLOB PRIMARY KEY CHECK (length(user_pubkey) = 33)
) WITHOUT ROWID;

-- tower_counts: the number of stored appointments, kept by triggers so that
-- TowerTotals does not count millions of rows at start. A single row.
CREATE TABLE tower_counts (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    appointments INTEGER NOT NULL
);
INSERT INTO tower_counts (id, appointments) VALUES (1, 0);

-- The store replaces an appointment with an UPDATE, never with INSERT OR
-- REPLACE: that conflict resolution deletes without firing the delete
-- trigger and would count the row twice.
CREATE TRIGGER appointments_count_insert AFTER INSERT ON appointments
BEGIN
    UPDATE tower_counts SET appointments = appointments + 1 WHERE id = 1;
END;

CREATE TRIGGER appointments_count_delete AFTER DELETE ON appointments
BEGIN
    UPDATE tower_counts SET appointments = appointments - 1 WHERE id = 1;
END;

-- justice: every response to a breach, including failures and fee-bumped
-- replacements (one row per transaction). AUTOINCREMENT: ids are never
-- reused, so AfterID paging is stable.
CREATE TABLE justice (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    locator      BLOB    NOT NULL CHECK (length(locator) = 16),
    user_pubkey  BLOB    NOT NULL CHECK (length(user_pubkey) = 33),
    breach_txid  BLOB    NOT NULL CHECK (length(breach_txid) = 32),
    breach_raw   BLOB,
    breach_block INTEGER NOT NULL,
    deadline     INTEGER NOT NULL,
    -- NULL: no transaction was made (a failure before sending). A row with a
    -- txid was handed to the node: TowerTotals.Broadcast counts those.
    txid         BLOB    CHECK (txid IS NULL OR length(txid) = 32),
    raw          BLOB,
    fee_sat      INTEGER NOT NULL,
    bounty_sat   INTEGER NOT NULL,
    promised_sat INTEGER NOT NULL,
    fee_rate     INTEGER NOT NULL, -- sat per kvB
    outcome      TEXT    NOT NULL,
    reason       TEXT    NOT NULL,
    detail       TEXT    NOT NULL,
    sent_height  INTEGER NOT NULL,
    block        INTEGER NOT NULL, -- 0: unconfirmed
    block_hash   BLOB    CHECK (block_hash IS NULL OR length(block_hash) = 32),
    replacement  INTEGER NOT NULL,
    created_at   INTEGER,
    updated_at   INTEGER
);

CREATE INDEX justice_outcome ON justice (outcome);
CREATE INDEX justice_breach ON justice (breach_txid);

-- btc_cursor: the last fully handled Bitcoin block (a single row).
CREATE TABLE btc_cursor (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    height INTEGER NOT NULL,
    hash   BLOB    NOT NULL CHECK (length(hash) = 32)
);

-- btc_block_hashes: the newest 288 handled blocks (two days), for reorg
-- detection.
CREATE TABLE btc_block_hashes (
    height INTEGER PRIMARY KEY,
    hash   BLOB    NOT NULL CHECK (length(hash) = 32)
);
