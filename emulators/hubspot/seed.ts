import { setPortalCurrencies, type PortalCurrencies } from './currencies';
import type { HubSpotEmulator } from './emulator';
import type { ChangeActor } from './state';
import type { UserInput } from './users';

/** Records to create before a test or a sandbox session; indexes refer to earlier entries of the same seed. */
export interface SeedInput {
  /** The portal's company currency and additional currencies (currencies.ts); without it the portal keeps its own. */
  currencies?: { company?: string; additional?: string[] };
  /** Colleagues of the installing admin (who is always a super admin of the portal). */
  users?: UserInput[];
  contacts?: Record<string, string>[];
  companies?: Record<string, string>[];
  products?: Record<string, string>[];
  deals?: {
    properties: Record<string, string>;
    /** Line items, each from a seeded product (`productIndex`) or free-standing. */
    lineItems?: { productIndex?: number; properties?: Record<string, string> }[];
    contactIndexes?: number[];
    companyIndex?: number;
  }[];
}

export interface SeedResult {
  users: string[];
  contacts: string[];
  companies: string[];
  products: string[];
  deals: { id: string; lineItems: string[] }[];
}

/** Seeded data is an import: no webhooks are sent for it, and its history says `IMPORT`. */
const IMPORT: ChangeActor = { changeSource: 'IMPORT' };

export function seed(emu: HubSpotEmulator, input: SeedInput): SeedResult {
  const emails = [...emu.users.users.values(), ...(input.users ?? [])].map((u) => u.email.toLowerCase());
  const duplicate = emails.find((e, i) => emails.indexOf(e) !== i);
  if (duplicate !== undefined) throw new Error(`seed: a user with email ${duplicate} already exists`);
  // Users live outside the CRM state the transaction restores: taken back by hand when the seed fails.
  const users = (input.users ?? []).map((u) => emu.addUser(u).id);
  try {
    return seedRecords(emu, input, users);
  } catch (err) {
    for (const id of users) emu.users.remove(id);
    throw err;
  }
}

function seedRecords(emu: HubSpotEmulator, input: SeedInput, users: string[]): SeedResult {
  return emu.silently(() =>
    emu.transaction(() => {
      const svc = emu.records;
      if (input.currencies) {
        const current: PortalCurrencies = emu.state.currencies;
        setPortalCurrencies(emu.state, { company: input.currencies.company ?? current.company, additional: input.currencies.additional ?? current.additional });
      }
      const contacts = (input.contacts ?? []).map((p) => svc.create('contacts', p, IMPORT).id);
      const companies = (input.companies ?? []).map((p) => svc.create('companies', p, IMPORT).id);
      const products = (input.products ?? []).map((p) => svc.create('products', p, IMPORT).id);
      const deals = (input.deals ?? []).map((d) => {
        const deal = svc.create('deals', { pipeline: 'default', dealstage: 'appointmentscheduled', ...d.properties }, IMPORT);
        const lineItems = (d.lineItems ?? []).map((li) => {
          const productId = li.productIndex === undefined ? undefined : products[li.productIndex];
          if (li.productIndex !== undefined && productId === undefined) throw new Error(`seed: no product at index ${li.productIndex}`);
          const item = svc.create('line_items', { quantity: '1', ...(productId ? { hs_product_id: productId } : {}), ...li.properties }, IMPORT);
          svc.associations.add('deals', deal.id, 'line_items', item.id, [svc.associations.defaultType('deals', 'line_items')]);
          return item.id;
        });
        for (const i of d.contactIndexes ?? []) {
          const contactId = contacts[i];
          if (contactId === undefined) throw new Error(`seed: no contact at index ${i}`);
          svc.associations.add('deals', deal.id, 'contacts', contactId, [svc.associations.defaultType('deals', 'contacts')]);
        }
        if (d.companyIndex !== undefined) {
          const companyId = companies[d.companyIndex];
          if (companyId === undefined) throw new Error(`seed: no company at index ${d.companyIndex}`);
          svc.associations.add('deals', deal.id, 'companies', companyId, [svc.associations.defaultType('deals', 'companies')]);
        }
        return { id: deal.id, lineItems };
      });
      return { users, contacts, companies, products, deals };
    }),
  );
}

/** The demo portal sandbox mode starts with. */
export const DEMO_SEED: SeedInput = {
  users: [
    { email: 'finance.admin@example.com', firstName: 'Fiona', lastName: 'Finance', superAdmin: true },
    { email: 'sales.rep@example.com', firstName: 'Sam', lastName: 'Seller', role: 'Sales rep' },
  ],
  contacts: [
    { email: 'ada@lovelace.example', firstname: 'Ada', lastname: 'Lovelace', company: 'Analytical Engines Ltd' },
    { email: 'grace@hopper.example', firstname: 'Grace', lastname: 'Hopper', company: 'Compilers Inc' },
  ],
  companies: [
    { name: 'Analytical Engines Ltd', domain: 'lovelace.example' },
    { name: 'Compilers Inc', domain: 'hopper.example' },
  ],
  products: [
    { name: 'Consulting hour', price: '150', hs_sku: 'CONS-1', description: 'One hour of consulting' },
    { name: 'Annual licence', price: '1200', hs_sku: 'LIC-12', description: 'Software licence, 12 months' },
  ],
  deals: [
    {
      properties: { dealname: 'Engine retrofit', amount: '1500', dealstage: 'contractsent' },
      lineItems: [
        { productIndex: 0, properties: { quantity: '2' } },
        { productIndex: 1, properties: { quantity: '1', discount: '100' } },
      ],
      contactIndexes: [0],
      companyIndex: 0,
    },
    {
      properties: { dealname: 'Compiler support', amount: '300' },
      lineItems: [{ productIndex: 0, properties: { quantity: '2' } }],
      contactIndexes: [1],
      companyIndex: 1,
    },
  ],
};
