-- HubSpot invoices exported to QuickBooks (the HubSpot → QuickBooks direction of the invoice sync). One row per
-- HubSpot invoice, written before QuickBooks is asked, so a retried run replays the same request id instead of
-- creating a second QBO invoice; `lines` is what was billed, the fields HubSpot owns, compared with QuickBooks' lines
-- when the QBO invoice changes; `flagged_hash` is the QuickBooks edit already reported, so it is reported once.
CREATE TABLE invoice_exports (
  connection_id       uuid NOT NULL REFERENCES connections (id) ON DELETE CASCADE,
  hubspot_invoice_id  text NOT NULL,
  qbo_invoice_id      text,
  lines               jsonb,
  flagged_hash        text,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (connection_id, hubspot_invoice_id),
  UNIQUE (connection_id, qbo_invoice_id)
);
