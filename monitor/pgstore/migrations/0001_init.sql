-- 0001_init: Vigil's schema on PostgreSQL, both domains (the balance
-- proofs' state and the watchtower's), equivalent to the SQLite store's
-- migrations 0001..0006.
--
-- Encodings (see codec.go):
--   * addresses, hashes, locators and public keys are bytea of 20, 32, 16
--     and 33 bytes; Bitcoin hashes in internal (wire) byte order; a zero
--     hash that means "not set" is NULL;
--   * amounts in wei are numeric(78, 0) (any uint256), NULL when unset;
--   * uint64 values (nonces, block numbers, gas, satoshi amounts) are
--     bigints holding the same 64 bits, so a value >= 2^63 reads back
--     negative in psql; queries that compare them as numbers say so;
--     heights (uint32) are bigints too;
--   * times are bigint Unix nanoseconds (UTC), NULL when unset: timestamptz
--     keeps only microseconds.
--
-- Never edit a migration that has shipped: add the next numbered file.

-- requests: the newest accepted monitoring request per (channel, non-closing).
CREATE TABLE requests (
    channel               bytea   NOT NULL CHECK (length(channel) = 20),
    non_closing           bytea   NOT NULL CHECK (length(non_closing) = 20),
    closing               bytea   NOT NULL CHECK (length(closing) = 20),
    chain_id              numeric(78, 0),
    nonce                 bigint  NOT NULL,
    transferred_amount    numeric(78, 0),
    locksroot             bytea   NOT NULL CHECK (length(locksroot) = 32),
    extra_hash            bytea   NOT NULL CHECK (length(extra_hash) = 32),
    signature             bytea   NOT NULL,
    non_closing_signature bytea   NOT NULL,
    reward                numeric(78, 0),
    source                text    NOT NULL,
    source_ref            text    NOT NULL,
    received_at           bigint,
    PRIMARY KEY (channel, non_closing)
);

-- Participant filters, each in the listing's key order after the
-- participant.
CREATE INDEX requests_closing ON requests (closing, channel, non_closing);
CREATE INDEX requests_non_closing ON requests (non_closing, channel);

-- Sightings of deleted requests' channels and participants, so that the
-- distinct counts never shrink.
CREATE TABLE seen_channels (
    address bytea PRIMARY KEY CHECK (length(address) = 20)
);

CREATE TABLE seen_addresses (
    address bytea PRIMARY KEY CHECK (length(address) = 20)
);

-- The distinct channels and participants ever seen.
CREATE TABLE seen_counts (
    kind text   PRIMARY KEY CHECK (kind IN ('channels', 'participants')),
    n    bigint NOT NULL
);
INSERT INTO seen_counts (kind, n) VALUES ('channels', 0), ('participants', 0);

-- channels: what confirmed chain events say about each channel.
CREATE TABLE channels (
    address         bytea    PRIMARY KEY CHECK (length(address) = 20),
    participant1    bytea    NOT NULL,
    participant2    bytea    NOT NULL,
    settle_timeout  bigint   NOT NULL,
    opened_block    bigint   NOT NULL,
    state           smallint NOT NULL,
    closing         bytea    NOT NULL,
    closed_block    bigint   NOT NULL,
    on_chain_nonce  bigint   NOT NULL,
    settled_block   bigint   NOT NULL,
    reward_deposit1 numeric(78, 0),
    reward_deposit2 numeric(78, 0),
    -- closed_block + settle_timeout saturated at 2^63-1: the last block of
    -- the update window, computed on write so that it can be indexed.
    deadline        bigint   NOT NULL
);

-- ActionableChannels (closed) and MissedWindows (closed or settled), by
-- deadline.
CREATE INDEX channels_closed_deadline ON channels (deadline) WHERE state = 1;
CREATE INDEX channels_ended_deadline ON channels (deadline) WHERE state IN (1, 2);

-- chain_events: decoded contract logs from confirmed blocks. data holds the
-- kind-specific fields (amounts as decimal strings).
CREATE TABLE chain_events (
    block      bigint NOT NULL,
    log_index  bigint NOT NULL,
    kind       text   NOT NULL,
    channel    bytea  NOT NULL CHECK (length(channel) = 20),
    tx_hash    bytea  NOT NULL CHECK (length(tx_hash) = 32),
    block_hash bytea  NOT NULL CHECK (length(block_hash) = 32),
    data       jsonb  NOT NULL,
    PRIMARY KEY (block, log_index)
);

CREATE INDEX chain_events_channel ON chain_events (channel, block, log_index);

-- block_hashes: the newest 256 processed blocks, for reorg detection.
CREATE TABLE block_hashes (
    number bigint PRIMARY KEY,
    hash   bytea  NOT NULL CHECK (length(hash) = 32)
);

-- cursor: the last fully processed block (a single row).
CREATE TABLE cursor (
    id     smallint PRIMARY KEY CHECK (id = 1),
    number bigint   NOT NULL,
    hash   bytea    NOT NULL CHECK (length(hash) = 32)
);

