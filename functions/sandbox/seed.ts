import type { HubSpotEmulator } from '../../emulators/hubspot/emulator';
import type { SeedInput, SeedResult } from '../../emulators/hubspot/seed';
import type { QuickBooksEmulator } from '../../emulators/quickbooks/emulator';
import { seedSandboxInvoices } from './seed-invoices';

/**
 * The demo world sandbox mode starts with: a HubSpot portal and a QBO company that overlap the way real ones
 * do (some people and products on both sides, some on one side only), so the first sync has links to make,
 * records to create each way and a few fields to reconcile.
 */
export const SANDBOX_PORTAL: SeedInput = {
  // Besides the installing admin (a super admin): another super admin, and a sales rep who may only look.
  users: [
    { email: 'finance.admin@example.com', firstName: 'Fiona', lastName: 'Finance', superAdmin: true },
    { email: 'sales.rep@example.com', firstName: 'Sam', lastName: 'Seller', role: 'Sales rep' },
  ],
  contacts: [
    { email: 'ada@lovelace.example', firstname: 'Ada', lastname: 'Lovelace', company: 'Analytical Engines Ltd', phone: '+44 20 7946 0001', city: 'London' },
    { email: 'grace@hopper.example', firstname: 'Grace', lastname: 'Hopper', company: 'Compilers Inc', city: 'Arlington', state: 'VA' },
    { email: 'alan@turing.example', firstname: 'Alan', lastname: 'Turing', company: 'Bletchley Labs', city: 'Wilmslow' },
    { email: 'katherine@johnson.example', firstname: 'Katherine', lastname: 'Johnson', company: 'Trajectory Co', phone: '+1 757 555 0134' },
    { email: 'linus@kernel.example', firstname: 'Linus', lastname: 'Torvalds', city: 'Portland', state: 'OR' },
    { email: 'margaret@hamilton.example', firstname: 'Margaret', lastname: 'Hamilton', company: 'Apollo Software' },
  ],
  products: [
    { name: 'Consulting hour', price: '150', hs_sku: 'CONS-1', description: 'One hour of consulting' },
    { name: 'Annual licence', price: '1200', hs_sku: 'LIC-12', description: 'Software licence, 12 months' },
    { name: 'Onboarding package', price: '2500', description: 'Set-up, data import and training' },
    { name: 'Support plan', price: '99', hs_sku: 'SUP-M', description: 'Monthly priority support' },
  ],
  deals: [
    {
      properties: { dealname: 'Engine retrofit', amount: '1500', dealstage: 'contractsent' },
      lineItems: [
        { productIndex: 0, properties: { quantity: '2' } },
        { productIndex: 1, properties: { quantity: '1' } },
      ],
      contactIndexes: [0],
    },
    { properties: { dealname: 'Compiler support', amount: '1188' }, lineItems: [{ productIndex: 3, properties: { quantity: '12' } }], contactIndexes: [1] },
    { properties: { dealname: 'Trajectory onboarding', amount: '2500' }, lineItems: [{ productIndex: 2, properties: { quantity: '1' } }], contactIndexes: [3] },
  ],
};

/** The deal the README's "Create invoice" demo runs on: no invoice yet, its contact and product synced by the first syncs. */
const DEMO_DEAL_INDEX = 2;

/** Seeds both emulators; `portal` has the ids of what was created in HubSpot, in SANDBOX_PORTAL's order. */
export function seedSandbox(hubspot: HubSpotEmulator, qbo: QuickBooksEmulator): { portal: SeedResult; demoDeal: { id: string; name: string } } {
  const portal = hubspot.seed(SANDBOX_PORTAL);
  qbo.seed({
    entities: {
      Customer: [
        {
          DisplayName: 'Ada Lovelace',
          GivenName: 'Ada',
          FamilyName: 'Lovelace',
          CompanyName: 'Analytical Engines Ltd',
          PrimaryEmailAddr: { Address: 'ada@lovelace.example' },
          BillAddr: { Line1: '12 St James Sq', City: 'London', PostalCode: 'SW1Y 4JH' },
        },
        {
          DisplayName: 'Grace Hopper',
          GivenName: 'Grace',
          FamilyName: 'Hopper',
          PrimaryEmailAddr: { Address: 'grace@hopper.example' },
          PrimaryPhone: { FreeFormNumber: '+1 703 555 0199' },
        },
        {
          DisplayName: 'Charles Babbage',
          GivenName: 'Charles',
          FamilyName: 'Babbage',
          CompanyName: 'Difference Engines',
          PrimaryEmailAddr: { Address: 'charles@babbage.example' },
        },
        {
          DisplayName: 'Hedy Lamarr',
          GivenName: 'Hedy',
          FamilyName: 'Lamarr',
          PrimaryEmailAddr: { Address: 'hedy@lamarr.example' },
          BillAddr: { City: 'Vienna' },
        },
      ],
      Item: [
        { Name: 'Consulting hour', Sku: 'CONS-1', Type: 'Service', UnitPrice: 150, IncomeAccountRef: { value: '1' } },
        { Name: 'Onboarding package', Type: 'Service', UnitPrice: 2400, IncomeAccountRef: { value: '1' } },
        { Name: 'Hardware audit', Sku: 'AUD-1', Type: 'Service', UnitPrice: 800, Description: 'On-site hardware audit', IncomeAccountRef: { value: '1' } },
      ],
    },
  });
  seedSandboxInvoices(
    qbo,
    portal.deals.map((d) => d.id),
  );
  return { portal, demoDeal: { id: portal.deals[DEMO_DEAL_INDEX]!.id, name: SANDBOX_PORTAL.deals![DEMO_DEAL_INDEX]!.properties['dealname']! } };
}
