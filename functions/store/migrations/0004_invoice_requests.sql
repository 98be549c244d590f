-- Requests to create a QBO invoice from a HubSpot deal ("Create invoice" workflow action, the deal card's button),
-- by the caller's idempotency key: a request repeated with the same key (a workflow execution retried or replayed)
-- gets the first outcome back and creates nothing. `qbo_invoice_id` is set as soon as QBO has created the invoice,
-- before e-mailing it, so a retry after a crash resumes instead of creating again.
CREATE TABLE invoice_requests (
  connection_id    uuid NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  idempotency_key  text NOT NULL,
  deal_id          text NOT NULL,
  status           text NOT NULL CHECK (status IN ('pending', 'created', 'failed')),
  qbo_invoice_id   text,
  emailed          boolean NOT NULL DEFAULT false,
  outcome          jsonb,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, idempotency_key)
);
CREATE INDEX invoice_requests_deal_idx ON invoice_requests (connection_id, deal_id);
