-- Durable reactions: a notification a module would publish, written in the same transaction as the change it
-- announces, then delivered to its handlers by platform:deliver-reactions. seq orders reactions of one ordering key
-- (an enrollment's activation before its discharge); a reaction waits while an earlier one of its key is pending.
CREATE TABLE platform_reaction_outbox (
    seq bigint IDENTITY(1,1) NOT NULL,
    id uniqueidentifier NOT NULL,
    notification_type varchar(400) NOT NULL,
    payload nvarchar(max) NOT NULL,
    ordering_key uniqueidentifier NOT NULL,
    status varchar(16) NOT NULL,
    attempts int NOT NULL,
    next_attempt_at datetimeoffset NOT NULL,
    last_error nvarchar(2000) NULL,
    created_at datetimeoffset NOT NULL,
    completed_at datetimeoffset NULL,
    CONSTRAINT pk_platform_reaction_outbox PRIMARY KEY (seq),
    CONSTRAINT uq_platform_reaction_outbox_id UNIQUE (id)
);

CREATE INDEX ix_platform_reaction_outbox_due ON platform_reaction_outbox (status, next_attempt_at);
CREATE INDEX ix_platform_reaction_outbox_key ON platform_reaction_outbox (ordering_key, status, seq);

-- One row per (reaction, handler) that completed: a retried reaction never runs a finished handler again.
CREATE TABLE platform_reaction_handled (
    reaction_id uniqueidentifier NOT NULL,
    handler varchar(400) NOT NULL,
    handled_at datetimeoffset NOT NULL,
    CONSTRAINT pk_platform_reaction_handled PRIMARY KEY (reaction_id, handler)
);
