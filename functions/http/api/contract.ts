import { z } from 'zod';
import { InvoiceSettingsSchema } from '../../sync/invoices/settings';
import { INVOICE_STATUSES } from '../../sync/invoices/status';
import { FlowSettingsSchema } from '../../sync/two-way/settings';

/**
 * The settings page's and the deal card's API (`hubspot.fetch`, signed): every request body is parsed with these
 * schemas and every response is checked against them before it leaves, so this file is the contract the extensions
 * (src/app/settings, src/app/cards) are written against. Amounts are decimal strings in the invoice's currency,
 * dates `YYYY-MM-DD`, times ISO-8601.
 */

export const SYNC_NAMES = ['contacts', 'products', 'invoices'] as const;
export const SyncNameSchema = z.enum(SYNC_NAMES);
export type SyncName = z.infer<typeof SyncNameSchema>;

/** Every error: a stable code for the extension to branch on, and a sentence for the person reading it. */
export const ErrorBodySchema = z.object({
  error: z.string(),
  message: z.string(),
  problems: z.array(z.string()).optional(),
});
export type ErrorBody = z.infer<typeof ErrorBodySchema>;

// ── settings page ─────────────────────────────────────────────────────────────────────────────────────────

export const ViewerSchema = z.object({ userId: z.number().int(), email: z.string(), canManage: z.boolean() });

export const ConnectionStateSchema = z.enum(['connected', 'needs_reconnect', 'not_connected']);

export const CompanyChangeSchema = z.object({
  realmId: z.string(),
  companyName: z.string().nullable(),
  /** The company the syncs run with now (its links and checkpoints are what starting fresh forgets). */
  currentCompanyName: z.string().nullable(),
  currentRealmId: z.string().nullable(),
  startedByUserId: z.number().int(),
  expiresAt: z.iso.datetime(),
});

export const ConnectionViewSchema = z.object({
  state: ConnectionStateSchema,
  companyName: z.string().nullable(),
  realmId: z.string().nullable(),
  /** Why a reconnect is needed, or why it is disconnected, in plain words. */
  reason: z.string().nullable(),
  /** After a switch of company: the previous company's ids are being cleared from HubSpot records; syncs wait. */
  clearingPreviousCompany: z.boolean(),
  pendingCompanyChange: CompanyChangeSchema.nullable(),
});
export type ConnectionView = z.infer<typeof ConnectionViewSchema>;

/**
 * What an admin edits for a sync: the flow's own settings schema (so a setting added to a flow is editable here
 * too) without the keys the app alone sets. `firstSyncCompletedAt` is read-only: a request that sends it is refused.
 */
export const SERVER_OWNED_SETTINGS = ['firstSyncCompletedAt'] as const;
const serverOwned = { firstSyncCompletedAt: true } as const satisfies Record<(typeof SERVER_OWNED_SETTINGS)[number], true>;

export const TwoWaySettingsBodySchema = FlowSettingsSchema.omit(serverOwned);
export type TwoWaySettingsBody = z.infer<typeof TwoWaySettingsBodySchema>;

export const InvoiceSettingsBodySchema = InvoiceSettingsSchema.omit(serverOwned);
export type InvoiceSettingsBody = z.infer<typeof InvoiceSettingsBodySchema>;

export const SyncSummarySchema = z.discriminatedUnion('object', [
  z.object({
    object: z.enum(['contacts', 'products']),
    label: z.string(),
    direction: z.literal('two_way'),
    enabled: z.boolean(),
    firstSyncCompletedAt: z.iso.datetime().nullable(),
    linkedRecords: z.number().int(),
    settings: TwoWaySettingsBodySchema,
  }),
  z.object({
    object: z.literal('invoices'),
    label: z.string(),
    direction: z.literal('to_hubspot'),
    enabled: z.boolean(),
    firstSyncCompletedAt: z.iso.datetime().nullable(),
    linkedRecords: z.number().int(),
    settings: InvoiceSettingsBodySchema,
  }),
]);
export type SyncSummary = z.infer<typeof SyncSummarySchema>;

export const SettingsOverviewSchema = z.object({
  viewer: ViewerSchema,
  connection: ConnectionViewSchema,
  syncs: z.array(SyncSummarySchema),
});
export type SettingsOverview = z.infer<typeof SettingsOverviewSchema>;

export const ConnectStartSchema = z.object({ url: z.url() });

