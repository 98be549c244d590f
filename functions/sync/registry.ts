import { contactsCustomers } from './contacts-customers/flow';
import type { Flow } from './flow';
import { invoiceExportFlow } from './invoice-export/declare';
import { invoicesFlow } from './invoices/declare';
import { productsItems } from './products-items/flow';
import { twoWayFlow } from './two-way/declare';
import type { TwoWayFlow } from './two-way/flow';

/** The two-way flows' own specs, by name: their fields and matching (the settings API's field lists read them). */
export const TWO_WAY_SPECS = { contacts: contactsCustomers, products: productsItems } as const satisfies Record<string, TwoWayFlow<never>>;
export type TwoWayObject = keyof typeof TWO_WAY_SPECS;
export const isTwoWayObject = (name: string): name is TwoWayObject => name in TWO_WAY_SPECS;

/**
 * Every sync the product runs, in the order the settings page shows them. The runner, the settings API and both
 * webhook routes iterate this list; a new flow is one more declaration here (see flow.ts).
 */
export const FLOWS: readonly Flow[] = [
  twoWayFlow(contactsCustomers, 'Contacts ⇄ Customers'),
  twoWayFlow(productsItems, 'Products ⇄ Products and Services'),
  invoicesFlow,
  invoiceExportFlow,
];
