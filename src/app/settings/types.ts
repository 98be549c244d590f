/**
 * The backend's answers as this page reads them (the backend's contract: functions/http/api/contract.ts in the app's
 * repository; restated here because an extension may import nothing from outside its own folder).
 */
export type SyncName = 'contacts' | 'products' | 'invoices';
export type Direction = 'two_way' | 'to_hubspot' | 'to_qbo';
export type Winner = 'hubspot' | 'qbo';

export interface FieldMapping {
  hubspotProperty: string;
  qboField: string;
  direction: Direction;
  winner: Winner;
}

export interface TwoWaySettings {
  mappings: FieldMapping[];
  createInHubspot: boolean;
  createInQbo: boolean;
  incomeAccountId?: string;
  /** Products only: the QuickBooks item types that sync (kept as they are; not edited on this page). */
  itemTypes?: string[];
}

export interface InvoiceSettings {
  dealFieldName: string;
  onDelete: 'archive' | 'keep';
  firstSyncFrom?: string;
  /** "Create invoice": the QuickBooks product or service for line items whose product has none there. */
  defaultItemId?: string;
  /** Which way invoices go (the backend always sends it; absent reads as QuickBooks → HubSpot). */
  direction?: InvoiceDirection;
  /** HubSpot → QuickBooks: the HubSpot statuses that send an invoice. */
  exportStatuses?: ('open' | 'paid')[];
  exportMinimumAmount?: string;
  exportCondition?: { property: string; value: string };
  whenCustomerMissing?: 'create' | 'fail';
  taxMapping?: TaxMapping[];
  defaultTaxCode?: string;
  onOwnedFieldEdit?: 'flag' | 'revert';
}

export type InvoiceDirection = 'to_hubspot' | 'to_qbo' | 'both';
export interface TaxMapping {
  hubspotTax: string;
  qboTaxCode: string;
}

interface SyncCommon {
  label: string;
  enabled: boolean;
  firstSyncCompletedAt: string | null;
  linkedRecords: number;
}
export type SyncSummary =
  | (SyncCommon & { object: 'contacts' | 'products'; direction: 'two_way'; settings: TwoWaySettings })
  | (SyncCommon & { object: 'invoices'; direction: 'to_hubspot'; settings: InvoiceSettings });

export type ConnectionState = 'connected' | 'needs_reconnect' | 'not_connected';

export interface CompanyChange {
  realmId: string;
  companyName: string | null;
  currentCompanyName: string | null;
  currentRealmId: string | null;
  startedByUserId: number;
  expiresAt: string;
}

export interface ConnectionView {
  state: ConnectionState;
  companyName: string | null;
  realmId: string | null;
  reason: string | null;
  clearingPreviousCompany: boolean;
  pendingCompanyChange: CompanyChange | null;
}

export interface SettingsOverview {
  viewer: { userId: number; email: string; canManage: boolean };
  connection: ConnectionView;
  syncs: SyncSummary[];
}

export interface FieldCatalog {
  hubspotProperties: { name: string; label: string; type: string; readOnly: boolean }[];
  qboFields: { key: string; label: string; valueType: 'text' | 'money' | 'boolean'; hubspotTypes: string[]; hubspotTypesToQboOnly: string[] }[];
  incomeAccounts: { id: string; name: string }[] | null;
  items: { id: string; name: string }[] | null;
}

export type Preview =
  | {
      kind: 'two_way';
      object: 'contacts' | 'products';
      counts: { matched: number; createInHubspot: number; createInQbo: number; updateHubspot: number; updateQbo: number; unchanged: number; conflicts: number };
    }
  | {
      kind: 'invoices';
      object: 'invoices';
      counts: { invoices: number; create: number; update: number; withDeal: number; withoutContact: number; payments: number };
    };

export interface RecordRef {
  name: string;
  hubspotId: string | null;
  hubspotUrl: string | null;
  qboId: string | null;
  qboUrl: string | null;
}

export interface SyncHealth {
  syncs: {
    object: SyncName;
    label: string;
    enabled: boolean;
    lastRun: { kind: 'first_sync' | 'changes' | 'reconcile'; finishedAt: string; counts: Record<string, number> } | null;
  }[];
  failures: {
    id: number;
    object: SyncName;
    direction: 'to_hubspot' | 'to_qbo';
    action: string;
    at: string;
    code: string | null;
    message: string;
    record: RecordRef;
  }[];
  deadLetters: { object: SyncName; work: 'changes' | 'reconcile' | 'first_sync' | 'workflow_action'; jobs: number; oldestFailedAt: string }[];
}

export interface RetryResult {
  recordsQueued: number;
  jobsRetried: number;
}
