-- The field values both sides agreed on after the last sync: per-field change detection ("who changed
-- what since we last synced") needs them, not just a hash.
ALTER TABLE links ADD COLUMN synced_values jsonb;

-- OAuth `state` values in flight: a callback is accepted only for a state we issued, once, before it expires.
CREATE TABLE oauth_states (
  state          text PRIMARY KEY,
  provider       text NOT NULL CHECK (provider IN ('hubspot', 'quickbooks')),
  connection_id  uuid REFERENCES connections (id) ON DELETE CASCADE,
  return_to      text,
  expires_at     timestamptz NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now()
);
