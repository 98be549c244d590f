-- Fields one side cleared while the other kept its value (empty never overwrites filled): field → the side that
-- holds it empty. The sides differ there on purpose, so the clear is not mistaken for a change on the next sync.
ALTER TABLE links ADD COLUMN cleared_on jsonb;

-- What the deal timeline last said a payment applied to an invoice, so a later edit of the amount gets its own
-- event; and how many such change events were sent (each carries its own occurrence id).
ALTER TABLE payment_applications ADD COLUMN reported_cents bigint;
ALTER TABLE payment_applications ADD COLUMN change_events integer NOT NULL DEFAULT 0;
UPDATE payment_applications SET reported_cents = amount_cents WHERE received_sent;
