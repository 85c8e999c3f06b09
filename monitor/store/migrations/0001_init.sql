-- 0001_init: Vigil's initial schema.
--
-- Encodings (see codec.go):
--   * addresses and hashes are BLOBs of 20 and 32 bytes;
--   * amounts in wei are decimal TEXT (they overflow SQLite's 64-bit
--     integers and must never become REAL), NULL when unset;
--   * uint64 values (nonces, block numbers, gas) are INTEGERs holding the same
--     64 bits, so a value >= 2^63 reads back negative in the sqlite3 shell;
--     queries that compare them as numbers say so;
--   * times are INTEGER Unix nanoseconds (UTC), NULL when unset.
--
-- Never edit a migration that has shipped: add the next numbered file.

-- requests: the newest accepted monitoring request per (channel, non-closing).
CREATE TABLE requests (
    channel               BLOB    NOT NULL CHECK (length(channel) = 20),
    non_closing           BLOB    NOT NULL CHECK (length(non_closing) = 20),
    closing               BLOB    NOT NULL CHECK (length(closing) = 20),
    chain_id              TEXT,
    nonce                 INTEGER NOT NULL,
    transferred_amount    TEXT,
    locksroot             BLOB    NOT NULL CHECK (length(locksroot) = 32),
    extra_hash            BLOB    NOT NULL CHECK (length(extra_hash) = 32),
    signature             BLOB    NOT NULL,
    non_closing_signature BLOB    NOT NULL,
    reward                TEXT,
    source                TEXT    NOT NULL,
    source_ref            TEXT    NOT NULL,
    received_at           INTEGER,
    PRIMARY KEY (channel, non_closing)
) WITHOUT ROWID;

-- Participant filters. In a WITHOUT ROWID table every index also carries the
-- primary key, so these are (closing, channel, non_closing) and
-- (non_closing, channel): both already in page order.
CREATE INDEX requests_closing ON requests (closing);
CREATE INDEX requests_non_closing ON requests (non_closing);

-- First sightings, for distinct counts that do not shrink when requests are
-- deleted.
CREATE TABLE seen_channels (
    address BLOB PRIMARY KEY CHECK (length(address) = 20)
) WITHOUT ROWID;

CREATE TABLE seen_addresses (
    address BLOB PRIMARY KEY CHECK (length(address) = 20)
) WITHOUT ROWID;

-- channels: what confirmed chain events say about each channel.
CREATE TABLE channels (
    address         BLOB    PRIMARY KEY CHECK (length(address) = 20),
    participant1    BLOB    NOT NULL,
    participant2    BLOB    NOT NULL,
    settle_timeout  INTEGER NOT NULL,
    opened_block    INTEGER NOT NULL,
    state           INTEGER NOT NULL,
    closing         BLOB    NOT NULL,
    closed_block    INTEGER NOT NULL,
    on_chain_nonce  INTEGER NOT NULL,
    settled_block   INTEGER NOT NULL,
    reward_deposit1 TEXT,
    reward_deposit2 TEXT,
    -- closed_block + settle_timeout saturated at 2^63-1: the last block of the
    -- update window, computed on write so that it can be indexed and
    -- compared without overflow.
    deadline        INTEGER NOT NULL
) WITHOUT ROWID;

-- ActionableChannels: closed channels by deadline. Closed channels are few
-- compared to requests; each is then joined to its requests by primary key.
CREATE INDEX channels_closed_deadline ON channels (deadline) WHERE state = 1;

-- chain_events: decoded contract logs from confirmed blocks. data is a JSON
-- object with the kind-specific fields (amounts as decimal strings).
CREATE TABLE chain_events (
    block      INTEGER NOT NULL,
    log_index  INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    channel    BLOB    NOT NULL CHECK (length(channel) = 20),
    tx_hash    BLOB    NOT NULL CHECK (length(tx_hash) = 32),
    block_hash BLOB    NOT NULL CHECK (length(block_hash) = 32),
    data       TEXT    NOT NULL,
    PRIMARY KEY (block, log_index)
) WITHOUT ROWID;

CREATE INDEX chain_events_channel ON chain_events (channel);

-- block_hashes: the newest 256 processed blocks, for reorg detection.
CREATE TABLE block_hashes (
    number INTEGER PRIMARY KEY,
    hash   BLOB    NOT NULL CHECK (length(hash) = 32)
);

-- cursor: the last fully processed block (a single row).
CREATE TABLE cursor (
    id     INTEGER PRIMARY KEY CHECK (id = 1),
    number INTEGER NOT NULL,
    hash   BLOB    NOT NULL CHECK (length(hash) = 32)
);

-- updates: every updateTransfer decision and transaction of this monitor.
-- AUTOINCREMENT: ids are never reused, so AfterID paging is stable.
CREATE TABLE updates (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    channel     BLOB    NOT NULL CHECK (length(channel) = 20),
    non_closing BLOB    NOT NULL CHECK (length(non_closing) = 20),
    nonce       INTEGER NOT NULL,
    reward      TEXT,
    outcome     TEXT    NOT NULL,
    detail      TEXT    NOT NULL,
    tx_hash     BLOB    CHECK (tx_hash IS NULL OR length(tx_hash) = 32), -- NULL: not sent
    tx_nonce    INTEGER NOT NULL,
    gas_price   TEXT,
    gas_limit   INTEGER NOT NULL,
    raw_tx      BLOB,
    sent_block  INTEGER NOT NULL,
    block       INTEGER NOT NULL,
    gas_used    INTEGER NOT NULL,
    gas_paid    TEXT,
    reward_won  TEXT,
    created_at  INTEGER,
    updated_at  INTEGER,
    replacement INTEGER NOT NULL
);

CREATE INDEX updates_channel ON updates (channel);
CREATE INDEX updates_outcome ON updates (outcome);

-- counters: persisted named counters (rejections by reason, ...).
CREATE TABLE counters (
    name  TEXT    PRIMARY KEY,
    value INTEGER NOT NULL
) WITHOUT ROWID;
