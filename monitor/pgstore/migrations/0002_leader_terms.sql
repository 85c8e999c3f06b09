-- 0002_leader_terms: the terms of the replicas' elected roles (leader.go).
--
-- One row per role ("ethereum", "bitcoin", "matrix", ...). A replica that
-- wins a role's advisory lock increments its term in the same session, so
-- terms only grow: every leader has a term no earlier leader had, and a
-- write carrying an older term than the row's comes from a stale leader.
CREATE TABLE leader_terms (
    role   text   PRIMARY KEY,
    term   bigint NOT NULL CHECK (term > 0),
    holder text   NOT NULL, -- the replica that won it, for operators
    since  bigint NOT NULL  -- Unix nanoseconds
);
