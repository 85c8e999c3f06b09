-- Small named values that must survive restarts: the Matrix sync position,
-- the joined room id, and the like. Written in their own transactions.
CREATE TABLE state (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;
