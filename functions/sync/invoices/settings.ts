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
  /**
   * Which way invoices go: QuickBooks invoices into HubSpot, HubSpot invoices into QuickBooks, or both. Payments and
   * voids of every linked invoice follow in either case.
   */
  direction: z.enum(['to_hubspot', 'to_qbo', 'both']).default('to_hubspot'),
  /** HubSpot → QuickBooks: the HubSpot statuses that send an invoice (finalized invoices are `open`). */
  exportStatuses: z
    .array(z.enum(['open', 'paid']))
    .min(1)
    .default(['open']),
  /** HubSpot → QuickBooks: invoices billing less than this (in their currency, e.g. "100.00") stay in HubSpot. */
  exportMinimumAmount: z
    .string()
    .trim()
    .regex(/^\d+(\.\d{1,2})?$/, 'a minimum amount is a number such as 100 or 99.50')
    .optional(),
  /** HubSpot → QuickBooks: only invoices whose HubSpot property has this value (e.g. hs_invoice_source = "hubspot"). */
  exportCondition: z.strictObject({ property: z.string().trim().min(1), value: z.string() }).optional(),
  /** HubSpot → QuickBooks: the contact's missing QuickBooks customer is created, or the invoice fails. */
  whenCustomerMissing: z.enum(['create', 'fail']).default('create'),
  /**
   * HubSpot → QuickBooks: HubSpot taxes (the invoice's tax by its label, or a line item's tax rate by its
   * `hs_tax_rate_group_id`) → a QuickBooks tax code, by name or id.
   */
  taxMapping: z.array(z.strictObject({ hubspotTax: z.string().trim().min(1), qboTaxCode: z.string().trim().min(1) })).default([]),
  /** HubSpot → QuickBooks: the QuickBooks tax code for lines no mapping covers (else the item's default code). */
  defaultTaxCode: z.string().trim().min(1).optional(),
  /**
   * An invoice made in HubSpot whose lines, prices or tax are edited in QuickBooks: `flag` keeps QuickBooks' edit and
   * reports it in sync health; `revert` puts HubSpot's lines back in QuickBooks and reports that.
   */
  onOwnedFieldEdit: z.enum(['flag', 'revert']).default('flag'),
});

/** The invoice sync's direction includes HubSpot → QuickBooks. */
export const exportsToQbo = (settings: Pick<InvoiceSettings, 'direction'>): boolean => settings.direction !== 'to_hubspot';
/** The invoice sync's direction includes QuickBooks → HubSpot for invoices made in QuickBooks. */
export const importsToHubspot = (settings: Pick<InvoiceSettings, 'direction'>): boolean => settings.direction !== 'to_qbo';

/** What is stored: the admin's settings and the state the runner keeps beside them, which no request may set. */
export const InvoiceSettingsSchema = EditableInvoiceSettingsSchema.extend({
  firstSyncCompletedAt: z.string().optional(),
});

export type InvoiceSettings = z.infer<typeof InvoiceSettingsSchema>;

export const defaultInvoiceSettings = (): InvoiceSettings => InvoiceSettingsSchema.parse({});
