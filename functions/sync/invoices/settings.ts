import { z } from 'zod';

/** The invoice sync's settings an admin edits (one row in `sync_settings`, object `invoices`). */
export const EditableInvoiceSettingsSchema = z.strictObject({
  /**
   * Label of the QBO sales-form custom field that names the HubSpot deal
   * (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/all-entities/invoice; the emulator's is
   * "HubSpot Deal").
   */
  dealFieldName: z.string().trim().min(1).max(31).default('HubSpot Deal'),
  /** A QBO invoice deleted: archive its HubSpot invoice, or keep it marked deleted. */
  onDelete: z.enum(['archive', 'keep']).default('archive'),
  /** The first sync brings invoices dated on or after this day (`YYYY-MM-DD`); all of them when absent. */
  firstSyncFrom: z.iso.date().optional(),
  /**
   * "Create invoice" (workflow action, deal card): the QBO product or service for line items whose HubSpot product has
   * no QBO item, when the action is set to use the default item.
   */
  defaultItemId: z.string().trim().min(1).optional(),
});

/** What is stored: the admin's settings and the state the runner keeps beside them, which no request may set. */
export const InvoiceSettingsSchema = EditableInvoiceSettingsSchema.extend({
  firstSyncCompletedAt: z.string().optional(),
});

export type InvoiceSettings = z.infer<typeof InvoiceSettingsSchema>;

export const defaultInvoiceSettings = (): InvoiceSettings => InvoiceSettingsSchema.parse({});