-- updates: every updateTransfer decision and transaction of this monitor.
-- Identity ids are never reused, so AfterID paging is stable.
CREATE TABLE updates (
    id          bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    channel     bytea   NOT NULL CHECK (length(channel) = 20),
    non_closing bytea   NOT NULL CHECK (length(non_closing) = 20),
    nonce       bigint  NOT NULL,
    reward      numeric(78, 0),
    outcome     text    NOT NULL,
    detail      text    NOT NULL,
    tx_hash     bytea   CHECK (tx_hash IS NULL OR length(tx_hash) = 32), -- NULL: not sent
    tx_nonce    bigint  NOT NULL,
    gas_price   numeric(78, 0),
    gas_limit   bigint  NOT NULL,
    raw_tx      bytea,
    sent_block  bigint  NOT NULL,
    block       bigint  NOT NULL,
    gas_used    bigint  NOT NULL,
    gas_paid    numeric(78, 0),
    reward_won  numeric(78, 0),
    created_at  bigint,
    updated_at  bigint,
    replacement integer NOT NULL,
    -- a skipped decision's competing transaction
    competitor  bytea   CHECK (competitor IS NULL OR length(competitor) = 32)
);

CREATE INDEX updates_channel ON updates (channel);
CREATE INDEX updates_outcome ON updates (outcome);

-- counters: persisted named counters (rejections by reason, ...).
CREATE TABLE counters (
    name  text   PRIMARY KEY,
    value bigint NOT NULL
);

-- state: small named values that must survive restarts (the Matrix sync
-- position, the joined room id, ...).
CREATE TABLE state (
    key   text PRIMARY KEY,
    value text NOT NULL
);

-- ---- the Lightning watchtower ----

-- appointments: one accepted appointment per (user_pubkey, locator); a
-- newer one from the same user replaces it. seq NULL: unsequenced (orders
-- as 0).
CREATE TABLE appointments (
    user_pubkey    bytea  NOT NULL CHECK (length(user_pubkey) = 33),
    locator        bytea  NOT NULL CHECK (length(locator) = 16),
    network        text   NOT NULL,
    encrypted_blob bytea  NOT NULL,
    cipher         text   NOT NULL, -- the wire name, lncrypto.ParseCipher
    to_self_delay  bigint NOT NULL,
    start_block    bigint NOT NULL,
    end_block      bigint NOT NULL,
    reward_sat     bigint NOT NULL,
    user_signature text   NOT NULL, -- zbase32, as received
    source         text   NOT NULL,
    source_ref     text   NOT NULL,
    received_at    bigint,
    accepted_tip   bigint NOT NULL,
    seq            bigint,
    PRIMARY KEY (user_pubkey, locator)
);

-- Breach matching, the per-locator cap, keyset pages in (locator,
-- user_pubkey) order and the index rebuild at start.
CREATE INDEX appointments_locator ON appointments (locator, user_pubkey);
-- ExpireAppointments.
CREATE INDEX appointments_end_block ON appointments (end_block);

-- tower_users: first sightings of user keys, kept when their appointments
-- expire.
CREATE TABLE tower_users (
    user_pubkey bytea PRIMARY KEY CHECK (length(user_pubkey) = 33)
);

-- tower_counts: the number of stored appointments, kept by triggers so
-- that TowerTotals does not count millions of rows. A single row.
CREATE TABLE tower_counts (
    id           smallint PRIMARY KEY CHECK (id = 1),
    appointments bigint   NOT NULL
);
INSERT INTO tower_counts (id, appointments) VALUES (1, 0);

CREATE FUNCTION appointments_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE tower_counts SET appointments = appointments + 1 WHERE id = 1;
    ELSE
        UPDATE tower_counts SET appointments = appointments - 1 WHERE id = 1;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER appointments_count AFTER INSERT OR DELETE ON appointments
    FOR EACH ROW EXECUTE FUNCTION appointments_count();

-- justice: every response to a breach, including failures and fee-bumped
-- replacements (one row per transaction).
CREATE TABLE justice (
    id           bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    locator      bytea   NOT NULL CHECK (length(locator) = 16),
    user_pubkey  bytea   NOT NULL CHECK (length(user_pubkey) = 33),
    breach_txid  bytea   NOT NULL CHECK (length(breach_txid) = 32),
    breach_raw   bytea,
    breach_block bigint  NOT NULL,
    deadline     bigint  NOT NULL,
    -- NULL: no transaction was made. A row with a txid was handed to the
    -- node: TowerTotals.Broadcast counts those.
    txid         bytea   CHECK (txid IS NULL OR length(txid) = 32),
    raw          bytea,
    fee_sat      bigint  NOT NULL,
    bounty_sat   bigint  NOT NULL,
    promised_sat bigint  NOT NULL,
    fee_rate     bigint  NOT NULL, -- sat per kvB
    outcome      text    NOT NULL,
    reason       text    NOT NULL,
    detail       text    NOT NULL,
    sent_height  bigint  NOT NULL,
    block        bigint  NOT NULL, -- 0: unconfirmed
    block_hash   bytea   CHECK (block_hash IS NULL OR length(block_hash) = 32),
    replacement  integer NOT NULL,
    created_at   bigint,
    updated_at   bigint,
    -- a lost record: the transaction that spent the breach outputs, and where
    spent_by     bytea   CHECK (spent_by IS NULL OR length(spent_by) = 32),
    spent_block  bigint  NOT NULL DEFAULT 0
);

CREATE INDEX justice_outcome ON justice (outcome);
CREATE INDEX justice_breach ON justice (breach_txid);

-- btc_cursor: the last fully handled Bitcoin block (a single row).
CREATE TABLE btc_cursor (
    id     smallint PRIMARY KEY CHECK (id = 1),
    height bigint   NOT NULL,
    hash   bytea    NOT NULL CHECK (length(hash) = 32)
);

-- btc_block_hashes: the newest 288 handled blocks, for reorg detection.
CREATE TABLE btc_block_hashes (
    height bigint PRIMARY KEY,
    hash   bytea  NOT NULL CHECK (length(hash) = 32)
);
