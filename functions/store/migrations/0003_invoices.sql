-- The deal a QBO invoice was created from by the "Create invoice" workflow action: it outranks the invoice's
-- own "HubSpot Deal" custom field, which an accountant may leave empty.
CREATE TABLE invoice_origins (
  connection_id   uuid NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  qbo_invoice_id  text NOT NULL,
  deal_id         text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, qbo_invoice_id)
);

-- Each synced invoice's deal and what it would show on that deal: with several invoices on one deal, the most
-- recently updated one sets the deal's properties. Due date, balance and days overdue let reconciliation find
-- invoices that turn overdue at midnight without any change in QBO.
CREATE TABLE invoice_states (
  connection_id   uuid NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  qbo_invoice_id  text NOT NULL,
  deal_id         text,
  qbo_updated_at  timestamptz NOT NULL,
  due_date        date,
  balance_cents   bigint NOT NULL,
  days_overdue    integer NOT NULL,
  deal_values     jsonb NOT NULL,
  PRIMARY KEY (connection_id, qbo_invoice_id)
);
CREATE INDEX invoice_states_deal_idx ON invoice_states (connection_id, deal_id);

-- What a QBO payment applied to each invoice, and which timeline events were sent for it: a deleted payment is
-- only a tombstone in QBO, so what it had paid is known from here.
CREATE TABLE payment_applications (
  connection_id    uuid NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  qbo_payment_id   text NOT NULL,
  qbo_invoice_id   text NOT NULL,
  amount_cents     bigint NOT NULL,
  currency         text,
  method           text,
  reference        text,
  paid_on          date,
  state            text NOT NULL CHECK (state IN ('applied', 'voided', 'deleted')),
  received_sent    boolean NOT NULL DEFAULT false,
  reversal_sent    boolean NOT NULL DEFAULT false,
  PRIMARY KEY (connection_id, qbo_payment_id, qbo_invoice_id)
);
