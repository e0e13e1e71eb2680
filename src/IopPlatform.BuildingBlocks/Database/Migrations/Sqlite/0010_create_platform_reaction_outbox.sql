-- Durable reactions: a notification a module would publish, written in the same transaction as the change it
-- announces, then delivered to its handlers by platform:deliver-reactions. seq orders reactions of one ordering key
-- (an enrollment's activation before its discharge); a reaction waits while an earlier one of its key is pending.
CREATE TABLE platform_reaction_outbox (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    notification_type TEXT NOT NULL,
    payload TEXT NOT NULL,
    ordering_key TEXT NOT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT NULL,
    created_at TEXT NOT NULL,
    completed_at TEXT NULL
);

CREATE INDEX ix_platform_reaction_outbox_due ON platform_reaction_outbox (status, next_attempt_at);
CREATE INDEX ix_platform_reaction_outbox_key ON platform_reaction_outbox (ordering_key, status, seq);

-- One row per (reaction, handler) that completed: a retried reaction never runs a finished handler again.
CREATE TABLE platform_reaction_handled (
    reaction_id TEXT NOT NULL,
    handler TEXT NOT NULL,
    handled_at TEXT NOT NULL,
    PRIMARY KEY (reaction_id, handler)
);
