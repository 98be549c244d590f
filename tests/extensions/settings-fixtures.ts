import type { FieldCatalog, SettingsOverview, SyncHealth, SyncSummary } from '../../src/app/settings/types';

type TwoWaySync = Extract<SyncSummary, { direction: 'two_way' }>;

export const contactsSync = (over: Partial<TwoWaySync> = {}): SyncSummary => ({
  object: 'contacts',
  label: 'Contacts ⇄ Customers',
  direction: 'two_way',
  enabled: false,
  firstSyncCompletedAt: null,
  linkedRecords: 0,
  settings: {
    mappings: [
      { hubspotProperty: 'email', qboField: 'email', direction: 'two_way', winner: 'hubspot' },
      { hubspotProperty: 'firstname', qboField: 'givenName', direction: 'two_way', winner: 'hubspot' },
    ],
    createInHubspot: true,
    createInQbo: true,
  },
  ...over,
});

export const productsSync = (over: Partial<TwoWaySync> = {}): SyncSummary => ({
  object: 'products',
  label: 'Products ⇄ Products and Services',
  direction: 'two_way',
  enabled: true,
  firstSyncCompletedAt: '2026-01-10T09:30:00.000Z',
  linkedRecords: 12,
  settings: {
    mappings: [{ hubspotProperty: 'name', qboField: 'name', direction: 'two_way', winner: 'hubspot' }],
    createInHubspot: true,
    createInQbo: true,
    incomeAccountId: '1',
  },
  ...over,
});

export const invoicesSync = (over: Partial<Extract<SyncSummary, { object: 'invoices' }>> = {}): SyncSummary => ({
  object: 'invoices',
  label: 'Invoices QuickBooks → HubSpot',
  direction: 'to_hubspot',
  enabled: false,
  firstSyncCompletedAt: null,
  linkedRecords: 0,
  settings: { dealFieldName: 'HubSpot Deal', onDelete: 'archive' },
  ...over,
});

export function overview(
  over: { viewer?: Partial<SettingsOverview['viewer']>; connection?: Partial<SettingsOverview['connection']>; syncs?: SyncSummary[] } = {},
): SettingsOverview {
  return {
    viewer: { userId: 1, email: 'admin@example.com', canManage: true, ...over.viewer },
    connection: {
      state: 'connected',
      companyName: 'Craig’s Design and Landscaping',
      realmId: '9130',
      reason: null,
      clearingPreviousCompany: false,
      pendingCompanyChange: null,
      ...over.connection,
    },
    syncs: over.syncs ?? [contactsSync(), productsSync(), invoicesSync()],
  };
}

export const catalog: FieldCatalog = {
  hubspotProperties: [
    { name: 'company', label: 'Company name', type: 'string', readOnly: false },
    { name: 'email', label: 'Email', type: 'string', readOnly: false },
    { name: 'firstname', label: 'First name', type: 'string', readOnly: false },
    { name: 'hs_lead_status', label: 'Lead status', type: 'enumeration', readOnly: false },
    { name: 'num_employees', label: 'Number of employees', type: 'number', readOnly: false },
    { name: 'createdate', label: 'Create date', type: 'datetime', readOnly: true },
    { name: 'hs_object_id', label: 'Record ID', type: 'string', readOnly: true },
  ],
  qboFields: [
    { key: 'email', label: 'Email', valueType: 'text', hubspotTypes: ['string', 'phone_number'], hubspotTypesToQboOnly: ['enumeration'] },
    { key: 'givenName', label: 'First name', valueType: 'text', hubspotTypes: ['string', 'phone_number'], hubspotTypesToQboOnly: ['enumeration'] },
    { key: 'companyName', label: 'Company name', valueType: 'text', hubspotTypes: ['string', 'phone_number'], hubspotTypesToQboOnly: ['enumeration'] },
    { key: 'notes', label: 'Notes', valueType: 'text', hubspotTypes: ['string', 'phone_number'], hubspotTypesToQboOnly: ['enumeration'] },
  ],
  incomeAccounts: null,
  items: null,
};

export const health = (over: Partial<SyncHealth> = {}): SyncHealth => ({
  syncs: [
    {
      object: 'contacts',
      label: 'Contacts ⇄ Customers',
      enabled: true,
      lastRun: { kind: 'reconcile', finishedAt: '2026-01-15T12:00:00.000Z', counts: { updatedQbo: 2, failed: 1, unchanged: 40 } },
    },
    { object: 'products', label: 'Products ⇄ Products and Services', enabled: true, lastRun: null },
    { object: 'invoices', label: 'Invoices QuickBooks → HubSpot', enabled: false, lastRun: null },
  ],
  failures: [
    {
      id: 7,
      object: 'contacts',
      direction: 'to_qbo',
      action: 'create',
      at: '2026-01-15T11:58:00.000Z',
      code: 'qbo_validation',
      message: 'QuickBooks already has a customer named "Ada Lovelace". Rename one of them.',
      record: { name: 'Ada Lovelace', hubspotId: '501', hubspotUrl: 'https://app.hubspot.com/contacts/123/record/0-1/501', qboId: null, qboUrl: null },
    },
  ],
  deadLetters: [],
  ...over,
});
