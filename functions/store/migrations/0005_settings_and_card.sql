-- The QuickBooks company's name, shown on the settings page and the deal card.
ALTER TABLE connections ADD COLUMN qbo_company_name text;
-- After a switch to another company, the previous company's ids are still on HubSpot records (the app's QuickBooks id
-- properties) until a job clears them; the syncs stay off until it has.
ALTER TABLE connections ADD COLUMN qbo_id_cleanup_pending boolean NOT NULL DEFAULT false;

-- Who started a consent: only that portal's admin, from the browser that opened the start link, may finish it.
ALTER TABLE oauth_states ADD COLUMN user_id bigint;
ALTER TABLE oauth_states ADD COLUMN browser_binding text;

-- A QuickBooks consent that came back for another company than the connected one: nothing of the new company is
-- used until an admin chooses to start fresh with it (or cancels). Tokens sealed like the connection's.
CREATE TABLE pending_qbo_connections (
  connection_id           uuid PRIMARY KEY REFERENCES connections (id) ON DELETE CASCADE,
  realm_id                text NOT NULL,
  company_name            text,
  access_token            text NOT NULL,
  refresh_token           text NOT NULL,
  token_expires_at        timestamptz NOT NULL,
  refresh_expires_at      timestamptz,
  started_by_user_id      bigint NOT NULL,
  expires_at              timestamptz NOT NULL,
  created_at              timestamptz NOT NULL DEFAULT now()
);

-- The invoice's own date, for the deal card.
ALTER TABLE invoice_states ADD COLUMN invoice_date date;

-- Each sync's most recent run: when it ended, what kind it was and what it did (the settings page's sync health).
CREATE TABLE sync_runs (
  connection_id  uuid NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  object         text NOT NULL,
  kind           text NOT NULL CHECK (kind IN ('first_sync', 'changes', 'reconcile')),
  finished_at    timestamptz NOT NULL,
  counts         jsonb NOT NULL,
  PRIMARY KEY (connection_id, object)
);
