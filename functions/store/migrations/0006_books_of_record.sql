-- Fields one side cleared while the other kept its value (empty never overwrites filled): field → the side that
-- holds it empty. The sides differ there on purpose, so the clear is not mistaken for a change on the next sync.
ALTER TABLE links ADD COLUMN cleared_on jsonb;

-- What the deal timeline last said a payment applied to an invoice, so a later edit of the amount gets its own
-- event; and how many such change events were sent (each carries its own occurrence id).
ALTER TABLE payment_applications ADD COLUMN reported_cents bigint;
ALTER TABLE payment_applications ADD COLUMN change_events integer NOT NULL DEFAULT 0;
UPDATE payment_applications SET reported_cents = amount_cents WHERE received_sent;

-- Each invoice's amount billed and currency, so a deal's totals across all its invoices (billed, paid, outstanding)
-- are summed in whole cents by the database.
ALTER TABLE invoice_states ADD COLUMN billed_cents bigint NOT NULL DEFAULT 0;
ALTER TABLE invoice_states ADD COLUMN currency text;
UPDATE invoice_states SET billed_cents = round((deal_values->>'qbo_invoice_amount_billed')::numeric * 100),
  currency = NULLIF(deal_values->>'qbo_invoice_currency', '')
  WHERE deal_values->>'qbo_invoice_amount_billed' <> '';
