-- One HubSpot portal ⇄ one QBO realm. Tokens are sealed by TokenCipher (AES-256-GCM) before they get here.
CREATE TABLE connections (
  id                        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  hubspot_portal_id         bigint NOT NULL UNIQUE,
  hubspot_access_token      text,
  hubspot_refresh_token     text,
  hubspot_token_expires_at  timestamptz,
  qbo_realm_id              text,
  qbo_access_token          text,
  qbo_refresh_token         text,
  qbo_token_expires_at      timestamptz,
  qbo_refresh_expires_at    timestamptz,
  status                    text NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'active', 'reauth_required', 'disconnected')),
  status_reason             text,
  created_at                timestamptz NOT NULL DEFAULT now(),
  updated_at                timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX connections_qbo_realm_idx ON connections (qbo_realm_id);

-- Per object sync settings: on/off, direction, field mappings (with per-field direction and winner).
CREATE TABLE sync_settings (
  connection_id  uuid NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  object         text NOT NULL CHECK (object IN ('contacts', 'products', 'invoices')),
  enabled        boolean NOT NULL DEFAULT false,
  settings       jsonb NOT NULL DEFAULT '{}'::jsonb,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, object)
);

-- One HubSpot record ⇄ one QBO entity, made on first match and never re-matched.
CREATE TABLE links (
  id              bigserial PRIMARY KEY,
  connection_id   uuid NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  object          text NOT NULL,
  hubspot_id      text NOT NULL,
  qbo_id          text NOT NULL,
  hubspot_hash    text,
  qbo_hash        text,
  qbo_sync_token  text,
  last_synced_at  timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (connection_id, object, hubspot_id),
  UNIQUE (connection_id, object, qbo_id)
);

-- Where reconciliation polling resumes, per side; the cursor feeds the next request.
CREATE TABLE checkpoints (
  connection_id  uuid NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  object         text NOT NULL,
  side           text NOT NULL CHECK (side IN ('hubspot', 'qbo')),
  cursor         text NOT NULL,
  updated_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, object, side)
);

-- Every per-record outcome an admin may need to see on the settings page ("what failed and why").
CREATE TABLE sync_log (
  id             bigserial PRIMARY KEY,
  connection_id  uuid NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  object         text NOT NULL,
  direction      text NOT NULL CHECK (direction IN ('to_hubspot', 'to_qbo')),
  hubspot_id     text,
  qbo_id         text,
  action         text NOT NULL,
  outcome        text NOT NULL CHECK (outcome IN ('succeeded', 'skipped', 'failed')),
  error_code     text,
  message        text,
  details        jsonb,
  created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sync_log_connection_idx ON sync_log (connection_id, created_at DESC);
CREATE INDEX sync_log_failures_idx ON sync_log (connection_id, object, created_at DESC) WHERE outcome = 'failed';

-- Verified webhook notifications, recorded before any work so a provider's redelivery is a no-op.
CREATE TABLE webhook_inbox (
  id            bigserial PRIMARY KEY,
  source        text NOT NULL CHECK (source IN ('hubspot', 'quickbooks')),
  event_id      text NOT NULL,
  account_id    text NOT NULL,
  payload       jsonb NOT NULL,
  received_at   timestamptz NOT NULL DEFAULT now(),
  processed_at  timestamptz,
  UNIQUE (source, event_id)
);
CREATE INDEX webhook_inbox_unprocessed_idx ON webhook_inbox (received_at) WHERE processed_at IS NULL;
