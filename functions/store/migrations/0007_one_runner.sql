-- One run per connection and flow across every worker process: the holder renews its lease while it works (a
-- heartbeat); a lease whose holder died expires and the next run takes it over.
CREATE TABLE sync_leases (
  connection_id  uuid NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  flow           text NOT NULL,
  holder         text NOT NULL,
  acquired_at    timestamptz NOT NULL,
  expires_at     timestamptz NOT NULL,
  PRIMARY KEY (connection_id, flow)
);

-- Each provider's token pair has a version: a refresh is saved only over the pair it replaced (compare-and-swap), and
-- a refused refresh marks the connection only while no other process has saved a newer pair.
ALTER TABLE connections ADD COLUMN hubspot_token_version integer NOT NULL DEFAULT 0;
ALTER TABLE connections ADD COLUMN qbo_token_version integer NOT NULL DEFAULT 0;
-- The provider whose saved authorization was refused when the connection was marked for a reconnect: tokens of that
-- provider that work again bring the connection back by themselves.
ALTER TABLE connections ADD COLUMN reauth_provider text CHECK (reauth_provider IN ('hubspot', 'quickbooks'));

-- The webhook inbox becomes a real inbox: one row per verified event and the connection and flow it feeds (or per change
-- the app asks for itself), taken by that flow's next run and marked processed when synced, replayed when its run never
-- came, pruned after a while.
ALTER TABLE webhook_inbox ADD COLUMN connection_id uuid REFERENCES connections (id) ON DELETE CASCADE;
ALTER TABLE webhook_inbox ADD COLUMN flow text;
ALTER TABLE webhook_inbox ADD COLUMN changes jsonb;
ALTER TABLE webhook_inbox ADD COLUMN enqueued_at timestamptz;
ALTER TABLE webhook_inbox ADD COLUMN replays integer NOT NULL DEFAULT 0;
ALTER TABLE webhook_inbox DROP CONSTRAINT webhook_inbox_source_event_id_key;
ALTER TABLE webhook_inbox DROP CONSTRAINT webhook_inbox_source_check;
ALTER TABLE webhook_inbox ADD CONSTRAINT webhook_inbox_source_check CHECK (source IN ('hubspot', 'quickbooks', 'app'));
CREATE UNIQUE INDEX webhook_inbox_event_target_idx ON webhook_inbox (source, event_id, connection_id, flow);
CREATE INDEX webhook_inbox_received_idx ON webhook_inbox (received_at);
CREATE INDEX webhook_inbox_pending_idx ON webhook_inbox (connection_id, flow, id) WHERE processed_at IS NULL;

-- Flows are declared in code (functions/sync/registry.ts): a new one needs no migration.
ALTER TABLE sync_settings DROP CONSTRAINT sync_settings_object_check;
