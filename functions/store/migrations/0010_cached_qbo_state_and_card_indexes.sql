-- The QBO entity as our last sync left it (the answer to our write, or what we last read): a change from HubSpot is
-- planned against it and written with its SyncToken, and QBO's notification of our own write is recognised by its
-- LastUpdatedTime, neither needing a read (Intuit meters reads and advises against re-reading after a write).
ALTER TABLE links ADD COLUMN qbo_entity jsonb;

-- The deal card: the payments applied to a deal's invoices, found by invoice.
CREATE INDEX payment_applications_invoice_idx ON payment_applications (connection_id, qbo_invoice_id);