export const FieldCatalogSchema = z.object({
  hubspotProperties: z.array(z.object({ name: z.string(), label: z.string(), type: z.string(), readOnly: z.boolean() })),
  qboFields: z.array(
    z.object({
      key: z.string(),
      label: z.string(),
      valueType: z.enum(['text', 'money', 'boolean']),
      /** HubSpot property types that fit this field in any direction, and those that fit only towards QuickBooks. */
      hubspotTypes: z.array(z.string()),
      hubspotTypesToQboOnly: z.array(z.string()),
    }),
  ),
  /** Products only: the income accounts new QuickBooks items may post to. */
  incomeAccounts: z.array(z.object({ id: z.string(), name: z.string() })).nullable(),
  /** Invoices only: the products and services "Create invoice" may use for a line item whose product has none. */
  items: z.array(z.object({ id: z.string(), name: z.string() })).nullable(),
});
export type FieldCatalog = z.infer<typeof FieldCatalogSchema>;

const count = z.number().int().nonnegative();

export const PreviewSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('two_way'),
    object: z.enum(['contacts', 'products']),
    counts: z.object({
      matched: count,
      createInHubspot: count,
      createInQbo: count,
      updateHubspot: count,
      updateQbo: count,
      unchanged: count,
      conflicts: count,
    }),
  }),
  z.object({
    kind: z.literal('invoices'),
    object: z.literal('invoices'),
    counts: z.object({ invoices: count, create: count, update: count, withDeal: count, withoutContact: count, payments: count }),
  }),
]);
export type Preview = z.infer<typeof PreviewSchema>;

// ── sync health ───────────────────────────────────────────────────────────────────────────────────────────

export const RecordRefSchema = z.object({
  name: z.string(),
  hubspotId: z.string().nullable(),
  hubspotUrl: z.url().nullable(),
  qboId: z.string().nullable(),
  qboUrl: z.url().nullable(),
});

export const SyncHealthSchema = z.object({
  syncs: z.array(
    z.object({
      object: SyncNameSchema,
      label: z.string(),
      enabled: z.boolean(),
      lastRun: z
        .object({ kind: z.enum(['first_sync', 'changes', 'reconcile']), finishedAt: z.iso.datetime(), counts: z.record(z.string(), z.number()) })
        .nullable(),
    }),
  ),
  /** Records whose latest attempt failed, newest first (a record that synced since is not listed). */
  failures: z.array(
    z.object({
      id: z.number().int(),
      object: SyncNameSchema,
      direction: z.enum(['to_hubspot', 'to_qbo']),
      action: z.string(),
      at: z.iso.datetime(),
      code: z.string().nullable(),
      message: z.string(),
      record: RecordRefSchema,
    }),
  ),
  /** Jobs that failed every retry, per sync and kind of work. */
  deadLetters: z.array(
    z.object({
      object: SyncNameSchema,
      work: z.enum(['changes', 'reconcile', 'first_sync', 'workflow_action']),
      jobs: count,
      oldestFailedAt: z.iso.datetime(),
    }),
  ),
});
export type SyncHealth = z.infer<typeof SyncHealthSchema>;

export const RetryResultSchema = z.object({ recordsQueued: count, jobsRetried: count });

// ── deal card ─────────────────────────────────────────────────────────────────────────────────────────────

export const DealInvoicesSchema = z.object({
  connection: z.object({ state: ConnectionStateSchema, companyName: z.string().nullable() }),
  invoices: z.array(
    z.object({
      qboInvoiceId: z.string(),
      number: z.string().nullable(),
      invoiceDate: z.iso.date().nullable(),
      dueDate: z.iso.date().nullable(),
      currency: z.string().nullable(),
      amount: z.string(),
      balance: z.string(),
      status: z.enum(INVOICE_STATUSES),
      daysOverdue: count,
      qboUrl: z.url().nullable(),
    }),
  ),
  payments: z.array(
    z.object({
      qboPaymentId: z.string(),
      qboInvoiceId: z.string(),
      invoiceNumber: z.string().nullable(),
      paidOn: z.iso.date().nullable(),
      amount: z.string(),
      currency: z.string().nullable(),
      method: z.string().nullable(),
      reference: z.string().nullable(),
      state: z.enum(['applied', 'voided', 'deleted']),
    }),
  ),
  /** Per currency: what was billed, paid and is still owed (voided and deleted invoices count for nothing). */
  totals: z.array(z.object({ currency: z.string().nullable(), billed: z.string(), paid: z.string(), outstanding: z.string() })),
  /** The "Create invoice" button: `enabled` false with `reason` when it cannot work right now (QuickBooks not connected). */
  createInvoice: z.object({ available: z.boolean(), enabled: z.boolean(), reason: z.string().nullable() }),
});
export type DealInvoices = z.infer<typeof DealInvoicesSchema>;

/** Create invoice: an id the card makes per click and repeats on a retry, so one click makes one invoice. */
export const CreateInvoiceRequestSchema = z.strictObject({ requestId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/) });

export const CreatedInvoiceSchema = z.object({ qboInvoiceId: z.string(), number: z.string().nullable(), qboUrl: z.url().nullable() });
export type CreatedInvoice = z.infer<typeof CreatedInvoiceSchema>;
